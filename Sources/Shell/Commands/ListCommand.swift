import NeuralNet
import Workbench

/// The `list` command.
enum ListCommand: ShellCommand {
    /// What `list` lists: commands, every plugin kind, snapshots.
    static let kinds = ["commands"] + PluginKind.allCases.map { $0.listWords[0] } + ["snapshots"]

    static let spec = CommandSpec(
        "list", summary: "list the plugins of one kind with their summaries, or the names of every kind",
        discussion: "Kinds: \(kinds.joined(separator: ", ")). Without a kind, the names of every kind, one kind per paragraph.",
        positionals: [PositionalSpec("KIND", "what to list", completions: .words(kinds), optional: true)],
        examples: ["list", "list losses", "list metrics"])
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.list(invocation) }
}

extension Interpreter {
    /// `list [KIND]`
    func list(_ invocation: Invocation) throws {
        let kinds = Dictionary(uniqueKeysWithValues: PluginKind.allCases.flatMap { kind in kind.listWords.map { ($0, kind) } })
        guard let node = invocation.positionals.first else {
            // Every kind by name, so one command shows what there is; `list KIND` gives the summaries.
            sayParagraph("commands: " + CommandTable.specs.map(\.name).joined(separator: ", "), rest: "  ")
            for kind in PluginKind.allCases {
                sayParagraph("\(kind.plural): " + Self.pluginSpecs(kind).map(\.name).joined(separator: ", "), rest: "  ")
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
                                         + "; kinds: " + ListCommand.kinds.joined(separator: ", "), at: node.range)
            }
            if kind == .trick { listTricks(); return }
            sayColumns(Self.pluginSpecs(kind).map { ($0.name, $0.summary) })
        }
    }
}
