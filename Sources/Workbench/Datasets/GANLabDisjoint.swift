import Foundation
import Autodiff

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
