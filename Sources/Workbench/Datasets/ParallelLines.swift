import Foundation
import Autodiff

/// `parallel-lines`: Example 1 of the WGAN paper. The real data is the vertical segment {0} × [0, 1];
/// the generator family g_θ(z) = (θ, z) moves a parallel segment sideways.
public final class ParallelLines: Dataset {
    static let theta: ParameterKey<Float> = .real("theta", -100...100, default: 0.5,
                                                  "offset θ of the generator family g_θ(z) = (θ, z)")

    /// The declaration: θ, the offset of the generator family the example compares against.
    public static let spec = PluginSpec(
        kind: .dataset, name: "parallel-lines", aliases: ["parallel", "wgan-example1"],
        summary: "WGAN Example 1: real (0, U[0,1]) against the family g_θ(z) = (θ, z)",
        discussion: """
            Example 1 of Arjovsky, Chintala and Bottou (2017): the real distribution P₀ is (0, Z) with \
            Z ~ U[0, 1], a vertical segment; the generator family is g_θ(z) = (θ, z) with z ~ U[0, 1], the \
            same segment moved by θ. For θ ≠ 0 the supports are disjoint, so W(P₀, P_θ) = |θ| while \
            JS(P₀, P_θ) = log 2, KL = +∞ and total variation = 1 (all four are 0 at θ = 0): only the \
            Wasserstein distance is continuous in θ and gives a usable gradient. sample draws the real \
            segment (one uniform per row); familySample draws the family at the parameter θ or any other.
            """,
        parameters: [theta.spec],
        reference: "Arjovsky, Chintala & Bottou 2017, Wasserstein GAN (ICML), Example 1")

    /// The parameters it was made with.
    public let parameters: ParameterValues

    /// A data set from validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// The generator family's offset θ given as a parameter.
    public var theta: Float { parameters[Self.theta] }
    /// Two coordinates.
    public var dimension: Int { 2 }
    /// None: a segment is not a mixture.
    public var modes: ModeLayout? { nil }

    /// `count` real samples (0, u), u ~ U[0, 1), one uniform per row: [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        familySample(count, theta: 0, using: stream)
    }

    /// `count` samples of g_θ(z) = (θ, z), z ~ U[0, 1), one uniform per row: [count, 2]. At θ = 0 this is
    /// the real distribution, and the same stream position gives the same z for every θ.
    public func familySample(_ count: Int, theta: Float, using stream: RandomStream) -> Tensor {
        precondition(count >= 0, "cannot draw \(count) samples")
        let z = SampleBuffer.uniforms(count, using: stream)
        return SampleBuffer.matrix(rows: count, columns: 2) { out in
            for row in 0..<count {
                out[2 * row] = theta
                out[2 * row + 1] = z[row]
            }
        }
    }

    /// The generator family at this data set's θ parameter.
    public func familySample(_ count: Int, using stream: RandomStream) -> Tensor {
        familySample(count, theta: theta, using: stream)
    }

    /// W₁(P₀, P_θ) = |θ|: every point moves by θ horizontally.
    public static func wassersteinDistance(theta: Double) -> Double { abs(theta) }

    /// JS(P₀, P_θ) in nats: log 2 for θ ≠ 0 (disjoint supports), 0 at θ = 0.
    public static func jensenShannon(theta: Double) -> Double { theta == 0 ? 0 : log(2) }

    /// KL(P_θ ‖ P₀): +∞ for θ ≠ 0, 0 at θ = 0.
    public static func kullbackLeibler(theta: Double) -> Double { theta == 0 ? 0 : .infinity }

    /// Total variation distance: 1 for θ ≠ 0, 0 at θ = 0.
    public static func totalVariation(theta: Double) -> Double { theta == 0 ? 0 : 1 }
}
