import NeuralNet

/// The `rmsprop` optimizer plugin.
public final class RMSPropRule: UpdateRule {
    /// Learning rate.
    public static let lr: ParameterKey<Float> = .real("lr", 0...10, default: 5e-5, "learning rate")
    public static var learningRate: ParameterKey<Float> { lr }
    /// Decay of the square average.
    public static let alpha: ParameterKey<Float> = .real("alpha", 0...0.999999, default: 0.99, "decay of the square average")
    /// Added to the denominator.
    public static let eps: ParameterKey<Float> = .real("eps", 0...1, default: 1e-8, "added to the denominator")
    /// L2 penalty added to the gradient.
    public static let weightDecay: ParameterKey<Float> = .real("weight_decay", 0...10, default: 0, "L2 penalty added to the gradient")

    public static let spec = PluginSpec(
        kind: .optimizer, name: "rmsprop",
        summary: "RMSProp with PyTorch defaults (α = 0.99, ε = 1e-8); WGAN's critic optimizer",
        discussion: "s = α·s + (1 − α)·g², θ −= lr·g/(√s + ε), as torch.optim.RMSprop (not centred, no momentum). The WGAN paper uses lr 5e-5.",
        parameters: [lr.spec, alpha.spec, eps.spec, weightDecay.spec],
        reference: "Tieleman & Hinton, Lecture 6.5, 2012")

    public let parameters: ParameterValues

    /// RMSProp with these settings.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// A fresh RMSProp.
    public func makeOptimizer() -> any Optimizer {
        RMSProp(learningRate: parameters[Self.lr], alpha: parameters[Self.alpha], epsilon: parameters[Self.eps],
                weightDecay: parameters[Self.weightDecay])
    }
}
