import Foundation
import Workbench

/// The `echo` command.
enum EchoCommand: ShellCommand {
    static let spec = CommandSpec(
        "echo", summary: "print text", discussion: "Prints its arguments separated by spaces.",
        positionals: [PositionalSpec("TEXT", "what to print", optional: true, variadic: true)], examples: ["echo \"phase 2\""])
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.echo(invocation) }
}

extension Interpreter {
    /// `echo TEXT…`
    func echo(_ invocation: Invocation) throws {
        say(invocation.positionals.map(\.text).joined(separator: " "))
    }
}
