import Autodiff

/// `label-smoothing`: one-sided label smoothing (Salimans et al. 2016). D's real targets become α while
/// the fake targets stay 0, so D is never pushed to become infinitely confident on real data.
public final class LabelSmoothing: StatelessTrick {
    /// The declaration: α, the real target.
    public static let spec = PluginSpec(
        kind: .trick, name: "label-smoothing", aliases: ["smoothing", "one-sided-label-smoothing"],
        summary: "one-sided label smoothing: D's real target α (paper 0.9), fake target stays 0",
        discussion: """
            D's loss on real samples becomes mean[α·softplus(−D(x)) + (1 − α)·softplus(D(x))]; the fake \
            side keeps target 0. Only the fake side is left alone on purpose: smoothing it too would \
            reward D for giving G's own samples some "realness" where there is no data, reinforcing \
            G's current behaviour. It needs a cross-entropy loss (minimax or nonsaturating) and is \
            refused for wgan, wgan-gp, lsgan and hinge, whose critics have no targets to smooth.
            """,
        parameters: [alpha.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.4")

    static let alpha: ParameterKey<Float> = .real("alpha", 0...1, default: 0.9, "the real target α (paper 0.9; 1 means no smoothing)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The real target α.
    public let alpha: Float

    /// Refused when the session's loss is not a cross-entropy loss: silently ignoring α would mislead.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        let loss = environment.session.loss
        guard loss.isCrossEntropy else {
            throw SessionError(Self.refusal(lossName: loss.name))
        }
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        alpha = parameters[Self.alpha]
    }

    /// Why the trick cannot work with the loss called `lossName`.
    public static func refusal(lossName: String) -> String {
        "label-smoothing needs a cross-entropy loss (minimax or nonsaturating); the loss is \(lossName), "
            + "whose critic has no targets"
    }

    /// α, read by the cross-entropy losses.
    public func realTarget(_ context: TrainingContext) -> Float? { alpha }

    /// Without real and fake targets α has nothing to smooth.
    public var needsCrossEntropyLoss: Bool { true }
}
