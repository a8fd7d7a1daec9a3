import Foundation
import Autodiff

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
