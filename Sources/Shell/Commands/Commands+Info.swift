import Autodiff
import NeuralNet
import Workbench

extension Interpreter {
    /// Every plugin declaration of a kind.
    static func pluginSpecs(_ kind: PluginKind) -> [PluginSpec] {
        switch kind {
        case .dataset: return Plugins.datasets.all.map { $0.spec }
        case .noise: return Plugins.noise.specs
        case .model: return Plugins.models.specs
        case .loss: return Plugins.losses.all.map { $0.spec }
        case .trick: return Plugins.tricks.all.map { $0.spec }
        case .metric: return Plugins.metrics.all.map { $0.spec }
        case .optimizer: return Plugins.optimizers.specs
        case .game: return Plugins.games.all.map { $0.spec }
        }
    }

    /// Every plugin declaration.
    static var allPluginSpecs: [PluginSpec] { PluginKind.allCases.flatMap(pluginSpecs) }

    /// `help [TOPIC]`
    func help(_ invocation: Invocation) throws {
        guard let topic = invocation.text(0) else {
            sayParagraph("gantry: a GAN workbench. Commands (help COMMAND for details, help NAME for a plugin):")
            sayColumns(CommandTable.specs.map { ($0.name, $0.summary) }, indent: "  ")
            sayParagraph("Plugins: list data | noise | models | losses | tricks | metrics | optimizers | games")
            return
        }
        // One name may be a command and plugins of several kinds (critic: the discriminator command and a
        // metric; uniform: a data set and a noise distribution): show each.
        let plugins = Self.allPluginSpecs.filter { $0.name == topic || $0.aliases.contains(topic) }
        if case .success(let spec) = CommandTable.lookup(topic), spec.name == topic || spec.aliases.contains(topic) {
            helpCommand(spec)
            if let kind = spec.pluginKind {
                sayParagraph("\(kindTitle(kind)): " + Self.pluginSpecs(kind).map(\.name).joined(separator: ", "), rest: "  ")
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

    private func kindTitle(_ kind: PluginKind) -> String {
        switch kind {
        case .dataset: return "data sets"
        case .noise: return "noise distributions"
        case .model: return "models"
        case .loss: return "losses"
        case .trick: return "tricks"
        case .metric: return "metrics"
        case .optimizer: return "optimizers"
        case .game: return "games"
        }
    }

    /// A command's usage, discussion, parameters and examples.
    func helpCommand(_ spec: CommandSpec) {
        sayParagraph("usage: \(spec.usage)" + (spec.aliases.isEmpty ? "" : "   (also: \(spec.aliases.joined(separator: ", ")))"),
                     rest: "    ")
        sayParagraph(spec.summary)
        sayParagraph(spec.discussion, first: "  ", rest: "  ")
        // Positional arguments and parameters share one table, so their summaries line up.
        sayParameters(spec.parameters, positionals: spec.positionals)
        if !spec.examples.isEmpty { say("examples:") }
        for example in spec.examples { say("  \(example)") }
    }

    /// A plugin's summary, definition, parameters and source.
    func helpPlugin(_ spec: PluginSpec) {
        sayParagraph("\(spec.kind.rawValue) \(spec.name)" + (spec.aliases.isEmpty ? "" : "   (also: \(spec.aliases.joined(separator: ", ")))")
                     + ": \(spec.summary)", rest: "  ")
        sayParagraph(spec.discussion, first: "  ", rest: "  ")
        if !spec.parameters.isEmpty { say("parameters:") }
        sayParameters(spec.parameters)
        if let reference = spec.reference { sayParagraph("source: \(reference)", rest: "  ") }
        for line in remedyNotes(spec) { sayParagraph(line) }
    }

    /// Where the remedies of "From GAN to WGAN" live, from the plugins that declare one: a plugin that
    /// implements a remedy names every plugin of its kind implementing the same one; a trick, the kind users
    /// look in for remedies, names the remedies that are plugins of other kinds.
    func remedyNotes(_ spec: PluginSpec) -> [String] {
        func note(_ remedy: String, _ implementations: [PluginSpec], _ place: String) -> String {
            "(the \(remedy) remedy of \"From GAN to WGAN\" is \(place): "
                + implementations.map { "\($0.kind.rawValue) \($0.name)" }.joined(separator: ", ") + ")"
        }
        if let remedy = spec.remedy {
            return [note(remedy, Plugins.specs(of: spec.kind).filter { $0.remedy == remedy }, "this \(spec.kind.rawValue) family")]
        }
        guard spec.kind == .trick else { return [] }
        var notes: [String] = []
        for kind in PluginKind.allCases where kind != .trick {
            let specs = Plugins.specs(of: kind)
            var remedies: [String] = []
            for remedy in specs.compactMap(\.remedy) where !remedies.contains(remedy) { remedies.append(remedy) }
            let article = "aeiou".contains(kind.rawValue.first ?? "x") ? "an" : "a"
            notes += remedies.map { remedy in
                note(remedy, specs.filter { $0.remedy == remedy }, "\(article) \(kind.rawValue), not a trick")
            }
        }
        return notes
    }

    /// One row per positional argument (its name and summary) and per parameter (`lambda=10`, its kind, its
    /// summary), in columns that fit the terminal.
    func sayParameters(_ parameters: [ParameterSpec], positionals: [PositionalSpec] = []) {
        let rows = positionals.map { parameters.isEmpty ? [$0.name, $0.summary] : [$0.name, "", $0.summary] }
            + parameters.map { ["\($0.name)=\($0.defaultValue?.description ?? "…")", $0.kindDescription, $0.summary] }
        for line in TextLayout.table(rows, width: environment.width, caps: [22, 30]) { say(line) }
    }

    /// `text` wrapped to the terminal, its first line after `first` and the others after `rest`.
    func sayParagraph(_ text: String, first: String = "", rest: String = "") {
        for line in TextLayout.paragraph(text, width: environment.width, first: first, rest: rest) { say(line) }
    }

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

    /// Names and summaries in two aligned columns, the summaries wrapped to the terminal under themselves.
    func sayColumns(_ rows: [(String, String)], indent: String = "") {
        for line in TextLayout.table(rows.map { [$0.0, $0.1] }, width: environment.width, indent: indent, caps: [24]) {
            say(line)
        }
    }

    /// `show WHAT`
    func show(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard let node = invocation.positionals.first else {
            throw invocation.failure("show needs what to show: config, models, loss, optimizers, tricks, history, weights, snapshots, data, game")
        }
        switch node.text {
        case "config":
            for line in session.configurationCommands { say(line) }
            for hook in session.hooks { say("trick on " + ((hook as? any Trick)?.canonicalText ?? hook.name)) }
            say("# at iteration \(session.iteration)" + gameStepNote)
        case "models":
            for player in Player.allCases {
                let network = session.network(player)
                say("\(player.rawValue) (\(network.parameterCount) parameters):")
                for line in network.describeLayers() { say("  " + line) }
            }
        case "loss":
            say("loss " + session.loss.canonicalText)
            say("  " + type(of: session.loss).spec.summary)
        case "data":
            say("data " + session.dataset.canonicalText + "  (dimension \(session.dataset.dimension))")
            say("noise " + session.noise.canonicalText)
        case "optimizers":
            say("G: " + session.optimizer(.generator).summary)
            say("D: " + session.optimizer(.discriminator).summary)
        case "tricks":
            if session.hooks.isEmpty { say("no tricks are on") }
            for hook in session.hooks { say((hook as? any Trick)?.canonicalText ?? hook.name) }
        case "snapshots":
            if session.snapshotNames.isEmpty { say("no snapshots") }
            for name in session.snapshotNames { say(name) }
        case "history":
            showHistory(last: parameters.integer("last"))
        case "game":
            showGame()
        case "weights":
            for player in Player.allCases {
                let network = session.network(player)
                say("\(player.rawValue): \(network.parameterCount) parameters, hash \(weightHash(network.parameters.map(\.value)))")
            }
        default:
            throw invocation.failure("unknown part '\(node.text)'; show config, models, loss, optimizers, tricks, history, weights, snapshots or data",
                                     at: node.range)
        }
    }

    /// FNV-1a over the bit patterns of every weight, in parameter order: equal hashes mean (with
    /// overwhelming probability) bit-identical weights.
    func weightHash(_ tensors: [Tensor]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for tensor in tensors {
            tensor.withUnsafeBufferPointer { buffer in
                for value in buffer {
                    var bits = value.bitPattern
                    for _ in 0..<4 {
                        hash = (hash ^ UInt64(bits & 0xFF)) &* 0x0000_0100_0000_01B3
                        bits >>= 8
                    }
                }
            }
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// The last rows of the history as an aligned table (no wall times: they differ between runs).
    func showHistory(last: Int) {
        let (allColumns, allRows) = session.recordTable
        let rows = allRows.suffix(last)
        guard !rows.isEmpty else {
            say(session.game == nil ? "no iterations yet" : "no game steps yet")
            return
        }
        // Wall time is left out: it is the one column that differs between runs.
        let columns = allColumns.filter { $0 != "seconds" }
        var table = [columns]
        for row in rows {
            table.append(row.prefix(columns.count).enumerated().map { index, value in
                index == 0 ? String(Int(value)) : (value.isNaN ? "-" : Tensor.format(Float(value)))
            })
        }
        let widths = columns.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for line in table {
            say(line.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: "  "))
        }
    }
}
