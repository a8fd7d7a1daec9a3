import Autodiff

/// The distribution of the generator's input z.
public struct NoiseSpec: Sendable, Equatable, CustomStringConvertible {
    /// The shape of the distribution.
    public enum Distribution: Sendable, Equatable {
        /// N(0, I).
        case normal
        /// U[lower, upper)ᵈ.
        case uniform(lower: Float, upper: Float)
    }

    /// The distribution.
    public var distribution: Distribution
    /// The number of coordinates of z.
    public var dimension: Int

    /// Noise of a distribution and dimension.
    public init(_ distribution: Distribution = .normal, dimension: Int) {
        self.distribution = distribution
        self.dimension = dimension
    }

    /// The declaration of the `noise` settings, read by help, validation and `save`.
    public static let spec = PluginSpec(
        kind: .model, name: "noise",
        summary: "the generator's input distribution",
        discussion: "z ~ N(0, I) (normal) or U[lower, upper)ᵈ (uniform), of dimension `dim`.",
        parameters: [
            ParameterSpec("distribution", .choice(["normal", "uniform"]), default: .text("normal"), "the distribution of z"),
            ParameterSpec("dim", .integer(1...4096), default: .integer(2), "the dimension of z"),
            ParameterSpec("lower", .real(-1e6...1e6), default: .real(-1), "lower bound (uniform)"),
            ParameterSpec("upper", .real(-1e6...1e6), default: .real(1), "upper bound (uniform)"),
        ])

    /// Noise from validated parameters.
    public init(_ parameters: ParameterValues) throws {
        dimension = parameters.integer("dim")
        if parameters.text("distribution") == "uniform" {
            let (lower, upper) = (parameters.float("lower"), parameters.float("upper"))
            guard lower < upper else {
                throw ParameterError.outOfRange(owner: "noise", name: "lower", value: "\(lower)",
                                                expected: "a value below upper (\(upper))")
            }
            distribution = .uniform(lower: lower, upper: upper)
        } else {
            distribution = .normal
        }
    }

    /// `count` draws as a [count, dimension] tensor.
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        switch distribution {
        case .normal: return Tensor.randomNormal([count, dimension], using: stream)
        case .uniform(let lower, let upper):
            return Tensor.randomUniform([count, dimension], lower: lower, upper: upper, using: stream)
        }
    }

    /// The canonical command text: `normal dim=2` or `uniform dim=2 lower=-1 upper=1`.
    public var description: String {
        switch distribution {
        case .normal: return "normal dim=\(dimension)"
        case .uniform(let lower, let upper):
            return "uniform dim=\(dimension) lower=\(ParameterValue.canonical(Double(lower))) upper=\(ParameterValue.canonical(Double(upper)))"
        }
    }
}
