import Autodiff

/// PyTorch's `nn.Unflatten` (rows to images) or `nn.Flatten` (images to rows) between the dense and the
/// convolutional layers. Rows stay flat [batch, C·H·W] here whatever the layout (each image layer knows
/// its `ImageShape`), so this layer passes its input through unchanged; it is there so that a network
/// and PyTorch's `nn.Sequential` of the same modules number their layers alike, and state dicts
/// (`G.4.weight`) move between them without renaming.
public final class Reshape: Layer {
    /// Which PyTorch module it stands for.
    public enum Direction: String, Sendable {
        /// `nn.Unflatten`: a row becomes an image.
        case unflatten = "Unflatten"
        /// `nn.Flatten`: an image becomes a row.
        case flatten = "Flatten"
    }

    /// The image on the convolutional side.
    public let image: ImageShape
    /// Rows to images or images to rows.
    public let direction: Direction

    /// A reshape between rows and `image`.
    public init(_ direction: Direction, _ image: ImageShape) {
        self.direction = direction
        self.image = image
    }

    /// The input itself, once its width is checked.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == image.elementCount else {
            throw LayerError("\(summary) expects rows of \(image.elementCount) values, got \(input.shape)")
        }
        return input
    }

    /// "Unflatten(6272 → 128×7×7)" or "Flatten(128×7×7 → 6272)".
    public var summary: String {
        direction == .unflatten ? "Unflatten(\(image.elementCount) → \(image))" : "Flatten(\(image) → \(image.elementCount))"
    }
    /// Only rows as wide as its image.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { inputWidth == image.elementCount ? inputWidth : nil }
    /// Stateless.
    public func copy() -> any Layer { Reshape(direction, image) }
}
