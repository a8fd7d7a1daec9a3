import Foundation
import Workbench

/// Tab completion from the same declarations that drive dispatch: verbs, plugin names per verb,
/// parameter names (`lambda=`), choices of a parameter, snapshot names and file paths.
public struct Completer {
    /// The interpreter whose session supplies snapshot names.
    let interpreter: Interpreter

    /// A completer for an interpreter.
    public init(interpreter: Interpreter) { self.interpreter = interpreter }

    /// Candidates replacing the word that ends the text before the cursor (the part after `=` for a
    /// value), sorted.
    public func candidates(_ lineBeforeCursor: String) -> [String] {
        // Only the command being typed matters: the part after the last `;`.
        let current = lineBeforeCursor.split(separator: ";", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        var words = current.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let typingNewWord = current.isEmpty || current.last == " "
        let partial = typingNewWord ? "" : (words.popLast() ?? "")
        guard let verb = words.first else {
            return CommandTable.verbs.filter { $0.hasPrefix(partial) }.sorted()
        }
        guard case .success(let spec) = CommandTable.lookup(verb) else { return [] }
        let positionalsSoFar = words.dropFirst().filter { !$0.contains("=") }
        if let equals = partial.firstIndex(of: "=") {
            let name = String(partial[..<equals])
            let prefix = String(partial[partial.index(after: equals)...])
            return valueCandidates(spec, words: Array(positionalsSoFar), parameter: name, prefix: prefix)
        }
        var result: [String] = []
        let index = positionalsSoFar.count
        if index < spec.positionals.count {
            result += positionalCandidates(spec.positionals[index].completions, prefix: partial)
        } else if let variadic = spec.positionals.last, variadic.variadic {
            result += positionalCandidates(variadic.completions, prefix: partial)
        }
        if index > spec.pluginPositional || spec.pluginKind == nil {
            result += parameterNames(spec, words: Array(positionalsSoFar)).map { $0 + "=" }.filter { $0.hasPrefix(partial) }
        }
        return result.sorted()
    }

    /// The parameter declarations key=value arguments of this command take.
    func parameters(_ spec: CommandSpec, words: [String]) -> [ParameterSpec] {
        var declared = spec.parameters
        if let kind = spec.pluginKind {
            let pluginName: String? = spec.pluginPositional < words.count ? words[spec.pluginPositional] : nil
            if let pluginName, let plugin = Interpreter.pluginSpecs(kind).first(where: { $0.name == pluginName || $0.aliases.contains(pluginName) }) {
                declared += plugin.parameters
            } else if kind == .model {
                declared += MLPModel.spec.parameters
            }
            if spec.name == "noise" { declared = NoiseSpec.spec.parameters.filter { $0.name != "distribution" } }
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
        case .plugins(let kind):
            return Interpreter.pluginSpecs(kind).flatMap { [$0.name] + $0.aliases }.filter { $0.hasPrefix(prefix) }
        case .files(let extensions): return files(prefix: prefix, extensions: extensions)
        case .snapshots: return interpreter.session.snapshotNames.filter { $0.hasPrefix(prefix) }
        case .commands: return CommandTable.verbs.filter { $0.hasPrefix(prefix) }
        case .topics:
            return (CommandTable.verbs + Interpreter.allPluginSpecs.map(\.name)).filter { $0.hasPrefix(prefix) }
        }
    }

    /// Paths starting with `prefix`: folders (with a trailing /) and files with one of `extensions`.
    func files(prefix: String, extensions: [String]) -> [String] {
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
