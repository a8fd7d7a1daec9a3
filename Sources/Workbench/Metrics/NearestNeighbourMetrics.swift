import Kernels

/// k-nearest-neighbour balls: the manifold estimates behind improved precision / recall and density /
/// coverage. All balls are closed (a point at exactly the radius is inside); distances are Euclidean.
public enum NearestNeighbourBalls {
    /// The distance from every row to its k-th nearest *other* row (a duplicate of a row counts as a
    /// neighbour at distance 0). Needs count ≥ k + 1. Brute force, O(n²·d): exact, and fast enough at the
    /// few thousand samples the metrics use.
    public static func kthNeighbourRadii(_ samples: SampleMatrix, k: Int) -> [Double] {
        precondition(k >= 1 && samples.count >= k + 1, "kthNeighbourRadii needs k ≥ 1 and more than k samples")
        var radii = [Double](repeating: 0, count: samples.count)
        samples.values.withUnsafeBufferPointer { xs in
            radii.withUnsafeMutableBufferPointer { out in
                PairwiseDistances.kthNeighbourRadii(xs.baseAddress!, count: samples.count, dimension: samples.dimension,
                                                    k: k, into: out.baseAddress!)
            }
        }
        return radii
    }

    /// For every query row, how many of the balls B(centreᵢ, radiusᵢ) hold it (‖q − cᵢ‖ ≤ rᵢ), or — with
    /// `stopAtFirst` — 1 when at least one does and 0 otherwise (cheaper: the scan stops early).
    public static func containingBallCounts(queries: SampleMatrix, centres: SampleMatrix, radii: [Double],
                                            stopAtFirst: Bool = false) -> [Int] {
        precondition(queries.dimension == centres.dimension && radii.count == centres.count,
                     "containingBallCounts needs one radius per centre and equal dimensions")
        // Compare squared distances with squared radii: no square root per pair, and a point is in its own
        // ball's boundary exactly when the two squares agree.
        let squaredRadii = radii.map { $0 * $0 }
        var counts = [Int](repeating: 0, count: queries.count)
        queries.values.withUnsafeBufferPointer { qs in
            centres.values.withUnsafeBufferPointer { cs in
                squaredRadii.withUnsafeBufferPointer { r2 in
                    counts.withUnsafeMutableBufferPointer { out in
                        PairwiseDistances.containingBallCounts(
                            queries: qs.baseAddress!, count: queries.count, centres: cs.baseAddress!, count: centres.count,
                            dimension: queries.dimension, squaredRadii: r2.baseAddress!, stopAtFirst: stopAtFirst,
                            into: out.baseAddress!)
                    }
                }
            }
        }
        return counts
    }

    /// For every centre, whether its ball B(centreᵢ, radiusᵢ) holds at least one query.
    public static func ballsHoldingAQuery(centres: SampleMatrix, radii: [Double], queries: SampleMatrix) -> [Bool] {
        precondition(queries.dimension == centres.dimension && radii.count == centres.count,
                     "ballsHoldingAQuery needs one radius per centre and equal dimensions")
        var held = [Bool](repeating: false, count: centres.count)
        queries.values.withUnsafeBufferPointer { qs in
            centres.values.withUnsafeBufferPointer { cs in
                radii.withUnsafeBufferPointer { r in
                    held.withUnsafeMutableBufferPointer { out in
                        PairwiseDistances.ballsHoldingAQuery(
                            centres: cs.baseAddress!, count: centres.count, radii: r.baseAddress!,
                            queries: qs.baseAddress!, count: queries.count, dimension: queries.dimension,
                            into: out.baseAddress!)
                    }
                }
            }
        }
        return held
    }

    /// Improved precision and recall (Kynkäänniemi et al. 2019): precision = share of generated samples in
    /// the union of the real k-NN balls; recall = share of real samples in the union of the generated
    /// k-NN balls. Needs more than k samples in each set.
    public static func precisionRecall(real: SampleMatrix, generated: SampleMatrix, k: Int) -> (precision: Double, recall: Double) {
        let realRadii = kthNeighbourRadii(real, k: k), fakeRadii = kthNeighbourRadii(generated, k: k)
        let fakesInside = containingBallCounts(queries: generated, centres: real, radii: realRadii, stopAtFirst: true)
        let realsInside = containingBallCounts(queries: real, centres: generated, radii: fakeRadii, stopAtFirst: true)
        return (Double(fakesInside.reduce(0, +)) / Double(generated.count),
                Double(realsInside.reduce(0, +)) / Double(real.count))
    }

    /// Density and coverage (Naeem et al. 2020), with balls around the real samples only:
    /// density = 1/(kM) Σⱼ Σᵢ 1[yⱼ ∈ B(xᵢ, rᵢ)] (can exceed 1; ≈ 1 for equal distributions);
    /// coverage = share of real xᵢ whose ball holds at least one generated sample (≈ 1 − 2^(−k) for equal
    /// distributions and equal sizes: 0.969 at k = 5). Needs more than k real samples.
    public static func densityCoverage(real: SampleMatrix, generated: SampleMatrix, k: Int) -> (density: Double, coverage: Double) {
        let radii = kthNeighbourRadii(real, k: k)
        let counts = containingBallCounts(queries: generated, centres: real, radii: radii)
        let covered = ballsHoldingAQuery(centres: real, radii: radii, queries: generated)
        let density = Double(counts.reduce(0, +)) / (Double(k) * Double(generated.count))
        let coverage = Double(covered.reduce(0) { $0 + ($1 ? 1 : 0) }) / Double(real.count)
        return (density, coverage)
    }
}

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
