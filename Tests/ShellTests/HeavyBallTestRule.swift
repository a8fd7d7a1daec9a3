import NeuralNet
import Workbench

/// An optimizer plugin that exists only in the tests: SGD with heavy-ball momentum on by default.
/// Declared here and nowhere else, it is registered at run time by `RegisteredModelAndOptimizerTests`.
final class HeavyBallTestRule: UpdateRule {
    static let lr: ParameterKey<Float> = .real("lr", 0...10, default: 1e-2, "learning rate")
    static let momentum: ParameterKey<Float> = .real("momentum", 0...0.999, default: 0.9, "momentum coefficient μ")
    static var learningRate: ParameterKey<Float> { lr }

    static let spec = PluginSpec(
        kind: .optimizer, name: "heavy-ball",
        summary: "gradient descent with Polyak's heavy-ball momentum (test-only)",
        discussion: "b = μ·b + g, θ −= lr·b: torch.optim.SGD with momentum, under a name of its own.",
        parameters: [lr.spec, momentum.spec])

    let parameters: ParameterValues

    init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    func makeOptimizer() -> any Optimizer { SGD(learningRate: parameters[Self.lr], momentum: parameters[Self.momentum]) }
}
