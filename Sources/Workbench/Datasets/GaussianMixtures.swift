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

/// `mixture1d`: a one-dimensional Gaussian mixture, for pictures of the optimal discriminator and of JS.
public final class GaussianMixture1D: Dataset {
    static let means: ParameterKey<[Double]> = .reals("means", -1e6...1e6, default: [-2, 2], "the distinct component means")
    static let sigma = GaussianMixtureSampler.sigmaKey(default: 0.5)
    static let weights: ParameterKey<[Double]> = .reals("weights", 0...1e6, default: [],
                                                        "relative weights, one per mean (empty: equal)")

    /// The declaration: means, common σ and optional weights.
    public static let spec = PluginSpec(
        kind: .dataset, name: "mixture1d", aliases: ["mixture", "gmm1d"],
        summary: "a 1-D Gaussian mixture (default modes at −2 and 2, sigma 0.5, equal weights)",
        discussion: """
            A one-dimensional mixture of Gaussians N(m_k, σ²) with the given distinct means, one common \
            standard deviation σ and weights w_k (normalised to sum 1; an empty list means equal weights). \
            With two well-separated modes it shows the optimal discriminator D*(x) = p(x)/(p(x) + q(x)) and \
            the saturation of the Jensen–Shannon divergence. Each batch draws the component of every row \
            first (nextInt for equal weights, one uniform per row otherwise), then the normal noise.
            """,
        parameters: [means.spec, sigma.spec, weights.spec],
        reference: "Goodfellow et al. 2014, Generative Adversarial Nets (NeurIPS): the 1-D picture of D* in Figure 1")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler

    /// A mixture from validated parameters; refuses no means, repeated means, and weights that do not
    /// match the means or sum to zero.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let owner = "dataset \(Self.spec.name)"
        let means = parameters[Self.means]
        let weights = parameters[Self.weights]
        guard !means.isEmpty else {
            throw ParameterError.invalid(owner: owner, name: Self.means.name, value: "", expected: "at least one mean")
        }
        guard Set(means).count == means.count else {
            throw ParameterError.invalid(owner: owner, name: Self.means.name, value: means.parameterValue.description,
                                         expected: "distinct means (a repeated mean is one mode)")
        }
        if !weights.isEmpty {
            guard weights.count == means.count, weights.reduce(0, +) > 0 else {
                throw ParameterError.invalid(
                    owner: owner, name: Self.weights.name, value: weights.parameterValue.description,
                    expected: "\(means.count) non-negative reals (one per mean) with a positive sum")
            }
        }
        mixture = GaussianMixtureSampler(centres: means.map { [Float($0)] }, sigma: parameters[Self.sigma],
                                         weights: weights.isEmpty ? nil : weights)
    }

    /// One coordinate.
    public var dimension: Int { 1 }
    /// The 1-D centres and σ (the layout has no weights: see `weights` for unequal mixtures).
    public var modes: ModeLayout? { mixture.layout }
    /// The normalised component weights, in the order of `means`.
    public var weights: [Double] {
        let given = parameters[Self.weights]
        guard !given.isEmpty else { return Array(repeating: 1 / Double(mixture.centres.count), count: mixture.centres.count) }
        let total = given.reduce(0, +)
        return given.map { $0 / total }
    }
    /// `count` samples, [count, 1].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}
