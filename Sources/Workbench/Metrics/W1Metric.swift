import Foundation
import Autodiff
import Kernels

/// Exact W1 by optimal assignment.
public final class W1Metric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...4000, default: 1000, "samples per set (memory grows as n²)")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "w1", aliases: ["wasserstein", "emd"],
        summary: "exact Wasserstein-1 distance between real and generated samples (optimal matching)",
        discussion: """
            W1(P̂, Q̂) = min over one-to-one matchings σ of (1/n) Σᵢ ‖xᵢ − y_σ(i)‖, the earth mover's distance \
            between two equal-size samples with uniform weights (an optimal plan can be taken to be a \
            permutation). Solved exactly on the n×n Euclidean cost matrix: an ε-scaling auction finds near-optimal \
            prices, then Jonker–Volgenant shortest augmenting paths finish the assignment exactly (optimal to \
            rounding, with a dual certificate). O(n²) memory (n = 2000: 32 MB); about 0.04 s at n = 1000 and \
            0.2 s at n = 2000 in 2-D on one core. 1-D data uses the closed form, pairing \
            sorted values. If the two sets differ in size, the larger is subsampled from the metric's stream. \
            This is W1 between the samples, which on average overestimates W1 between the distributions (even \
            two samples of one distribution are apart) by a bias that shrinks slowly with n, so compare runs at \
            the same n.
            """,
        parameters: [n.spec],
        reference: "Villani 2009, Optimal Transport; Jonker & Volgenant 1987, Computing 38:325–340; "
            + "Bertsekas 1988, Ann. Oper. Res. 14:105–123")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// W1 and the size it was computed at.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name)
        let (x, y, note) = MetricChecks.equalSizes(real, generated, using: input.stream)
        let result = Wasserstein.exactW1(x, y)
        return MetricReport(metric: Self.spec.name,
                            values: [("w1", result.distance), ("n", Double(x.count))],
                            notes: note.map { [$0] } ?? [])
    }
}
