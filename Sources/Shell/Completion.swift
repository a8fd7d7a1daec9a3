import Foundation
import Workbench

/// Tab completion from the same declarations that drive dispatch: verbs, plugin names per verb,
/// parameter names (`lambda=`), choices of a parameter, snapshot names and file paths.
///
/// Candidates are written as the lexer reads them: a path with a space (or any character a bare word
/// cannot hold) is completed inside double quotes, with `\"` and `\\` escaped; completion works inside a
/// string already opened; `~/` at the start of a path completes from the home folder and is replaced by
/// it (commands take paths as written and do not expand `~`).
public struct Completer {
    /// The interpreter whose session supplies snapshot names.
    let interpreter: Interpreter
    /// The folder `~` stands for (the `HOME` variable), or nil when there is none.
    var homeDirectory: String?

    /// A completer for an interpreter.
    public init(interpreter: Interpreter) {
        self.interpreter = interpreter
        homeDirectory = ProcessInfo.processInfo.environment["HOME"]
    }

    /// Candidates replacing the word that ends the text before the cursor, as the line editor delimits it
    /// (`LineEditor.completionWord`: the part after the last space or `=`), sorted.
    public func candidates(_ lineBeforeCursor: String) -> [String] {
        guard let typed = TypedCommand(lineBeforeCursor) else { return [] }
        var words = typed.words
        let partial = typed.isTypingNewWord ? TypedWord() : words.removeLast()
        guard let verb = words.first?.value else {
            return CommandTable.verbs.filter { $0.hasPrefix(partial.value) }.sorted()
        }
        guard case .success(let spec) = CommandTable.lookup(verb) else { return [] }
        let positionalsSoFar = words.dropFirst().filter { $0.name == nil }.map(\.value)
        if let name = partial.name {
            let values = valueCandidates(spec, words: positionalsSoFar, parameter: name, prefix: partial.value)
            return rendered(values, replacing: partial, in: lineBeforeCursor)
        }
        var values: [String] = []
        let index = positionalsSoFar.count
        if index < spec.positionals.count {
            values += positionalCandidates(spec.positionals[index].completions, prefix: partial.value)
        } else if let variadic = spec.positionals.last, variadic.variadic {
            values += positionalCandidates(variadic.completions, prefix: partial.value)
        }
        var names: [String] = []
        if !partial.isQuoted && (index > spec.pluginPositional || spec.pluginKind == nil
                                   || index == spec.pluginPositional && spec.pluginIsOptional) {
            names = parameterNames(spec, words: positionalsSoFar).map { $0 + "=" }.filter { $0.hasPrefix(partial.value) }
        }
        // A value that needs quotes gets them; `name=` never does (an unquoted word is the editor's word).
        return (rendered(values, replacing: partial, in: lineBeforeCursor, unique: values.count + names.count == 1)
                + names).sorted()
    }

    /// The candidates (plain values) as the text that replaces the line editor's word: quoted where the
    /// lexer needs it or the user opened a quote, the quote closed when there is one candidate and it is
    /// not a folder, and cut to the part after the text already typed before the editor's word.
    func rendered(_ values: [String], replacing partial: TypedWord, in line: String, unique: Bool? = nil) -> [String] {
        let editorWord = LineEditor.completionWord(in: line)
        guard partial.text.hasSuffix(editorWord), !partial.isClosedString else { return [] }
        let before = String(partial.text.dropLast(editorWord.count))
        let unique = unique ?? (Set(values).count == 1)
        return values.compactMap { value in
            var text = value
            if partial.isQuoted || !Lexer.isBareWord(value) {
                text = "\"" + Self.escaped(value)
                if unique && !value.hasSuffix("/") { text += "\"" }
            }
            guard text.hasPrefix(before) else { return nil }
            return String(text.dropFirst(before.count))
        }.sorted()
    }

