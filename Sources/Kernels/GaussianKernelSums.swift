#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The pair sums behind the unbiased MMD² and its standard error, for Gaussian kernels
/// k(x, y) = exp(−γ‖x − y‖²) at several γ and for their sum: one pass over all pairs of two samples, in a
/// target compiled optimised even in debug builds. Every sum runs in a fixed order (see `sums`), so the
/// same inputs give the same bits in every build.
public enum GaussianKernelSums {
    /// The sums for `kernels` bandwidths and, in the last slot, their sum kernel (kernels + 1 slots).
    public struct Sums: Sendable, Equatable {
        /// Σ_{i<j} k(xᵢ, xⱼ), per slot.
        public var xx: [Double]
        /// Σ_{i<j} k(yᵢ, yⱼ), per slot.
        public var yy: [Double]
        /// Σ_{i,j} k(xᵢ, yⱼ), per slot.
        public var xy: [Double]
        /// Σ_{i<j<p} h(zᵢ, zⱼ)² with h = k(xᵢ, xⱼ) + k(yᵢ, yⱼ) − k(xᵢ, yⱼ) − k(xⱼ, yᵢ), p = min(m, n), per slot.
        public var h2: [Double]
        /// Σ_{j≠i, j<p} h(zᵢ, zⱼ) for every i < p, slot-major (slot · p + i).
        public var rowH: [Double]
    }

    /// The sums over m rows `x` and n rows `y` of `dimension` Doubles, with kernel exponents `gammas`.
    ///
    /// Order: first the pairs with both indices below p = min(m, n) (i rising, then j > i rising, each
    /// followed by the cross pair (xᵢ, yᵢ)); then, when the sizes differ, the rows past p of the larger set.
    /// Each kernel value is exp(−s·γ) with s the squared distance summed in coordinate order; the sum
    /// kernel adds the kernels in bandwidth order.
    public static func sums(_ x: UnsafePointer<Double>, count m: Int, _ y: UnsafePointer<Double>, count n: Int,
                            dimension d: Int, gammas: [Double]) -> Sums {
        let kernels = gammas.count, slots = kernels + 1, p = Swift.min(m, n)
        var result = Sums(xx: [Double](repeating: 0, count: slots), yy: [Double](repeating: 0, count: slots),
                          xy: [Double](repeating: 0, count: slots), h2: [Double](repeating: 0, count: slots),
                          rowH: [Double](repeating: 0, count: slots * p))
        // Four kernel rows of `slots` values: xx, yy, xy and yx of the current pair.
        let kv = UnsafeMutablePointer<Double>.allocate(capacity: 4 * slots)
        kv.initialize(repeating: 0, count: 4 * slots)
        defer { kv.deallocate() }
        gammas.withUnsafeBufferPointer { g in
        result.xx.withUnsafeMutableBufferPointer { sxx in
        result.yy.withUnsafeMutableBufferPointer { syy in
        result.xy.withUnsafeMutableBufferPointer { sxy in
        result.h2.withUnsafeMutableBufferPointer { sh2 in
        result.rowH.withUnsafeMutableBufferPointer { rh in
            @inline(__always) func squared(_ a: UnsafePointer<Double>, _ i: Int, _ b: UnsafePointer<Double>, _ j: Int) -> Double {
                PairwiseDistances.squaredDistance(a + i * d, b + j * d, dimension: d)
            }
            // Writes every kernel at squared distance `s` into kv[offset...] (the sum kernel last).
            @inline(__always) func evaluate(_ s: Double, into offset: Int) {
                var total = 0.0
                for b in 0..<kernels {
                    let value = exp(-s * g[b])
                    kv[offset + b] = value
                    total += value
                }
                kv[offset + kernels] = total
            }
            // Pairs with both indices below p: every kernel term and the paired statistic h at once.
            for i in 0..<p {
                for j in (i + 1)..<Swift.max(p, i + 1) {
                    evaluate(squared(x, i, x, j), into: 0)
                    evaluate(squared(y, i, y, j), into: slots)
                    evaluate(squared(x, i, y, j), into: 2 * slots)
                    evaluate(squared(x, j, y, i), into: 3 * slots)
                    for b in 0..<slots {
                        let kxx = kv[b], kyy = kv[slots + b], kxy = kv[2 * slots + b], kyx = kv[3 * slots + b]
                        sxx[b] += kxx
                        syy[b] += kyy
                        sxy[b] += kxy + kyx
                        let h = kxx + kyy - kxy - kyx
                        sh2[b] += h * h
                        rh[b * p + i] += h
                        rh[b * p + j] += h
                    }
                }
                evaluate(squared(x, i, y, i), into: 0)
                for b in 0..<slots { sxy[b] += kv[b] }
            }
            // The rest, when the sizes differ: within-set pairs reaching past p, and cross pairs with an
            // index past p.
            for j in p..<Swift.max(m, p) {
                for i in 0..<j {
                    evaluate(squared(x, i, x, j), into: 0)
                    for b in 0..<slots { sxx[b] += kv[b] }
                }
                for i in 0..<n {
                    evaluate(squared(x, j, y, i), into: 0)
                    for b in 0..<slots { sxy[b] += kv[b] }
                }
            }
            for j in p..<Swift.max(n, p) {
                for i in 0..<j {
                    evaluate(squared(y, i, y, j), into: 0)
                    for b in 0..<slots { syy[b] += kv[b] }
                }
                for i in 0..<p {
                    evaluate(squared(x, i, y, j), into: 0)
                    for b in 0..<slots { sxy[b] += kv[b] }
                }
            }
        }}}}}}
        return result
    }
}
