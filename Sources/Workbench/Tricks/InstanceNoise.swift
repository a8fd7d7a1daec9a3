import Autodiff
import NeuralNet

/// `instance-noise`: Gaussian noise added to everything D sees (Sønderby et al. 2016; Arjovsky & Bottou
/// 2017), so the real and generated distributions overlap and D cannot separate them perfectly.
public final class InstanceNoise: Trick {
    /// The declaration: s₀, the annealing schedule and its length.
    public static let spec = PluginSpec(
        kind: .trick, name: "instance-noise", aliases: ["noise-inputs", "adding-noise"],
        summary: "Gaussian noise N(0, s²) on D's real and generated inputs, optionally annealed to 0",
        discussion: """
            D sees x + N(0, s²) and x̃ + N(0, s²), on every D update and on the G update (where G's gradient \
            flows through the noisy fake, the noise being a constant). Two distributions on disjoint \
            low-dimensional supports become overlapping full-dimensional ones, so the JS divergence is no \
            longer stuck at log 2 and D's gradient does not vanish. anneal=linear lowers s as \
            s = s₀·max(0, 1 − t/T), t counting the generator iterations since the trick was switched on (or \
            since the last seed, which restarts the count of iterations) (Sønderby et al. anneal to 0); anneal=none keeps \
            s₀ (the reference values are s = 0.1–0.3 at the input, without annealing). Draws come from the \
            stream "trick.instance-noise", so switching it on never changes the data or noise batches.
            """,
        parameters: [sigma.spec, anneal.spec, steps.spec],
        reference: "Sønderby et al. 2016, Amortised MAP Inference for Image Super-resolution (instance noise); "
            + "Arjovsky & Bottou 2017, Towards Principled Methods for Training GANs (ICLR), §3")

    /// How s changes over training.
    enum Schedule: String, ParameterChoice {
        /// s₀ throughout.
        case none
        /// s₀·max(0, 1 − t/T).
        case linear
    }

    static let sigma: ParameterKey<Float> = .real("sigma", 0...1000, default: 0.1, "the noise standard deviation s₀ at iteration 0")
    static let anneal: ParameterKey<Schedule> = .choice("anneal", default: Schedule.none, "none: constant s₀; linear: s = s₀·max(0, 1 − t/T)")
    static let steps: ParameterKey<Int> = .integer("steps", 1...1_000_000_000, default: 10000,
                                                   "T, the generator iterations after switch-on over which linear annealing reaches 0")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// s₀.
    public let sigma: Float
    /// Whether s decreases linearly to 0 over `steps` generator iterations.
    public let annealsLinearly: Bool
    /// T.
    public let steps: Int
    /// The session's iteration when the trick was switched on: the annealing's t = 0. A session whose
    /// iteration count starts again (`seed`) with the trick on brings it back to 0.
    public private(set) var start: Int

    /// Any loss and model accept it: it only changes D's inputs. The schedule starts at the session's
    /// current iteration, so a trick switched on late anneals over its own T iterations.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(parameters, start: environment.session.iteration)
    }

    private init(_ parameters: ParameterValues, start: Int) {
        self.parameters = parameters
        sigma = parameters[Self.sigma]
        annealsLinearly = parameters[Self.anneal] == .linear
        steps = parameters[Self.steps]
        self.start = start
    }

    /// s at the session's generator iteration `iteration` (0-based), t = iteration − start.
    public func standardDeviation(atIteration iteration: Int) -> Float {
        guard annealsLinearly else { return sigma }
        let t = iteration - (iteration < start ? 0 : start)
        return sigma * Swift.max(0, 1 - Float(t) / Float(steps))
    }

    /// Adds fresh noise to the real batch (D update) and to the generated batch (both updates).
    public func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws
        -> (real: Tensor?, fake: Tensor) {
        // An iteration before the start: the session was reseeded with the trick on, and counts from 0 again.
        if context.iteration < start { start = 0 }
        let s = standardDeviation(atIteration: context.iteration)
        // Once annealed to 0 nothing is drawn: the inputs are exactly the clean batches.
        guard s > 0 else { return (real, fake) }
        let stream = context.session.stream(of: Self.spec.name)
        let noisyReal = try real.map { try $0 + Tensor.randomNormal($0.shape, standardDeviation: s, using: stream) }
        let noisyFake = try fake + Tensor.randomNormal(fake.shape, standardDeviation: s, using: stream)
        return (noisyReal, noisyFake)
    }
}

extension InstanceNoise {
    /// Both batches D sees carry noise.
    public var noisesDiscriminatorInputs: Bool { true }

    /// An independent copy with its start.
    public func copy() -> any TrainingHook { InstanceNoise(parameters, start: start) }

    /// The iteration the schedule starts from.
    public func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .object([("start", .integer(start))])
    }

    /// Checkpoints written before the start was kept hold null: their schedule counted from iteration 0.
    public static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                                networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> InstanceNoise {
        if case .null = state { return InstanceNoise(parameters, start: 0) }
        guard let start = state["start"]?.intValue, start >= 0 else {
            throw tensors.failure("the state of instance-noise has no valid start iteration")
        }
        return InstanceNoise(parameters, start: start)
    }
}
