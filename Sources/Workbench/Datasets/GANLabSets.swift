import Foundation
import Autodiff

/// Where the four GAN Lab definitions come from.
private let ganLabReference = """
    Kahng et al. 2018, GAN Lab: Understanding Complex Deep Generative Models using Interactive Visual \
    Experimentation (IEEE VIS); poloclub/ganlab, sampleFromTrueDistribution
    """

/// What the four share: GAN Lab keeps a pre-drawn atlas of points and cycles through it; we draw every
/// batch fresh from the same distribution, so a long run never sees the same points twice.
private let ganLabNote = """
    GAN Lab pre-draws a fixed atlas of points and cycles through it; here every batch is a fresh draw \
    from the same distribution.
    """

/// `line`: GAN Lab's noisy line segment in [0, 1]².
public final class GANLabLine: Dataset {
    /// The declaration (GAN Lab's constants, no parameters).
    public static let spec = PluginSpec(
        kind: .dataset, name: "line", aliases: ["ganlab-line"],
        summary: "GAN Lab's line: a noisy segment from (0.8, 0.6) to (0.05, 0.9) in the unit square",
        discussion: """
            GAN Lab's "line" distribution: with u ~ U[0, 1), the point \
            (0.8 − 0.75u, 0.6 + 0.3u) + N(0, 0.01²·I), a thin segment from (0.8, 0.6) to (0.05, 0.9). \
            Not a Gaussian mixture: no mode layout. Each batch draws the u of every row first, then the \
            noise. \(ganLabNote)
            """,
        reference: ganLabReference)

    /// No parameters.
    public let parameters: ParameterValues
    /// The data set (its spec has no parameters).
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Two coordinates.
    public var dimension: Int { 2 }
    /// None: a segment is not a mixture.
    public var modes: ModeLayout? { nil }

    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        NoisyCurve.sample(count, noise: 0.01, using: stream) { u in (0.8 - 0.75 * u, 0.6 + 0.3 * u) }
    }
}

/// `ring`: GAN Lab's noisy ellipse in [0, 1]².
public final class GANLabRing: Dataset {
    /// The declaration (GAN Lab's constants, no parameters).
    public static let spec = PluginSpec(
        kind: .dataset, name: "ring", aliases: ["ganlab-ring"],
        summary: "GAN Lab's ring: a noisy ellipse around (0.5, 0.45) in the unit square (not ring8)",
        discussion: """
            GAN Lab's "ring" distribution, a continuous ring (an ellipse, not a mixture of modes): with \
            u ~ U[0, 1), the point (0.5 + 0.3·cos 2πu, 0.45 + 0.25·sin 2πu) + N(0, 0.025²·I). For the \
            8-mode ring of the mode-collapse benchmarks see ring8. No mode layout. Each batch draws the u \
            of every row first, then the noise. \(ganLabNote)
            """,
        reference: ganLabReference)

    /// No parameters.
    public let parameters: ParameterValues
    /// The data set (its spec has no parameters).
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Two coordinates.
    public var dimension: Int { 2 }
    /// None: a continuous ring is not a mixture.
    public var modes: ModeLayout? { nil }

    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        NoisyCurve.sample(count, noise: 0.025, using: stream) { u in
            let angle = 2 * Double.pi * Double(u)
            return (Float(0.5 + 0.3 * cos(angle)), Float(0.45 + 0.25 * sin(angle)))
        }
    }
}

/// `two-gaussians`: GAN Lab's two Gaussian hills of different shapes in [0, 1]².
public final class GANLabTwoGaussians: Dataset {
    /// The declaration (GAN Lab's constants, no parameters).
    public static let spec = PluginSpec(
        kind: .dataset, name: "two-gaussians", aliases: ["ganlab-gaussians", "two-gaussian-hills"],
        summary: "GAN Lab's two Gaussian hills: a round one at (0.3, 0.7) and a tall one at (0.7, 0.4)",
        discussion: """
            GAN Lab's "two Gaussian hills": with probability 1/2 each, N((0.3, 0.7), diag(0.1², 0.1²)) \
            or N((0.7, 0.4), diag(0.05², 0.2²)). The second hill is anisotropic and the two spreads differ, \
            which the mode layout (one isotropic σ for all modes) cannot describe, so there is no mode \
            layout; disjoint is GAN Lab's mixture with equal round modes. Each batch draws the hill of \
            every row first (nextInt(below: 2)), then the noise. \(ganLabNote)
            """,
        reference: ganLabReference)

    /// Means and per-axis standard deviations of the two hills.
    static let hills: [(mean: (Float, Float), sd: (Float, Float))] = [((0.3, 0.7), (0.1, 0.1)), ((0.7, 0.4), (0.05, 0.2))]

    /// No parameters.
    public let parameters: ParameterValues
    /// The data set (its spec has no parameters).
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Two coordinates.
    public var dimension: Int { 2 }
    /// None: the hills are anisotropic with different spreads (see the discussion).
    public var modes: ModeLayout? { nil }

    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        precondition(count >= 0, "cannot draw \(count) samples")
        let chosen = (0..<count).map { _ in stream.nextInt(below: 2) }
        let z = Tensor.randomNormal([count, 2], using: stream)
        return SampleBuffer.matrix(rows: count, columns: 2) { out in
            z.withUnsafeBufferPointer { z in
                for row in 0..<count {
                    let hill = GANLabTwoGaussians.hills[chosen[row]]
                    out[2 * row] = hill.mean.0 + hill.sd.0 * z[2 * row]
                    out[2 * row + 1] = hill.mean.1 + hill.sd.1 * z[2 * row + 1]
                }
            }
        }
    }
}

/// `disjoint`: GAN Lab's three small round blobs in [0, 1]².
public final class GANLabDisjoint: Dataset {
    /// The declaration (GAN Lab's constants, no parameters).
    public static let spec = PluginSpec(
        kind: .dataset, name: "disjoint", aliases: ["ganlab-disjoint", "three-dots"],
        summary: "GAN Lab's disjoint distribution: three round blobs (sigma 0.025) in the unit square",
        discussion: """
            GAN Lab's "disjoint" distribution (earlier "three dots"): three Gaussians with σ = 0.025 at \
            (0.35, 0.75), (0.75, 0.6) and (0.45, 0.35). GAN Lab picks the blob by one uniform u with \
            u < 0.333 → first, u < 0.666 → second, else third, so the weights are 0.333, 0.333 and 0.334; \
            this implementation keeps those thresholds exactly (one nextUniform per row, then the noise). \
            The mode layout lists the three centres and σ. \(ganLabNote)
            """,
        reference: ganLabReference)

    /// No parameters.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler

    /// The data set (its spec has no parameters).
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        mixture = GaussianMixtureSampler(centres: [[0.35, 0.75], [0.75, 0.6], [0.45, 0.35]], sigma: 0.025,
                                         weights: [0.333, 0.333, 0.334])
    }

    /// Two coordinates.
    public var dimension: Int { 2 }
    /// The three centres and σ = 0.025.
    public var modes: ModeLayout? { mixture.layout }
    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}
