import Autodiff

/// max(x, 0).
public final class ReLU: Layer {
    /// A ReLU.
    public init() {}
    /// Applies max(x, 0).
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor { input.relu() }
    /// "ReLU".
    public var summary: String { "ReLU" }
    /// A new ReLU.
    public func copy() -> any Layer { ReLU() }
}

/// x for x > 0, slope·x otherwise.
public final class LeakyReLU: Layer {
    /// The slope for negative inputs.
    public let slope: Float
    /// A leaky ReLU (DCGAN and most GAN discriminators use 0.2).
    public init(slope: Float = 0.2) { self.slope = slope }
    /// Applies the leaky ReLU.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor { input.leakyRelu(slope: slope) }
    /// "LeakyReLU(0.2)".
    public var summary: String { "LeakyReLU(\(slope))" }
    /// A new leaky ReLU with the same slope.
    public func copy() -> any Layer { LeakyReLU(slope: slope) }
}

/// tanh x.
public final class Tanh: Layer {
    /// A tanh.
    public init() {}
    /// Applies tanh.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor { input.tanh() }
    /// "Tanh".
    public var summary: String { "Tanh" }
    /// A new tanh.
    public func copy() -> any Layer { Tanh() }
}

/// 1 / (1 + e^−x).
public final class Sigmoid: Layer {
    /// A sigmoid.
    public init() {}
    /// Applies the sigmoid.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor { input.sigmoid() }
    /// "Sigmoid".
    public var summary: String { "Sigmoid" }
    /// A new sigmoid.
    public func copy() -> any Layer { Sigmoid() }
}

/// x for x > 0, α·(eˣ − 1) otherwise (Clevert et al. 2016).
public final class ELU: Layer {
    /// The scale of the negative branch.
    public let alpha: Float
    /// An ELU.
    public init(alpha: Float = 1) { self.alpha = alpha }
    /// Applies the ELU. The exponential only ever sees min(x, 0), so the branch not taken cannot
    /// overflow into the gradient.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        let positive = input.isGreater(than: 0)
        let negativePart = try Tensor.select(positive, Tensor(0), input)
        return try Tensor.select(positive, input, (negativePart.exp() - 1) * alpha)
    }
    /// "ELU(1)".
    public var summary: String { "ELU(\(alpha))" }
    /// A new ELU with the same α.
    public func copy() -> any Layer { ELU(alpha: alpha) }
}

/// The maximum over groups of `pieces` consecutive inputs (Goodfellow et al. 2013): [batch, units·pieces]
/// → [batch, units]. Preceded by a Linear of width units·pieces it is a maxout unit (PacGAN's D).
public final class Maxout: Layer {
    /// The number of linear pieces per unit.
    public let pieces: Int
    /// A maxout over `pieces`.
    public init(pieces: Int) { self.pieces = pieces }
    /// Takes the maximum of each group.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2, input.shape[1] % pieces == 0 else {
            throw LayerError("Maxout(\(pieces)) expects [batch, units·\(pieces)], got \(input.shape)")
        }
        return try input.reshaped(to: [input.shape[0], input.shape[1] / pieces, pieces]).max(axis: 2)
    }
    /// "Maxout(5)".
    public var summary: String { "Maxout(\(pieces))" }
    /// A new maxout with the same pieces.
    public func copy() -> any Layer { Maxout(pieces: pieces) }
    /// units = input / pieces.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? {
        inputWidth % pieces == 0 ? inputWidth / pieces : nil
    }
}

/// Zeroes each input with probability p in training and scales the rest by 1/(1 − p) (inverted dropout);
/// the identity in evaluation.
public final class Dropout: Layer {
    /// The probability of dropping an input.
    public let probability: Float
    /// A dropout layer.
    public init(probability: Float) { self.probability = probability }
    /// Applies a fresh mask drawn from the context's stream.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard context.training && probability > 0 else { return input }
        guard let stream = context.stream else {
            throw LayerError("Dropout(\(probability)) in training needs a random stream in its forward context")
        }
        let keep = Tensor.randomUniform(input.shape, using: stream).isGreater(than: probability)
        return try input * (keep * (1 / (1 - probability)))
    }
    /// "Dropout(0.5)".
    public var summary: String { "Dropout(\(probability))" }
    /// Its masks are drawn per call: two calls draw differently from one call on both batches.
    public var isRowwise: Bool { probability == 0 }
    /// A new dropout with the same probability.
    public func copy() -> any Layer { Dropout(probability: probability) }
}
