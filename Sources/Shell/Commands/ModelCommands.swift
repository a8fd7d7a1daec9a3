import Workbench

// The two players' commands differ only in their declaration and the player they rebuild.

/// The `generator` command.
enum GeneratorCommand: ShellCommand {
    static let spec = CommandSpec(
        "generator", aliases: ["G"], summary: "rebuild the generator (fresh weights)",
        discussion: "The generator maps noise to data space; its widths at the ends follow the noise and data dimensions. Rebuilding draws fresh weights from the init.G stream and clears G's optimizer memory.",
        positionals: [PositionalSpec("MODEL", "the architecture (mlp, offset)", completions: .plugins(.model), optional: true)],
        pluginKind: .model, examples: ["generator mlp hidden=256,256 activation=leaky-relu", "generator offset theta=1"])
    static let role = CommandRole.configuration

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.model(invocation, .generator) }
}

/// The `discriminator` command.
enum DiscriminatorCommand: ShellCommand {
    static let spec = CommandSpec(
        "discriminator", aliases: ["critic", "D"], summary: "rebuild the discriminator (critic) (fresh weights)",
        discussion: "The discriminator maps data space to one raw score: a logit for the cross-entropy losses, a critic value for the Wasserstein ones. Rebuilding draws fresh weights from the init.D stream and clears D's optimizer memory.",
        positionals: [PositionalSpec("MODEL", "the architecture (mlp)", completions: .plugins(.model), optional: true)],
        pluginKind: .model, examples: ["critic mlp hidden=512,512,512"])
    static let role = CommandRole.configuration

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.model(invocation, .discriminator) }
}

extension Interpreter {
    /// `generator [MODEL] key=value…` and `discriminator [MODEL] key=value…` (the default model when none is named)
    func model(_ invocation: Invocation, _ player: Player) throws {
        let type = invocation.positionals.isEmpty
            ? Plugins.defaultModel : try plugin(invocation, "model", Plugins.models.all, spec: { $0.spec }, named: Plugins.models.named)
        let model = try type.init(try ParameterValues(type.spec, assignments: invocation.assignments))
        let note: String?
        do {
            note = try session.setModel(player, model)
        } catch let error as SessionError {
            throw invocation.failure(error.description, at: invocation.positionals.first?.range)
        }
        session.record(.model(player, PluginSetting(model)))
        // The noise the model brought is journaled after it, so `save` writes it out and a replay gets it whatever
        // the default then is.
        if note != nil { session.record(.noise(PluginSetting(session.noise))) }
        let network = session.network(player)
        let (input, output) = session.widths(player)
        let layout = model.perceptron(input: input, output: output).map { "\($0)" }
            ?? network.layers.map(\.summary).joined(separator: " → ")
        say("\(player.rawValue): \(layout); \(network.parameterCount) parameter" + (network.parameterCount == 1 ? "" : "s"))
        if let note { say("note: " + note) }
    }
}
