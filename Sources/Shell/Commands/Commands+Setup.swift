import Foundation
import Autodiff
import Workbench

// Commands that configure the experiment. Each validates everything before it changes anything, and
// appends its canonical form to the session's journal once it has succeeded.

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

    /// `data NAME key=value…`
    func data(_ invocation: Invocation) throws {
        let type = try plugin(invocation, "data set", Plugins.datasets.all, spec: { $0.spec }, named: Plugins.datasets.named)
        let dataset: any Dataset
        do {
            dataset = try type.init(try ParameterValues(type.spec, assignments: invocation.assignments))
        } catch let error as DataFileError {
            throw invocation.failure("\(error)", at: invocation.named.last { $0.value.text == error.path }?.value.range)
        }
        let note = try session.setDataset(dataset)
        if let (file, points) = dataset.filePoints {
            say("read \(points.shape[0]) rows × \(points.shape[1]) columns from \(file)")
        }
        if let note { say("note: " + note) }
        session.journal.append("data " + dataset.canonicalText)
    }

    /// `noise [DISTRIBUTION] key=value…`: the current distribution when none is named, and the current
    /// dimension when `dim` is not given.
    func noise(_ invocation: Invocation) throws {
        let type = invocation.positionals.isEmpty ? Swift.type(of: session.noise)
            : try plugin(invocation, "noise distribution", Plugins.noise.all, spec: { $0.spec }, named: Plugins.noise.named)
        var assignments = invocation.assignments
        if !assignments.contains(where: { $0.name == NoiseParameters.dim.name }) {
            assignments.append((NoiseParameters.dim.name, "\(session.noise.dimension)"))
        }
        let noise = try type.init(try ParameterValues(type.spec, assignments: assignments))
        if let note = try session.setNoise(noise) { say("note: " + note) }
        session.journal.append("noise " + noise.canonicalText)
    }

    /// `generator [MODEL] key=value…` and `discriminator [MODEL] key=value…` (the default model when none is named)
    func model(_ invocation: Invocation) throws {
        let player: Player = invocation.spec.name == "generator" ? .generator : .discriminator
        let type = invocation.positionals.isEmpty
            ? Plugins.defaultModel : try plugin(invocation, "model", Plugins.models.all, spec: { $0.spec }, named: Plugins.models.named)
        let model = try type.init(try ParameterValues(type.spec, assignments: invocation.assignments))
        do {
            try session.setModel(player, model)
        } catch let error as SessionError {
            throw invocation.failure(error.description, at: invocation.positionals.first?.range)
        }
        session.journal.append(invocation.spec.name + " " + model.canonicalText)
        let network = session.network(player)
        let (input, output) = session.widths(player)
        let layout = model.perceptron(input: input, output: output).map { "\($0)" }
            ?? network.layers.map(\.summary).joined(separator: " → ")
        say("\(player.rawValue): \(layout); \(network.parameterCount) parameter" + (network.parameterCount == 1 ? "" : "s"))
    }

    /// `loss NAME key=value…`
    func loss(_ invocation: Invocation) throws {
        let type = try plugin(invocation, "loss", Plugins.losses.all, spec: { $0.spec }, named: Plugins.losses.named)
        let loss = try type.init(try ParameterValues(type.spec, assignments: invocation.assignments))
        try session.setLoss(loss)
        session.journal.append("loss " + loss.canonicalText)
        if !loss.isCrossEntropy, let trick = session.hooks.first(where: \.needsCrossEntropyLoss) {
            say("note: \(trick.name) is on but \(type.spec.name) has no real/fake targets: it has no effect "
                + "until a cross-entropy loss (minimax, nonsaturating) is back")
        }
    }

    /// `optimizer G|D|both [NAME] key=value…`
    func optimizer(_ invocation: Invocation) throws {
        guard let playerNode = invocation.positionals.first else {
            throw invocation.failure("optimizer needs a player; usage: \(invocation.spec.usage)")
        }
        let players: [Player]
        switch playerNode.text {
        case "G", "g", "generator": players = [.generator]
        case "D", "d", "discriminator", "critic": players = [.discriminator]
        case "both": players = [.generator, .discriminator]
        default: throw invocation.failure("unknown player '\(playerNode.text)'; expected G, D or both", at: playerNode.range)
        }
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
            session.journal.append("optimizer \(player.rawValue) " + rule.canonicalText)
        }
    }

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
        session.journal.append("batch \(size)")
    }

    /// `trick on NAME key=value…`, `trick off NAME`, `trick list`
    func trick(_ invocation: Invocation) throws {
        guard let action = invocation.positionals.first else {
            throw invocation.failure("trick needs on, off or list; usage: \(invocation.spec.usage)")
        }
        switch action.text {
        case "list":
            listTricks()
        case "on", "off":
            guard let nameNode = invocation.positionals.dropFirst().first else {
                throw invocation.failure("trick \(action.text) needs a trick name; see trick list")
            }
            if action.text == "off" {
                guard session.removeHook(named: Plugins.tricks.named(nameNode.text)?.spec.name ?? nameNode.text) else {
                    throw invocation.failure("trick \(nameNode.text) is not on", at: nameNode.range)
                }
                session.journal.append("trick off \(nameNode.text)")
                return
            }
            let type = try plugin(invocation, "trick", Plugins.tricks.all, at: 1, spec: { $0.spec }, named: Plugins.tricks.named)
            let parameters = try ParameterValues(type.spec, assignments: invocation.assignments)
            // Asked before the trick is made: some tricks change the networks as they are made.
            try session.checkMemoryBudget(switchingOn: type, parameters)
            let trick = try type.init(parameters, environment: session.trickEnvironment)
            session.removeHook(named: type.spec.name)
            session.addHook(trick)
            session.journal.append("trick on " + trick.canonicalText)
        default:
            throw invocation.failure("unknown trick action '\(action.text)'; expected on, off or list", at: action.range)
        }
    }

    /// The tricks that exist and which are on, with the pointer to the Wasserstein losses.
    func listTricks() {
        if Plugins.tricks.all.isEmpty {
            say("no trick plugins are registered in this build")
        }
        sayColumns(Plugins.tricks.all.map { type in
            ((session.hooks.contains { $0.name == type.spec.name } ? "on  " : "    ") + type.spec.name, type.spec.summary)
        })
        sayParagraph("the Wasserstein remedy is a loss: loss wgan (clipping) or loss wgan-gp (gradient penalty)")
    }

    /// The plugin type named by positional `index`; a missing or unknown name is a located error that
    /// lists the choices or suggests the closest.
    func plugin<T>(_ invocation: Invocation, _ kind: String, _ types: [T], at index: Int = 0,
                   spec: (T) -> PluginSpec, named: (String) -> T?) throws -> T {
        guard index < invocation.positionals.count else {
            let what = invocation.spec.name == kind ? "a name" : "a \(kind) name"
            throw invocation.failure("\(invocation.spec.name) needs \(what); \(pluralName(kind)): "
                                     + types.map { spec($0).name }.joined(separator: ", "))
        }
        let node = invocation.positionals[index]
        guard let type = named(node.text) else {
            throw invocation.failure(unknownPluginMessage(kind, node.text, types.map(spec)), at: node.range)
        }
        return type
    }

    private func pluralName(_ kind: String) -> String {
        switch kind {
        case "data set": return "data sets"
        case "loss": return "losses"
        default: return kind + "s"
        }
    }

    /// "unknown loss 'wgn'; did you mean 'wgan'?" or the list of names.
    func unknownPluginMessage(_ kind: String, _ name: String, _ specs: [PluginSpec]) -> String {
        let names = specs.flatMap { [$0.name] + $0.aliases }
        if let close = Suggestion.closest(to: name, among: names) { return "unknown \(kind) '\(name)'; did you mean '\(close)'?" }
        let list = specs.map(\.name).joined(separator: ", ")
        return "unknown \(kind) '\(name)'" + (list.isEmpty ? "" : "; \(pluralName(kind)): \(list)")
    }
}
