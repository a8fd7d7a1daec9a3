#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Autodiff

/// The hidden-layer nonlinearity of an MLP.
public enum Activation: Sendable, Equatable, CustomStringConvertible {
    /// max(x, 0)
    case relu
    /// Leaky ReLU with a slope.
    case leakyRelu(slope: Float)
    /// tanh
    case tanh
    /// sigmoid
    case sigmoid
    /// ELU with α.
    case elu(alpha: Float)
    /// Maxout over `pieces` linear pieces (the Linear before it is `pieces` times wider).
    case maxout(pieces: Int)

    /// relu, leaky-relu(0.2), tanh, sigmoid, elu(1), maxout(5).
    public var description: String {
        switch self {
        case .relu: return "relu"
        case .leakyRelu(let slope): return "leaky-relu(\(slope))"
        case .tanh: return "tanh"
        case .sigmoid: return "sigmoid"
        case .elu(let alpha): return "elu(\(alpha))"
        case .maxout(let pieces): return "maxout(\(pieces))"
        }
    }

    /// The layer applying it.
    func layer() -> any Layer {
        switch self {
        case .relu: return ReLU()
        case .leakyRelu(let slope): return LeakyReLU(slope: slope)
        case .tanh: return Tanh()
        case .sigmoid: return Sigmoid()
        case .elu(let alpha): return ELU(alpha: alpha)
        case .maxout(let pieces): return Maxout(pieces: pieces)
        }
    }
}

/// The function applied to an MLP's output.
public enum OutputActivation: String, Sendable, Equatable, CaseIterable {
    /// The raw output (a logit or critic score, or unbounded samples).
    case none
    /// Outputs in (−1, 1).
    case tanh
    /// Outputs in (0, 1).
    case sigmoid
}

/// The normalisation after each hidden Linear.
public enum Normalization: String, Sendable, Equatable, CaseIterable {
    case none
    case batch
    case layer
}

/// A multilayer perceptron described by its widths and choices; `build` makes the layers.
public struct MLPSpec: Sendable, Equatable, CustomStringConvertible {
    /// Width of the input.
    public var inputWidth: Int
    /// Widths of the hidden layers, in order.
    public var hiddenWidths: [Int]
    /// Width of the output.
    public var outputWidth: Int
    /// Nonlinearity after each hidden layer.
    public var activation: Activation
    /// Function on the output.
    public var outputActivation: OutputActivation
    /// Normalisation after each hidden Linear (before the activation).
    public var normalization: Normalization
    /// How Linear weights are drawn.
    public var initialization: Initialization
    /// Dropout probability after each hidden activation (0 for none).
    public var dropout: Float

    /// A spec; defaults give a plain ReLU MLP with PyTorch initialisation.
    public init(input: Int, hidden: [Int], output: Int, activation: Activation = .relu,
                outputActivation: OutputActivation = .none, normalization: Normalization = .none,
                initialization: Initialization = .pytorch, dropout: Float = 0) {
        inputWidth = input
        hiddenWidths = hidden
        outputWidth = output
        self.activation = activation
        self.outputActivation = outputActivation
        self.normalization = normalization
        self.initialization = initialization
        self.dropout = dropout
    }

    /// "2 → 128 → 128 → 2, relu, output none, norm none, init pytorch".
    public var description: String {
        let widths = ([inputWidth] + hiddenWidths + [outputWidth]).map(String.init).joined(separator: " → ")
        var text = "\(widths), \(activation), output \(outputActivation.rawValue), norm \(normalization.rawValue), init \(initialization)"
        if dropout > 0 { text += ", dropout \(dropout)" }
        return text
    }

    /// The number of trainable scalars the built network will have.
    public var parameterCount: Int {
        var total = 0, width = inputWidth
        for hidden in hiddenWidths {
            var linear = hidden
            if case .maxout(let pieces) = activation { linear = hidden * pieces }
            total += width * linear + linear + (normalization == .none ? 0 : 2 * linear)
            width = hidden
        }
        return total + width * outputWidth + outputWidth
    }

    /// Refuses, before anything is allocated, a network whose weights, gradients and optimizer memory
    /// (about 5 copies of the parameters) would not fit in half of this machine's memory.
    func checkMemory() throws {
        let bytes = Double(parameterCount) * 4 * 5
        let pages = Double(sysconf(Int32(_SC_PHYS_PAGES))), pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        let available = pages > 0 && pageSize > 0 ? pages * pageSize / 2 : 8 * 1_073_741_824
        guard bytes <= available else {
            let needed = Tensor.format(Float(bytes / 1e9)), allowed = Tensor.format(Float(available / 1e9))
            throw LayerError("an MLP \(description) has \(parameterCount) parameters, about \(needed) GB with its "
                             + "gradients and optimizer memory; this machine allows \(allowed) GB")
        }
    }

    /// The layers, with weights drawn from `stream` in layer order. Each hidden layer is Linear →
    /// normalisation → activation (→ dropout); maxout widens its Linear by the number of pieces.
    public func build(using stream: RandomStream) throws -> Sequential {
        guard inputWidth > 0, outputWidth > 0, hiddenWidths.allSatisfy({ $0 > 0 }) else {
            throw LayerError("an MLP needs positive widths, got \(description)")
        }
        try checkMemory()
        var layers: [any Layer] = []
        var width = inputWidth
        for hidden in hiddenWidths {
            let linearWidth: Int
            if case .maxout(let pieces) = activation { linearWidth = hidden * pieces } else { linearWidth = hidden }
            layers.append(Linear(width, linearWidth, initialization: initialization, using: stream))
            switch normalization {
            case .none: break
            case .batch: layers.append(BatchNorm(linearWidth))
            case .layer: layers.append(LayerNorm(linearWidth))
            }
            layers.append(activation.layer())
            if dropout > 0 { layers.append(Dropout(probability: dropout)) }
            width = hidden
        }
        layers.append(Linear(width, outputWidth, initialization: initialization, using: stream))
        switch outputActivation {
        case .none: break
        case .tanh: layers.append(Tanh())
        case .sigmoid: layers.append(Sigmoid())
        }
        return Sequential(layers)
    }
}
