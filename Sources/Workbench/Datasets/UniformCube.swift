import Autodiff

/// Points uniform in a hypercube [lower, upper)ᵈ: the data of the benchmark configurations (digits-mlp is
/// U[0,1]⁶⁴, mnist-mlp U[−1,1]⁷⁸⁴), and a simple high-dimensional target.
public final class UniformCube: Dataset {
    static let dim: ParameterKey<Int> = .integer("dim", 1...1_000_000, default: 2, "number of coordinates")
    static let lower: ParameterKey<Double> = .real("lower", -1e6...1e6, default: 0, "lower bound of every coordinate")
    static let upper: ParameterKey<Double> = .real("upper", -1e6...1e6, default: 1, "upper bound of every coordinate")

    public static let spec = PluginSpec(
        kind: .dataset, name: "uniform", aliases: ["cube"],
        summary: "points uniform in the hypercube [lower, upper)^dim",
        discussion: """
            Each coordinate is drawn independently and uniformly from [lower, upper). The performance \
            benchmarks use U[0,1]^64 (digits-mlp) and U[-1,1]^784 (mnist-mlp), the sizes of the digits and \
            MNIST data sets. It has no modes.
            """,
        parameters: [dim.spec, lower.spec, upper.spec],
        reference: "the digits-mlp and mnist-mlp speed benchmarks (the input sizes of the UCI digits and MNIST)")

    public let parameters: ParameterValues

    /// A hypercube; `lower` must be below `upper`.
    public init(_ parameters: ParameterValues) throws {
        let (lower, upper) = (parameters[Self.lower], parameters[Self.upper])
        guard lower < upper else {
            throw ParameterError.outOfRange(owner: "dataset \(Self.spec.name)", name: Self.lower.name,
                                            value: lower.parameterValue.description,
                                            expected: "a value below \(Self.upper.name) (\(upper.parameterValue))")
        }
        self.parameters = parameters
    }

    /// `dim`.
    public var dimension: Int { parameters[Self.dim] }
    /// None: the cube is not a mixture.
    public var modes: ModeLayout? { nil }

    /// `count` points, one word of the stream per coordinate.
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        Tensor.randomUniform([count, dimension], lower: Float(parameters[Self.lower]), upper: Float(parameters[Self.upper]),
                             using: stream)
    }
}
