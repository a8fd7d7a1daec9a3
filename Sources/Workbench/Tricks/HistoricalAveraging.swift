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
        parameters: [lambda.spec, players.spec, ema.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.3")

    /// Whose loss gets the penalty.
    enum Penalised: String, ParameterChoice {
        case both, G, D

        /// The players, in `Player.allCases` order.
        var players: [Player] {
            switch self {
            case .both: [.generator, .discriminator]
            case .G: [.generator]
            case .D: [.discriminator]
            }
        }
    }

    static let lambda: ParameterKey<Float> = .real("lambda", 0...1e6, default: 1e-3, "the weight λ of the penalty (not given in the paper)")
    static let players: ParameterKey<Penalised> = .choice("players", default: .both, "whose loss gets the penalty")
    static let ema: ParameterKey<Float> = .real("ema", 0...0.999999, default: 0,
                                                "0: uniform mean since switch-on (paper); β in (0, 1): exponential moving average")

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

    /// Any loss and model accept it; the averages start at the first update.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(parameters, averages: [:])
    }

    private init(_ parameters: ParameterValues, averages: [Player: Average]) {
        self.parameters = parameters
        lambda = parameters[Self.lambda]
        players = parameters[Self.players].players
        ema = parameters[Self.ema]
        self.averages = averages
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
    /// Its average moves at every update.
    public var accumulatesOverUpdates: Bool { true }

    public func afterDiscriminatorUpdate(_ context: TrainingContext) throws { try update(.discriminator, context) }
    /// G's average takes in the new parameters.
    public func afterGeneratorUpdate(_ context: TrainingContext) throws { try update(.generator, context) }

    /// A copy with its own averages (tensors are immutable values: copying the dictionary is a deep copy).
    public func copy() -> any TrainingHook { HistoricalAveraging(parameters, averages: averages) }

    // MARK: Checkpoints

    /// Per player: the mean θ̄ (tensors `PREFIX.G.mean.i`), the count t, and the parameter values of the
    /// last update (tensors `PREFIX.G.last_seen.i`, left out when they are the network's current values,
    /// as they are unless the network was rebuilt since).
    public func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for player in Player.allCases {
            guard let average = averages[player] else { continue }
            let current = networks[player]?.parameters.map(\.value) ?? []
            let lastSeenIsCurrent = current.count == average.lastSeen.count
                && zip(current, average.lastSeen).allSatisfy { $0.isBitwiseEqual(to: $1) }
            for (index, mean) in average.mean.enumerated() { file.append("\(prefix).\(player.rawValue).mean.\(index)", mean) }
            if !lastSeenIsCurrent {
                for (index, value) in average.lastSeen.enumerated() { file.append("\(prefix).\(player.rawValue).last_seen.\(index)", value) }
            }
            members.append((player.rawValue, .object([("count", .integer(average.count)), ("parameters", .integer(average.mean.count)),
                                                      ("last_seen", .integer(lastSeenIsCurrent ? -1 : average.lastSeen.count))])))
        }
        return .object(members)
    }

    public static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                                networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> HistoricalAveraging {
        guard let members = state.objectValue else { throw tensors.failure("the state of historical-averaging is not an object") }
        var averages: [Player: Average] = [:]
        for (key, value) in members {
            guard let player = Player(rawValue: key), let count = value["count"]?.intValue, (1...Checkpoint.largestCount).contains(count),
                  let meanCount = value["parameters"]?.intValue, (0...100_000).contains(meanCount),
                  let lastSeenCount = value["last_seen"]?.intValue, (-1...100_000).contains(lastSeenCount) else {
                throw tensors.failure("the state of historical-averaging has a malformed entry '\(key)'")
            }
            let mean = try (0..<meanCount).map { try tensors.take("\(prefix).\(key).mean.\($0)", "θ̄ of historical-averaging") }
            let lastSeen = lastSeenCount < 0
                ? networks[player]!.parameters.map { $0.value.detached() }
                : try (0..<lastSeenCount).map { try tensors.take("\(prefix).\(key).last_seen.\($0)", "θ of historical-averaging's last update") }
            guard mean.count == lastSeen.count, zip(mean, lastSeen).allSatisfy({ $0.shape == $1.shape }) else {
                throw tensors.failure("historical-averaging's θ̄ and last θ of \(key) do not have the same shapes")
            }
            averages[player] = Average(mean: mean, count: count, lastSeen: lastSeen)
        }
        return HistoricalAveraging(parameters, averages: averages)
    }

    // MARK: Memory

    /// Each penalised player's running mean, and the difference to it the penalty differentiates.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let networks = parameters[Self.players].players.map(plan.network)
        plan.trickState.append((spec.name, TrainingFootprint.float * 2 * Double(networks.reduce(0) { $0 + $1.parameters })))
    }
}
