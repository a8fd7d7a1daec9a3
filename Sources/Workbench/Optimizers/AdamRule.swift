import NeuralNet

/// The `adam` optimizer plugin.
public final class AdamRule: UpdateRule {
    /// Learning rate.
    public static let lr: ParameterKey<Float> = .real("lr", 0...10, default: 1e-4, "learning rate")
    public static var learningRate: ParameterKey<Float> { lr }
    /// First-moment decay.
    public static let beta1: ParameterKey<Float> = .real("beta1", 0...0.999999, default: 0.5, "first-moment decay")
    /// Second-moment decay.
    public static let beta2: ParameterKey<Float> = .real("beta2", 0...0.999999, default: 0.999, "second-moment decay")
    /// Added to the denominator.
    public static let eps: ParameterKey<Float> = .real("eps", 0...1, default: 1e-8, "added to the denominator")
    /// L2 penalty added to the gradient.
    public static let weightDecay: ParameterKey<Float> = .real("weight_decay", 0...10, default: 0, "L2 penalty added to the gradient")

    public static let spec = PluginSpec(
        kind: .optimizer, name: "adam",
        summary: "Adam with PyTorch semantics (bias correction, ε outside the square root)",
        discussion: """
            m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², θ −= lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂; \
            weight_decay adds wd·θ to the gradient (L2, as torch.optim.Adam). GANs commonly use β1 = 0.5; \
            WGAN-GP uses lr 1e-4, β1 = 0, β2 = 0.9.
            """,
        parameters: [lr.spec, beta1.spec, beta2.spec, eps.spec, weightDecay.spec],
        reference: "Kingma & Ba, Adam, ICLR 2015")

    public let parameters: ParameterValues

    /// Adam with these settings.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// A fresh Adam.
    public func makeOptimizer() -> any Optimizer {
        Adam(learningRate: parameters[Self.lr], beta1: parameters[Self.beta1], beta2: parameters[Self.beta2],
             epsilon: parameters[Self.eps], weightDecay: parameters[Self.weightDecay])
    }
}
