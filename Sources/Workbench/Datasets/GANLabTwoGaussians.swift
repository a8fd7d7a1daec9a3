import Foundation
import Autodiff

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
