import Foundation
import Autodiff
import Kernels

/// Wasserstein distances between empirical distributions (uniform weights on the samples).
public enum Wasserstein {
    /// The exact W1 between two samples of equal size: the mean Euclidean distance of an optimal
    /// one-to-one matching (for uniform weights and equal sizes an optimal transport plan can be taken to be
    /// a permutation — Birkhoff–von Neumann). One-dimensional samples use the closed form (sorted order is
    /// optimal); otherwise `LinearAssignment` solves the n×n problem exactly, in O(n²) memory.
    /// Returns the distance and `match[i]`, the index in `y` matched to `x`'s row i.
    public static func exactW1(_ x: SampleMatrix, _ y: SampleMatrix) -> (distance: Double, match: [Int]) {
        precondition(x.count == y.count, "Wasserstein.exactW1 needs equal sizes, got \(x.count) and \(y.count)")
        precondition(x.dimension == y.dimension, "Wasserstein.exactW1 needs equal dimensions")
        let n = x.count
        if n == 0 { return (0, []) }
        if x.dimension == 1 {
            // Sorted order is an optimal matching in 1-D (the cost |a − b| is convex in a − b).
            let a = x.values, b = y.values
            let orderA = a.indices.sorted { a[$0] < a[$1] }, orderB = b.indices.sorted { b[$0] < b[$1] }
            var match = [Int](repeating: 0, count: n)
            var total = 0.0
            for k in 0..<n {
                match[orderA[k]] = orderB[k]
                total += abs(a[orderA[k]] - b[orderB[k]])
            }
            return (total / Double(n), match)
        }
        let costs = euclideanCosts(x, y)
        let solution = LinearAssignment.solve(costs: costs, size: n)
        return (solution.cost / Double(n), solution.rowToColumn)
    }

    /// W_p (p ≥ 1) between two one-dimensional samples of any sizes: the L^p distance between their
    /// quantile functions. Equal sizes reduce to pairing the sorted values in order; unequal sizes merge
    /// the two staircases, with weights counted in exact integer units of 1/(n·m).
    public static func oneDimensional(_ a: [Double], _ b: [Double], p: Double = 1) -> Double {
        precondition(!a.isEmpty && !b.isEmpty, "Wasserstein.oneDimensional needs non-empty samples")
        precondition(p >= 1, "Wasserstein.oneDimensional needs p ≥ 1")
        var sortedA = a, sortedB = b
        return sortedA.withUnsafeMutableBufferPointer { x in
            sortedB.withUnsafeMutableBufferPointer { y in QuantileDistances.distance(sorting: x, y, p: p) }
        }
    }

    /// The sliced Wasserstein distance: the mean over `projections` random unit directions θ (normal draws
    /// from `stream`, normalised) of the 1-D W_p between ⟨x, θ⟩ and ⟨y, θ⟩, with the standard error of that
    /// mean over directions. In one dimension every direction gives the same value, so none are drawn.
    public static func sliced(_ x: SampleMatrix, _ y: SampleMatrix, projections: Int, p: Double,
                              using stream: RandomStream) -> (mean: Double, standardError: Double) {
        precondition(x.dimension == y.dimension, "Wasserstein.sliced needs equal dimensions")
        precondition(projections >= 1 && x.count > 0 && y.count > 0, "Wasserstein.sliced needs samples and directions")
        if x.dimension == 1 { return (oneDimensional(x.values, y.values, p: p), 0) }
        let d = x.dimension
        let directions = Tensor.randomNormal([projections, d], using: stream).scalars
        var projectedX = [Double](repeating: 0, count: x.count)
        var projectedY = [Double](repeating: 0, count: y.count)
        var sum = 0.0, sumOfSquares = 0.0
        var theta = [Double](repeating: 0, count: d)
        for l in 0..<projections {
            var norm = 0.0
            for c in 0..<d {
                theta[c] = Double(directions[l * d + c])
                norm += theta[c] * theta[c]
            }
            norm = norm.squareRoot()
            if norm > 0 {
                for c in 0..<d { theta[c] /= norm }
            } else {
                // A zero draw has no direction; use the first axis rather than divide by zero.
                for c in 0..<d { theta[c] = c == 0 ? 1 : 0 }
            }
            let w = x.values.withUnsafeBufferPointer { xs in
                y.values.withUnsafeBufferPointer { ys in
                    theta.withUnsafeBufferPointer { t in
                        projectedX.withUnsafeMutableBufferPointer { px in
                            projectedY.withUnsafeMutableBufferPointer { py in
                                QuantileDistances.project(xs.baseAddress!, count: x.count, dimension: d,
                                                          on: t.baseAddress!, into: px.baseAddress!)
                                QuantileDistances.project(ys.baseAddress!, count: y.count, dimension: d,
                                                          on: t.baseAddress!, into: py.baseAddress!)
                                return QuantileDistances.distance(sorting: px, py, p: p)
                            }
                        }
                    }
                }
            }
            sum += w
            sumOfSquares += w * w
        }
        let count = Double(projections)
        let mean = sum / count
        let variance = projections > 1 ? Swift.max(0, (sumOfSquares - count * mean * mean) / (count - 1)) : 0
        return (mean, (variance / count).squareRoot())
    }

    /// The n×m row-major matrix of Euclidean distances ‖xᵢ − yⱼ‖.
    static func euclideanCosts(_ x: SampleMatrix, _ y: SampleMatrix) -> [Double] {
        var costs = [Double](repeating: 0, count: x.count * y.count)
        x.values.withUnsafeBufferPointer { xs in
            y.values.withUnsafeBufferPointer { ys in
                costs.withUnsafeMutableBufferPointer { out in
                    PairwiseDistances.distanceMatrix(xs.baseAddress!, count: x.count, ys.baseAddress!, count: y.count,
                                                     dimension: x.dimension, into: out.baseAddress!)
                }
            }
        }
        return costs
    }
}
