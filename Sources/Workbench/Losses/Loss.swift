import Autodiff

/// What a discriminator (critic) loss is computed from.
public struct DiscriminatorLossInput {
    /// D's raw outputs (logits or critic scores) on the real batch, [batch, 1].
    public let realScores: Tensor
    /// D's raw outputs on the generated batch, [batch, 1].
    public let fakeScores: Tensor
    /// The real batch as D saw it (after input preparation).
    public let real: Tensor
    /// The generated batch as D saw it (a constant: the D step does not train G).
    public let fake: Tensor
    /// D as a function, for penalties that evaluate it elsewhere (interpolates, reals with gradients).
    public let critic: (Tensor) throws -> Tensor
    /// The stream for the loss's own randomness (WGAN-GP's interpolation weights).
    public let stream: RandomStream
    /// The target for real samples in cross-entropy losses (1, or α under one-sided label smoothing).
    public let realTarget: Float
    /// The target for generated samples in cross-entropy losses (0, or β under two-sided label smoothing).
    public let fakeTarget: Float

    /// Bundles the inputs of one discriminator loss.
    public init(realScores: Tensor, fakeScores: Tensor, real: Tensor, fake: Tensor,
                critic: @escaping (Tensor) throws -> Tensor, stream: RandomStream, realTarget: Float = 1,
                fakeTarget: Float = 0) {
        self.realScores = realScores
        self.fakeScores = fakeScores
        self.real = real
        self.fake = fake
        self.critic = critic
        self.stream = stream
        self.realTarget = realTarget
        self.fakeTarget = fakeTarget
    }
}

/// A GAN objective: a declared plugin giving the discriminator's and the generator's losses.
///
/// The built-in losses declare the shared keys of `LossParameters`: `critic_steps` (n_critic, the D updates
/// per G update) and `r1` (γ of the R1 penalty γ/2·mean ‖∇ₓD(x)‖² on real samples; 0 switches it off). A loss
/// that leaves them out trains with one D update per G update and no R1 penalty.
public protocol Loss: Plugin {
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws
    /// D's loss, penalties included.
    func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor
    /// G's loss from D's raw outputs on a generated batch.
    func generatorLoss(fakeScores: Tensor) throws -> Tensor
    /// Whether G's loss also reads D's outputs on a real batch (a relativistic loss): the G update then draws
    /// one from the data stream and calls `generatorLoss(fakeScores:realScores:)`.
    var generatorReadsRealScores: Bool { get }
    /// G's loss from D's raw outputs on a generated and a real batch, for a loss that reads both.
    func generatorLoss(fakeScores: Tensor, realScores: Tensor) throws -> Tensor
    /// Whether D is a classifier trained with cross-entropy (so log 2 − ½·L_D estimates JS, and label
    /// smoothing applies).
    var isCrossEntropy: Bool { get }
    /// Whether D is a critic whose mean D(x) − mean D(x̃) estimates the Wasserstein distance.
    var estimatesWasserstein: Bool { get }
    /// Whether D's loss reads the real and fake targets of label smoothing (`realTarget`, `fakeTarget`).
    var readsLabelTargets: Bool { get }
    /// Work after each D update (WGAN's weight clipping).
    func afterDiscriminatorUpdate(_ discriminatorParameters: [Tensor]) throws -> [Tensor]?
    /// The number of D updates before the G update of iteration `iteration` (0-based).
    func criticSteps(atIteration iteration: Int) -> Int
    /// How many gradient penalties differentiate D twice in each D update (the memory guard counts them).
    var gradientPenalties: Int { get }
    /// How it plays the Dirac-GAN, when it can be played there.
    static var diracForm: DiracGameForm? { get }
}

extension Loss {
    /// A cross-entropy loss reads the targets; another has none.
    public var readsLabelTargets: Bool { isCrossEntropy }

    /// Only the generated batch's scores by default.
    public var generatorReadsRealScores: Bool { false }

    /// The loss of the generated batch's scores alone by default.
    public func generatorLoss(fakeScores: Tensor, realScores: Tensor) throws -> Tensor { try generatorLoss(fakeScores: fakeScores) }

    /// Not playable in the Dirac-GAN by default.
    public static var diracForm: DiracGameForm? { nil }

    /// No change by default.
    public func afterDiscriminatorUpdate(_ discriminatorParameters: [Tensor]) throws -> [Tensor]? { nil }

    /// The R1 penalty's, when it is on.
    public var gradientPenalties: Int { hasR1 ? 1 : 0 }

    /// Whether the R1 penalty is on.
    var hasR1: Bool { parameters.declares(LossParameters.r1) && parameters[LossParameters.r1] > 0 }

    /// `critic_steps` when declared, else one.
    public func criticSteps(atIteration iteration: Int) -> Int {
        parameters.declares(LossParameters.criticSteps) ? parameters[LossParameters.criticSteps] : 1
    }

    /// γ/2·mean ‖∇ₓD(x)‖² on the real batch when `r1` > 0 (Mescheder et al. 2018), else nil.
    func r1Penalty(_ input: DiscriminatorLossInput) throws -> Tensor? {
        guard parameters.declares(LossParameters.r1) else { return nil }
        let gamma = Float(parameters[LossParameters.r1])
        guard gamma > 0 else { return nil }
        let real = input.real.detached().requiringGradient()
        let scores = try input.critic(real)
        let gradient = try gradients(of: scores.sum(), wrt: [real], createGraph: true)[0]
        return try gradient.rowSquaredNorms().mean() * (gamma / 2)
    }

    /// `loss` plus the R1 penalty when it is on.
    public func withR1(_ loss: Tensor, _ input: DiscriminatorLossInput) throws -> Tensor {
        guard let penalty = try r1Penalty(input) else { return loss }
        return try loss + penalty
    }
}

extension PluginEntry<any Loss> {
    /// The entry of a loss type.
    public init(_ type: any Loss.Type) {
        self.init(spec: type.spec, implementation: type, make: { try type.init($0) })
    }

    /// How the loss plays the Dirac-GAN, when it can be played there.
    public var diracForm: DiracGameForm? { (implementation as? any Loss.Type)?.diracForm }
}

extension PluginRegistry<PluginEntry<any Loss>> {
    /// Adds a loss type after the others (see `register(_:)`).
    public func register(_ type: any Loss.Type) throws { try register(PluginEntry(type)) }
}

/// The keys the built-in losses share, read by the protocol's defaults (`criticSteps(atIteration:)`, R1).
public enum LossParameters {
    /// n_critic. Each loss lists it with its own default through `common(criticSteps:)`; read through this
    /// key, whose default is never used.
    public static let criticSteps: ParameterKey<Int> = .integer(
        "critic_steps", 1...1000, default: 1, "D (critic) updates per G update (n_critic)")
    /// γ of the R1 penalty. A Double, so that `gradientPenalties` counts a γ too small for a Float as on,
    /// as it always did.
    public static let r1: ParameterKey<Double> = .real(
        "r1", 0...1e6, default: 0,
        "γ of the R1 penalty γ/2·mean ‖∇ₓD(x)‖² on real samples (Mescheder et al. 2018); 0 = off")

    /// `critic_steps` with the loss's default number of critic steps, and `r1`.
    public static func common(criticSteps steps: Int) -> [ParameterSpec] {
        let n = criticSteps.spec
        return [ParameterSpec(n.name, n.kind, default: .integer(steps), n.summary), r1.spec]
    }
}
