import Autodiff

/// `instance-noise`: Gaussian noise added to everything D sees (Sønderby et al. 2016; Arjovsky & Bottou
/// 2017), so the real and generated distributions overlap and D cannot separate them perfectly.
public final class InstanceNoise: StatelessTrick {
    /// The declaration: s₀, the annealing schedule and its length.
    public static let spec = PluginSpec(
        kind: .trick, name: "instance-noise", aliases: ["noise-inputs", "adding-noise"],
        summary: "Gaussian noise N(0, s²) on D's real and generated inputs, optionally annealed to 0",
        discussion: """
            D sees x + N(0, s²) and x̃ + N(0, s²), on every D update and on the G update (where G's gradient \
            flows through the noisy fake, the noise being a constant). Two distributions on disjoint \
            low-dimensional supports become overlapping full-dimensional ones, so the JS divergence is no \
            longer stuck at log 2 and D's gradient does not vanish. anneal=linear lowers s as \
            s = s₀·max(0, 1 − t/T) at generator iteration t (Sønderby et al. anneal to 0); anneal=none keeps \
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
                                                   "T, the generator iterations over which linear annealing reaches 0")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// s₀.
    public let sigma: Float
    /// Whether s decreases linearly to 0 over `steps` generator iterations.
    public let annealsLinearly: Bool
    /// T.
    public let steps: Int

    /// Any loss and model accept it: it only changes D's inputs.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        sigma = parameters[Self.sigma]
        annealsLinearly = parameters[Self.anneal] == .linear
        steps = parameters[Self.steps]
    }

    /// s at generator iteration `iteration` (0-based).
    public func standardDeviation(atIteration iteration: Int) -> Float {
        guard annealsLinearly else { return sigma }
        return sigma * Swift.max(0, 1 - Float(iteration) / Float(steps))
    }

    /// Adds fresh noise to the real batch (D update) and to the generated batch (both updates).
    public func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws
        -> (real: Tensor?, fake: Tensor) {
        let s = standardDeviation(atIteration: context.iteration)
        // Once annealed to 0 nothing is drawn: the inputs are exactly the clean batches.
        guard s > 0 else { return (real, fake) }
        let stream = context.session.stream(of: Self.spec.name)
        let noisyReal = try real.map { try $0 + Tensor.randomNormal($0.shape, standardDeviation: s, using: stream) }
        let noisyFake = try fake + Tensor.randomNormal(fake.shape, standardDeviation: s, using: stream)
        return (noisyReal, noisyFake)
    }
}
