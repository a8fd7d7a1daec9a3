import NeuralNet
import Workbench

/// The `show` command.
enum ShowCommand: ShellCommand {
    static let spec = CommandSpec(
        "show", summary: "show part of the session: config, models, loss, optimizers, tricks, history, weights, snapshots, game",
        discussion: "show config prints the commands that recreate the current configuration; show models the layers and parameter counts of G and D; show history the last rows of the training record (last=N); show weights a hash of each network's weights (equal hashes: bit-identical weights).",
        positionals: [PositionalSpec("WHAT", "which part",
                                     completions: ShowPart.completions)],
        parameters: [last.spec],
        examples: ["show config", "show history last=5"])
    static let runsDuringTraining = true
    static let last: ParameterKey<Int> = .integer("last", 1...100_000, default: 10, "rows of history to show")

    /// The parts of the session `show` prints.
    enum ShowPart: String, CommandWord {
        case config, models, loss, optimizers, tricks, history, weights, snapshots, data, game
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.show(invocation) }
}

extension Interpreter {
    /// `show WHAT`
    func show(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard let node = invocation.positionals.first else {
            throw invocation.failure("show needs what to show: " + ShowCommand.ShowPart.words.joined(separator: ", "))
        }
        guard let part = ShowCommand.ShowPart(rawValue: node.text) else {
            throw invocation.failure("unknown part '\(node.text)'; show \(ShowCommand.ShowPart.alternatives)", at: node.range)
        }
        switch part {
        case .config:
            for line in JournalText.lines(session.configuration) { say(line) }
            for hook in session.hooks { say("trick on " + ((hook as? any Trick)?.canonicalText ?? hook.name)) }
            say("# at iteration \(session.iteration)" + gameStepNote)
        case .models:
            for player in Player.allCases {
                let network = session.network(player)
                say("\(player.rawValue) (\(network.parameterCount) parameters):")
                for line in network.describeLayers() { say("  " + line) }
            }
        case .loss:
            say("loss " + session.loss.canonicalText)
            say("  " + session.loss.declaration.summary)
        case .data:
            say("data " + session.dataset.canonicalText + "  (dimension \(session.dataset.dimension))")
            say("noise " + session.noise.canonicalText)
        case .optimizers:
            say("G: " + session.optimizer(.generator).summary)
            say("D: " + session.optimizer(.discriminator).summary)
        case .tricks:
            if session.hooks.isEmpty { say("no tricks are on") }
            for hook in session.hooks { say((hook as? any Trick)?.canonicalText ?? hook.name) }
        case .snapshots:
            if session.snapshotNames.isEmpty { say("no snapshots") }
            for name in session.snapshotNames { say(name) }
        case .history:
            showHistory(last: parameters[ShowCommand.last])
        case .game:
            showGame()
        case .weights:
            for player in Player.allCases {
                let network = session.network(player)
                say("\(player.rawValue): \(network.parameterCount) parameters, hash \(weightHash(network.parameters.map(\.value)))")
            }
        }
    }
}
