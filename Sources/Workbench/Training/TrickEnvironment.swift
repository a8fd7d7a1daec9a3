import Autodiff
import NeuralNet

/// What a trick may read of a session: the configuration, the players' networks and update rules, the
/// other tricks, and draws from streams of its own. It offers no way to change the configuration, the
/// optimizers, the progress or the list of tricks; the networks are the live objects, so that a trick can
/// run them and, where its declaration says so, wrap or replace their layers.
public struct SessionView {
    private unowned let session: Session

    init(_ session: Session) { self.session = session }

    /// The source of real samples.
    public var dataset: any Dataset { session.dataset }
    /// The generator's input.
    public var noise: any NoiseDistribution { session.noise }
    /// The objective.
    public var loss: any Loss { session.loss }
    /// Samples per batch.
    public var batchSize: Int { session.batchSize }
    /// Generator iterations completed (0 again after a reseed).
    public var iteration: Int { session.iteration }
    /// The width D's input has (the data dimension, widened by packing).
    public var discriminatorInputWidth: Int { session.discriminatorInputWidth }
    /// The tricks on, in the order they run.
    public var hooks: [any TrainingHook] { session.hooks }
    /// The generator.
    public var generator: Sequential { session.generator }
    /// The discriminator.
    public var discriminator: Sequential { session.discriminator }
    /// A player's network.
    public func network(_ player: Player) -> Sequential { session.network(player) }
    /// A player's update rule, with its settings.
    public func rule(_ player: Player) -> any UpdateRule { session.rule(player) }
    /// The stream "trick.NAME" of the trick called `trick`: a trick draws from its own stream only, so
    /// that switching it on never moves the data, noise or initialisation streams.
    public func stream(of trick: String) -> RandomStream { session.stream("trick." + trick) }

    /// Refuses what a trick that differentiates the players' updates again cannot work with: a loss with a
    /// gradient penalty (its derivative would be a third one) and networks with batch statistics or dropout,
    /// which would change with the trick's extra passes. `differentiation` says what the trick differentiates
    /// ("consensus differentiates the players' gradients again"), `passes` what it runs more ("consensus
    /// evaluates both networks once more per update") and `change` how the layers would change ("with that
    /// pass").
    public func refuseHigherDerivatives(_ differentiation: String, passes: String, change: String) throws {
        if loss.gradientPenalties > 0 {
            throw SessionError("\(differentiation); loss \(loss.name) already has a gradient penalty (third derivatives): "
                               + "use a loss without one (r1=0)")
        }
        guard generator.isRowwise && discriminator.isRowwise else {
            throw SessionError("\(passes); batch normalisation or dropout would change \(change): use norm=none and dropout=0")
        }
    }
}

/// What a trick may do to a session when it is switched on (`init`, `attach`), switched off (`detach`),
/// or finds before an update that a network was rebuilt under it (`repair`): read it (`session`),
/// rebuild a player's network, set a player's learning rate, and forget optimizer memory of parameters it
/// took out of a network. Everything else (data, noise, loss, batch size, other tricks, history, streams
/// other than its own) stays out of its reach.
public struct TrickEnvironment {
    private unowned let owner: Session

    init(_ session: Session) { owner = session }

    /// What the trick may read.
    public var session: SessionView { SessionView(owner) }

    /// A freshly initialised network for `player` (from its model, the current widths and stream
    /// "init.G" / "init.D"), its optimizer memory cleared.
    public func rebuildNetwork(_ player: Player) throws { try owner.rebuildNetworks([player]) }

    /// Sets the learning rate of `player`'s update rule, keeping its kind, its other explicit settings and
    /// its memory (the same rule with new settings keeps the optimizer's state).
    public func setLearningRate(_ rate: Double, of player: Player) throws {
        let current = owner.rule(player), rule = type(of: current)
        let lr = rule.learningRate.name
        var values = current.parameters.entries.filter { current.parameters.explicitNames.contains($0.name) && $0.name != lr }
            .map { ($0.name, $0.value) }
        values.append((lr, .real(rate)))
        try owner.setOptimizer(player, try rule.init(try ParameterValues(rule.spec, values: values)))
    }

    /// Drops `player`'s optimizer memory of `parameters` (parameters a trick took out of the network, which
    /// would otherwise linger in the optimizer).
    public func forgetOptimizerMemory(of parameters: [Parameter], _ player: Player) {
        owner.optimizer(player).state.forget(parameters)
    }
}
