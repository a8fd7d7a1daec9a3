import Autodiff
import NeuralNet

/// Everything one player is: the model plugin its network was built from, the network, the update rule
/// with its settings, the optimizer that rule made (its memory), and whether its updates are skipped.
public struct PlayerState {
    /// The model plugin the network was built from (mlp unless set otherwise).
    public internal(set) var model: any Model
    /// The network being trained.
    public internal(set) var network: Sequential
    /// The update rule the optimizer was made by, with its settings.
    public internal(set) var rule: any UpdateRule
    /// The optimizer and its memory (moments, buffers, step counts) of `network`'s parameters.
    public internal(set) var optimizer: any Optimizer
    /// Whether updates are skipped: the gradient is still computed and recorded.
    public internal(set) var isFrozen = false

    /// A copy sharing no mutable object with this one: the network copied, the optimizer's memory moved
    /// onto the copied parameters.
    func deepCopy() -> PlayerState {
        var copy = self
        copy.network = network.copySequential()
        var replacements: [ObjectIdentifier: Parameter] = [:]
        for (a, b) in zip(network.namedParameters(prefix: ""), copy.network.namedParameters(prefix: "")) {
            replacements[ObjectIdentifier(a.parameter)] = b.parameter
        }
        copy.optimizer = rule.makeOptimizer()
        copy.optimizer.state = optimizer.state.remapped(replacements)
        return copy
    }
}

/// G's and D's state, reached by `Player`.
public struct PlayerStates {
    /// The generator's.
    public internal(set) var generator: PlayerState
    /// The discriminator's.
    public internal(set) var discriminator: PlayerState

    /// The state of `player`.
    public internal(set) subscript(_ player: Player) -> PlayerState {
        get {
            switch player {
            case .generator: generator
            case .discriminator: discriminator
            }
        }
        set {
            switch player {
            case .generator: generator = newValue
            case .discriminator: discriminator = newValue
            }
        }
    }
}

/// Everything an experiment is, as one value: the configuration, both players, the random streams, the
/// progress and the active tricks. A snapshot is a deep copy of it (`deepCopy`), so a field added here is
/// kept by snapshots, restored by `restore snapshot` and undone by a rollback of `seed` without any
/// code listing it again.
public struct SessionState {
    /// The seed every stream derives from.
    public internal(set) var seed: UInt64
    /// The named streams (at their current positions).
    public internal(set) var streams: RandomStreams
    /// The source of real samples.
    public internal(set) var dataset: any Dataset
    /// The generator's input.
    public internal(set) var noise: any NoiseDistribution
    /// Whether the noise was chosen (`noise`, or a script or checkpoint that writes it out) rather than left as
    /// it starts: only noise nobody chose follows the latent size a generator model is designed for.
    public internal(set) var noiseIsChosen = false
    /// The objective.
    public internal(set) var loss: any Loss
    /// G and D.
    public internal(set) var players: PlayerStates
    /// Samples per batch (real and generated alike).
    public internal(set) var batchSize: Int
    /// Generator iterations completed.
    public internal(set) var iteration = 0
    /// What training recorded.
    public internal(set) var history = History()
    /// Active training hooks (tricks), in the order they run.
    public internal(set) var hooks: [any TrainingHook] = []
    /// The toy game played instead of the networks, when one is.
    public internal(set) var game: ToyGame?
    /// D statistics of `stepDiscriminator` calls not yet completed by `stepGenerator`.
    var pendingCritic: CriticOutcome?
    /// The plugins defined in the language, in the order defined (`SessionConfiguration.definitions`).
    public internal(set) var definitions: [PluginDefinition] = []
    /// The compiled plugin libraries used, in the order first used (`SessionConfiguration.libraries`).
    public internal(set) var libraries: [PluginLibraryRecord] = []
    /// What was done to make this state, in order (`Session.journal`).
    public internal(set) var journal: [JournalEntry] = []

    /// A copy sharing no mutable object with this one: networks and optimizer memory copied, streams
    /// recreated at their positions, hooks copied. Immutable parts (data set, loss, settings, history) are
    /// values or immutable, and are shared.
    func deepCopy() -> SessionState {
        var copy = self
        copy.streams = RandomStreams(seed: streams.seed)
        copy.streams.restore(positions: streams.positions)
        for player in Player.allCases { copy.players[player] = players[player].deepCopy() }
        copy.hooks = hooks.map { $0.copy() }
        return copy
    }
}
