import Plotting
import Workbench

/// The `freeze` command.
enum FreezeCommand: ShellCommand {
    static let spec = CommandSpec(
        "freeze", summary: "stop a player's updates while still recording its gradient (G, D or both); freeze none resumes both",
        discussion: "A frozen player's loss and gradient are still computed every iteration and recorded in the history (grad_norm_g, grad_norm_d), but its weights and optimizer memory do not change: train D against a fixed G and watch G's gradient vanish (Arjovsky & Bottou 2017).",
        positionals: [PositionalSpec("PLAYER", Target.alternatives, completions: Target.completions)],
        examples: ["freeze G", "freeze both", "freeze none"])
    static let role = CommandRole.configuration

    /// Which players stop updating; none resumes both.
    typealias Target = FreezeChange

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.freeze(invocation) }
}

extension Interpreter {
    /// `freeze G|D|none`
    func freeze(_ invocation: Invocation) throws {
        typealias Target = FreezeCommand.Target
        guard !invocation.positionals.isEmpty else {
            throw invocation.failure("freeze needs a player: \(Target.alternatives); usage: \(invocation.spec.usage)")
        }
        let target = try Target.parse(invocation, what: "player")
        session.freeze(target)
        session.record(.freeze(target))
        let names = Player.allCases.filter { session.isFrozen($0) }.map(\.rawValue)
        say(names.isEmpty ? "both players update again"
                          : "frozen: \(names.joined(separator: " and ")) (gradients still computed and recorded, no updates)")
    }
}

extension FreezeChange: CommandWord {
    static func alias(_ word: String) -> FreezeChange? { Player(commandWord: word).map(FreezeChange.init) }
}
