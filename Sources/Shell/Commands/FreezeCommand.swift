import Autodiff
import Plotting
import Workbench

/// The `freeze` command.
enum FreezeCommand: ShellCommand {
    static let spec = CommandSpec(
        "freeze", summary: "stop a player's updates while still recording its gradient (G, D or both); freeze none resumes both",
        discussion: "A frozen player's loss and gradient are still computed every iteration and recorded in the history (grad_norm_g, grad_norm_d), but its weights and optimizer memory do not change: train D against a fixed G and watch G's gradient vanish (Arjovsky & Bottou 2017).",
        positionals: [PositionalSpec("PLAYER", "G, D, both or none", completions: .words(["G", "D", "both", "none"]))],
        examples: ["freeze G", "freeze both", "freeze none"])
    static let role = CommandRole.configuration

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.freeze(invocation) }
}

extension Interpreter {
    /// `freeze G|D|none`
    func freeze(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else {
            throw invocation.failure("freeze needs a player: G, D, both or none; usage: \(invocation.spec.usage)")
        }
        let canonical: String
        switch node.text {
        case "G", "g", "generator":
            session.setFrozen(.generator, true)
            canonical = "G"
        case "D", "d", "discriminator", "critic":
            session.setFrozen(.discriminator, true)
            canonical = "D"
        case "both":
            for player in Player.allCases { session.setFrozen(player, true) }
            canonical = "both"
        case "none":
            for player in Player.allCases { session.setFrozen(player, false) }
            canonical = "none"
        default: throw invocation.failure("unknown player '\(node.text)'; expected G, D, both or none", at: node.range)
        }
        session.journal.append("freeze \(canonical)")
        let names = Player.allCases.filter { session.frozen.contains($0) }.map(\.rawValue)
        say(names.isEmpty ? "both players update again"
                          : "frozen: \(names.joined(separator: " and ")) (gradients still computed and recorded, no updates)")
    }
}
