import Autodiff
import NeuralNet
import Workbench

/// A leaky-ReLU perceptron whose weights start as random orthogonal matrices (biases at zero): every layer
/// then keeps the norm of what passes through it at the start, so deep players neither vanish nor explode
/// before training has begun. BigGAN initialises both players so; `mlp`'s init= has no such choice.
public final class OrthogonalMLP: Model {
    public static let hidden: ParameterKey<[Int]> = .integers("hidden", 1...65536, default: [128, 128], "hidden layer widths")
    public static let slope: ParameterKey<Float> = .real("slope", 0...1, default: 0.2, "negative slope of the leaky ReLU")
    public static let gain: ParameterKey<Double> = .real("gain", 0...100, default: 1, "the scale of every orthogonal weight")

    public static let spec = PluginSpec(
        kind: .model, name: "orthogonal-mlp", aliases: ["orthomlp"],
        summary: "a leaky-ReLU perceptron whose weights start orthogonal (×gain) and biases at zero",
        discussion: """
            The layers of mlp activation=leaky-relu (Linear → LeakyReLU per hidden width, then Linear), so \
            checkpoints and layer tricks treat it as one. Each weight W [out, in] starts as gain·Q: for out ≥ in, \
            Q has orthonormal columns, made by Gram–Schmidt from a Gaussian matrix drawn from the model's stream \
            (which with R's diagonal positive is a uniformly random orthogonal Q); for out < in, Qᵀ is made so. \
            Layers are drawn in order, each matrix column by column. Summaries and checkpoints label the \
            layers init pytorch, as for every Linear layer whose weights a model sets itself (subspace's too).
            """,
        parameters: [hidden.spec, slope.spec, gain.spec],
        reference: "Saxe, McClelland & Ganguli, Exact solutions to the nonlinear dynamics of learning in deep linear neural "
            + "networks, ICLR 2014; Brock, Donahue & Simonyan, BigGAN, ICLR 2019")

    public let parameters: ParameterValues
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    func perceptronSpec(input: Int, output: Int) -> MLPSpec {
        MLPSpec(input: input, hidden: parameters[Self.hidden], output: output, activation: .leakyRelu(slope: parameters[Self.slope]))
    }

    public func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        let widths = [input] + parameters[Self.hidden] + [output]
        var layers: [any Layer] = []
        for index in 0..<(widths.count - 1) {
            let (inputs, outputs) = (widths[index], widths[index + 1])
            let weight = try Self.orthogonal(rows: outputs, columns: inputs, gain: parameters[Self.gain], using: stream)
            layers.append(Linear(weight: Parameter(weight), bias: Parameter(Tensor.zeros([outputs])), initialization: .pytorch))
            if index < widths.count - 2 { layers.append(LeakyReLU(slope: parameters[Self.slope])) }
        }
        return Sequential(layers)
    }

    public func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] {
        DeclaredLayer.layers(of: perceptronSpec(input: input, output: output))
    }

    /// A [rows, columns] matrix gain·Q with orthonormal columns (rows ≥ columns) or rows.
    static func orthogonal(rows: Int, columns: Int, gain: Double, using stream: RandomStream) throws -> Tensor {
        let (long, short) = (max(rows, columns), min(rows, columns))
        let draws = Tensor.randomNormal([short, long], using: stream).scalars
        var basis: [[Double]] = []
        for k in 0..<short {
            var v = draws[(k * long)..<((k + 1) * long)].map(Double.init)
            // Modified Gram–Schmidt, twice: one pass leaves rounding errors of order ε·κ.
            for _ in 0..<2 {
                for q in basis {
                    var dot = 0.0
                    for i in 0..<long { dot += v[i] * q[i] }
                    for i in 0..<long { v[i] -= dot * q[i] }
                }
            }
            var norm = 0.0
            for value in v { norm += value * value }
            norm = norm.squareRoot()
            guard norm > 1e-12 else { throw SessionError("orthogonal-mlp: a Gaussian draw was degenerate; choose another seed") }
            basis.append(v.map { $0 / norm })
        }
        // basis[k] is column k of Q (long × short); W is Q when rows ≥ columns, else Qᵀ.
        return Tensor(shape: [rows, columns]) { out in
            for r in 0..<rows {
                for c in 0..<columns {
                    out[r * columns + c] = Float(gain * (rows >= columns ? basis[c][r] : basis[r][c]))
                }
            }
        }
    }
}
