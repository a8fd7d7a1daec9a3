import Autodiff

/// Cross-entropy discriminator loss with real target α: mean[α·softplus(−D(x)) + (1 − α)·softplus(D(x))]
/// + mean softplus(D(x̃)). With α = 1 this is −mean log σ(D(x)) − mean log(1 − σ(D(x̃))).
func crossEntropyDiscriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
    let alpha = input.realTarget
    // x·1 is x, bit for bit: without smoothing the product is left out of the graph.
    var realTerm = try (-input.realScores).softplus()
    if alpha != 1 { realTerm = try realTerm * alpha + (try input.realScores.softplus()) * (1 - alpha) }
    return try realTerm.mean() + (try input.fakeScores.softplus()).mean()
}

/// The original GAN objective (Goodfellow et al. 2014), whose optimal-D value is 2·JS − 2 log 2.
public final class MinimaxLoss: Loss {
    /// Declaration.
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
    /// The parameters.
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

/// The −log D generator loss everyone uses in practice (Goodfellow et al. 2014, §3).
public final class NonSaturatingLoss: Loss {
    /// Declaration.
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
    /// The parameters.
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

/// Least-squares GAN (Mao et al. 2017) on raw outputs.
public final class LeastSquaresLoss: Loss {
    /// Declaration.
    public static let spec = PluginSpec(
        kind: .loss, name: "lsgan", aliases: ["least-squares"],
        summary: "least-squares GAN: D regresses real to 1 and fake to 0, G pulls fakes to 1",
        discussion: """
            D minimises ½·mean (D(x) − 1)² + ½·mean D(x̃)²; G minimises ½·mean (D(x̃) − 1)², on D's raw outputs. \
            Penalising samples by their distance to the decision boundary keeps gradients alive where \
            cross-entropy saturates.
            """,
        parameters: LossParameters.common(criticSteps: 1),
        reference: "Mao et al., Least Squares Generative Adversarial Networks, ICCV 2017")
    /// The parameters.
    public let parameters: ParameterValues
    /// A least-squares loss.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// ½·mean (D(x) − 1)² + ½·mean D(x̃)² (plus R1 when on).
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        let loss = try (input.realScores - 1).squared().mean() * 0.5 + input.fakeScores.squared().mean() * 0.5
        return try withR1(loss, input)
    }
    /// ½·mean (D(x̃) − 1)².
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor { (fakeScores - 1).squared().mean() * 0.5 }
    public var isCrossEntropy: Bool { false }
    public var estimatesWasserstein: Bool { false }
}

/// The hinge loss of geometric GAN / SAGAN.
public final class HingeLoss: Loss {
    /// Declaration.
    public static let spec = PluginSpec(
        kind: .loss, name: "hinge",
        summary: "hinge loss: D maximises margins, G maximises D(x̃)",
        discussion: """
            D minimises mean relu(1 − D(x)) + mean relu(1 + D(x̃)); G minimises −mean D(x̃), on raw outputs.
            """,
        parameters: LossParameters.common(criticSteps: 1),
        reference: "Lim & Ye, Geometric GAN, 2017; Miyato et al., Spectral Normalization, ICLR 2018")
    /// The parameters.
    public let parameters: ParameterValues
    /// A hinge loss.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// mean relu(1 − D(x)) + mean relu(1 + D(x̃)) (plus R1 when on).
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        let loss = try (1 - input.realScores).relu().mean() + (1 + input.fakeScores).relu().mean()
        return try withR1(loss, input)
    }
    /// −mean D(x̃).
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor { -fakeScores.mean() }
    public var isCrossEntropy: Bool { false }
    public var estimatesWasserstein: Bool { false }
}
