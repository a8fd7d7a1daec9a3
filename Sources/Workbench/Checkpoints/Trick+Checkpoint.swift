import Autodiff
import NeuralNet

/// A trick a checkpoint can hold: its parameters, plus whatever state it keeps beyond them (averages, a
/// pool of samples, remembered rates). Restoring makes the trick without `attach` and without consulting
/// the session, because the session it returns to is already as the trick left it (networks included).
protocol CheckpointableTrick: Trick {
    /// The trick's own state as JSON, its tensors appended to `file` under `prefix` ("trick.NAME").
    func checkpointState(of session: Session, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue
    /// The trick with `parameters` and the saved `state`, for a session whose networks are `networks`.
    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> Self
}

/// A trick with no state beyond its parameters.
protocol StatelessTrick: CheckpointableTrick {
    /// The trick made from validated parameters alone.
    init(restoring parameters: ParameterValues) throws
}

extension StatelessTrick {
    /// No state.
    func checkpointState(of session: Session, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue { .null }

    /// The trick from its parameters.
    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> Self {
        try Self(restoring: parameters)
    }
}

// Tricks whose state lives in the networks (layers and buffers the checkpoint keeps) or in the session's
// streams, or that have none.
extension LabelSmoothing: StatelessTrick {}
extension InstanceNoise: StatelessTrick {}
extension FeatureMatching: StatelessTrick {}
extension MinibatchDiscrimination: StatelessTrick {}
extension VirtualBatchNormalization: StatelessTrick {}
extension SpectralNormTrick: StatelessTrick {}
extension PackingTrick: StatelessTrick {}
extension ConsensusTrick: StatelessTrick {}

extension HistoricalAveraging: CheckpointableTrick {
    /// Per player: the mean θ̄ (tensors `PREFIX.G.mean.i`), the count t, and the parameter values of the
    /// last update (tensors `PREFIX.G.last_seen.i`, left out when they are the network's current values,
    /// as they are unless the network was rebuilt since).
    func checkpointState(of session: Session, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        for player in Player.allCases {
            guard let average = averages[player] else { continue }
            let current = session.network(player).parameters.map(\.value)
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

    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> HistoricalAveraging {
        let trick = HistoricalAveraging(restoring: parameters)
        guard let members = state.objectValue else { throw tensors.failure("the state of historical-averaging is not an object") }
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
            trick.averages[player] = Average(mean: mean, count: count, lastSeen: lastSeen)
        }
        return trick
    }
}

extension EMAGeneratorTrick: CheckpointableTrick {
    /// The averaged network (architecture and tensors under `PREFIX.average`) and the iteration of its last update.
    func checkpointState(of session: Session, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .object([("average", try NetworkRecord.encode(average, prefix: "\(prefix).average", into: &file)),
                 ("last_iteration", .integer(lastIteration))])
    }

    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> EMAGeneratorTrick {
        guard let records = state["average"], let last = state["last_iteration"]?.intValue, last >= -1 else {
            throw tensors.failure("the state of ema-generator has no average or no last iteration")
        }
        return EMAGeneratorTrick(parameters, average: try NetworkRecord.decode(records, prefix: "\(prefix).average", &tensors),
                                 lastIteration: last)
    }
}

extension ReplayBufferTrick: CheckpointableTrick {
    /// The pool's samples (tensor `PREFIX.pool`, [samples, width]) and how many were offered.
    func checkpointState(of session: Session, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        if let width = pool.rows.first?.count {
            file.append("\(prefix).pool", try Tensor(pool.rows.flatMap { $0 }, shape: [pool.rows.count, width]))
        }
        return .object([("seen", .integer(pool.seen))])
    }

    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> ReplayBufferTrick {
        let trick = ReplayBufferTrick(restoring: parameters)
        let capacity = trick.pool.capacity
        // Reservoir sampling draws an index below `seen`, which the streams allow up to 2³² − 1.
        guard let seen = state["seen"]?.intValue, (0..<Int(UInt32.max)).contains(seen) else {
            throw tensors.failure("the state of replay-buffer has no count of offers in [0, \(UInt32.max - 1)]")
        }
        var rows: [[Float]] = []
        if tensors.contains("\(prefix).pool") {
            let pool = try tensors.take("\(prefix).pool", rank: 2, "the replay-buffer pool")
            let width = pool.shape[1]
            let values = pool.scalars
            rows = (0..<pool.shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        }
        // Reservoir sampling keeps every sample until the pool is full, so it holds min(seen, capacity).
        guard rows.count == Swift.min(seen, capacity), rows.first.map({ $0.count > 0 }) ?? true else {
            throw tensors.failure("the replay-buffer pool holds \(rows.count) samples after \(seen) offers, with room for \(capacity)")
        }
        trick.pool = ReplayPool(capacity: capacity, rows: rows, seen: seen)
        return trick
    }
}

extension TTURTrick: CheckpointableTrick {
    /// The learning rates to give back when switched off.
    func checkpointState(of session: Session, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .object(Player.allCases.compactMap { player in previousRates[player].map { (player.rawValue, JSONValue.real($0)) } })
    }

    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> TTURTrick {
        let trick = TTURTrick(restoring: parameters)
        for (key, value) in state.objectValue ?? [] {
            guard let player = Player(rawValue: key), let rate = value.doubleValue, rate.isFinite, rate >= 0 else {
                throw tensors.failure("the state of ttur has a malformed rate '\(key)'")
            }
            trick.previousRates[player] = rate
        }
        return trick
    }
}
