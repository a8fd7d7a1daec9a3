import Autodiff
import Foundation
import Workbench

extension Interpreter {
    /// `snapshot NAME`
    func snapshot(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("snapshot needs a name; usage: snapshot NAME") }
        let name = node.text
        if let problem = Self.snapshotNameProblem(name) { throw invocation.failure(problem, at: node.range) }
        session.saveSnapshot(name)
        say("snapshot \(name) at iteration \(session.iteration)" + gameStepNote)
    }

    /// The longest snapshot name.
    static let snapshotNameLimit = 64

    /// Why `name` cannot name a snapshot, or nil. Names are written bare in `restore NAME` and listed one
    /// per line, so they are words: letters (any script), digits and `_ - . +`, at most 64 characters.
    static func snapshotNameProblem(_ name: String) -> String? {
        let rule = "names are 1 to \(snapshotNameLimit) letters, digits and _ - . +"
        if name.isEmpty { return "a snapshot name cannot be empty; \(rule)" }
        if name.count > snapshotNameLimit { return "snapshot name '\(Token.shortened(name))' is too long; \(rule)" }
        let allowed: (Unicode.Scalar) -> Bool = { scalar in
            if "_-.+".unicodeScalars.contains(scalar) { return true }
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
            default: return scalar.properties.isAlphabetic
            }
        }
        if let bad = name.first(where: { !$0.unicodeScalars.allSatisfy(allowed) }) {
            let scalar = bad.unicodeScalars.first!
            let shown = bad == " " ? "a space"
                : scalar.properties.generalCategory == .control || bad.isWhitespace ? scalar.codePointName : "'\(bad)'"
            return "snapshot name '\(Token.shortened(name))' contains \(shown); \(rule)"
        }
        return nil
    }

    /// `restore NAME`
    func restore(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("restore needs a snapshot name") }
        do {
            try session.restoreSnapshot(node.text)
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        say("restored \(node.text): iteration \(session.iteration)" + gameStepNote)
    }

    /// The saved script: a header, then the journal with adjacent plain steps merged.
    func savedScript() -> String {
        var lines: [String] = []
        for line in session.journal {
            if line.hasPrefix("step "), let last = lines.last, last.hasPrefix("step "),
               let a = Int(last.dropFirst(5)), let b = Int(line.dropFirst(5)) {
                lines[lines.count - 1] = "step \(a + b)"
            } else {
                lines.append(line)
            }
        }
        return (["# Gantry session (iteration \(session.iteration)): run this file to rebuild it, bit for bit."] + lines)
            .joined(separator: "\n") + "\n"
    }

    /// `save FILE.gan`
    func save(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("save needs a file name; usage: save FILE.gan") }
        do {
            try PointFile.writeAtomically(Array(savedScript().utf8), to: node.text)
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        markSaved()
        say("saved \(session.journal.count) commands to \(node.text)")
    }

    /// `run FILE.gan`: the script's commands, with errors located in it and a note saying where it was
    /// included from.
    func runScript(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("run needs a file; usage: run FILE.gan") }
        let path = node.text
        if includeStack.count >= Self.nestingLimit {
            throw invocation.failure("scripts nested too deeply (limit \(Self.nestingLimit))", at: node.range)
        }
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        if includeStack.contains(where: { URL(fileURLWithPath: $0.file).standardizedFileURL.path == canonical }) {
            throw invocation.failure("\(path) runs itself (through \(includeStack.map(\.file).joined(separator: " → ")))", at: node.range)
        }
        let source: String
        do {
            source = try PointFile.readText(path: path)
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        includeStack.append((path, node.range))
        defer { includeStack.removeLast() }
        do {
            try runSource(source, file: path)
        } catch let diagnostic as Diagnostic {
            // Each level adds where it was included from, so the chain reads innermost first.
            throw diagnostic.included(from: node.range.start)
        }
    }

    /// `history export FILE.csv|FILE.npy`
    func historyCommand(_ invocation: Invocation) throws {
        guard invocation.text(0) == "export" else {
            throw invocation.failure("usage: history export FILE.csv|FILE.npy", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else { throw invocation.failure("history export needs a file name") }
        let (columns, rows) = session.recordTable
        let table = try Tensor(rows.flatMap { $0.map(Float.init) }, shape: [rows.count, columns.count])
        do {
            if node.text.lowercased().hasSuffix(".npy") {
                try PointFile.writeNPY(table, to: node.text)
            } else if node.text.lowercased().hasSuffix(".csv") {
                try PointFile.writeCSV(table, to: node.text, header: columns)
            } else {
                throw invocation.failure("history export writes .csv or .npy files, not '\(node.text)'", at: node.range)
            }
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        say("wrote \(rows.count) rows × \(columns.count) columns to \(node.text)")
    }

    /// `echo TEXT…`
    func echo(_ invocation: Invocation) throws {
        say(invocation.positionals.map(\.text).joined(separator: " "))
    }

    /// `quit`: on the interactive prompt, a session with unsaved training gets one warning first.
    func quit(_ invocation: Invocation) throws {
        if let warning = leavingWarning() {
            environment.writeError(warning)
            return
        }
        quitRequested = true
    }
}
