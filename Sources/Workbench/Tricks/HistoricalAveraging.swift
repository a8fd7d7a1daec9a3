import Autodiff
import NeuralNet

/// `historical-averaging`: each chosen player adds λ·‖θ − θ̄ₜ‖² to its loss, θ̄ₜ the running mean of its
/// own past parameters (Salimans et al. 2016, §3.3), which damps the orbits of simultaneous gradient play.
public final class HistoricalAveraging: Trick {
    /// The declaration: λ, the players, and the uniform or exponential average.
    public static let spec = PluginSpec(
        kind: .trick, name: "historical-averaging", aliases: ["historical-average", "ha"],
        summary: "adds λ·‖θ − θ̄‖² to G's and/or D's loss, θ̄ the running mean of past parameters",
        discussion: """
            Each chosen player's loss gets λ·Σ‖θ − θ̄ₜ‖² over all its parameters. θ̄ₜ is the uniform mean of \
            the parameters since the trick was switched on (the paper's (1/t)·Σθᵢ), or with ema=β in (0, 1) \
            an exponential moving average θ̄ ← β·θ̄ + (1 − β)·θ. θ̄ is a constant (no gradient) updated after \
            each of the player's updates. The paper gives no value for λ and its repository never \
            implemented the trick; the default 1e-3 is a small pull that leaves the losses dominant. \
            Rebuilt networks (a new model, data or noise dimension, a reseed) start the averages afresh; \
            snapshots and rollbacks keep them with the weights they belong to.
            """,
        parameters: [
            ParameterSpec("lambda", .real(0...1e6), default: .real(1e-3), "the weight λ of the penalty (not given in the paper)"),
            ParameterSpec("players", .choice(["both", "G", "D"]), default: .text("both"), "whose loss gets the penalty"),
            ParameterSpec("ema", .real(0...0.999999), default: .real(0),
                          "0: uniform mean since switch-on (paper); β in (0, 1): exponential moving average"),
        ],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.3")

    /// The running average of one player's parameters.
    struct Average {
        /// θ̄, one constant per parameter.
        var mean: [Tensor]
        /// How many parameter vectors the uniform mean holds.
        var count: Int
        /// The parameter values after the player's last update: other values mean the network was rebuilt
        /// (or reset from outside), and the average no longer belongs to it.
        var lastSeen: [Tensor]
    }

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// λ.
    public let lambda: Float
    /// The players penalised.
    public let players: [Player]
    /// β, or 0 for the uniform mean.
    public let ema: Float
    /// The averages so far, per player.
    var averages: [Player: Average] = [:]

    /// Any loss and model accept it.
    public convenience init(_ parameters: ParameterValues, session: Session) throws {
        self.init(restoring: parameters)
    }

    /// Made from validated parameters alone, without consulting or changing a session: how a checkpoint
    /// brings the trick back into a session that is already as the trick left it.
    init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        lambda = parameters.float("lambda")
        switch parameters.text("players") {
        case "G": players = [.generator]
        case "D": players = [.discriminator]
        default: players = [.generator, .discriminator]
        }
        ema = parameters.float("ema")
    }

    private init(copying other: HistoricalAveraging) {
        parameters = other.parameters
        lambda = other.lambda
        players = other.players
        ema = other.ema
        averages = other.averages // tensors are immutable values: copying the arrays is a deep copy
    }

    /// θ̄ for `player`'s current parameters, started afresh from them when they are not the ones the
    /// average was last updated with.
    func average(for player: Player, _ values: [Tensor]) -> Average {
        if let average = averages[player], average.lastSeen.count == values.count,
           zip(average.lastSeen, values).allSatisfy({ $0.isBitwiseEqual(to: $1) }) {
            return average
        }
        let constants = values.map { $0.detached() }
        return Average(mean: constants, count: 1, lastSeen: constants)
    }

    /// λ·Σ‖θ − θ̄‖² for `player`, or nil when the player is not penalised.
    func penalty(_ player: Player, _ context: TrainingContext) throws -> Tensor? {
        guard players.contains(player) else { return nil }
        let parameters = context.session.network(player).parameters
        let values = parameters.map(\.value)
        let average = average(for: player, values)
        averages[player] = average
        var total = Tensor(0)
        for (value, mean) in zip(values, average.mean) { total = try total + (value - mean).squared().sum() }
        return total * lambda
    }

    /// Folds `player`'s new parameters into its average.
    func update(_ player: Player, _ context: TrainingContext) throws {
        guard players.contains(player) else { return }
        let values = context.session.network(player).parameters.map { $0.value.detached() }
        try withoutGradients {
            // A player updated without a penalty call first (cannot happen in the step) starts afresh.
            guard var average = averages[player], average.mean.count == values.count else {
                averages[player] = Average(mean: values, count: 1, lastSeen: values)
                return
            }
            // Uniform: θ̄ ← θ̄ + (θ − θ̄)/(t + 1); EMA: θ̄ ← β·θ̄ + (1 − β)·θ.
            let weight = ema > 0 ? 1 - ema : 1 / Float(average.count + 1)
            average.mean = try zip(average.mean, values).map { mean, value in try mean + (value - mean) * weight }
            average.count += 1
            average.lastSeen = values
            averages[player] = average
        }
    }

    /// The penalty for D.
    public func discriminatorPenalty(_ context: TrainingContext) throws -> Tensor? { try penalty(.discriminator, context) }
    /// The penalty for G.
    public func generatorPenalty(_ context: TrainingContext) throws -> Tensor? { try penalty(.generator, context) }
    /// D's average takes in the new parameters.
    public func afterDiscriminatorUpdate(_ context: TrainingContext) throws { try update(.discriminator, context) }
    /// G's average takes in the new parameters.
    public func afterGeneratorUpdate(_ context: TrainingContext) throws { try update(.generator, context) }

    /// A copy with its own averages.
    public func copy() -> any TrainingHook { HistoricalAveraging(copying: self) }
}