    /// `value` as the inside of a string literal.
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            case "\t": result += "\\t"
            default: result.append(character)
            }
        }
        return result
    }

    /// The parameter declarations key=value arguments of this command take.
    func parameters(_ spec: CommandSpec, words: [String]) -> [ParameterSpec] {
        var declared = spec.parameters
        if let kind = spec.pluginKind {
            let pluginName: String? = spec.pluginPositional < words.count ? words[spec.pluginPositional] : nil
            if let pluginName, let plugin = Plugins.spec(kind, named: pluginName) {
                declared += plugin.parameters
            } else if kind == .model {
                declared += Plugins.defaultModel.spec.parameters
            } else if spec.pluginIsOptional {
                // The plugin may be left out (the current one is kept): offer every plugin's parameters.
                declared += Interpreter.everyParameter(of: kind)
            }
        }
        return declared
    }

    func parameterNames(_ spec: CommandSpec, words: [String]) -> [String] {
        parameters(spec, words: words).map(\.name)
    }

    func valueCandidates(_ spec: CommandSpec, words: [String], parameter name: String, prefix: String) -> [String] {
        guard let parameter = parameters(spec, words: words).first(where: { $0.name == name }) else { return [] }
        switch parameter.kind {
        case .choice(let words): return words.filter { $0.hasPrefix(prefix) }
        case .boolean: return ["true", "false"].filter { $0.hasPrefix(prefix) }
        case .text: return files(prefix: prefix, extensions: [])
        default: return []
        }
    }

    func positionalCandidates(_ source: CompletionSource, prefix: String) -> [String] {
        switch source {
        case .none: return []
        case .words(let words): return words.filter { $0.hasPrefix(prefix) }
        case .plugins(let kind, let words):
            return (Interpreter.pluginSpecs(kind).flatMap { [$0.name] + $0.aliases } + words).filter { $0.hasPrefix(prefix) }
        case .files(let extensions): return files(prefix: prefix, extensions: extensions)
        case .snapshots: return interpreter.session.snapshotNames.filter { $0.hasPrefix(prefix) }
        case .commands: return CommandTable.verbs.filter { $0.hasPrefix(prefix) }
        case .topics:
            return (CommandTable.verbs + Interpreter.allPluginSpecs.map(\.name)).filter { $0.hasPrefix(prefix) }
        }
    }

    /// Paths starting with `prefix`: folders (with a trailing /) and files with one of `extensions`. A
    /// prefix `~` or `~/…` lists the home folder, and the candidates start with that folder instead of `~`.
    func files(prefix: String, extensions: [String]) -> [String] {
        var prefix = prefix
        if prefix == "~" || prefix.hasPrefix("~/"), let home = homeDirectory, !home.isEmpty {
            prefix = (home.hasSuffix("/") ? String(home.dropLast()) : home) + "/" + prefix.dropFirst(prefix == "~" ? 1 : 2)
        }
        let folder: String, stem: String
        if let slash = prefix.lastIndex(of: "/") {
            folder = String(prefix[...slash])
            stem = String(prefix[prefix.index(after: slash)...])
        } else {
            folder = ""
            stem = prefix
        }
        let directory = folder.isEmpty ? "." : folder
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.filter { $0.hasPrefix(stem) && (!$0.hasPrefix(".") || stem.hasPrefix(".")) }.compactMap { name in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: (directory as NSString).appendingPathComponent(name), isDirectory: &isFolder)
            if isFolder.boolValue { return folder + name + "/" }
            if extensions.isEmpty || extensions.contains(where: { name.hasSuffix("." + $0) }) { return folder + name }
            return nil
        }
    }
}

/// One word of the command being typed, read as the lexer reads it: `name=` split off, a string's
/// quotes removed and its escapes undone.
struct TypedWord {
    /// The word as typed (after `name=` when there is one).
    var text = ""
    /// Its meaning: the text without quotes, escapes undone.
    var value = ""
    /// The parameter name before `=`, when the word is `name=value`.
    var name: String?
    /// Whether the value is (or starts) a double-quoted string.
    var isQuoted = false
    /// Whether that string is closed.
    var isClosedString = false
}

/// The command being typed before the cursor: its words, split as the lexer splits them (spaces inside
/// strings belong to the string; `;`, `{` and `}` outside strings start a new command).
struct TypedCommand {
    var words: [TypedWord] = []
    /// Whether the cursor follows a space (outside strings), so a new word begins.
    var isTypingNewWord = true

    /// Nil when the cursor is inside a comment.
    init?(_ line: String) {
        var word: TypedWord?
        var inString = false
        var escaping = false
        func finish() {
            if let finished = word { words.append(finished) }
            word = nil
        }
        for character in line {
            if inString {
                word!.text.append(character)
                if escaping {
                    switch character {
                    case "n": word!.value.append("\n")
                    case "t": word!.value.append("\t")
                    default: word!.value.append(character)
                    }
                    escaping = false
                } else if character == "\\" {
                    escaping = true
                } else if character == "\"" {
                    inString = false
                    word!.isClosedString = true
                } else {
                    word!.value.append(character)
                }
                continue
            }
            switch character {
            case " ", "\t":
                finish()
            case ";", "{", "}":
                finish()
                words = []
            case "#":
                return nil
            case "\"":
                if word == nil { word = TypedWord() }
                word!.text.append(character)
                word!.isQuoted = true
                word!.isClosedString = false
                inString = true
            case "=" where word != nil && word!.name == nil && !word!.isQuoted:
                word!.name = word!.value
                word!.text = ""
                word!.value = ""
            default:
                if word == nil { word = TypedWord() }
                word!.text.append(character)
                word!.value.append(character)
            }
        }
        isTypingNewWord = word == nil
        finish()
    }
}
