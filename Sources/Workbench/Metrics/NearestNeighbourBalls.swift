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
