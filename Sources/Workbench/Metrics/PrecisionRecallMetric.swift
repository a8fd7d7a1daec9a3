import Kernels

/// Improved precision and recall from k-NN balls.
public final class PrecisionRecallMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2500, "samples per set")
    static let k: ParameterKey<Int> = .integer("k", 1...100, default: 3, "neighbour that sets each ball's radius")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "precision-recall", aliases: ["pr"],
        summary: "improved precision (fidelity) and recall (diversity) from k-NN balls",
        discussion: """
            Around every sample put a closed ball whose radius is the distance to its k-th nearest neighbour \
            within its own set. precision = share of generated samples inside at least one real ball (are the \
            fakes realistic?); recall = share of real samples inside at least one generated ball (is the real \
            distribution covered?). Both are ≈ 1 for equal distributions; a collapsed generator keeps precision \
            and loses recall. Computed in sample space by brute force, O(n²·d).
            """,
        parameters: [n.spec, k.spec],
        reference: "Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019, Improved Precision and Recall Metric for "
            + "Assessing Generative Models, NeurIPS (arXiv:1904.06991)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// Precision and recall.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let k = parameters[Self.k]
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name, minimumCount: k + 1,
                                                      reason: "k = \(k) neighbours besides the sample itself")
        let result = NearestNeighbourBalls.precisionRecall(real: real, generated: generated, k: k)
        return MetricReport(metric: Self.spec.name, values: [("precision", result.precision), ("recall", result.recall)])
    }
}
