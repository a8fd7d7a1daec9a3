import Autodiff

/// A 2-D convolution of image rows: [batch, C·H·W] → [batch, O·Ho·Wo], read and written in NCHW order
/// (the rows are reshaped to images and back without copying). Weight [O, C, k, k] and bias [O] as
/// PyTorch's `nn.Conv2d` stores them.
public final class Conv2d: Layer {
    /// The geometry (never transposed).
    public let settings: ConvolutionSettings
    /// The weight, [out, in, k, k].
    public let weight: Parameter
    /// The bias, [out], or nil.
    public let bias: Parameter?
    /// How the weights were drawn.
    public let initialization: Initialization

    /// A freshly initialised layer, weight then bias drawn from `stream`.
    public init(_ settings: ConvolutionSettings, initialization: Initialization = .pytorch, using stream: RandomStream) {
        precondition(!settings.transposed, "Conv2d takes the settings of a convolution, not of a transposed one")
        let (weight, bias) = settings.initialValues(initialization, using: stream)
        self.settings = settings
        self.weight = Parameter(weight)
        self.bias = bias.map(Parameter.init)
        self.initialization = initialization
    }

    /// A layer made of existing parameter values (their shapes must be the settings').
    public init(_ settings: ConvolutionSettings, weight: Parameter, bias: Parameter?, initialization: Initialization) {
        precondition(!settings.transposed && weight.shape == Shape(settings.weightShape) && (bias != nil) == settings.bias,
                     "Conv2d parameters disagree with \(settings)")
        self.settings = settings
        self.weight = weight
        self.bias = bias
        self.initialization = initialization
    }

    /// A copy with its own parameter objects.
    public func copy() -> any Layer {
        Conv2d(settings, weight: weight.copy(), bias: bias?.copy(), initialization: initialization)
    }

    /// The convolution of each row, read as a C×H×W image.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        try settings.rows(try settings.images(input, layer: summary)
            .conv2d(weight: weight.value, bias: bias?.value, stride: settings.stride, padding: settings.padding))
    }

    /// "weight" then "bias".
    public var localParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// "Conv2d(1×28×28 → 64×14×14, kernel 4, stride 2, padding 1, init pytorch)".
    public var summary: String { "\(settings.description.dropLast()), init \(initialization))" }

    /// The output image's size when the input is the image it was made for.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? {
        inputWidth == settings.input.elementCount ? settings.output.elementCount : nil
    }
}
