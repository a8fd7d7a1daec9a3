import Foundation
import Autodiff

/// The paper and script the three WGAN-GP toy sets follow.
private let wganGPReference =
    "Gulrajani et al. 2017, Improved Training of Wasserstein GANs (NeurIPS); toy script gan_toy.py"

/// `8gaussians`: the WGAN-GP toy script's eight Gaussians, rescaled by 1/1.414.
public final class EightGaussians: Dataset {
    /// The declaration: the script's constants, so no parameters (use `ring8` for variants).
    public static let spec = PluginSpec(
        kind: .dataset, name: "8gaussians", aliases: ["eight-gaussians"],
        summary: "eight Gaussians on a circle, as in the WGAN-GP toy script (radius 2/1.414, sigma 0.02/1.414)",
        discussion: """
            The 8gaussians set of the WGAN-GP toy script (gan_toy.py): centres 2·{(1, 0), (−1, 0), (0, 1), \
            (0, −1), (1/√2, 1/√2), (1/√2, −1/√2), (−1/√2, 1/√2), (−1/√2, −1/√2)} in that order, each chosen \
            with probability 1/8; point = centre + N(0, 0.02²·I); then every coordinate is divided by 1.414. \
            In the final coordinates the modes sit on a circle of radius 2/1.414 ≈ 1.4144 with \
            σ = 0.02/1.414 ≈ 0.01414. The constants are the script's, so there are no parameters; ring8 is \
            the parameterised ring. Each batch draws the centre of every row first, then the noise.
            """,
        reference: wganGPReference)

    /// The script's scale of the centres.
    static let scale: Float = 2
    /// The script's final divisor (its comment calls it the standard deviation).
    static let divisor: Float = 1.414

    /// No parameters.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler

    /// The data set (its spec has no parameters).
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let diagonal = Float(1 / 2.0.squareRoot())
        let unit: [[Float]] = [[1, 0], [-1, 0], [0, 1], [0, -1],
                               [diagonal, diagonal], [diagonal, -diagonal], [-diagonal, diagonal], [-diagonal, -diagonal]]
        mixture = GaussianMixtureSampler(centres: unit.map { $0.map { EightGaussians.scale * $0 } }, sigma: 0.02,
                                         divisor: EightGaussians.divisor)
    }

    /// Two coordinates.
    public var dimension: Int { 2 }
    /// The eight centres and σ, divided by 1.414.
    public var modes: ModeLayout? { mixture.layout }
    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}

/// `25gaussians`: the WGAN-GP toy script's 5×5 grid, rescaled by 1/2.828.
public final class TwentyFiveGaussians: Dataset {
    /// The declaration: the script's constants, so no parameters (use `grid25` for variants).
    public static let spec = PluginSpec(
        kind: .dataset, name: "25gaussians", aliases: ["twentyfive-gaussians"],
        summary: "a 5×5 grid of Gaussians, as in the WGAN-GP toy script (means 2i/2.828, sigma 0.05/2.828)",
        discussion: """
            The 25gaussians set of the WGAN-GP toy script (gan_toy.py): centres (2i, 2j) for \
            i, j ∈ −2…2 (i outer), equal weights, point = centre + N(0, 0.05²·I), then every coordinate is \
            divided by 2.828. In the final coordinates the means are 2i/2.828 and σ = 0.05/2.828 ≈ 0.01768. \
            The script builds a fixed set of 100 000 points (4000 per mode, shuffled) and cycles through it; \
            here every batch is a fresh draw from the same mixture. No parameters; grid25 is the \
            parameterised grid.
            """,
        reference: wganGPReference)

    /// The script's final divisor.
    static let divisor: Float = 2.828

    /// No parameters.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler

    /// The data set (its spec has no parameters).
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        var centres: [[Float]] = []
        for i in -2...2 {
            for j in -2...2 { centres.append([Float(2 * i), Float(2 * j)]) }
        }
        mixture = GaussianMixtureSampler(centres: centres, sigma: 0.05, divisor: TwentyFiveGaussians.divisor)
    }

    /// Two coordinates.
    public var dimension: Int { 2 }
    /// The 25 centres and σ, divided by 2.828.
    public var modes: ModeLayout? { mixture.layout }
    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}

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
