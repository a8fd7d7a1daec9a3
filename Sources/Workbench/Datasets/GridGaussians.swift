import Foundation
import Autodiff

/// `grid25`: a size×size grid of Gaussians, the VEEGAN / PacGAN grid benchmark.
public final class GridGaussians: Dataset {
    static let size: ParameterKey<Int> = .integer("size", 1...32, default: 5, "Gaussians per side of the grid")
    static let spacing: ParameterKey<Double> = .real("spacing", 0.001...1000, default: 2, "distance between neighbouring means")
    static let sigma = GaussianMixtureSampler.sigmaKey(default: 0.05)

    /// The declaration: grid size, spacing and σ, defaulting to the published protocol.
    public static let spec = PluginSpec(
        kind: .dataset, name: "grid25", aliases: ["grid", "grid-gaussians"],
        summary: "a 5×5 grid of Gaussians (VEEGAN/PacGAN grid; means −4…4 step 2, sigma 0.05)",
        discussion: """
            The grid of the VEEGAN and PacGAN mode-collapse protocol: size² Gaussians with means \
            (s·(i − (n−1)/2), s·(j − (n−1)/2)) for i, j = 0…n−1 (n = size, s = spacing), one common \
            standard deviation σ and equal weights. The defaults are the published setting: means \
            (−4 + 2i, −4 + 2j), i, j ∈ 0…4, σ = 0.05 (score 2500 samples with the 3σ rule). Modes are \
            listed with i (the x index) outer. Each batch draws the component of every row first, then the \
            normal noise.
            """,
        parameters: [size.spec, spacing.spec, sigma.spec],
        reference: "Srivastava et al. 2017, VEEGAN (NeurIPS); Lin et al. 2018, PacGAN (NeurIPS)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler

    /// A grid from validated parameters.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let size = parameters[Self.size]
        let spacing = parameters[Self.spacing]
        let offset = spacing * Double(size - 1) / 2
        var centres: [[Float]] = []
        for i in 0..<size {
            for j in 0..<size {
                centres.append([Float(spacing * Double(i) - offset), Float(spacing * Double(j) - offset)])
            }
        }
        mixture = GaussianMixtureSampler(centres: centres, sigma: parameters[Self.sigma])
    }

    /// Two coordinates.
    public var dimension: Int { 2 }
    /// The size² centres and σ.
    public var modes: ModeLayout? { mixture.layout }
    /// `count` samples, [count, 2].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}
