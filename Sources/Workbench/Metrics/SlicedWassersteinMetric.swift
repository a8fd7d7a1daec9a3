import Foundation
import Autodiff
import Kernels

/// Sliced Wasserstein distance over random directions.
public final class SlicedWassersteinMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...1_000_000, default: 2500, "samples per set")
    static let projections: ParameterKey<Int> = .integer("projections", 1...100_000, default: 100, "number of random directions")
    static let p: ParameterKey<Int> = .integer("p", 1...2, default: 1, "order of the 1-D Wasserstein distance")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "sliced-w", aliases: ["sliced", "swd"],
        summary: "sliced Wasserstein distance: mean 1-D W_p over random projections",
        discussion: """
            SW_p = (1/L) Σ_l W_p(⟨X, θ_l⟩, ⟨Y, θ_l⟩) over L random unit directions θ_l (normal draws from the \
            metric's own stream, normalised); each 1-D W_p sorts both projections and pairs them in order \
            (sizes may differ: the quantile functions are compared). Reports the mean and its standard error \
            over directions. Some papers average W_p^p instead and take the p-th root; for p = 1 the two agree. \
            Cheap (O(L·n log n)) and a lower bound on W_p; in 1-D it equals W_p.
            """,
        parameters: [n.spec, projections.spec, p.spec],
        reference: "Rabin, Peyré, Delon & Bernot 2011, Wasserstein barycenter and its application to texture "
            + "mixing; Bonneel, Rabin, Peyré & Pfister 2015, J. Math. Imaging Vis. 51")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The sliced distance and its standard error.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name)
        let result = Wasserstein.sliced(real, generated, projections: parameters[Self.projections],
                                        p: Double(parameters[Self.p]), using: input.stream)
        return MetricReport(metric: Self.spec.name,
                            values: [("sliced_w", result.mean), ("standard_error", result.standardError)])
    }
}
