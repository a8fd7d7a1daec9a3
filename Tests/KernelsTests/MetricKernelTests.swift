import XCTest
@testable import Kernels

/// The metric kernels against plain loops over rows written out directly. Where the reference adds in the
/// kernel's order the results must agree exactly; where it adds in another order, to rounding.
final class MetricKernelTests: XCTestCase {
    /// `count` rows of `dimension` values from an LCG, optionally rounded to multiples of `quantum`.
    private func rows(_ count: Int, _ dimension: Int, seed: UInt64, quantum: Double? = nil) -> [[Double]] {
        var state = seed
        return (0..<count).map { _ in
            (0..<dimension).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                let unit = Double(state >> 11) * 0x1p-53 * 4 - 2
                return quantum.map { ($0 * (unit / $0).rounded()) } ?? unit
            }
        }
    }

    private func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
    }

    private func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
    }

    func testUpperTriangleMedianAndDistanceSumsMatchPlainLoops() {
        for (count, d) in [(0, 2), (1, 3), (2, 1), (9, 2), (14, 3), (15, 5)] {
            let x = rows(count, d, seed: UInt64(count * 10 + d))
            let flat = x.flatMap { $0 }
            var expected: [Double] = []
            for i in 0..<count { for j in (i + 1)..<max(count, i + 1) { expected.append(distance(x[i], x[j])) } }
            var got = [Double](repeating: 0, count: expected.count)
            flat.withUnsafeBufferPointer { xs in
                got.withUnsafeMutableBufferPointer { out in
                    PairwiseDistances.upperTriangle(xs.baseAddress!, count: count, dimension: d, into: out.baseAddress!)
                }
            }
            XCTAssertEqual(got, expected, "\(count)×\(d)")

            let sorted = expected.sorted()
            let median = sorted.isEmpty ? 0 : sorted.count % 2 == 1 ? sorted[sorted.count / 2]
                : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
            let kernelMedian = flat.withUnsafeBufferPointer {
                PairwiseDistances.medianDistance($0.baseAddress!, count: count, dimension: d)
            }
            XCTAssertEqual(kernelMedian, median, "median of \(count)×\(d)")

            let y = rows(count + 3, d, seed: 99)
            var cross = 0.0, within = 0.0
            for i in 0..<count {
                cross += y.reduce(0.0) { $0 + distance(x[i], $1) }
                within += ((i + 1)..<max(count, i + 1)).reduce(0.0) { $0 + distance(x[i], x[$1]) }
            }
            flat.withUnsafeBufferPointer { xs in
                y.flatMap { $0 }.withUnsafeBufferPointer { ys in
                    XCTAssertEqual(PairwiseDistances.distanceSum(xs.baseAddress!, count: count, ys.baseAddress!,
                                                                 count: count + 3, dimension: d, upperTriangleOnly: false),
                                   cross, "cross sum of \(count)×\(d)")
                    XCTAssertEqual(PairwiseDistances.distanceSum(xs.baseAddress!, count: count, xs.baseAddress!,
                                                                 count: count, dimension: d, upperTriangleOnly: true),
                                   within, "within sum of \(count)×\(d)")
                }
            }
        }
    }

    func testDistanceMatrixMatchesAPlainLoopInTwoAndOtherDimensions() {
        for d in [1, 2, 3, 7] {
            let x = rows(11, d, seed: 1), y = rows(6, d, seed: 2)
            let expected = x.flatMap { a in y.map { b in distance(a, b) } }
            var got = [Double](repeating: -1, count: 66)
            x.flatMap { $0 }.withUnsafeBufferPointer { xs in
                y.flatMap { $0 }.withUnsafeBufferPointer { ys in
                    got.withUnsafeMutableBufferPointer { out in
                        PairwiseDistances.distanceMatrix(xs.baseAddress!, count: 11, ys.baseAddress!, count: 6,
                                                         dimension: d, into: out.baseAddress!)
                    }
                }
            }
            XCTAssertEqual(got, expected, "dimension \(d)")
        }
    }

    func testNearestDistancesMatchAPlainLoop() {
        for (d, quantum) in [(1, Double?.none), (2, 0.5), (3, nil), (7, nil)] {
            let x = rows(13, d, seed: 6, quantum: quantum), y = rows(9, d, seed: 7, quantum: quantum)
            let expected = x.map { a in y.map { b in distance(a, b) }.min()! }
            var got = [Double](repeating: -1, count: 13)
            x.flatMap { $0 }.withUnsafeBufferPointer { xs in
                y.flatMap { $0 }.withUnsafeBufferPointer { ys in
                    got.withUnsafeMutableBufferPointer { out in
                        PairwiseDistances.nearestDistances(queries: xs.baseAddress!, count: 13, points: ys.baseAddress!, count: 9,
                                                           dimension: d, into: out.baseAddress!)
                    }
                }
            }
            XCTAssertEqual(got, expected, "dimension \(d)")
        }
    }

    func testNeighbourRadiiBallsAndNearestCentresMatchPlainLoops() {
        // Coarse values: duplicate rows, ties, and points exactly on a ball's boundary.
        for (seed, quantum) in [(UInt64(3), Double?.none), (4, 0.5), (5, 1.0)] {
            let x = rows(25, 2, seed: seed, quantum: quantum), q = rows(18, 2, seed: seed + 10, quantum: quantum)
            let flatX = x.flatMap { $0 }, flatQ = q.flatMap { $0 }
            for k in [1, 2, 5] {
                let expectedRadii = (0..<25).map { i in
                    (0..<25).filter { $0 != i }.map { squaredDistance(x[i], x[$0]) }.sorted()[k - 1].squareRoot()
                }
                var radii = [Double](repeating: -1, count: 25)
                flatX.withUnsafeBufferPointer { xs in
                    radii.withUnsafeMutableBufferPointer { out in
                        PairwiseDistances.kthNeighbourRadii(xs.baseAddress!, count: 25, dimension: 2, k: k,
                                                            into: out.baseAddress!)
                    }
                }
                XCTAssertEqual(radii, expectedRadii, "seed \(seed), k = \(k)")

                let squaredRadii = radii.map { $0 * $0 }
                let inside = q.map { point in (0..<25).filter { squaredDistance(point, x[$0]) <= squaredRadii[$0] }.count }
                let held = (0..<25).map { i in q.contains { squaredDistance($0, x[i]) <= squaredRadii[i] } }
                var counts = [Int](repeating: -1, count: 18), first = counts
                var gotHeld = [Bool](repeating: true, count: 25)
                flatQ.withUnsafeBufferPointer { qs in
                    flatX.withUnsafeBufferPointer { xs in
                        squaredRadii.withUnsafeBufferPointer { r2 in
                            for (stop, target) in [(false, 0), (true, 1)] {
                                var out = [Int](repeating: -1, count: 18)
                                out.withUnsafeMutableBufferPointer { o in
                                    PairwiseDistances.containingBallCounts(
                                        queries: qs.baseAddress!, count: 18, centres: xs.baseAddress!, count: 25,
                                        dimension: 2, squaredRadii: r2.baseAddress!, stopAtFirst: stop,
                                        into: o.baseAddress!)
                                }
                                if target == 0 { counts = out } else { first = out }
                            }
                        }
                        radii.withUnsafeBufferPointer { r in
                            gotHeld.withUnsafeMutableBufferPointer { h in
                                PairwiseDistances.ballsHoldingAQuery(
                                    centres: xs.baseAddress!, count: 25, radii: r.baseAddress!, queries: qs.baseAddress!,
                                    count: 18, dimension: 2, into: h.baseAddress!)
                            }
                        }
                    }
                }
                XCTAssertEqual(counts, inside, "seed \(seed), k = \(k)")
                XCTAssertEqual(first, inside.map { min($0, 1) }, "seed \(seed), k = \(k), first only")
                XCTAssertEqual(gotHeld, held, "seed \(seed), k = \(k)")
            }

            let centres = Array(x[0..<4]), radiusSquared = 0.8
            var expected = [Int](repeating: 0, count: 4), expectedCount = 0
            for point in q {
                let s = centres.map { squaredDistance(point, $0) }
                let nearest = s.firstIndex(of: s.min()!)!
                if s[nearest] <= radiusSquared {
                    expected[nearest] += 1
                    expectedCount += 1
                }
            }
            var histogram = [Int](repeating: 0, count: 4)
            let counted = flatQ.withUnsafeBufferPointer { qs in
                centres.flatMap { $0 }.withUnsafeBufferPointer { cs in
                    histogram.withUnsafeMutableBufferPointer { h in
                        PairwiseDistances.nearestCentreCounts(qs.baseAddress!, count: 18, centres: cs.baseAddress!,
                                                              count: 4, dimension: 2, radiusSquared: radiusSquared,
                                                              into: h.baseAddress!)
                    }
                }
            }
            XCTAssertEqual(histogram, expected, "seed \(seed)")
            XCTAssertEqual(counted, expectedCount, "seed \(seed)")
        }
    }

    func testGaussianKernelSumsMatchTheDefiningSums() {
        let gammas = [0.8, 3.0]
        func kernels(_ a: [Double], _ b: [Double]) -> [Double] {
            let s = squaredDistance(a, b)
            let values = gammas.map { exp(-s * $0) }
            return values + [values.reduce(0, +)]
        }
        for (m, n) in [(7, 7), (9, 5), (4, 10), (2, 2)] {
            let x = rows(m, 3, seed: UInt64(m)), y = rows(n, 3, seed: UInt64(100 + n))
            let p = min(m, n), slots = gammas.count + 1
            var xx = [Double](repeating: 0, count: slots), yy = xx, xy = xx, h2 = xx
            var rowH = [Double](repeating: 0, count: slots * p)
            for i in 0..<m { for j in 0..<m where i < j { xx = zip(xx, kernels(x[i], x[j])).map(+) } }
            for i in 0..<n { for j in 0..<n where i < j { yy = zip(yy, kernels(y[i], y[j])).map(+) } }
            for i in 0..<m { for j in 0..<n { xy = zip(xy, kernels(x[i], y[j])).map(+) } }
            for i in 0..<p {
                for j in 0..<p where j != i {
                    let a = kernels(x[i], x[j]), b = kernels(y[i], y[j]), c = kernels(x[i], y[j]), e = kernels(x[j], y[i])
                    for slot in 0..<slots {
                        let h = a[slot] + b[slot] - c[slot] - e[slot]
                        rowH[slot * p + i] += h
                        if i < j { h2[slot] += h * h }
                    }
                }
            }
            let sums = x.flatMap { $0 }.withUnsafeBufferPointer { xs in
                y.flatMap { $0 }.withUnsafeBufferPointer { ys in
                    GaussianKernelSums.sums(xs.baseAddress!, count: m, ys.baseAddress!, count: n, dimension: 3,
                                            gammas: gammas)
                }
            }
            for (name, got, want) in [("xx", sums.xx, xx), ("yy", sums.yy, yy), ("xy", sums.xy, xy), ("h2", sums.h2, h2),
                                      ("rowH", sums.rowH, rowH)] {
                XCTAssertEqual(got.count, want.count, "\(name) at \(m), \(n)")
                for (g, w) in zip(got, want) {
                    XCTAssertEqual(g, w, accuracy: 1e-13 * max(1, abs(w)), "\(name) at \(m), \(n)")
                }
            }
        }
    }

    func testQuantileDistancesAndProjectionsMatchPlainLoops() {
        for (n, m) in [(1, 1), (6, 6), (5, 3), (4, 7)] {
            let a = rows(n, 1, seed: 7).map { $0[0] }, b = rows(m, 1, seed: 8).map { $0[0] }
            // Every value repeated m (or n) times gives two equal-size samples with the same quantile functions.
            let longA = a.sorted().flatMap { Array(repeating: $0, count: m) }
            let longB = b.sorted().flatMap { Array(repeating: $0, count: n) }
            for p in [1.0, 2.0, 1.5] {
                let mean = zip(longA, longB).map { pow(abs($0 - $1), p) }.reduce(0, +) / Double(n * m)
                let expected = pow(mean, 1 / p)
                var x = a, y = b
                let got = x.withUnsafeMutableBufferPointer { xs in
                    y.withUnsafeMutableBufferPointer { ys in QuantileDistances.distance(sorting: xs, ys, p: p) }
                }
                XCTAssertEqual(got, expected, accuracy: 1e-13, "\(n), \(m), p = \(p)")
                XCTAssertEqual(x, a.sorted())
                XCTAssertEqual(y, b.sorted())
            }
        }
        let x = rows(9, 4, seed: 9), theta = [0.5, -0.25, 0.125, 2]
        let expected = x.map { row in zip(row, theta).map(*).reduce(0, +) }
        var got = [Double](repeating: 0, count: 9)
        x.flatMap { $0 }.withUnsafeBufferPointer { xs in
            theta.withUnsafeBufferPointer { t in
                got.withUnsafeMutableBufferPointer { out in
                    QuantileDistances.project(xs.baseAddress!, count: 9, dimension: 4, on: t.baseAddress!,
                                              into: out.baseAddress!)
                }
            }
        }
        XCTAssertEqual(got, expected)
    }

    func testAssignmentSolverFindsTheCheapestPermutationWithACertificate() {
        func permutations(_ n: Int) -> [[Int]] {
            n == 0 ? [[]] : permutations(n - 1).flatMap { p in (0...p.count).map { var q = p; q.insert(n - 1, at: $0); return q } }
        }
        var state: UInt64 = 17
        for n in 1...6 {
            for trial in 0..<12 {
                let costs: [Double] = (0..<(n * n)).map { _ in
                    state = state &* 6364136223846793005 &+ 1442695040888963407
                    let r = Double(state >> 40) / Double(1 << 24)
                    return trial % 2 == 0 ? (r * 4).rounded(.down) : r  // integer costs are full of ties
                }
                let best = permutations(n).map { p in (0..<n).reduce(0.0) { $0 + costs[$1 * n + p[$1]] } }.min()!
                for start in AssignmentSolver.Start.allCases {
                    var rows = [Int](repeating: -1, count: n), prices = [Double](repeating: .nan, count: n)
                    costs.withUnsafeBufferPointer { c in
                        rows.withUnsafeMutableBufferPointer { r in
                            prices.withUnsafeMutableBufferPointer { v in
                                AssignmentSolver.solve(c.baseAddress!, size: n, start: start, rowToColumn: r.baseAddress!,
                                                       columnPrices: v.baseAddress!)
                            }
                        }
                    }
                    XCTAssertEqual(rows.sorted(), Array(0..<n), "not a permutation: n = \(n), \(start)")
                    let cost = (0..<n).reduce(0.0) { $0 + costs[$1 * n + rows[$1]] }
                    XCTAssertEqual(cost, best, accuracy: 1e-12, "n = \(n), trial \(trial), \(start)")
                    var worst = 0.0
                    for i in 0..<n {
                        let u = costs[i * n + rows[i]] - prices[rows[i]]
                        for j in 0..<n { worst = max(worst, -(costs[i * n + j] - u - prices[j])) }
                    }
                    let reported = costs.withUnsafeBufferPointer { c in
                        rows.withUnsafeBufferPointer { r in
                            prices.withUnsafeBufferPointer { v in
                                AssignmentSolver.dualInfeasibility(c.baseAddress!, size: n, rowToColumn: r.baseAddress!,
                                                                   columnPrices: v.baseAddress!)
                            }
                        }
                    }
                    XCTAssertEqual(reported, worst)
                    XCTAssertLessThan(worst, 1e-12, "the prices certify optimality: n = \(n), \(start)")
                }
            }
        }
    }
}
