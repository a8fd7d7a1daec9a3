import Autodiff

/// Points uniform in a hypercube [lower, upper)ᵈ: the data of the benchmark configurations (digits-mlp is
/// U[0,1]⁶⁴, mnist-mlp U[−1,1]⁷⁸⁴), and a simple high-dimensional target.
public final class UniformCube: Dataset {
    /// Declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "uniform", aliases: ["cube"],
        summary: "points uniform in the hypercube [lower, upper)^dim",
        discussion: """
            Each coordinate is drawn independently and uniformly from [lower, upper). The performance \
            benchmarks use U[0,1]^64 (digits-mlp) and U[-1,1]^784 (mnist-mlp), the sizes of the digits and \
            MNIST data sets. It has no modes.
            """,
        parameters: [
            ParameterSpec("dim", .integer(1...1_000_000), default: .integer(2), "number of coordinates"),
            ParameterSpec("lower", .real(-1e6...1e6), default: .real(0), "lower bound of every coordinate"),
            ParameterSpec("upper", .real(-1e6...1e6), default: .real(1), "upper bound of every coordinate"),
        ],
        reference: "the digits-mlp and mnist-mlp speed benchmarks (the input sizes of the UCI digits and MNIST)")

    /// The parameters.
    public let parameters: ParameterValues

    /// A hypercube; `lower` must be below `upper`.
    public init(_ parameters: ParameterValues) throws {
        guard parameters.real("lower") < parameters.real("upper") else {
            throw ParameterError.outOfRange(owner: "dataset uniform", name: "lower", value: "\(parameters["lower"])",
                                            expected: "a value below upper (\(parameters["upper"]))")
        }
        self.parameters = parameters
    }

    /// `dim`.
    public var dimension: Int { parameters.integer("dim") }
    /// None: the cube is not a mixture.
    public var modes: ModeLayout? { nil }

    /// `count` points, one word of the stream per coordinate.
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        Tensor.randomUniform([count, dimension], lower: parameters.float("lower"), upper: parameters.float("upper"),
                             using: stream)
    }
}
