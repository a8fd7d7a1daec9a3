import NeuralNet

/// The `sgd` optimizer plugin.
public final class SGDRule: UpdateRule {
    /// Learning rate.
    public static let lr: ParameterKey<Float> = .real("lr", 0...100, default: 1e-2, "learning rate")
    public static var learningRate: ParameterKey<Float> { lr }
    /// Momentum coefficient μ.
    public static let momentum: ParameterKey<Float> = .real("momentum", 0...0.999999, default: 0, "momentum coefficient μ")
    /// Nesterov momentum.
    public static let nesterov: ParameterKey<Bool> = .boolean("nesterov", default: false, "Nesterov momentum")
    /// L2 penalty added to the gradient.
    public static let weightDecay: ParameterKey<Float> = .real("weight_decay", 0...10, default: 0, "L2 penalty added to the gradient")

    public static let spec = PluginSpec(
        kind: .optimizer, name: "sgd",
        summary: "stochastic gradient descent, optionally with (Nesterov) momentum",
        discussion: "θ −= lr·g, or with momentum μ: b = μ·b + g, θ −= lr·b (Nesterov: θ −= lr·(g + μ·b)), as torch.optim.SGD.",
        parameters: [lr.spec, momentum.spec, nesterov.spec, weightDecay.spec])

    public let parameters: ParameterValues

    /// SGD with these settings.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// A fresh SGD.
    public func makeOptimizer() -> any Optimizer {
        SGD(learningRate: parameters[Self.lr], momentum: parameters[Self.momentum], nesterov: parameters[Self.nesterov],
            weightDecay: parameters[Self.weightDecay])
    }
}
