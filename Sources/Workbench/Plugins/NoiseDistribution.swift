import Autodiff

/// The distribution of the generator's input z: a declared plugin that draws batches from the session's
/// noise stream.
public protocol NoiseDistribution: Plugin {
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws
    /// The number of coordinates of z (the shared `dim` parameter).
    var dimension: Int { get }
    /// The interval a picture of G's image of a grid of z spans in each coordinate: where most of the
    /// distribution's mass lies.
    var typicalRange: ClosedRange<Double> { get }
    /// `count` draws as a [count, dimension] tensor, from `stream` and nothing else.
    func sample(_ count: Int, using stream: RandomStream) -> Tensor
    /// The density of a one-dimensional z at `z`, when the distribution is one-dimensional and has one: what
    /// makes the distribution of a generator that is a known map of z known too.
    func density(at z: Double) -> Double?
    /// Whether nearly all the mass lies near a sphere about the origin (an isotropic Gaussian in many
    /// dimensions): then the points between two draws are taken on the great circle through them, whose
    /// norms stay typical, rather than on the straight line, whose middle G has almost never seen.
    var concentratesOnASphere: Bool { get }
}

/// The parameters every noise distribution declares.
public enum NoiseParameters {
    /// The dimension of z. A `noise` command that does not give it keeps the current one.
    public static let dim: ParameterKey<Int> = .integer("dim", 1...4096, default: 2, "the dimension of z")
}

extension NoiseDistribution {
    /// Unknown.
    public func density(at z: Double) -> Double? { nil }

    /// No: the straight line between two draws stays inside a convex support such as a cube.
    public var concentratesOnASphere: Bool { false }

    /// An instance from text assignments such as `[("dim", "8")]`, validated against the spec and completed
    /// with defaults: what the shell does for `noise uniform dim=8`.
    public static func make(_ assignments: [(name: String, value: String)] = []) throws -> Self {
        try Self(ParameterValues(spec, assignments: assignments))
    }

    /// The distribution's `dim`.
    public var dimension: Int { parameters[NoiseParameters.dim] }
}
