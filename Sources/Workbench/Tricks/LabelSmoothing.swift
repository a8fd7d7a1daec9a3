import Autodiff

/// `label-smoothing`: one-sided label smoothing (Salimans et al. 2016). D's real targets become α while
/// the fake targets stay 0, so D is never pushed to become infinitely confident on real data; fake_target
/// β > 0 makes it two-sided, the variant the paper argues against, so that the argument can be shown.
public final class LabelSmoothing: StatelessTrick {
    /// The declaration: α, the real target.
    public static let spec = PluginSpec(
        kind: .trick, name: "label-smoothing", aliases: ["smoothing", "one-sided-label-smoothing"],
        summary: "one-sided label smoothing: D's real target α (paper 0.9), fake target β stays 0 unless set",
        discussion: """
            D's loss on real samples becomes mean[α·softplus(−D(x)) + (1 − α)·softplus(D(x))]; the fake \
            side keeps target 0. Only the fake side is left alone on purpose: the optimal D becomes \
            D*(x) = (α·p(x) + β·q(x)) / (p(x) + q(x)), so with a fake target β > 0 (fake_target, two-sided \
            smoothing) D gives G's own samples some "realness" β where there is no data (p = 0), rewarding \
            G's current mistakes instead of pushing it off them. fake_target exists to show that argument; \
            the paper's remedy is β = 0. It needs a cross-entropy loss (minimax or nonsaturating) and is \
            refused for wgan, wgan-gp, lsgan and hinge, whose critics have no targets to smooth.
            """,
        parameters: [alpha.spec, fakeTarget.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.4")

    static let alpha: ParameterKey<Float> = .real("alpha", 0...1, default: 0.9, "the real target α (paper 0.9; 1 means no smoothing)")
    static let fakeTarget: ParameterKey<Float> = .real("fake_target", 0...1, default: 0,
                                                       "the fake target β (0: one-sided, the paper; > 0: two-sided, which the paper argues against)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The real target α.
    public let alpha: Float
    /// The fake target β.
    public let beta: Float

    /// Refused when the session's loss is not a cross-entropy loss: silently ignoring α would mislead.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        let loss = environment.session.loss
        guard loss.readsLabelTargets else {
            throw SessionError(Self.refusal(lossName: loss.name))
        }
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        alpha = parameters[Self.alpha]
        beta = parameters[Self.fakeTarget]
    }

    /// Why the trick cannot work with the loss called `lossName`.
    public static func refusal(lossName: String) -> String {
        "label-smoothing needs a cross-entropy loss (minimax or nonsaturating); the loss is \(lossName), "
            + "whose critic has no targets"
    }

    /// α, read by the cross-entropy losses.
    public func realTarget(_ context: TrainingContext) -> Float? { alpha }
    /// β, read by the cross-entropy losses; nil when 0 (one-sided), so the loss is computed as without it.
    public func fakeTarget(_ context: TrainingContext) -> Float? { beta == 0 ? nil : beta }

    /// Without real and fake targets α has nothing to smooth.
    public var needsCrossEntropyLoss: Bool { true }
}
