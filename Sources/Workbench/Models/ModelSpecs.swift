import Autodiff
import NeuralNet

/// Which player a network is.
public enum Player: String, Sendable, CaseIterable {
    /// The generator G.
    case generator = "G"
    /// The discriminator (critic) D.
    case discriminator = "D"
}

/// The `mlp` model plugin: a multilayer perceptron for either player. The input and output widths come
/// from the session (noise and data dimensions; D outputs one score), the rest from these parameters.
public enum MLPModel {
    /// Declaration.
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
        parameters: [
            ParameterSpec("hidden", .integerList(1...65536), default: .integerList([128, 128]), "hidden layer widths"),
            ParameterSpec("activation", .choice(["relu", "leaky-relu", "tanh", "sigmoid", "elu", "maxout"]),
                          default: .text("relu"), "hidden nonlinearity"),
            ParameterSpec("slope", .real(0...1), default: .real(0.2), "negative slope of leaky-relu"),
            ParameterSpec("pieces", .integer(2...64), default: .integer(5), "pieces per maxout unit"),
            ParameterSpec("output", .choice(["none", "tanh", "sigmoid"]), default: .text("none"), "output function"),
            ParameterSpec("norm", .choice(["none", "batch", "layer"]), default: .text("none"), "normalisation after each hidden Linear"),
            ParameterSpec("init", .choice(["pytorch", "he", "xavier", "normal"]), default: .text("pytorch"), "weight initialisation"),
            ParameterSpec("std", .real(0...10), default: .real(0.02), "σ of init=normal"),
            ParameterSpec("dropout", .real(0...0.99), default: .real(0), "dropout after each hidden activation"),
        ])

    /// The MLP spec for these parameters and widths.
    public static func mlpSpec(_ parameters: ParameterValues, input: Int, output: Int) -> MLPSpec {
        let activation: Activation
        switch parameters.text("activation") {
        case "leaky-relu": activation = .leakyRelu(slope: parameters.float("slope"))
        case "tanh": activation = .tanh
        case "sigmoid": activation = .sigmoid
        case "elu": activation = .elu(alpha: 1)
        case "maxout": activation = .maxout(pieces: parameters.integer("pieces"))
        default: activation = .relu
        }
        let initialization: Initialization
        switch parameters.text("init") {
        case "he": initialization = .he
        case "xavier": initialization = .xavier
        case "normal": initialization = .normal(standardDeviation: parameters.float("std"))
        default: initialization = .pytorch
        }
        return MLPSpec(input: input, hidden: parameters.integers("hidden"), output: output, activation: activation,
                       outputActivation: OutputActivation(rawValue: parameters.text("output")) ?? .none,
                       normalization: Normalization(rawValue: parameters.text("norm")) ?? .none,
                       initialization: initialization, dropout: parameters.float("dropout"))
    }
}

/// The `offset` model plugin: a generator with one learned parameter, G(z) = (θ, z).
public enum OffsetModel {
    /// Declaration.
    public static let spec = PluginSpec(
        kind: .model, name: "offset", aliases: ["line-family"],
        summary: "a generator with one learned parameter: G(z) = (θ, z), the family of WGAN Example 1",
        discussion: """
            Puts a learned θ in front of the noise vector, so the data dimension must be the noise dimension             plus one. With data parallel-lines and noise uniform dim=1 lower=0 upper=1 it is the generator             family g_θ(z) = (θ, z) of Arjovsky, Chintala and Bottou (2017), Example 1, with θ trained by the             generator's optimizer: under wgan or wgan-gp θ moves towards 0; under the cross-entropy losses the             optimal discriminator gives it no gradient. Generator only; the parameter is named G.0.theta.
            """,
        parameters: [
            ParameterSpec("theta", .real(-100...100), default: .real(1), "θ at the start"),
        ],
        reference: "Arjovsky, Chintala & Bottou 2017, Wasserstein GAN (ICML), Example 1")
}

/// Every model plugin, in the order help lists them.
public enum ModelRegistry {
    /// The model declarations: mlp, offset.
    public static let all = [MLPModel.spec, OffsetModel.spec]

    /// The model called `name` (or one of its aliases).
    public static func named(_ name: String) -> PluginSpec? {
        all.first { $0.name == name || $0.aliases.contains(name) }
    }
}
