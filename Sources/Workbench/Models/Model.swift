import Autodiff
import NeuralNet

/// Which player a network is.
public enum Player: String, Sendable, CaseIterable {
    /// The generator G.
    case generator = "G"
    /// The discriminator (critic) D.
    case discriminator = "D"

    /// The word commands and messages use: "generator" or "discriminator".
    public var word: String {
        switch self {
        case .generator: "generator"
        case .discriminator: "discriminator"
        }
    }
}

/// A network architecture for a player: a declared plugin made from validated parameters. Widths at the
/// ends come from the session (G: noise → data; D: data, widened by packing, → one score), so one model
/// value serves any dimensions it fits.
public protocol Model: Plugin {
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws

    /// Refuses, before anything is built, a player or widths this architecture cannot serve.
    func check(_ player: Player, input: Int, output: Int) throws

    /// A freshly initialised network, every weight drawn from `stream` in layer order.
    func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential

    /// The layers `build` makes, without making them: what a checkpoint's tensors are checked against
    /// before anything is allocated.
    func declaredLayers(input: Int, output: Int) -> [DeclaredLayer]

    /// The multilayer perceptron this model builds for these widths, when it builds one: memory
    /// estimates, the banner and `generator`'s reply read its widths.
    func perceptron(input: Int, output: Int) -> MLPSpec?

    /// `check` knowing the image layout of the player's data end: the images G writes, or the images D reads
    /// (with the channels of every sample packed into one row); nil when the data are not images. By default
    /// the layout is ignored, so an architecture that never looks at it implements only the widths' version.
    func check(_ player: Player, input: Int, output: Int, image: ImageShape?) throws

    /// `build` knowing the image layout of the player's data end (see `check(_:input:output:image:)`).
    func build(_ player: Player, input: Int, output: Int, image: ImageShape?, using stream: RandomStream) throws -> Sequential

    /// `declaredLayers` knowing the player and the image layout of its data end.
    func declaredLayers(_ player: Player, input: Int, output: Int, image: ImageShape?) -> [DeclaredLayer]

    /// The density of what `network` (a network this model built, as trained so far) generates from `noise`,
    /// when the model is a map simple enough for it to be known; nil otherwise.
    func generatedDensity(of network: Sequential, noise: any NoiseDistribution) -> ((Double) -> Double)?

    /// The dimension of the noise the architecture is designed for as G, when it has one (DCGAN's z ∈ R¹⁰⁰):
    /// a session whose noise nobody chose takes normal noise of this dimension with it. Nil: any noise.
    var latentDimension: Int? { get }
}

extension Model {
    /// Any player and any widths.
    public func check(_ player: Player, input: Int, output: Int) throws {}

    /// The widths' check: the layout does not matter.
    public func check(_ player: Player, input: Int, output: Int, image: ImageShape?) throws {
        try check(player, input: input, output: output)
    }

    /// The widths' build: the layout does not matter.
    public func build(_ player: Player, input: Int, output: Int, image: ImageShape?, using stream: RandomStream) throws -> Sequential {
        try build(player, input: input, output: output, using: stream)
    }

    /// The widths' layers: the same for both players whatever the layout.
    public func declaredLayers(_ player: Player, input: Int, output: Int, image: ImageShape?) -> [DeclaredLayer] {
        declaredLayers(input: input, output: output)
    }

    /// Not a perceptron.
    public func perceptron(input: Int, output: Int) -> MLPSpec? { nil }

    /// Unknown.
    public func generatedDensity(of network: Sequential, noise: any NoiseDistribution) -> ((Double) -> Double)? { nil }

    /// None: the noise stays as it is.
    public var latentDimension: Int? { nil }

    /// An instance from text assignments such as `[("hidden", "8,8")]`, validated against the spec and
    /// completed with defaults: what the shell does for `generator mlp hidden=8,8`.
    public static func make(_ assignments: [(name: String, value: String)] = []) throws -> Self {
        try Self(ParameterValues(spec, assignments: assignments))
    }

    /// Whether `other` is this model with the same parameters (rebuilding for it would change nothing).
    func isSame(as other: any Model) -> Bool { name == other.name && parameters == other.parameters }
}

extension Plugins {
    /// The model a player has until a command sets one, and the one `generator key=value…` means.
    public static var defaultModel: any Model.Type { MLPModel.self }
}
