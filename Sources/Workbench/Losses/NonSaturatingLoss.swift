import Autodiff

/// The −log D generator loss everyone uses in practice (Goodfellow et al. 2014, §3).
public final class NonSaturatingLoss: Loss {
    public static let spec = PluginSpec(
        kind: .loss, name: "nonsaturating", aliases: ["ns", "-logd"],
        summary: "the practical GAN loss: D as in minimax, G maximises log D(G(z))",
        discussion: """
            D minimises mean softplus(−D(x)) + mean softplus(D(x̃)), exactly as in minimax. G minimises \
            −mean log σ(D(x̃)) = mean softplus(−D(x̃)), which has strong gradients early in training, when D \
            rejects G's samples confidently.
            """,
        parameters: LossParameters.common(criticSteps: 1),
        reference: "Goodfellow et al., Generative Adversarial Nets, NeurIPS 2014 (section 3)")
    public let parameters: ParameterValues
    /// A non-saturating loss.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Binary cross-entropy (plus R1 when on).
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        try withR1(try crossEntropyDiscriminatorLoss(input), input)
    }
    /// mean softplus(−D(x̃)).
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor { (try (-fakeScores).softplus()).mean() }
    /// f(t) = log σ(t); G minimises −mean log σ(−D(fake)).
    public static let diracForm: DiracGameForm? = DiracGameForm(
        f: { try $0.logSigmoid() }, nonSaturating: true, summary: "f(t) = log σ(t), G non-saturating")
    public var isCrossEntropy: Bool { true }
    public var estimatesWasserstein: Bool { false }
}
