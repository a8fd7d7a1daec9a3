#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One-dimensional Wasserstein distances by sorting (the exact W_p in 1-D and the slices of the sliced
/// distance), in a target compiled optimised even in debug builds: the metrics sort thousands of values
/// per direction, for a hundred directions.
public enum QuantileDistances {
    /// W_p between the values of `a` and `b` (each reordered ascending in place), p ≥ 1.
    public static func distance(sorting a: UnsafeMutableBufferPointer<Double>, _ b: UnsafeMutableBufferPointer<Double>,
                                p: Double) -> Double {
        var a = a, b = b
        a.sort()
        b.sort()
        return sortedDistance(UnsafeBufferPointer(a), UnsafeBufferPointer(b), p: p)
    }

    /// W_p between two sorted samples: the L^p distance between their quantile functions. Equal sizes pair
    /// the values in order; unequal sizes merge the two staircases, with weights counted in exact integer
    /// units of 1/(n·m).
    public static func sortedDistance(_ a: UnsafeBufferPointer<Double>, _ b: UnsafeBufferPointer<Double>,
                                      p: Double) -> Double {
        @inline(__always) func power(_ gap: Double) -> Double {
            p == 1 ? gap : (p == 2 ? gap * gap : pow(gap, p))
        }
        let n = a.count, m = b.count
        var total = 0.0
        if n == m {
            for k in 0..<n { total += power(abs(a[k] - b[k])) }
            total /= Double(n)
        } else {
            // Each a-value carries m units and each b-value n units of the common total n·m.
            var i = 0, j = 0, leftA = m, leftB = n
            while i < n && j < m {
                let w = Swift.min(leftA, leftB)
                total += Double(w) * power(abs(a[i] - b[j]))
                leftA -= w
                leftB -= w
                if leftA == 0 { i += 1; leftA = m }
                if leftB == 0 { j += 1; leftB = n }
            }
            total /= Double(n) * Double(m)
        }
        return p == 1 ? total : pow(total, 1 / p)
    }

    /// ⟨xᵣ, θ⟩ for each of the `count` rows, the products added in coordinate order, into `out`.
    public static func project(_ x: UnsafePointer<Double>, count: Int, dimension d: Int, on theta: UnsafePointer<Double>,
                               into out: UnsafeMutablePointer<Double>) {
        for r in 0..<count {
            var s = 0.0
            for c in 0..<d { s += x[r * d + c] * theta[c] }
            out[r] = s
        }
    }
}
