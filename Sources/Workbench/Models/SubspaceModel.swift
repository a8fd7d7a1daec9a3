import Autodiff
import NeuralNet

/// The `subspace` model plugin: a linear generator G(z) = Q·z onto a random k-dimensional subspace, the
/// counterpart of the `subspace` data set, so that the two distributions differ in their support alone.
public final class SubspaceModel: Model {
    static let basis: ParameterKey<Int> = .integer(
        "basis", 0...1_000_000, default: 2, "which subspace: the seed of its random orthonormal basis")

    public static let spec = PluginSpec(
        kind: .model, name: "subspace", aliases: ["linear-map"],
        summary: "a linear generator G(z) = Q·z onto a random subspace (Q orthonormal, as data subspace draws it)",
        discussion: """
            One Linear layer (noise dimension k → data dimension n) whose weight starts as the n × k matrix Q \
            with orthonormal columns that data subspace k=… n=… basis=… uses, and whose bias starts at 0. With \
            normal noise of dimension k its samples are N(0, I_k) on the subspace of that basis: with a \
            different basis than the data's, generated and real distributions are alike in everything but \
            their support (k = n makes both the standard normal of R^n, the same distribution). Learns like \
            any Linear layer; freeze G keeps it where it starts. Generator only.
            """,
        parameters: [basis.spec],
        reference: "Arjovsky & Bottou 2017, Towards Principled Methods for Training Generative Adversarial Networks (ICLR), §2.1")

    public let parameters: ParameterValues

    /// A subspace generator.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// Generator only, onto a space at least as large as the noise.
    public func check(_ player: Player, input: Int, output: Int) throws {
        guard player == .generator else { throw SessionError("the subspace model is a generator; D needs an mlp") }
        guard input <= output else {
            throw SessionError("the subspace generator maps the noise (\(input) dimensions) onto a subspace of the data space: "
                               + "the data dimension (\(output)) must be at least the noise dimension")
        }
    }

    /// One Linear layer holding Q; it draws nothing from the stream.
    public func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        let q = Subspace.orthonormalBasis(k: input, n: output, seed: UInt64(parameters[Self.basis]))
        // Q is stored column-major (column j = q[j*n ..< (j+1)*n]); the weight is [out, in] = Q itself.
        let weight = Tensor(shape: [output, input]) { out in
            for i in 0..<output { for j in 0..<input { out[i * input + j] = Float(q[j * output + i]) } }
        }
        return Sequential([Linear(weight: Parameter(weight), bias: Parameter(Tensor.zeros([output])), initialization: .pytorch)])
    }

    /// The one linear layer.
    public func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] { [.linear(inputs: input, outputs: output)] }
}
