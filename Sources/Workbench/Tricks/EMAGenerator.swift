import Autodiff
import NeuralNet

/// An exponential moving average of G's weights (Yazıcı et al. 2019): training is unchanged, but samples
/// for metrics and plots come from the average, which smooths out the oscillation of simultaneous
/// gradient play.
public final class EMAGeneratorTrick: Trick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "ema-generator", aliases: ["ema"],
        summary: "sample from an exponential moving average of G's weights (training itself is unchanged)",
        discussion: """
            After each G update, θ̄ ← β·θ̄ + (1 − β)·θ for every weight of G, starting from θ̄ = θ when the \
            trick is switched on; buffers (batch-norm running statistics) are copied as they are. Metrics, \
            plots and sample exports draw from the averaged G while the trick is on; training, the loss and \
            D only ever see the trained G. If G is rebuilt (a new model or noise dimension), the average \
            starts again from the new G at its next update (until then, samples come from the old average); a new seed \
            starts the trick over at the new G. trick off drops the average.
            """,
        parameters: [beta.spec],
        reference: "Yazıcı et al., The Unusual Effectiveness of Averaging in GAN Training, ICLR 2019")

    static let beta: ParameterKey<Float> = .real("beta", 0...0.999999, default: 0.999, "decay β of the average")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The averaged copy of G.
    public internal(set) var average: Sequential
    /// The iteration of the last update of the average: an earlier one means the session was reseeded
    /// (G freshly initialised, same shapes), so the average must start again.
    private(set) var lastIteration: Int

    /// Starts the average at G's current weights.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(parameters, average: environment.session.generator.copySequential(), lastIteration: -1)
    }

    /// A trick with a given average, last updated after iteration `lastIteration` (−1: not yet).
    private init(_ parameters: ParameterValues, average: Sequential, lastIteration: Int) {
        self.parameters = parameters
        self.average = average
        self.lastIteration = lastIteration
    }

    /// β·average + (1 − β)·current.
    public static func blend(_ average: Tensor, _ current: Tensor, beta: Float) throws -> Tensor {
        try withoutGradients { try beta * average.detached() + (1 - beta) * current.detached() }
    }

    /// Whether `network` has the layers, parameter and buffer shapes of the average (false after G was rebuilt).
    func matches(_ network: Sequential) -> Bool {
        network.describeLayers() == average.describeLayers()
            && network.namedParameters(prefix: "").map(\.parameter.shape) == average.namedParameters(prefix: "").map(\.parameter.shape)
    }

    /// The average, for `Session.generate`.
    public var samplingGenerator: Sequential? { average }

    /// Moves the average towards the G just updated.
    /// Its average moves at every update.
    public var accumulatesOverUpdates: Bool { true }

    public func afterGeneratorUpdate(_ context: TrainingContext) throws {
        let generator = context.session.generator
        defer { lastIteration = context.iteration }
        guard matches(generator), context.iteration >= lastIteration else {
            average = generator.copySequential()
            return
        }
        let beta = parameters[Self.beta]
        for (mean, current) in zip(average.parameters, generator.parameters) {
            mean.value = try Self.blend(mean.value, current.value, beta: beta).requiringGradient()
        }
        for (mean, current) in zip(average.namedBuffers(prefix: ""), generator.namedBuffers(prefix: "")) {
            mean.parameter.value = current.parameter.value
        }
    }

    /// An independent copy with its own averaged network.
    public func copy() -> any TrainingHook {
        EMAGeneratorTrick(parameters, average: average.copySequential(), lastIteration: lastIteration)
    }

    // MARK: Checkpoints

    /// The averaged network (architecture and tensors under `PREFIX.average`) and the iteration of its last update.
    public func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .object([("average", try NetworkRecord.encode(average, prefix: "\(prefix).average", into: &file)),
                 ("last_iteration", .integer(lastIteration))])
    }

    public static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                                networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> EMAGeneratorTrick {
        guard let records = state["average"], let last = state["last_iteration"]?.intValue, last >= -1 else {
            throw tensors.failure("the state of ema-generator has no average or no last iteration")
        }
        return EMAGeneratorTrick(parameters, average: try NetworkRecord.decode(records, prefix: "\(prefix).average", &tensors),
                                 lastIteration: last)
    }

    // MARK: Memory

    /// A copy of G's weights and buffers.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let copy = plan.generator.parameters + plan.generator.buffers
        plan.trickState.append((spec.name, TrainingFootprint.float * Double(copy)))
    }
}
