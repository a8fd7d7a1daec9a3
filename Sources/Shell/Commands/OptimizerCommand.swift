import Foundation
import Workbench

/// The `optimizer` command.
enum OptimizerCommand: ShellCommand {
    static let spec = CommandSpec(
        "optimizer", aliases: ["opt"], summary: "set a player's optimizer (G, D or both)",
        discussion: "Naming the same optimizer again with new settings (or giving only settings) keeps its memory (moments, step counts); naming a different one starts it fresh.",
        positionals: [PositionalSpec("PLAYER", Players.alternatives, completions: Players.completions),
                      PositionalSpec("NAME", "adam, sgd or rmsprop", completions: .plugins(.optimizer), optional: true)],
        pluginKind: .optimizer, pluginPositional: 1,
        examples: ["optimizer both adam lr=1e-4 beta1=0.5", "optimizer D rmsprop lr=5e-5", "optimizer G lr=2e-4"])
    static let role = CommandRole.configuration
    static let runsDuringTraining = true

    /// Whose optimizer is set.
    enum Players: String, CommandWord {
        case G, D, both

        static func alias(_ word: String) -> Players? { Player(commandWord: word).map { $0 == .generator ? .G : .D } }

        var players: [Player] {
            switch self {
            case .G: return [.generator]
            case .D: return [.discriminator]
            case .both: return [.generator, .discriminator]
            }
        }
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.optimizer(invocation) }
}

extension Interpreter {
    /// `optimizer G|D|both [NAME] key=value…`
    func optimizer(_ invocation: Invocation) throws {
        guard !invocation.positionals.isEmpty else {
            throw invocation.failure("optimizer needs a player; usage: \(invocation.spec.usage)")
        }
        let players = try OptimizerCommand.Players.parse(invocation, what: "player").players
        var changes: [(player: Player, rule: any UpdateRule)] = []
        for player in players {
            let current = session.rule(player)
            let type: any UpdateRule.Type
            var assignments = invocation.assignments
            if let nameNode = invocation.positionals.dropFirst().first {
                guard let named = Plugins.optimizers.named(nameNode.text) else {
                    throw invocation.failure(unknownPluginMessage("optimizer", nameNode.text, Plugins.optimizers.specs), at: nameNode.range)
                }
                type = named
            } else {
                type = Swift.type(of: current)
                // Settings not given keep their current values.
                let given = Set(assignments.map(\.name))
                for entry in current.parameters.entries where !given.contains(entry.name) {
                    assignments.append((entry.name, entry.value.description))
                }
            }
            changes.append((player, try type.init(try ParameterValues(type.spec, assignments: assignments))))
        }
        try session.setOptimizers(changes)
        for (player, rule) in changes {
            session.record(.optimizer(player, PluginSetting(rule)))
        }
    }
}
