import Autodiff

/// The original GAN objective (Goodfellow et al. 2014), whose optimal-D value is 2·JS − 2 log 2.
public final class MinimaxLoss: Loss {
    public static let spec = PluginSpec(
        kind: .loss, name: "minimax", aliases: ["saturating", "gan"],
        summary: "the original saturating GAN loss; with an optimal D it measures Jensen–Shannon divergence",
        discussion: """
            D minimises mean softplus(−D(x)) + mean softplus(D(x̃)) (binary cross-entropy on logits). G minimises \
            mean log(1 − σ(D(x̃))) = −mean softplus(D(x̃)). Against the optimal D the value is 2·JS(Pr‖Pg) − 2·log 2, \
            so log 2 − ½·L_D estimates JS (in nats). When D wins, σ(D(x̃)) → 0 and G's gradient vanishes: \
            the saturation the non-saturating loss avoids.
            """,
        parameters: LossParameters.common(criticSteps: 1),
        reference: "Goodfellow et al., Generative Adversarial Nets, NeurIPS 2014")
    public let parameters: ParameterValues
    /// A minimax loss.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Binary cross-entropy (plus R1 when on).
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        try withR1(try crossEntropyDiscriminatorLoss(input), input)
    }
    /// −mean softplus(D(x̃)).
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor { -(try fakeScores.softplus()).mean() }
    /// f(t) = log σ(t); G minimises L itself.
    public static let diracForm: DiracGameForm? = DiracGameForm(f: { try $0.logSigmoid() }, summary: "f(t) = log σ(t)")
    public var isCrossEntropy: Bool { true }
    public var estimatesWasserstein: Bool { false }
}
