import Foundation
import Autodiff
import Kernels

/// The maximum mean discrepancy with Gaussian kernels k_σ(x, y) = exp(−‖x − y‖² / (2σ²)).
public enum MaximumMeanDiscrepancy {
    /// An unbiased MMD² estimate and its standard error.
    public struct Estimate: Sendable, Equatable {
        /// The unbiased estimate of MMD² (can be slightly negative when the distributions agree).
        public let mmd2: Double
        /// An estimate of its standard error (see `unbiasedSquared`).
        public let standardError: Double
    }

    /// The unbiased estimates of MMD² (Gretton et al. 2012, Lemma 6):
    /// MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ),
    /// one per bandwidth, and `sum`, the estimate for the sum of the kernels (which is the sum of the
    /// estimates). Needs m, n ≥ 2.
    ///
    /// The standard error is that of the paired U-statistic on the first p = min(m, n) pairs zᵢ = (xᵢ, yᵢ)
    /// with h(zᵢ, zⱼ) = k(xᵢ, xⱼ) + k(yᵢ, yⱼ) − k(xᵢ, yⱼ) − k(xⱼ, yᵢ) (Gretton et al. 2012, eq. 3), by the
    /// U-statistic variance 4(p−2)/(p(p−1))·ζ₁ + 2/(p(p−1))·ζ₂ (Hoeffding 1948) with ζ₁, ζ₂ estimated from
    /// the same pairs. It is a guide to sampling noise, not a test threshold: under equal distributions the
    /// estimate is degenerate and of order 1/n.
    public static func unbiasedSquared(_ x: SampleMatrix, _ y: SampleMatrix,
                                       bandwidths: [Double]) -> (perBandwidth: [Estimate], sum: Estimate) {
        precondition(x.dimension == y.dimension, "MMD needs equal dimensions")
        precondition(x.count >= 2 && y.count >= 2, "MMD needs at least two samples per set")
        precondition(!bandwidths.isEmpty && bandwidths.allSatisfy { $0 > 0 }, "MMD needs positive bandwidths")
        let m = x.count, n = y.count, p = Swift.min(m, n)
        let kernels = bandwidths.count, slots = kernels + 1  // the last slot is the sum kernel
        let gammas = bandwidths.map { 1 / (2 * $0 * $0) }
        let sums = x.values.withUnsafeBufferPointer { xs in
            y.values.withUnsafeBufferPointer { ys in
                GaussianKernelSums.sums(xs.baseAddress!, count: m, ys.baseAddress!, count: n, dimension: x.dimension,
                                        gammas: gammas)
            }
        }
        let sumXX = sums.xx, sumYY = sums.yy, sumXY = sums.xy, sumH2 = sums.h2, rowH = sums.rowH

        let md = Double(m), nd = Double(n), pd = Double(p)
        let estimates = (0..<slots).map { b -> Estimate in
            let mmd2 = 2 * sumXX[b] / (md * (md - 1)) + 2 * sumYY[b] / (nd * (nd - 1)) - 2 * sumXY[b] / (md * nd)
            // The paired statistic's moments: U = mean h, ζ₂ = Var h, ζ₁ = Var E[h | z] (its plug-in estimate,
            // less the part that is only the noise of averaging p − 1 terms).
            let pairs = pd * (pd - 1) / 2
            var rowTotal = 0.0
            for i in 0..<p { rowTotal += rowH[b * p + i] }
            let u = p >= 2 ? rowTotal / (2 * pairs) : 0
            let zeta2 = p >= 2 ? Swift.max(0, sumH2[b] / pairs - u * u) : 0
            var spread = 0.0
            for i in 0..<p {
                let mean = rowH[b * p + i] / (pd - 1)
                spread += (mean - u) * (mean - u)
            }
            let zeta1 = p >= 3 ? Swift.max(0, spread / pd - zeta2 / (pd - 1)) : 0
            let variance = p >= 2 ? 4 * (pd - 2) / (pd * (pd - 1)) * zeta1 + 2 / (pd * (pd - 1)) * zeta2 : 0
            return Estimate(mmd2: mmd2, standardError: variance.squareRoot())
        }
        return (Array(estimates[0..<kernels]), estimates[kernels])
    }

    /// The median of the pairwise Euclidean distances among the rows of `samples` (the median heuristic's
    /// bandwidth); 0 when fewer than two rows.
    public static func medianPairwiseDistance(_ samples: SampleMatrix) -> Double {
        samples.values.withUnsafeBufferPointer { xs in
            PairwiseDistances.medianDistance(xs.baseAddress!, count: samples.count, dimension: samples.dimension)
        }
    }
}

/// The energy distance between two samples.
public enum EnergyDistance {
    /// The squared energy distance by U-statistics within the sets:
    /// 2·mean_{i,j} ‖xᵢ − yⱼ‖ − mean_{i≠j} ‖xᵢ − xⱼ‖ − mean_{i≠j} ‖yᵢ − yⱼ‖ (Székely & Rizzo 2013).
    /// Unbiased for 2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖, so it can fall slightly below 0 when the distributions
    /// agree. Needs at least two samples per set.
    public static func squared(_ x: SampleMatrix, _ y: SampleMatrix) -> Double {
        precondition(x.dimension == y.dimension, "EnergyDistance needs equal dimensions")
        precondition(x.count >= 2 && y.count >= 2, "EnergyDistance needs at least two samples per set")
        let within = { (a: SampleMatrix) -> Double in
            meanDistance(a, a, skipDiagonal: true)
        }
        return 2 * meanDistance(x, y, skipDiagonal: false) - within(x) - within(y)
    }

