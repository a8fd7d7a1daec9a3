import Autodiff

/// Nearest-neighbour upsampling of image rows by a whole factor (PyTorch's `nn.Upsample(scale_factor:)`,
/// mode "nearest"): [batch, C·H·W] → [batch, C·(H·f)·(W·f)], each pixel a f × f block.
public final class Upsample: Layer {
    /// The layout of each input row.
    public let image: ImageShape
    /// How many times larger each side gets.
    public let factor: Int

    /// An upsampling of `image` rows by `factor` (at least 1).
    public init(_ image: ImageShape, factor: Int) throws {
        guard factor >= 1 else { throw LayerError("Upsample needs a factor of at least 1, got \(factor)") }
        self.image = image
        self.factor = factor
    }

    private init(copying other: Upsample) {
        image = other.image
        factor = other.factor
    }

    /// The layout of each output row.
    public var output: ImageShape {
        ImageShape(channels: image.channels, height: image.height * factor, width: image.width * factor)
    }

    /// Each row read as an image, every pixel repeated into a block.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == image.elementCount else {
            throw LayerError("\(summary) expects rows of \(image) = \(image.elementCount) values, got \(input.shape)")
        }
        let batch = input.shape[0]
        return try input.reshaped(to: [batch, image.channels, image.height, image.width])
            .upsampledNearest(factor: factor)
            .reshaped(to: [batch, output.elementCount])
    }

    /// "Upsample(64×7×7 → 64×14×14, nearest)".
    public var summary: String { "Upsample(\(image) → \(output), nearest)" }
    /// The larger image's size when the input is the image it was made for.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? {
        inputWidth == image.elementCount ? output.elementCount : nil
    }
    /// Stateless: a copy may be a new layer with the same settings.
    public func copy() -> any Layer { Upsample(copying: self) }
}
