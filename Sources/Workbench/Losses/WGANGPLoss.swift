import Autodiff

/// WGAN with gradient penalty (Gulrajani et al. 2017).
public final class WGANGPLoss: Loss {
    public static let spec = PluginSpec(
        kind: .loss, name: "wgan-gp", aliases: ["wgangp"],
        summary: "Wasserstein GAN with a gradient penalty keeping ‖∇ₓD‖ near 1",
        discussion: """
            The critic minimises mean D(x̃) − mean D(x) + λ·mean (‖∇ₓ̂D(x̂)‖₂ − 1)² at x̂ = x + ε(x̃ − x), \
            ε ~ U[0, 1] drawn per sample; one_sided=true uses max(0, ‖∇‖ − 1)² instead. G minimises −mean D(x̃). \
            The penalty is differentiated twice (through ∇ₓD). The paper uses λ = 10, Adam(1e-4, β1 = 0, \
            β2 = 0.9) and n_critic = 5; its toy script used λ = 0.1 and β1 = 0.5.
            """,
        parameters: [lambda.spec, oneSided.spec] + LossParameters.common(criticSteps: 5),
        reference: "Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017", remedy: "Wasserstein")
    /// A Double, so that `gradientPenalties` counts a λ too small for a Float as a penalty, as it always did.
    static let lambda: ParameterKey<Double> = .real("lambda", 0...1e6, default: 10, "weight λ of the gradient penalty")
    static let oneSided: ParameterKey<Bool> = .boolean("one_sided", default: false, "penalise only norms above 1")

    public let parameters: ParameterValues
    /// A WGAN-GP loss.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// mean D(x̃) − mean D(x) + λ·penalty (plus R1 when on).
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        var loss = try wassersteinCriticLoss(input)
        let lambda = Float(parameters[Self.lambda])
        if lambda > 0 { loss = try loss + (try gradientPenalty(input)) * lambda }
        return try withR1(loss, input)
    }

    /// The penalty at the interpolates (when λ > 0), and R1's when it is on.
    public var gradientPenalties: Int { (parameters[Self.lambda] > 0 ? 1 : 0) + (hasR1 ? 1 : 0) }

    /// The game's λ: its default suits a critic of one weight.
    static let gameLambda: ParameterKey<Float> = .real(
        "lambda", 0...1e6, default: 0.35, "wgan-gp: weight of the gradient penalty")
    /// f(t) = t, D adds λ·(|∇ₓD| − 1)².
    public static let diracForm: DiracGameForm? = DiracGameForm(
        f: { $0 }, summary: "f(t) = t, D adds λ·(|∇ₓD| − 1)²", settings: [gameLambda.spec],
        penalty: { theta, critic, settings in
            // D is linear, so ∇ₓD is the same at every interpolate between the real point 0 and θ; the
            // midpoint stands for all of them.
            let between = (theta.detached() * 0.5).requiringGradient()
            let slope = try gradients(of: try critic(between), wrt: [between], createGraph: true)[0]
            return (slope.abs() - 1).squared() * settings[gameLambda]
        })

    /// mean (‖∇ₓ̂D(x̂)‖ − 1)², or its one-sided form.
    func gradientPenalty(_ input: DiscriminatorLossInput) throws -> Tensor {
        let batch = input.real.shape[0]
        let epsilon = Tensor.randomUniform([batch, 1], using: input.stream)
        let real = input.real.detached(), fake = input.fake.detached()
        let interpolates = try (real + (try epsilon * (try fake - real))).requiringGradient()
        let scores = try input.critic(interpolates)
        let gradient = try gradients(of: scores.sum(), wrt: [interpolates], createGraph: true)[0]
        var excess = try gradient.rowNorms() - 1
        if parameters[Self.oneSided] { excess = excess.relu() }
        return excess.squared().mean()
    }

    /// −mean D(x̃).
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor { -fakeScores.mean() }
    public var isCrossEntropy: Bool { false }
    public var estimatesWasserstein: Bool { true }
}