    /// The mean of ‖aᵢ − bⱼ‖ over all (i, j), or over i < j when `a` and `b` are the same set.
    private static func meanDistance(_ a: SampleMatrix, _ b: SampleMatrix, skipDiagonal: Bool) -> Double {
        let n = a.count, m = b.count
        let total = a.values.withUnsafeBufferPointer { xs in
            b.values.withUnsafeBufferPointer { ys in
                PairwiseDistances.distanceSum(xs.baseAddress!, count: n, ys.baseAddress!, count: m,
                                              dimension: a.dimension, upperTriangleOnly: skipDiagonal)
            }
        }
        return skipDiagonal ? total / (Double(n) * Double(n - 1) / 2) : total / (Double(n) * Double(m))
    }
}

/// Unbiased MMD² with a median-heuristic and a mode-scale Gaussian kernel.
public final class MMDMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2500, "samples per set")
    static let small: ParameterKey<Double> = .real("small", 1e-9...1e9, default: 0.05, "small bandwidth when the data set has no mode layout")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "mmd", aliases: ["mmd2"],
        summary: "unbiased MMD² with Gaussian kernels at the median-heuristic and the mode scale",
        discussion: """
            MMD²_u = 1/(m(m−1)) Σ_{i≠j} k(xᵢ, xⱼ) + 1/(n(n−1)) Σ_{i≠j} k(yᵢ, yⱼ) − 2/(mn) Σ_{i,j} k(xᵢ, yⱼ) with \
            k(x, y) = exp(−‖x − y‖² / (2σ²)), for two bandwidths: σ = the median pairwise distance of the \
            pooled samples (at most 1000 of them, chosen from the metric's stream), and a small σ at the mode \
            scale — the data set's mode σ when it has a mode layout, else `small` (an explicit `small` always \
            wins). The median bandwidth alone barely sees mode collapse on a ring: it is about the ring's \
            diameter. Reports MMD² per bandwidth, their sum (MMD² for the sum kernel) and standard errors of \
            the paired estimator. Unbiased, so it can be slightly negative when the distributions agree. \
            Cost O((m + n)²) kernel evaluations.
            """,
        parameters: [n.spec, small.spec],
        reference: "Gretton, Borgwardt, Rasch, Schölkopf & Smola 2012, A Kernel Two-Sample Test, JMLR 13:723–773")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// MMD² at both bandwidths and their sum.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name, minimumCount: 2,
                                                      reason: "the unbiased estimate leaves out i = j")
        var notes: [String] = []
        let pooled = SampleMatrix(count: real.count + generated.count, dimension: real.dimension,
                                  values: real.values + generated.values)
        var median = MaximumMeanDiscrepancy.medianPairwiseDistance(pooled.subsample(1000, using: input.stream))
        if !(median > 0) {
            median = 1
            notes.append("the median pairwise distance is 0 (more than half the samples coincide); "
                         + "the median bandwidth was set to 1")
        }
        let small: Double
        if let layout = input.modes, !parameters.explicitNames.contains(Self.small.name), layout.standardDeviation > 0 {
            small = Double(layout.standardDeviation)
        } else {
            small = parameters[Self.small]
        }
        let result = MaximumMeanDiscrepancy.unbiasedSquared(real, generated, bandwidths: [median, small])
        return MetricReport(metric: Self.spec.name, values: [
            ("mmd2_median", result.perBandwidth[0].mmd2),
            ("mmd2_small", result.perBandwidth[1].mmd2),
            ("mmd2", result.sum.mmd2),
            ("bandwidth_median", median),
            ("bandwidth_small", small),
            ("se_median", result.perBandwidth[0].standardError),
            ("se_small", result.perBandwidth[1].standardError),
            ("se", result.sum.standardError),
        ], notes: notes)
    }
}

/// Energy distance between real and generated samples.
public final class EnergyMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2500, "samples per set")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "energy", aliases: ["energy-distance"],
        summary: "energy distance (2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖)^½",
        discussion: """
            energy = (2·mean_{i,j} ‖xᵢ − yⱼ‖ − mean_{i≠j} ‖xᵢ − xⱼ‖ − mean_{i≠j} ‖yᵢ − yⱼ‖)^½, with U-statistics \
            within each set; energy2 is the value under the root. The population quantity is ≥ 0 and zero only \
            for equal distributions; the estimate can dip below 0 from sampling noise, in which case energy is \
            reported as 0 and a note gives the negative value. Equals MMD² for the distance-induced kernel; no \
            bandwidth to choose. Cost O((m + n)²) distances.
            """,
        parameters: [n.spec],
        reference: "Székely & Rizzo 2013, Energy statistics: A class of statistics based on distances, "
            + "J. Stat. Plan. Inference 143:1249–1272")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The energy distance and its square.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name, minimumCount: 2,
                                                      reason: "the within-set means leave out i = j")
        let squared = EnergyDistance.squared(real, generated)
        var notes: [String] = []
        if squared < 0 {
            notes.append("the estimate of the squared energy distance is \(squared) < 0 (sampling noise: the "
                         + "samples are indistinguishable at this size); energy is reported as 0")
        }
        return MetricReport(metric: Self.spec.name,
                            values: [("energy", Swift.max(0, squared).squareRoot()), ("energy2", squared)],
                            notes: notes)
    }
}
