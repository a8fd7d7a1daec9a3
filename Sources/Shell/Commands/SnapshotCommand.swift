import Foundation
import Workbench

/// The `snapshot` command.
enum SnapshotCommand: ShellCommand {
    static let spec = CommandSpec(
        "snapshot", summary: "keep the whole session in memory under a name",
        discussion: "Weights, optimizer memory, streams, history, configuration and tricks: restore NAME brings all of it back, and continuing gives the same numbers as the first time.",
        positionals: [PositionalSpec("NAME", "a name for the snapshot", completions: .snapshots)],
        examples: ["snapshot before-wgan"])
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.snapshot(invocation) }
}

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
}
