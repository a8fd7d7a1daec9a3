import Kernels

/// Density and coverage from k-NN balls around the real samples.
public final class DensityCoverageMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2500, "samples per set")
    static let k: ParameterKey<Int> = .integer("k", 1...100, default: 5, "neighbour that sets each ball's radius")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "density-coverage", aliases: ["dc"],
        summary: "density (fidelity) and coverage (diversity) from k-NN balls around real samples",
        discussion: """
            Balls B(xᵢ, rᵢ) around the N real samples, rᵢ = distance to the k-th nearest other real sample. \
            density = (1/kM) Σⱼ Σᵢ 1[yⱼ ∈ B(xᵢ, rᵢ)] over the M generated samples (counts how many balls hold \
            each fake; ≈ 1 for equal distributions, above 1 when fakes crowd dense regions); coverage = share \
            of real xᵢ whose ball holds at least one generated sample (≈ 1 − 2^(−k) = 0.97 at k = 5 for equal \
            distributions and N = M). Unlike precision / recall it needs no balls around the fakes, so outlying \
            fakes cannot inflate it. Closed balls; brute force, O(N·(N + M)·d).
            """,
        parameters: [n.spec, k.spec],
        reference: "Naeem, Oh, Uh, Choi & Yoo 2020, Reliable Fidelity and Diversity Metrics for Generative "
            + "Models, ICML (arXiv:2002.09797)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// Density and coverage.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let k = parameters[Self.k]
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name)
        guard real.count >= k + 1 else {
            throw MetricError("metric density-coverage needs at least \(k + 1) real samples (k = \(k) neighbours "
                              + "besides the sample itself); got \(real.count)")
        }
        let result = NearestNeighbourBalls.densityCoverage(real: real, generated: generated, k: k)
        return MetricReport(metric: Self.spec.name, values: [("density", result.density), ("coverage", result.coverage)])
    }
}
