import Foundation
import Kernels
import Workbench

/// The `repeat` command.
enum RepeatCommand: ShellCommand {
    static let spec = CommandSpec(
        "repeat", summary: "run a block of commands N times: repeat N { … }",
        discussion: "The block is written in braces and may span lines.",
        positionals: [PositionalSpec("N", "how many times")], examples: ["repeat 4 { step 500; metric modes }"])

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.repeatBlock(invocation) }
}

extension Interpreter {
    /// `repeat N { … }`
    func repeatBlock(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else {
            throw invocation.failure("repeat needs a non-negative count; usage: repeat N { … }")
        }
        let count = try invocation.integer(node, in: 0...Int.max, subject: "repeat",
                                           otherwise: "repeat needs a non-negative count; usage: repeat N { … }")
        guard let block = invocation.command.block else {
            throw invocation.failure("repeat needs a block of commands in braces: repeat \(count) { … }")
        }
        for _ in 0..<count {
            if quitRequested || environment.interruptRequested() { break }
            for command in block { try perform(command) }
        }
    }
}
