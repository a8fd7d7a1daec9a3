import Foundation
import Autodiff

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
