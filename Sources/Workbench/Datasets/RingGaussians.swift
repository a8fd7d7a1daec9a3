import Foundation
import Autodiff

/// `ring8`: K Gaussians evenly spaced on a circle, the VEEGAN / PacGAN mode-collapse benchmark.
public final class RingGaussians: Dataset {
    static let modeCount: ParameterKey<Int> = .integer("modes", 1...1024, default: 8, "number of Gaussians on the ring")
    static let radius: ParameterKey<Double> = .real("radius", 0.001...1000, default: 1, "radius of the circle of means")
    static let sigma = GaussianMixtureSampler.sigmaKey(default: 0.01)

    /// The declaration: modes, radius and σ, defaulting to the published protocol.
    public static let spec = PluginSpec(
        kind: .dataset, name: "ring8", aliases: ["ring-gaussians"],
        summary: "K Gaussians on a circle (VEEGAN/PacGAN ring; default 8 modes, radius 1, sigma 0.01)",
        discussion: """
            The ring of the VEEGAN and PacGAN mode-collapse protocol: K = modes Gaussians with means \
            (r·cos 2πk/K, r·sin 2πk/K) for k = 0…K−1, one common standard deviation σ and equal weights. \
            The defaults are the published setting: 8 modes, radius 1, σ = 0.01 (score 2500 samples with \
            the 3σ rule). Angles are 2πk/K for k < K, not linspace(0, 2π, K): that grid repeats angle 0 at \
            2π and leaves only K−1 distinct modes, a bug in two public codes. Each batch draws the \
            component of every row first, then the normal noise.
            """,
        parameters: [modeCount.spec, radius.spec, sigma.spec],
        reference: "Srivastava et al. 2017, VEEGAN (NeurIPS); Lin et al. 2018, PacGAN (NeurIPS)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler

    /// A ring from validated parameters.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let count = parameters[Self.modeCount]
        let radius = parameters[Self.radius]
        let centres = (0..<count).map { k -> [Float] in
            // Double trigonometry, then one rounding to Float; exact zeros where cos/sin vanish, so that
            // printed centres read (0, 1) rather than (6e-17, 1).
            let angle = 2 * Double.pi * Double(k) / Double(count)
            return [RingGaussians.snap(radius * cos(angle), radius), RingGaussians.snap(radius * sin(angle), radius)]
        }
        mixture = GaussianMixtureSampler(centres: centres, sigma: parameters[Self.sigma])
    }

    /// `value` as Float, or 0 when it is rounding noise relative to `scale`.
    static func snap(_ value: Double, _ scale: Double) -> Float {
        abs(value) < 1e-12 * scale ? 0 : Float(value)
    }

    /// Two coordinates.
    public var dimension: Int { 2 }
    /// The K centres and σ.
    public var modes: ModeLayout? { mixture.layout }
    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}
