import Autodiff

/// `uniform`: z ~ U[lower, upper)ᵈ.
public final class UniformNoise: NoiseDistribution {
    static let lower: ParameterKey<Float> = .real("lower", -1e6...1e6, default: -1, "lower bound of every coordinate")
    static let upper: ParameterKey<Float> = .real("upper", -1e6...1e6, default: 1, "upper bound of every coordinate")

    /// The declaration: the dimension and the bounds.
    public static let spec = PluginSpec(
        kind: .noise, name: "uniform",
        summary: "z ~ U[lower, upper)^dim: independent uniform coordinates (default [-1, 1))",
        discussion: """
            Every coordinate of z is drawn independently and uniformly from [lower, upper) (one word of the \
            noise stream each, row-major); lower must be below upper. With dim=1 lower=0 upper=1 and the \
            offset generator it is the family g_θ(z) = (θ, z) of the WGAN paper's Example 1. Pictures of \
            G's image of a grid of z span [lower, upper].
            """,
        parameters: [NoiseParameters.dim.spec, lower.spec, upper.spec])

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The bounds, as Float (the precision of the draws).
    let bounds: (lower: Float, upper: Float)

    /// Uniform noise from validated parameters; `lower` must be below `upper`.
    public init(_ parameters: ParameterValues) throws {
        let (lower, upper) = (parameters[Self.lower], parameters[Self.upper])
        guard lower < upper else {
            throw ParameterError.outOfRange(owner: "\(Self.spec.kind.rawValue) \(Self.spec.name)", name: Self.lower.name,
                                            value: "\(lower)", expected: "a value below \(Self.upper.name) (\(upper))")
        }
        self.parameters = parameters
        bounds = (lower, upper)
    }

    /// 1/(upper − lower) on [lower, upper) in one dimension.
    public func density(at z: Double) -> Double? {
        guard dimension == 1 else { return nil }
        let (lower, upper) = (Double(bounds.lower), Double(bounds.upper))
        return z >= lower && z < upper ? 1 / (upper - lower) : 0
    }

    /// Uniform noise of `dimension` coordinates on [lower, upper).
    public convenience init(dimension: Int, lower: Float = -1, upper: Float = 1) throws {
        try self.init(ParameterValues(Self.spec, values: [NoiseParameters.dim(dimension), Self.lower(lower), Self.upper(upper)]))
    }

    /// [lower, upper].
    public var typicalRange: ClosedRange<Double> { Double(bounds.lower)...Double(bounds.upper) }

    /// `count` draws, [count, dim].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        Tensor.randomUniform([count, dimension], lower: bounds.lower, upper: bounds.upper, using: stream)
    }
}
