import Foundation
import Autodiff

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
