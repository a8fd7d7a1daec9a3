import Autodiff
import NeuralNet
import Workbench

/// Optimistic gradient descent: each step adds the change of the gradient once more, θ −= lr·(2gₜ − gₜ₋₁),
/// a cheap extrapolation that damps the rotation of simultaneous GAN updates where plain gradient descent
/// spirals outwards (on the x·y game it converges; SGD diverges).
public final class OptimisticRule: UpdateRule {
    public static let lr: ParameterKey<Float> = .real("lr", 0...100, default: 1e-2, "learning rate")
    public static var learningRate: ParameterKey<Float> { lr }

    public static let spec = PluginSpec(
        kind: .optimizer, name: "optimistic", aliases: ["ogd", "optimistic-gd"],
        summary: "optimistic gradient descent: θ −= lr·(2g − g_previous), extrapolating the gradient's change",
        discussion: """
            θ ← θ − lr·(2gₜ − gₜ₋₁), with gₜ₋₁ the parameter's previous gradient (kept as its one buffer, \
            previous_gradient, which checkpoints save); the first step, without a previous gradient, is plain \
            gradient descent. Equivalently a gradient step plus lr·(gₜ₋₁ − gₜ) of correction, the optimistic \
            mirror descent of Daskalakis et al. (2018), which converges on bilinear games where simultaneous \
            gradient descent spirals out.
            """,
        parameters: [lr.spec],
        reference: "Daskalakis, Ilyas, Syrgkanis & Zeng, Training GANs with Optimism, ICLR 2018")

    public let parameters: ParameterValues
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    public func makeOptimizer() -> any Optimizer { OptimisticGradientDescent(learningRate: parameters[Self.lr]) }
}

/// The optimizer `OptimisticRule` makes: its memory is each parameter's previous gradient.
public final class OptimisticGradientDescent: Optimizer {
    public let name = "optimistic"
    public var learningRate: Float
    public var state = OptimizerState()
    public let bufferNames = ["previous_gradient"]

    public init(learningRate: Float) { self.learningRate = learningRate }

    public var summary: String { "OptimisticGD(lr \(learningRate))" }

    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        guard parameters.count == gradients.count else {
            throw OptimizerError("optimistic: \(parameters.count) parameters but \(gradients.count) gradients")
        }
        for (parameter, gradient) in zip(parameters, gradients) {
            guard parameter.shape == gradient.shape else {
                throw OptimizerError("optimistic: a parameter has shape \(parameter.shape) but its gradient \(gradient.shape)")
            }
            let gradient = gradient.detached()
            let slots = state.existingSlots(for: parameter)
            let direction = try slots?.buffers.first.map { try gradient * 2 - $0 } ?? gradient
            parameter.value = (try parameter.value.detached() - direction * learningRate).requiringGradient()
            state.restore(step: (slots?.step ?? 0) + 1, buffers: [gradient], for: parameter)
        }
    }
}
