import Autodiff
import NeuralNet

/// The `mlp` model plugin: a multilayer perceptron for either player. The input and output widths come
/// from the session (noise and data dimensions; D outputs one score), the rest from these parameters.
public final class MLPModel: Model {
    /// The hidden nonlinearity, as users name it.
    public enum HiddenActivation: String, ParameterChoice {
        case relu, leakyRelu = "leaky-relu", tanh, sigmoid, elu, maxout
    }

    /// The weight initialisation, as users name it.
    public enum WeightInitialization: String, ParameterChoice {
        case pytorch, he, xavier, normal
    }

    /// Hidden layer widths, in order.
    public static let hidden: ParameterKey<[Int]> = .integers("hidden", 1...65536, default: [128, 128], "hidden layer widths")
    /// Hidden nonlinearity.
    public static let activation: ParameterKey<HiddenActivation> = .choice("activation", default: .relu, "hidden nonlinearity")
    /// Negative slope of leaky-relu.
    public static let slope: ParameterKey<Float> = .real("slope", 0...1, default: 0.2, "negative slope of leaky-relu")
    /// Pieces per maxout unit.
    public static let pieces: ParameterKey<Int> = .integer("pieces", 2...64, default: 5, "pieces per maxout unit")
    /// Output function.
    public static let output: ParameterKey<OutputActivation> = .choice("output", default: OutputActivation.none, "output function")
    /// Normalisation after each hidden Linear.
    public static let norm: ParameterKey<Normalization> = .choice("norm", default: Normalization.none, "normalisation after each hidden Linear")
    /// Weight initialisation.
    public static let initialization: ParameterKey<WeightInitialization> = .choice("init", default: .pytorch, "weight initialisation")
    /// σ of init=normal.
    public static let std: ParameterKey<Float> = .real("std", 0...10, default: 0.02, "σ of init=normal")
    /// Dropout after each hidden activation.
    public static let dropout: ParameterKey<Float> = .real("dropout", 0...0.99, default: 0, "dropout after each hidden activation")

    public static let spec = PluginSpec(
        kind: .model, name: "mlp",
        summary: "a multilayer perceptron: Linear → [norm] → activation per hidden layer, then Linear",
        discussion: """
            Hidden widths in order (hidden=128,128); the generator maps noise to data space, the discriminator \
            maps data space to one raw score (a logit, or a critic value). Maxout widens each hidden Linear by \
            its number of pieces (PacGAN's discriminator is hidden=200,200,200 activation=maxout pieces=5). \
            Parameters are named like PyTorch's nn.Sequential (G.0.weight, G.0.bias, …), weights stored \
            [out, in], so they load into an equivalent PyTorch model unchanged.
            """,
        parameters: [hidden.spec, activation.spec, slope.spec, pieces.spec, output.spec, norm.spec,
                     initialization.spec, std.spec, dropout.spec])

    public let parameters: ParameterValues

    /// An MLP of these parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// The MLP spec for these parameters and widths.
    public func perceptron(input: Int, output: Int) -> MLPSpec? { mlpSpec(input: input, output: output) }

    /// `perceptron`, which every MLP model has.
    public func mlpSpec(input: Int, output: Int) -> MLPSpec {
        let activation: Activation
        switch parameters[Self.activation] {
        case .relu: activation = .relu
        case .leakyRelu: activation = .leakyRelu(slope: parameters[Self.slope])
        case .tanh: activation = .tanh
        case .sigmoid: activation = .sigmoid
        case .elu: activation = .elu(alpha: 1)
        case .maxout: activation = .maxout(pieces: parameters[Self.pieces])
        }
        let initialization: Initialization
        switch parameters[Self.initialization] {
        case .pytorch: initialization = .pytorch
        case .he: initialization = .he
        case .xavier: initialization = .xavier
        case .normal: initialization = .normal(standardDeviation: parameters[Self.std])
        }
        return MLPSpec(input: input, hidden: parameters[Self.hidden], output: output, activation: activation,
                       outputActivation: parameters[Self.output], normalization: parameters[Self.norm],
                       initialization: initialization, dropout: parameters[Self.dropout])
    }

    /// The perceptron, weights drawn layer by layer.
    public func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        try mlpSpec(input: input, output: output).build(using: stream)
    }

    /// The perceptron's layers.
    public func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] {
        DeclaredLayer.layers(of: mlpSpec(input: input, output: output))
    }
}

extension OutputActivation: ParameterChoice {}
extension Normalization: ParameterChoice {}
