import Foundation
import Workbench

/// The `batch` command.
enum BatchCommand: ShellCommand {
    static let spec = CommandSpec(
        "batch", summary: "set the batch size (real and generated samples per update)",
        discussion: "Every D and G update draws this many real samples and noise vectors. A batch whose training would need more memory than allowed (half of this machine's) is refused with the estimate.",
        positionals: [PositionalSpec("N", "samples per batch")], examples: ["batch 64"])
    static let role = CommandRole.configuration
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.batch(invocation) }
}

extension Interpreter {
    /// `batch N`
    func batch(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("batch needs a size; usage: batch N") }
        let size = try invocation.integer(node, in: 1...1_000_000, subject: "batch size",
                                          otherwise: "batch size \(node.text) is not an integer in [1, 1000000]")
        do {
            try session.setBatchSize(size)
        } catch let error as MemoryBudgetError {
            throw invocation.failure("\(error)", at: node.range)
        }
        session.record(.batchSize(size))
    }
}
