import Autodiff
import NeuralNet

/// A pool of earlier generated samples, filled reservoir-style, so that every sample offered so far is
/// equally likely to be in it.
public struct ReplayPool {
    /// The most samples it holds.
    public let capacity: Int
    /// The samples, one row each (all of one width).
    public private(set) var rows: [[Float]] = []
    /// Samples offered so far (the reservoir's denominator).
    public private(set) var seen = 0

    /// An empty pool.
    public init(capacity: Int) { self.capacity = capacity }

    /// A pool holding `rows` after `seen` offers (a checkpoint's pool); the caller has checked that they fit.
    init(capacity: Int, rows: [[Float]], seen: Int) {
        self.capacity = capacity
        self.rows = rows
        self.seen = seen
    }

    /// Offers one sample: kept while the pool is not full, afterwards in place of a random one with
    /// probability capacity/seen (Vitter's algorithm R). A sample of another width empties the pool first
    /// (the data dimension or packing changed).
    public mutating func offer(_ row: [Float], using stream: RandomStream) {
        if let width = rows.first?.count, width != row.count { rows = []; seen = 0 }
        seen += 1
        if rows.count < capacity { rows.append(row); return }
        let slot = stream.nextInt(below: seen)
        if slot < capacity { rows[slot] = row }
    }

    /// The batch D sees: each row of `fake` is replaced, with probability `p`, by a uniformly chosen pool
    /// sample (one uniform draw per row, one index draw per replacement); then every new row is offered to
    /// the pool. Replacements are drawn from the pool as it was before this batch.
    public mutating func mix(_ fake: Tensor, p: Float, using stream: RandomStream) throws -> Tensor {
        guard fake.rank == 2 else { throw SessionError("replay-buffer expects samples [batch, d], got \(fake.shape)") }
        let (count, width) = (fake.shape[0], fake.shape[1])
        let values = fake.scalars
        let fresh = (0..<count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        let usable = rows.first?.count == width ? rows : []
        var mixed: [Float] = []
        mixed.reserveCapacity(values.count)
        for row in fresh {
            let swap = stream.nextUniform() < p && !usable.isEmpty
            mixed += swap ? usable[stream.nextInt(below: usable.count)] : row
        }
        for row in fresh { offer(row, using: stream) }
        return try Tensor(mixed, shape: fake.shape)
    }
}

/// Experience replay of old fakes (Shrivastava et al. 2017): D is also shown samples G produced earlier,
/// so it keeps rejecting regions G has left and G cannot win by cycling back to them.
public final class ReplayBufferTrick: Trick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "replay-buffer", aliases: ["replay"],
        summary: "D also sees old generated samples from a pool of past fakes",
        discussion: """
            Each D update, every generated sample of D's batch is swapped with probability p for a sample \
            drawn uniformly from a pool of past generated samples; then the new samples enter the pool \
            (reservoir sampling: once full, each of the `seen` samples so far is in the pool with equal \
            probability size/seen). The paper swaps half the batch for pool samples (p = 0.5). G's update is \
            unchanged (its gradient needs its current samples). Randomness from stream trick.replay-buffer. \
            trick off drops the pool.
            """,
        parameters: [size.spec, p.spec],
        reference: "Shrivastava et al., Learning from Simulated and Unsupervised Images through Adversarial Training, CVPR 2017")

    static let size: ParameterKey<Int> = .integer("size", 1...1_000_000, default: 1000, "samples the pool holds")
    static let p: ParameterKey<Float> = .real("p", 0...1, default: 0.5, "probability that a generated sample is swapped for a pool sample")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The past fakes.
    public internal(set) var pool: ReplayPool

    /// An empty pool of the given size; any loss and model accept it.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(parameters, pool: ReplayPool(capacity: parameters[Self.size]))
    }

    private init(_ parameters: ParameterValues, pool: ReplayPool) {
        self.parameters = parameters
        self.pool = pool
    }

    /// Mixes pool samples into D's generated batch (D updates only: `real` is nil in the G update).
    public func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws
        -> (real: Tensor?, fake: Tensor) {
        guard real != nil else { return (real, fake) }
        let mixed = try pool.mix(fake.detached(), p: parameters[Self.p], using: context.session.stream(of: Self.spec.name))
        return (real, mixed)
    }

    /// An independent copy with its own pool (the pool is a value).
    /// Its pool takes samples at every D update.
    public var accumulatesOverUpdates: Bool { true }

    public func copy() -> any TrainingHook { ReplayBufferTrick(parameters, pool: pool) }

    // MARK: Checkpoints

    /// The pool's samples (tensor `PREFIX.pool`, [samples, width]) and how many were offered.
    public func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        if let width = pool.rows.first?.count {
            file.append("\(prefix).pool", try Tensor(pool.rows.flatMap { $0 }, shape: [pool.rows.count, width]))
        }
        return .object([("seen", .integer(pool.seen))])
    }

    public static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                                networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> ReplayBufferTrick {
        let capacity = parameters[Self.size]
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
        return ReplayBufferTrick(parameters, pool: ReplayPool(capacity: capacity, rows: rows, seen: seen))
    }

    // MARK: Memory

    /// The pool: `size` rows of D's input width, each an array of its own (about 48 bytes of bookkeeping).
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let rowBytes = TrainingFootprint.float * Double(plan.dataDimension * plan.samplesPerDiscriminatorRow) + 48
        plan.trickState.append((spec.name, Double(parameters[Self.size]) * rowBytes))
        plan.trickWork.append((spec.name, 2 * Double(plan.discriminatorRows) * rowBytes, 0))
    }
}
