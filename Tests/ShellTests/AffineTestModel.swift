import Autodiff
import NeuralNet
import Workbench

/// A model plugin that exists only in the tests: one Linear layer from input to output for either player,
/// weights drawn from a normal of σ `scale`. Declared here and nowhere else, it is registered at run time
/// by `RegisteredModelAndOptimizerTests`, which checks that every part of the shell finds it.
final class AffineTestModel: Model {
    static let scale: ParameterKey<Float> = .real("scale", 0...10, default: 0.1, "σ of the initial weights")

    static let spec = PluginSpec(
        kind: .model, name: "affine", aliases: ["one-layer"],
        summary: "a single Linear layer from input to output (test-only)",
        discussion: "x ↦ Wx + b with W drawn from N(0, scale²) and b zero: the smallest network either player can have.",
        parameters: [scale.spec])

    let parameters: ParameterValues

    init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        Sequential([Linear(input, output, initialization: .normal(standardDeviation: parameters[Self.scale]), using: stream)])
    }

    func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] { [.linear(inputs: input, outputs: output)] }
}
