import Foundation
import Autodiff

/// `swissroll`: the WGAN-GP toy script's swiss roll (scikit-learn's definition), rescaled by 1/7.5.
public final class SwissRoll: Dataset {
    static let noise: ParameterKey<Float> = .real("noise", 0...10, default: 0.25, "standard deviation of the added Gaussian noise")

    /// The declaration: the noise level, default the script's 0.25.
    public static let spec = PluginSpec(
        kind: .dataset, name: "swissroll", aliases: ["swiss-roll"],
        summary: "the classic swiss roll spiral (x, z), as in the WGAN-GP toy script (noise 0.25, ÷ 7.5)",
        discussion: """
            The swissroll set of the WGAN-GP toy script: scikit-learn's make_swiss_roll(noise=0.25), \
            columns x and z, divided by 7.5. With u ~ U[0, 1): t = 1.5π(1 + 2u), \
            (x, z) = (t·cos t, t·sin t) + N(0, noise²·I), then ÷ 7.5; so the noiseless radius t/7.5 runs \
            from 0.2π to 0.6π. scikit-learn's third column (the height y = 21·U[0, 1)) is dropped and, since \
            it does not affect (x, z), not drawn. Each batch draws the u of every row first, then the noise. \
            Not a Gaussian mixture: no mode layout.
            """,
        parameters: [noise.spec],
        reference: wganGPReference + "; Pedregosa et al. 2011, scikit-learn make_swiss_roll")

    /// The script's final divisor ("stdev plus a little").
    static let divisor: Float = 7.5

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let noise: Float

    /// A swiss roll from validated parameters.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        noise = parameters[Self.noise]
    }

    /// Two coordinates (x, z).
    public var dimension: Int { 2 }
    /// None: a spiral is not a mixture of Gaussians.
    public var modes: ModeLayout? { nil }

    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        NoisyCurve.sample(count, noise: noise, divisor: SwissRoll.divisor, using: stream) { u in
            // t·cos t and t·sin t in Double, rounded once to Float: accurate for angles up to 4.5π.
            let t = 1.5 * Double.pi * (1 + 2 * Double(u))
            return (Float(t * cos(t)), Float(t * sin(t)))
        }
    }
}
