import Foundation
import Autodiff

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
    /// Σ_k w_k·N(x; m_k, σ²).
    public func density(at x: [Double]) -> Double? {
        let sigma = Double(parameters[Self.sigma])
        let normalisation: Double = 1 / (sigma * (2 * Double.pi).squareRoot())
        var sum = 0.0
        for (mean, weight) in zip(parameters[Self.means], weights) {
            let z: Double = (x[0] - mean) / sigma
            sum += weight * normalisation * exp(-0.5 * z * z)
        }
        return sum
    }

    /// `count` samples, [count, 1].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }
}
