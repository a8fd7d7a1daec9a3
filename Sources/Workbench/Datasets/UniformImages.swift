import Autodiff
import NeuralNet

/// Images whose every pixel is uniform in [−1, 1): the data of the dcgan speed benchmarks (no file is read
/// while they are timed), and the smallest image data set for trying an image model.
public final class UniformImages: Dataset {
    static let channels: ParameterKey<Int> = .integer("channels", 1...64, default: 1, "colour planes per image")
    static let size: ParameterKey<Int> = .integer("size", 1...512, default: 28, "height and width of each image in pixels")

    public static let spec = PluginSpec(
        kind: .dataset, name: "uniform-images",
        summary: "square images of independent pixels uniform in [-1, 1)",
        discussion: """
            Each sample is a channels×size×size image stored as a row in NCHW order, every value drawn \
            independently and uniformly from [-1, 1), the range of a tanh generator. The dcgan-small and \
            dcgan-wgangp benchmarks train on 1×28×28 images of it, so that their timed loop reads no file. \
            It has no modes and no structure to learn.
            """,
        parameters: [channels.spec, size.spec],
        reference: "the dcgan-small and dcgan-wgangp speed benchmarks (28×28 greyscale, the size of MNIST)")

    public let parameters: ParameterValues

    /// Images of these parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// channels × size × size.
    public var imageShape: ImageShape? {
        ImageShape(channels: parameters[Self.channels], height: parameters[Self.size], width: parameters[Self.size])
    }
    /// Values per image.
    public var dimension: Int { parameters[Self.channels] * parameters[Self.size] * parameters[Self.size] }
    /// None: uniform noise is not a mixture.
    public var modes: ModeLayout? { nil }

    /// `count` images, one word of the stream per value.
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        Tensor.randomUniform([count, dimension], lower: -1, upper: 1, using: stream)
    }
}
