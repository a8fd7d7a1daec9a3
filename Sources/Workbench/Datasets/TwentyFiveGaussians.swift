import Foundation
import Autodiff

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
