import Autodiff
import NeuralNet
import Workbench

/// The `list` command.
enum ListCommand: ShellCommand {
    static let spec = CommandSpec(
        "list", summary: "list the plugins of one kind with their summaries, or the names of every kind",
        discussion: "Kinds: commands, data, models, losses, tricks, metrics, optimizers, games, snapshots. Without a kind, the names of every kind, one kind per paragraph.",
        positionals: [PositionalSpec("KIND", "what to list",
                                     completions: .words(["commands", "data", "models", "losses", "tricks", "metrics",
                                                          "optimizers", "games", "snapshots"]), optional: true)],
        examples: ["list", "list losses", "list metrics"])
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.list(invocation) }
}

extension Interpreter {
    /// `list [KIND]`
    func list(_ invocation: Invocation) throws {
        let kinds: [String: PluginKind] = ["data": .dataset, "datasets": .dataset, "noise": .noise, "models": .model, "model": .model,
                                           "losses": .loss, "loss": .loss, "tricks": .trick, "trick": .trick,
                                           "metrics": .metric, "metric": .metric, "optimizers": .optimizer, "optimizer": .optimizer,
                                           "games": .game, "game": .game]
        guard let node = invocation.positionals.first else {
            // Every kind by name, so one command shows what there is; `list KIND` gives the summaries.
            sayParagraph("commands: " + CommandTable.specs.map(\.name).joined(separator: ", "), rest: "  ")
            for kind in PluginKind.allCases {
                sayParagraph("\(kindTitle(kind)): " + Self.pluginSpecs(kind).map(\.name).joined(separator: ", "), rest: "  ")
            }
            sayParagraph("snapshots: " + (session.snapshotNames.isEmpty ? "none (take one with snapshot NAME)"
                                                                        : session.snapshotNames.joined(separator: ", ")), rest: "  ")
            sayParagraph("list KIND shows one kind with a line on each (list losses, list metrics, …)")
            return
        }
        switch node.text {
        case "commands":
            sayColumns(CommandTable.specs.map { ($0.name, $0.summary) })
        case "snapshots":
            if session.snapshotNames.isEmpty { say("no snapshots (take one with snapshot NAME)") }
            for name in session.snapshotNames { say(name) }
        default:
            guard let kind = kinds[node.text] else {
                let words = ["commands", "snapshots"] + kinds.keys.sorted()
                throw invocation.failure("unknown kind '\(node.text)'" + (Suggestion.closest(to: node.text, among: words).map { "; did you mean '\($0)'?" } ?? "")
                                         + "; kinds: commands, data, noise, models, losses, tricks, metrics, optimizers, games, snapshots", at: node.range)
            }
            if kind == .trick { listTricks(); return }
            sayColumns(Self.pluginSpecs(kind).map { ($0.name, $0.summary) })
        }
    }
}
