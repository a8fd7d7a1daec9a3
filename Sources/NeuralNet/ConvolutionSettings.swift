import Autodiff

/// What a convolutional layer is, apart from its weights: the image it reads, how many channels it writes,
/// a square kernel, stride and padding (and output padding when transposed), and whether it has a bias.
/// Models declare their layers with it before building them, and checkpoints check records against it.
public struct ConvolutionSettings: Sendable, Hashable, CustomStringConvertible {
    /// Whether this is a transposed convolution (ConvTranspose2d) rather than a convolution (Conv2d).
    public let transposed: Bool
    /// The layout of each input row.
    public let input: ImageShape
    /// Channels of the output.
    public let outChannels: Int
    /// The kernel's height and width.
    public let kernel: Int
    /// The step between windows (for a transposed convolution, the upsampling factor).
    public let stride: Int
    /// Zeros added on every side (for a transposed convolution, rows and columns cut from every side).
    public let padding: Int
    /// Rows and columns added at the bottom and right of a transposed convolution's output (0 ≤ it < stride).
    public let outputPadding: Int
    /// Whether each output channel has a bias.
    public let bias: Bool

    /// Settings that give an output of at least one pixel, or an error that says what does not fit.
    public init(transposed: Bool, input: ImageShape, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                outputPadding: Int = 0, bias: Bool = true) throws {
        let name = transposed ? "ConvTranspose2d" : "Conv2d"
        guard outChannels >= 1, kernel >= 1, stride >= 1, padding >= 0 else {
            throw LayerError("\(name) needs at least one output channel, a kernel and stride of at least 1 and a padding "
                             + "of at least 0, got \(outChannels) channels, kernel \(kernel), stride \(stride), padding \(padding)")
        }
        guard transposed ? (0..<stride).contains(outputPadding) : outputPadding == 0 else {
            throw LayerError(transposed
                ? "ConvTranspose2d needs an output padding from 0 to stride − 1 = \(stride - 1), got \(outputPadding)"
                : "Conv2d has no output padding, got \(outputPadding)")
        }
        self.transposed = transposed
        self.input = input
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        self.bias = bias
        guard outputHeight >= 1 && outputWidth >= 1 else {
            throw LayerError("\(self) leaves no pixels: the output would be \(outputHeight)×\(outputWidth)")
        }
    }

    private func outputSize(_ size: Int) -> Int {
        transposed ? (size - 1) * stride - 2 * padding + kernel + outputPadding
                   : (size + 2 * padding - kernel).floorDivided(by: stride) + 1
    }

    private var outputHeight: Int { outputSize(input.height) }
    private var outputWidth: Int { outputSize(input.width) }

    /// The layout of each output row.
    public var output: ImageShape { ImageShape(channels: outChannels, height: outputHeight, width: outputWidth) }

    /// `rows` ([batch, C·H·W], the input's layout) as the NCHW batch a convolution takes, sharing its storage;
    /// `layer` names the layer in the error when the rows do not hold images of the input's layout.
    func images(_ rows: Tensor, layer: String) throws -> Tensor {
        guard rows.rank == 2 && rows.shape[1] == input.elementCount else {
            throw LayerError("\(layer) expects rows of \(input) = \(input.elementCount) values, got \(rows.shape)")
        }
        return try rows.reshaped(to: [rows.shape[0], input.channels, input.height, input.width])
    }

    /// A convolution's NCHW result as rows of the output's layout.
    func rows(_ images: Tensor) throws -> Tensor { try images.reshaped(to: [images.shape[0], output.elementCount]) }

    /// PyTorch's layout of the weight: [out, in, k, k] for a convolution, [in, out, k, k] transposed.
    public var weightShape: [Int] {
        transposed ? [input.channels, outChannels, kernel, kernel] : [outChannels, input.channels, kernel, kernel]
    }

    /// PyTorch's fan-in, the weight's second dimension times the kernel's area: the input channels of a
    /// convolution but the *output* channels of a transposed one (its weight is stored [in, out, k, k]).
    public var fanIn: Int { weightShape[1] * kernel * kernel }
    /// PyTorch's fan-out, the weight's first dimension times the kernel's area.
    public var fanOut: Int { weightShape[0] * kernel * kernel }

    /// Trainable scalars: the weight and the bias.
    public var parameterCount: Int { weightShape.reduce(1, *) + (bias ? outChannels : 0) }

    /// "Conv2d" or "ConvTranspose2d", as PyTorch names the modules.
    public var typeName: String { transposed ? "ConvTranspose2d" : "Conv2d" }

    /// "Conv2d(1×28×28 → 64×14×14, kernel 4, stride 2, padding 1)".
    public var description: String {
        // Settings being refused for leaving no pixels are described without an output image.
        let sizes = outputHeight >= 1 && outputWidth >= 1 ? "\(input) → \(output)" : "\(input) → \(outChannels) channels"
        return "\(typeName)(\(sizes), kernel \(kernel), stride \(stride), padding \(padding)"
            + (outputPadding > 0 ? ", output padding \(outputPadding)" : "") + (bias ? "" : ", no bias") + ")"
    }

    /// A weight (and bias) drawn from `stream`, weight first, as PyTorch's `reset_parameters` draws them for
    /// `.pytorch`: both U(±1/√fan_in) (kaiming_uniform with a = √5 gives exactly that bound).
    public func initialValues(_ initialization: Initialization, using stream: RandomStream) -> (weight: Tensor, bias: Tensor?) {
        let shape = Shape(weightShape)
        let (fanIn, fanOut) = (Float(self.fanIn), Float(self.fanOut))
        switch initialization {
        case .pytorch:
            let bound = 1 / fanIn.squareRoot()
            let weight = Tensor.randomUniform(shape, lower: -bound, upper: bound, using: stream)
            return (weight, bias ? Tensor.randomUniform([outChannels], lower: -bound, upper: bound, using: stream) : nil)
        case .he:
            return (Tensor.randomNormal(shape, standardDeviation: (2 / fanIn).squareRoot(), using: stream), zeroBias)
        case .xavier:
            let bound = (6 / (fanIn + fanOut)).squareRoot()
            return (Tensor.randomUniform(shape, lower: -bound, upper: bound, using: stream), zeroBias)
        case .normal(let sigma):
            return (Tensor.randomNormal(shape, standardDeviation: sigma, using: stream), zeroBias)
        }
    }

    private var zeroBias: Tensor? { bias ? Tensor.zeros([outChannels]) : nil }
}

private extension Int {
    /// ⌊self / divisor⌋ for a positive divisor (Swift's `/` rounds towards zero).
    func floorDivided(by divisor: Int) -> Int { self >= 0 ? self / divisor : -((-self + divisor - 1) / divisor) }
}
