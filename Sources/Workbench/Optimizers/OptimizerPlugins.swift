import NeuralNet

/// The optimizer plugins: declarations for `optimizer G|D NAME key=value…`, and the optimizers they make.
public enum OptimizerRegistry {
    /// Adam's declaration.
    public static let adam = PluginSpec(
        kind: .optimizer, name: "adam",
        summary: "Adam with PyTorch semantics (bias correction, ε outside the square root)",
        discussion: """
            m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², θ −= lr·m̂/(√v̂ + ε) with bias-corrected m̂, v̂; \
            weight_decay adds wd·θ to the gradient (L2, as torch.optim.Adam). GANs commonly use β1 = 0.5; \
            WGAN-GP uses lr 1e-4, β1 = 0, β2 = 0.9.
            """,
        parameters: [
            ParameterSpec("lr", .real(0...10), default: .real(1e-4), "learning rate"),
            ParameterSpec("beta1", .real(0...0.999999), default: .real(0.5), "first-moment decay"),
            ParameterSpec("beta2", .real(0...0.999999), default: .real(0.999), "second-moment decay"),
            ParameterSpec("eps", .real(0...1), default: .real(1e-8), "added to the denominator"),
            ParameterSpec("weight_decay", .real(0...10), default: .real(0), "L2 penalty added to the gradient"),
        ],
        reference: "Kingma & Ba, Adam, ICLR 2015")

    /// SGD's declaration.
    public static let sgd = PluginSpec(
        kind: .optimizer, name: "sgd",
        summary: "stochastic gradient descent, optionally with (Nesterov) momentum",
        discussion: "θ −= lr·g, or with momentum μ: b = μ·b + g, θ −= lr·b (Nesterov: θ −= lr·(g + μ·b)), as torch.optim.SGD.",
        parameters: [
            ParameterSpec("lr", .real(0...100), default: .real(1e-2), "learning rate"),
            ParameterSpec("momentum", .real(0...0.999999), default: .real(0), "momentum coefficient μ"),
            ParameterSpec("nesterov", .boolean, default: .boolean(false), "Nesterov momentum"),
            ParameterSpec("weight_decay", .real(0...10), default: .real(0), "L2 penalty added to the gradient"),
        ])

    /// RMSProp's declaration.
    public static let rmsprop = PluginSpec(
        kind: .optimizer, name: "rmsprop",
        summary: "RMSProp with PyTorch defaults (α = 0.99, ε = 1e-8); WGAN's critic optimizer",
        discussion: "s = α·s + (1 − α)·g², θ −= lr·g/(√s + ε), as torch.optim.RMSprop (not centred, no momentum). The WGAN paper uses lr 5e-5.",
        parameters: [
            ParameterSpec("lr", .real(0...10), default: .real(5e-5), "learning rate"),
            ParameterSpec("alpha", .real(0...0.999999), default: .real(0.99), "decay of the square average"),
            ParameterSpec("eps", .real(0...1), default: .real(1e-8), "added to the denominator"),
            ParameterSpec("weight_decay", .real(0...10), default: .real(0), "L2 penalty added to the gradient"),
        ],
        reference: "Tieleman & Hinton, Lecture 6.5, 2012")

    /// Every optimizer declaration, in the order `list optimizer` shows them.
    public static let all: [PluginSpec] = [adam, sgd, rmsprop]

    /// The declaration called `name`.
    public static func named(_ name: String) -> PluginSpec? { all.first { $0.name == name || $0.aliases.contains(name) } }

    /// A new optimizer for a declaration and its validated parameters.
    public static func make(_ spec: PluginSpec, _ parameters: ParameterValues) -> any Optimizer {
        switch spec.name {
        case "sgd":
            return SGD(learningRate: parameters.float("lr"), momentum: parameters.float("momentum"),
                       nesterov: parameters.boolean("nesterov"), weightDecay: parameters.float("weight_decay"))
        case "rmsprop":
            return RMSProp(learningRate: parameters.float("lr"), alpha: parameters.float("alpha"),
                           epsilon: parameters.float("eps"), weightDecay: parameters.float("weight_decay"))
        default:
            return Adam(learningRate: parameters.float("lr"), beta1: parameters.float("beta1"),
                        beta2: parameters.float("beta2"), epsilon: parameters.float("eps"),
                        weightDecay: parameters.float("weight_decay"))
        }
    }
}
