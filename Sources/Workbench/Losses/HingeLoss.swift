import Autodiff

/// The hinge loss of geometric GAN / SAGAN.
public final class HingeLoss: Loss {
    public static let spec = PluginSpec(
        kind: .loss, name: "hinge",
        summary: "hinge loss: D maximises margins, G maximises D(x̃)",
        discussion: """
            D minimises mean relu(1 − D(x)) + mean relu(1 + D(x̃)); G minimises −mean D(x̃), on raw outputs.
            """,
        parameters: LossParameters.common(criticSteps: 1),
        reference: "Lim & Ye, Geometric GAN, 2017; Miyato et al., Spectral Normalization, ICLR 2018")
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
