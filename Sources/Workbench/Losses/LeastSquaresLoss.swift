import Autodiff

/// Least-squares GAN (Mao et al. 2017) on raw outputs.
public final class LeastSquaresLoss: Loss {
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
