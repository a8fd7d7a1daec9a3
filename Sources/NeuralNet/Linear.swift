import Autodiff

/// How a linear layer's weights (and bias) are first drawn.
public enum Initialization: Sendable, Equatable, CustomStringConvertible {
    /// PyTorch's default: weight and bias U(±1/√fan_in).
    case pytorch
    /// He (Kaiming) normal for ReLU networks: weight N(0, 2/fan_in), bias 0.
    case he
    /// Xavier (Glorot) uniform: weight U(±√(6/(fan_in + fan_out))), bias 0.
    case xavier
    /// Weight N(0, σ²), bias 0 (DCGAN uses σ = 0.02).
    case normal(standardDeviation: Float)

    /// The name used in specs and summaries: pytorch, he, xavier, normal(0.02).
    public var description: String {
        switch self {
        case .pytorch: return "pytorch"
        case .he: return "he"
        case .xavier: return "xavier"
        case .normal(let sigma): return "normal(\(sigma))"
        }
    }
}

/// y = x·Wᵀ + b, with W stored [out, in] as PyTorch stores it (so weights transfer without reshaping).
public final class Linear: Layer {
    /// The weight, [outputs, inputs].
    public let weight: Parameter
    /// The bias, [outputs], or nil.
    public let bias: Parameter?
    /// How the weights were drawn.
    public let initialization: Initialization

    /// A layer of `inputs` → `outputs`, initialised from `stream` (weight first, then bias).
    public init(_ inputs: Int, _ outputs: Int, bias hasBias: Bool = true, initialization: Initialization = .pytorch,
                using stream: RandomStream) {
        self.initialization = initialization
        let fanIn = Float(inputs), fanOut = Float(outputs)
        let weightValue: Tensor
        var biasValue: Tensor? = nil
        switch initialization {
        case .pytorch:
            let bound = 1 / fanIn.squareRoot()
            weightValue = Tensor.randomUniform([outputs, inputs], lower: -bound, upper: bound, using: stream)
            if hasBias { biasValue = Tensor.randomUniform([outputs], lower: -bound, upper: bound, using: stream) }
        case .he:
            weightValue = Tensor.randomNormal([outputs, inputs], standardDeviation: (2 / fanIn).squareRoot(), using: stream)
        case .xavier:
            let bound = (6 / (fanIn + fanOut)).squareRoot()
            weightValue = Tensor.randomUniform([outputs, inputs], lower: -bound, upper: bound, using: stream)
        case .normal(let sigma):
            weightValue = Tensor.randomNormal([outputs, inputs], standardDeviation: sigma, using: stream)
        }
        if hasBias && biasValue == nil { biasValue = Tensor.zeros([outputs]) }
        weight = Parameter(weightValue)
        bias = biasValue.map(Parameter.init)
    }

    /// A layer made of existing parameter values.
    public init(weight: Parameter, bias: Parameter?, initialization: Initialization) {
        self.weight = weight
        self.bias = bias
        self.initialization = initialization
    }

    /// A copy with its own parameter objects.
    public func copy() -> any Layer {
        Linear(weight: weight.copy(), bias: bias?.copy(), initialization: initialization)
    }

    /// The number of inputs.
    public var inputWidth: Int { weight.shape[1] }
    /// The number of outputs.
    public var outputWidth: Int { weight.shape[0] }

    /// x·Wᵀ + b for x of shape [batch, inputs].
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        try forward(input, then: .identity)
    }

    /// The layer followed by `rectifier`, as one fused operation (what `Sequential` runs for a Linear
    /// followed by a ReLU or LeakyReLU): the same values and gradients as the two layers one after the other.
    public func forward(_ input: Tensor, then rectifier: Rectifier) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == inputWidth else {
            throw LayerError("Linear(\(inputWidth) → \(outputWidth)) expects input [batch, \(inputWidth)], got \(input.shape)")
        }
        return try input.linear(weight: weight.value, bias: bias?.value, rectifier: rectifier)
    }

    /// "weight" then "bias".
    public var localParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }

    /// "Linear(2 → 128, init pytorch)".
    public var summary: String {
        "Linear(\(inputWidth) → \(outputWidth)\(bias == nil ? ", no bias" : ""), init \(initialization))"
    }

    /// `outputs` when the input width matches.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? {
        inputWidth == self.inputWidth ? outputWidth : nil
    }
}
