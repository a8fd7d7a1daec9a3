import Foundation
import Workbench

/// The `seed` command.
enum SeedCommand: ShellCommand {
    static let spec = CommandSpec(
        "seed", summary: "start the experiment over with a seed (fresh weights, streams and history)",
        discussion: "Every random number of the session comes from named streams of this seed (data, noise, init.G, init.D, loss, one per trick; measurements, plots and exports draw from streams of their own), so the same seed and commands give the same numbers, bit for bit. The configuration is kept; weights, optimizer memory, history and iteration count start over, and the tricks that are on start over as if switched on again.",
        positionals: [PositionalSpec("N", "a non-negative integer")],
        examples: ["seed 7"])
    static let role = CommandRole.configuration

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.seed(invocation) }
}

extension Interpreter {
    /// `seed N`
    func seed(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("seed needs a number; usage: seed N") }
        let given = try invocation.integer(node, in: 0...UInt64.max, subject: "seed",
                                           otherwise: "seed \(node.text) is not a non-negative integer")
        let value = seedOverride ?? given
        try session.reseed(value)
        if let override = seedOverride, override != given { say("seed \(override) (overridden by --seed; the script asked for \(given))") }
    }
}
