import Foundation

/// A fixed grid of equal cells over a box in 1-D or 2-D, plus one overflow cell for everything outside it.
public struct GridHistogram: Sendable, Equatable {
    /// The box's lower corner, one value per axis.
    public let lower: [Double]
    /// The box's upper corner, one value per axis (each above the lower one).
    public let upper: [Double]
    /// Cells per axis.
    public let bins: Int

    /// The number of axes.
    public var dimension: Int { lower.count }
    /// Cells inside the box (bins^dimension); the overflow cell is one more.
    public var gridCells: Int { dimension == 1 ? bins : bins * bins }

    /// A grid over the box [lower, upper] with `bins` cells per axis (1 or 2 axes).
    public init(lower: [Double], upper: [Double], bins: Int) {
        precondition((1...2).contains(lower.count) && lower.count == upper.count, "GridHistogram is 1-D or 2-D")
        precondition(zip(lower, upper).allSatisfy { $0 < $1 && $0.isFinite && $1.isFinite }, "GridHistogram needs lower < upper")
        precondition(bins >= 1, "GridHistogram needs at least one bin")
        self.lower = lower
        self.upper = upper
        self.bins = bins
    }

    /// The bounding box of `samples`, each side pushed out by `padding` times the extent on that axis (an
    /// axis with no extent gets ±0.5), so the real data never sits on the grid's edge.
    public static func boundingBox(of samples: SampleMatrix, padding: Double = 0.1) -> (lower: [Double], upper: [Double]) {
        var lower = [Double](repeating: .infinity, count: samples.dimension)
        var upper = [Double](repeating: -.infinity, count: samples.dimension)
        for r in 0..<samples.count {
            for c in 0..<samples.dimension {
                let v = samples[r, c]
                lower[c] = Swift.min(lower[c], v)
                upper[c] = Swift.max(upper[c], v)
            }
        }
        for c in 0..<samples.dimension {
            let extent = upper[c] - lower[c]
            let pad = extent > 0 ? padding * extent : 0.5
            lower[c] -= pad
            upper[c] += pad
        }
        return (lower, upper)
    }

    /// Counts per cell: `gridCells` counts in row-major cell order, then the overflow cell (samples outside
    /// the closed box; the upper edge belongs to the last cell).
    public func counts(_ samples: SampleMatrix) -> [Int] {
        precondition(samples.dimension == dimension, "GridHistogram.counts: dimension differs")
        var counts = [Int](repeating: 0, count: gridCells + 1)
        let scale = zip(lower, upper).map { Double(bins) / ($1 - $0) }
        samples.values.withUnsafeBufferPointer { xs in
            counts.withUnsafeMutableBufferPointer { out in
                let d = dimension
                for r in 0..<samples.count {
                    var cell = 0
                    var outside = false
                    for c in 0..<d {
                        let v = xs[r * d + c]
                        if v < lower[c] || v > upper[c] {
                            outside = true
                            break
                        }
                        cell = cell * bins + Swift.min(Int((v - lower[c]) * scale[c]), bins - 1)
                    }
                    out[outside ? gridCells : cell] += 1
                }
            }
        }
        return counts
    }

    /// Smoothed probabilities from counts: qᵢ = (cᵢ/N + ε) / (1 + Kε) over all K cells, so every cell is
    /// positive and the KLs stay finite.
    public static func probabilities(_ counts: [Int], epsilon: Double) -> [Double] {
        let total = Double(counts.reduce(0, +))
        let norm = 1 + Double(counts.count) * epsilon
        return counts.map { (Double($0) / Swift.max(total, 1) + epsilon) / norm }
    }

    /// KL(p ‖ q), KL(q ‖ p) and JS(p, q) = ½KL(p ‖ m) + ½KL(q ‖ m) with m = (p + q)/2, in nats (JS ≤ log 2).
    public static func divergences(_ p: [Double], _ q: [Double]) -> (kl: Double, reverseKL: Double, js: Double) {
        precondition(p.count == q.count, "GridHistogram.divergences needs equal lengths")
        var kl = 0.0, reverse = 0.0, js = 0.0
        for i in 0..<p.count {
            let a = p[i], b = q[i], mid = (a + b) / 2
            if a > 0 { kl += a * Foundation.log(a / b); js += 0.5 * a * Foundation.log(a / mid) }
            if b > 0 { reverse += b * Foundation.log(b / a); js += 0.5 * b * Foundation.log(b / mid) }
        }
        return (Swift.max(0, kl), Swift.max(0, reverse), Swift.max(0, js))
    }
}
