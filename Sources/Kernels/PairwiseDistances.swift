/// The loops over pairs of samples behind the sample metrics (energy distance, the median heuristic, k-NN
/// balls, W1's cost matrix, mode statistics). They live here, in a target compiled optimised even in debug
/// builds, because they are O(n²·d) and the metrics call them on thousands of samples.
///
/// Samples are rows of `dimension` Doubles, row after row. Every squared distance adds the coordinates'
/// squared differences in coordinate order, starting from 0, and every sum runs in one fixed order; the
/// compiler may neither reassociate nor fuse these Double operations, so the results are the same bits in
/// every build.
public enum PairwiseDistances {
    /// Σ_c (a[c] − b[c])², in coordinate order.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, dimension: Int) -> Double {
        var s = 0.0
        for c in 0..<dimension {
            let e = a[c] - b[c]
            s += e * e
        }
        return s
    }

    /// The Euclidean distances ‖xᵢ − xⱼ‖ for i < j of `count` rows, written in order (row i, then j rising)
    /// to `out`, which holds count·(count − 1)/2 values.
    public static func upperTriangle(_ x: UnsafePointer<Double>, count: Int, dimension d: Int,
                                     into out: UnsafeMutablePointer<Double>) {
        var k = 0
        for i in 0..<count {
            for j in (i + 1)..<Swift.max(count, i + 1) {
                out[k] = squaredDistance(x + i * d, x + j * d, dimension: d).squareRoot()
                k += 1
            }
        }
    }

    /// The median of the Euclidean distances between the `count` rows (the mean of the two middle ones
    /// when there is an even number of pairs); 0 when count < 2.
    public static func medianDistance(_ x: UnsafePointer<Double>, count: Int, dimension d: Int) -> Double {
        guard count >= 2 else { return 0 }
        let pairs = count * (count - 1) / 2
        var distances = UnsafeMutableBufferPointer<Double>.allocate(capacity: pairs)
        defer { distances.deallocate() }
        upperTriangle(x, count: count, dimension: d, into: distances.baseAddress!)
        // Distances are never −0 or NaN, so any correct sort gives the same bits.
        distances.sort()
        return pairs % 2 == 1 ? distances[pairs / 2] : (distances[pairs / 2 - 1] + distances[pairs / 2]) / 2
    }

    /// Σ ‖aᵢ − bⱼ‖ over all (i, j), or over i < j when `upperTriangleOnly` (a and b then being one set).
    /// Each row's distances are summed on their own first, then the row sums in order: a partial sum per
    /// row keeps the Double accumulation accurate.
    public static func distanceSum(_ a: UnsafePointer<Double>, count n: Int, _ b: UnsafePointer<Double>, count m: Int,
                                   dimension d: Int, upperTriangleOnly: Bool) -> Double {
        var total = 0.0
        for i in 0..<n {
            var rowTotal = 0.0
            let first = upperTriangleOnly ? i + 1 : 0
            for j in first..<Swift.max(m, first) {
                rowTotal += squaredDistance(a + i * d, b + j * d, dimension: d).squareRoot()
            }
            total += rowTotal
        }
        return total
    }

    /// The distance from every query row to its nearest row of `points` (the first on ties), into
    /// `out` (one per query); +∞ when there are no points.
    public static func nearestDistances(queries q: UnsafePointer<Double>, count n: Int, points p: UnsafePointer<Double>,
                                        count m: Int, dimension d: Int, into out: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            var best = Double.infinity
            for j in 0..<m {
                let s = squaredDistance(q + i * d, p + j * d, dimension: d)
                if s < best { best = s }
            }
            out[i] = best.squareRoot()
        }
    }

    /// The n×m row-major matrix of Euclidean distances ‖xᵢ − yⱼ‖ into `out`.
    public static func distanceMatrix(_ x: UnsafePointer<Double>, count n: Int, _ y: UnsafePointer<Double>,
                                      count m: Int, dimension d: Int, into out: UnsafeMutablePointer<Double>) {
        for i in 0..<n {
            let row = x + i * d
            let target = out + i * m
            if d == 2 {
                // The common case, unrolled: 2-D toy data. (0 + e0² is e0², so this is the general sum.)
                let a0 = row[0], a1 = row[1]
                for j in 0..<m {
                    let e0 = a0 - y[2 * j], e1 = a1 - y[2 * j + 1]
                    target[j] = (e0 * e0 + e1 * e1).squareRoot()
                }
            } else {
                for j in 0..<m { target[j] = squaredDistance(row, y + j * d, dimension: d).squareRoot() }
            }
        }
    }

    /// The distance from every row to its k-th nearest *other* row (a duplicate counts as a neighbour at
    /// distance 0), into `radii`. Needs count ≥ k + 1 and k ≥ 1.
    public static func kthNeighbourRadii(_ x: UnsafePointer<Double>, count n: Int, dimension d: Int, k: Int,
                                         into radii: UnsafeMutablePointer<Double>) {
        precondition(k >= 1 && n >= k + 1, "kthNeighbourRadii needs k ≥ 1 and more than k rows")
        // The k smallest squared distances so far, ascending.
        let best = UnsafeMutablePointer<Double>.allocate(capacity: k)
        defer { best.deallocate() }
        for i in 0..<n {
            for t in 0..<k { best[t] = .infinity }
            for j in 0..<n where j != i {
                let s = squaredDistance(x + i * d, x + j * d, dimension: d)
                if s < best[k - 1] {
                    // Insertion into the short sorted list.
                    var t = k - 1
                    while t > 0 && best[t - 1] > s {
                        best[t] = best[t - 1]
                        t -= 1
                    }
                    best[t] = s
                }
            }
            radii[i] = best[k - 1].squareRoot()
        }
    }

    /// For every query row, how many closed balls ‖q − cᵢ‖² ≤ squaredRadii[i] hold it, or — with
    /// `stopAtFirst` — 1 when one does and 0 otherwise (the scan stops at the first), into `counts`.
    public static func containingBallCounts(queries q: UnsafePointer<Double>, count queryCount: Int,
                                            centres c: UnsafePointer<Double>, count centreCount: Int,
                                            dimension d: Int, squaredRadii: UnsafePointer<Double>,
                                            stopAtFirst: Bool, into counts: UnsafeMutablePointer<Int>) {
        for r in 0..<queryCount {
            var inside = 0
            for i in 0..<centreCount where squaredDistance(q + r * d, c + i * d, dimension: d) <= squaredRadii[i] {
                inside += 1
                if stopAtFirst { break }
            }
            counts[r] = inside
        }
    }

    /// For every centre, whether its closed ball of radius radii[i] holds at least one query, into `held`.
    public static func ballsHoldingAQuery(centres c: UnsafePointer<Double>, count centreCount: Int,
                                          radii: UnsafePointer<Double>, queries q: UnsafePointer<Double>,
                                          count queryCount: Int, dimension d: Int,
                                          into held: UnsafeMutablePointer<Bool>) {
        for i in 0..<centreCount {
            let r2 = radii[i] * radii[i]
            held[i] = false
            for r in 0..<queryCount where squaredDistance(q + r * d, c + i * d, dimension: d) <= r2 {
                held[i] = true
                break
            }
        }
    }

    /// Assigns every sample to its nearest centre (the first on ties) and, when its squared distance is at
    /// most `radiusSquared`, adds it to that centre's count in `histogram` (which it does not clear).
    /// Returns how many samples were counted.
    public static func nearestCentreCounts(_ x: UnsafePointer<Double>, count n: Int, centres c: UnsafePointer<Double>,
                                           count centreCount: Int, dimension d: Int, radiusSquared: Double,
                                           into histogram: UnsafeMutablePointer<Int>) -> Int {
        var counted = 0
        for r in 0..<n {
            var best = Double.infinity, nearest = 0
            for m in 0..<centreCount {
                let s = squaredDistance(x + r * d, c + m * d, dimension: d)
                if s < best {
                    best = s
                    nearest = m
                }
            }
            if best <= radiusSquared {
                histogram[nearest] += 1
                counted += 1
            }
        }
        return counted
    }
}
