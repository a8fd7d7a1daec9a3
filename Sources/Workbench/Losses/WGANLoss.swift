import Autodiff

/// WGAN with weight clipping (Arjovsky et al. 2017).
public final class WGANLoss: Loss {
    public static let spec = PluginSpec(
        kind: .loss, name: "wgan", aliases: ["wasserstein"],
        summary: "Wasserstein GAN: a critic kept Lipschitz by clipping its weights to [−c, c]",
        discussion: """
            The critic minimises mean D(x̃) − mean D(x); G minimises −mean D(x̃). After every critic update \
            each critic weight is clipped to [−clip, clip] (after the update, as the paper's algorithm does; \
            the reference code clips before it). mean D(x) − mean D(x̃) estimates the Wasserstein-1 distance \
            up to the Lipschitz constant. The paper trains with RMSProp at lr 5e-5, n_critic = 5, batch 64. \
            warmup=true adds the reference code's schedule: 100 critic steps for the first 25 generator \
            iterations and for every 500th.
            """,
        parameters: [clip.spec] + LossParameters.common(criticSteps: 5) + [warmup.spec],
        reference: "Arjovsky, Chintala & Bottou, Wasserstein GAN, ICML 2017 (Algorithm 1)", remedy: "Wasserstein")
    static let clip: ParameterKey<Float> = .real("clip", 1e-6...1e3, default: 0.01, "clipping bound c")
    static let warmup: ParameterKey<Bool> = .boolean(
        "warmup", default: false, "100 critic steps for the first 25 and every 500th generator iteration")

    public let parameters: ParameterValues
    /// A WGAN loss.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// mean D(x̃) − mean D(x) (plus R1 when on).
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        try withR1(try wassersteinCriticLoss(input), input)
    }
    /// −mean D(x̃).
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor { -fakeScores.mean() }
    public var isCrossEntropy: Bool { false }
    public var estimatesWasserstein: Bool { true }
    /// In the Dirac-GAN the critic's one weight is ψ, clipped to [−clip, clip] after each step.
    static let gameClip: ParameterKey<Float> = .real(
        "clip", 1e-6...1e6, default: 1, "wgan: |ψ| is clipped to this after each D step")
    /// f(t) = t, ψ clipped.
    public static let diracForm: DiracGameForm? = DiracGameForm(
        f: { $0 }, summary: "f(t) = t, ψ clipped to [−clip, clip] after each D step", settings: [gameClip.spec],
        constraint: { psi, settings in
            let clip = settings[gameClip]
            return min(max(psi, -clip), clip)
        })

    /// Every critic parameter clipped to [−c, c].
    public func afterDiscriminatorUpdate(_ discriminatorParameters: [Tensor]) throws -> [Tensor]? {
        let c = parameters[Self.clip]
        return try withoutGradients { try discriminatorParameters.map { try $0.clamped(lower: -c, upper: c) } }
    }
    /// 100 during warm-up iterations when `warmup` is on, else `critic_steps`.
    public func criticSteps(atIteration iteration: Int) -> Int {
        if parameters[Self.warmup] && (iteration < 25 || iteration % 500 == 0) { return 100 }
        return parameters[LossParameters.criticSteps]
    }
}
