import NeuralNet
import Workbench

/// The `help` command.
enum HelpCommand: ShellCommand {
    static let spec = CommandSpec(
        "help", aliases: ["?"], summary: "explain a command, a plugin, or search the help for a word",
        discussion: "Without a topic, lists the commands. With a command name, shows its usage, parameters and examples; with a plugin name (a loss, data set, metric, trick, optimizer), its definition, parameters and source; with any other word, every command and plugin whose help mentions it.",
        positionals: [PositionalSpec("TOPIC", "a command, plugin or word", completions: .topics, optional: true)],
        examples: ["help", "help step", "help wgan-gp", "help collapse"])
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.help(invocation) }
}

extension Interpreter {
    /// `help [TOPIC]`
    func help(_ invocation: Invocation) throws {
        guard let topic = invocation.text(0) else {
            sayParagraph("gantry: a GAN workbench. Commands (help COMMAND for details, help NAME for a plugin):")
            sayColumns(CommandTable.specs.map { ($0.name, $0.summary) }, indent: "  ")
            sayParagraph("Plugins: list " + PluginKind.allCases.map { $0.listWords[0] }.joined(separator: " | "))
            return
        }
        // One name may be a command and plugins of several kinds (critic: the discriminator command and a
        // metric; uniform: a data set and a noise distribution): show each.
        let plugins = Self.allPluginSpecs.filter { $0.name == topic || $0.aliases.contains(topic) }
        if case .success(let spec) = CommandTable.lookup(topic), spec.name == topic || spec.aliases.contains(topic) {
            helpCommand(spec)
            if let kind = spec.pluginKind {
                sayParagraph("\(kind.plural): " + Self.pluginSpecs(kind).map(\.name).joined(separator: ", "), rest: "  ")
            }
            plugins.forEach(helpPlugin)
            return
        }
        if !plugins.isEmpty {
            plugins.forEach(helpPlugin)
            return
        }
        let word = topic.lowercased()
        let commandHits = CommandTable.specs.filter { ($0.name + " " + $0.summary + " " + $0.discussion).lowercased().contains(word) }
        let pluginHits = Self.allPluginSpecs.filter {
            ([$0.name, $0.summary, $0.discussion] + $0.parameters.map { $0.name + " " + $0.summary }).joined(separator: " ").lowercased().contains(word)
        }
        if commandHits.isEmpty && pluginHits.isEmpty {
            let names = CommandTable.verbs + Self.allPluginSpecs.map(\.name)
            throw invocation.failure("no help mentions '\(topic)'" + (Suggestion.closest(to: topic, among: names).map { "; did you mean '\($0)'?" } ?? ""),
                                     at: invocation.positionals[0].range)
        }
        say("help mentioning '\(topic)':")
        for spec in commandHits { sayParagraph("command \(spec.name): \(spec.summary)", first: "  ", rest: "    ") }
        for spec in pluginHits { sayParagraph("\(spec.kind.rawValue) \(spec.name): \(spec.summary)", first: "  ", rest: "    ") }
    }
}
