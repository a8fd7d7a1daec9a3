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
