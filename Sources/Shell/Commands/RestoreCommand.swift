import Foundation
import Workbench

/// The `restore` command.
enum RestoreCommand: ShellCommand {
    static let spec = CommandSpec(
        "restore", summary: "go back to a snapshot",
        discussion: "The snapshot itself is kept, so it can be restored again.",
        positionals: [PositionalSpec("NAME", "a snapshot", completions: .snapshots)], examples: ["restore before-wgan"])

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.restore(invocation) }
}

extension Interpreter {
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
}
