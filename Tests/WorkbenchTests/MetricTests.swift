import XCTest
import Foundation
import Autodiff
import Workbench

/// Test data made here from a `RandomStream` (the data-set plugins are independent of the metrics).
enum MetricFixtures {
    /// The ring8 centres (cos 2πk/8, sin 2πk/8).
    static let ringCentres: [[Float]] = (0..<8).map { k in
        let angle = 2 * Double.pi * Double(k) / 8
        return [Float(cos(angle)), Float(sin(angle))]
    }

    /// The ring8 layout with σ = 0.01.
    static let ringLayout = ModeLayout(centres: ringCentres, standardDeviation: 0.01)

    /// `count` ring8-like samples: a uniformly chosen mode from `modes` plus N(0, σ²) noise, as [count, 2].
    static func ring(_ count: Int, modes: [Int] = Array(0..<8), sigma: Float = 0.01, seed: UInt64 = 1) -> Tensor {
        let stream = RandomStream(seed: seed, name: "test.ring")
        let noise = Tensor.randomNormal([count, 2], standardDeviation: sigma, using: stream).scalars
        var values = [Float](repeating: 0, count: 2 * count)
        for i in 0..<count {
            let centre = ringCentres[modes[stream.nextInt(below: modes.count)]]
            values[2 * i] = centre[0] + noise[2 * i]
            values[2 * i + 1] = centre[1] + noise[2 * i + 1]
        }
        return try! Tensor(values, shape: [count, 2])
    }

    /// `tensor` with `offset` added to every row.
    static func shifted(_ tensor: Tensor, by offset: [Float]) -> Tensor {
        let d = tensor.shape[1]
        var values = tensor.scalars
        for i in values.indices { values[i] += offset[i % d] }
        return try! Tensor(values, shape: tensor.shape)
    }

    /// An input for measuring `generated` against `real`.
    static func input(_ real: Tensor, _ generated: Tensor, modes: ModeLayout? = nil, seed: UInt64 = 9) -> MetricInput {
        MetricInput(real: real, generated: generated, modes: modes, stream: RandomStream(seed: seed, name: "metric"))
    }

    /// A metric with default parameters, or with the given ones.
    static func metric<M: Metric>(_ type: M.Type, _ values: [(String, ParameterValue)] = []) -> M {
        try! M(ParameterValues(M.spec, values: values))
    }
}

final class MetricTests: XCTestCase {
    typealias F = MetricFixtures

    // MARK: Assignment

    /// The minimum over all permutations, for checking the solver.
    private func bruteForce(_ costs: [Double], _ n: Int) -> Double {
        var best = Double.infinity
        var order = Array(0..<n)
        func permute(_ k: Int) {
            if k == n {
                var total = 0.0
                for i in 0..<n { total += costs[i * n + order[i]] }
                best = Swift.min(best, total)
                return
            }
            for i in k..<n {
                order.swapAt(k, i)
                permute(k + 1)
                order.swapAt(k, i)
            }
        }
        permute(0)
        return best
    }

    func testAssignmentMatchesBruteForceOnRandomCosts() {
        let stream = RandomStream(seed: 3, name: "test.costs")
        for n in 1...7 {
            for trial in 0..<40 {
                // Half the trials use small integer costs, which are full of ties (the hard case for the
                // row-reduction phase).
                let costs = (0..<(n * n)).map { _ in
                    trial % 2 == 0 ? Double(stream.nextUniform()) * 10 : Double(stream.nextInt(below: 4))
                }
                let optimum = bruteForce(costs, n)
                for start in LinearAssignment.Start.allCases {
                    let solution = LinearAssignment.solve(costs: costs, size: n, start: start)
                    XCTAssertEqual(solution.rowToColumn.sorted(), Array(0..<n), "not a permutation at n = \(n)")
                    var recomputed = 0.0
                    for i in 0..<n { recomputed += costs[i * n + solution.rowToColumn[i]] }
                    XCTAssertEqual(solution.cost, recomputed, accuracy: 1e-12)
                    XCTAssertEqual(solution.cost, optimum, accuracy: 1e-9, "\(start), n = \(n), trial \(trial): \(costs)")
                    XCTAssertLessThan(LinearAssignment.dualInfeasibility(of: solution, costs: costs, size: n), 1e-9)
                }
            }
        }
    }

    func testAssignmentCarriesAnOptimalityCertificateOnEuclideanCosts() {
        let x = try! SampleMatrix(F.ring(150, sigma: 0.2, seed: 4), role: "real", metric: "test")
        let y = try! SampleMatrix(F.ring(150, modes: [0, 1, 2], sigma: 0.3, seed: 5), role: "real", metric: "test")
        var costs = [Double](repeating: 0, count: 150 * 150)
        for i in 0..<150 {
            for j in 0..<150 {
                costs[i * 150 + j] = hypot(x[i, 0] - y[j, 0], x[i, 1] - y[j, 1])
            }
        }
        let solution = LinearAssignment.solve(costs: costs, size: 150)
        XCTAssertEqual(solution.rowToColumn.sorted(), Array(0..<150))
        // Dual feasibility plus complementary slackness (built into the row prices) proves optimality.
        XCTAssertLessThan(LinearAssignment.dualInfeasibility(of: solution, costs: costs, size: 150), 1e-9)
        XCTAssertEqual(Wasserstein.exactW1(x, y).distance, solution.cost / 150, accuracy: 1e-12)
        let other = LinearAssignment.solve(costs: costs, size: 150, start: .reduction)
        XCTAssertLessThan(LinearAssignment.dualInfeasibility(of: other, costs: costs, size: 150), 1e-9)
        XCTAssertEqual(other.cost, solution.cost, accuracy: 1e-9)
    }

    func testAssignmentDegenerateCases() {
        XCTAssertEqual(LinearAssignment.solve(costs: [], size: 0).rowToColumn, [])
        for start in LinearAssignment.Start.allCases {
            let single = LinearAssignment.solve(costs: [2.5], size: 1, start: start)
            XCTAssertEqual(single.rowToColumn, [0])
            XCTAssertEqual(single.cost, 2.5)
        }
        for start in LinearAssignment.Start.allCases {
            // All costs equal: any permutation is optimal.
            let flat = LinearAssignment.solve(costs: [Double](repeating: 1, count: 25), size: 5, start: start)
            XCTAssertEqual(flat.rowToColumn.sorted(), Array(0..<5))
            XCTAssertEqual(flat.cost, 5)
            // Rows that all prefer column 0 (rank-one costs) force every row off its first choice.
            var costs = [Double](repeating: 0, count: 36)
            for i in 0..<6 { for j in 0..<6 { costs[i * 6 + j] = Double(i + 1) * Double(j + 1) } }
            XCTAssertEqual(LinearAssignment.solve(costs: costs, size: 6, start: start).cost, bruteForce(costs, 6), accuracy: 1e-12)
        }
    }

    // MARK: Wasserstein

    func testW1OfIdenticalSamplesIsZeroAndOfAShiftIsTheShift() throws {
        let real = F.ring(200, sigma: 0.05)
        let w1 = F.metric(W1Metric.self)
        XCTAssertEqual(try w1.measure(F.input(real, real)).value("w1"), 0)
        // W1 ≥ ‖E X − E Y‖ = 0.3, and matching each sample to its own shifted copy achieves 0.3.
        let report = try w1.measure(F.input(real, F.shifted(real, by: [0.3, 0])))
        XCTAssertEqual(report.value("w1")!, 0.3, accuracy: 1e-6)
        XCTAssertEqual(report.value("n"), 200)
        XCTAssertEqual(w1.sampleCount, 1000)
    }

    func testOneDimensionalClosedFormAgreesWithTheAssignment() {
        let stream = RandomStream(seed: 8, name: "test.1d")
        let a = (0..<60).map { _ in Double(stream.nextUniform()) }
        let b = (0..<60).map { _ in Double(stream.nextUniform()) * 2 - 0.3 }
        let closed = Wasserstein.exactW1(SampleMatrix(count: 60, dimension: 1, values: a),
                                         SampleMatrix(count: 60, dimension: 1, values: b)).distance
        var costs = [Double](repeating: 0, count: 3600)
        for i in 0..<60 { for j in 0..<60 { costs[i * 60 + j] = abs(a[i] - b[j]) } }
        XCTAssertEqual(closed, LinearAssignment.solve(costs: costs, size: 60).cost / 60, accuracy: 1e-12)
        XCTAssertEqual(Wasserstein.oneDimensional(a, b), closed, accuracy: 1e-12)
        // Unequal sizes compare quantile functions: they differ by 1 on [1/2, 2/3).
        XCTAssertEqual(Wasserstein.oneDimensional([0, 1], [0, 0, 1]), 1.0 / 6, accuracy: 1e-15)
        XCTAssertEqual(Wasserstein.oneDimensional([0, 1], [0, 0, 1], p: 2), (1.0 / 6).squareRoot(), accuracy: 1e-15)
    }

    func testSlicedWassersteinKnownAnswers() throws {
        let real = F.ring(300, sigma: 0.05)
        let sliced = F.metric(SlicedWassersteinMetric.self)
        XCTAssertEqual(try sliced.measure(F.input(real, real)).value("sliced_w"), 0)
        // A shift s along x moves every projection by s·|cos φ|: the mean over directions is s·2/π.
        let report = try sliced.measure(F.input(real, F.shifted(real, by: [0.3, 0])))
        let mean = report.value("sliced_w")!, error = report.value("standard_error")!
        XCTAssertEqual(mean, 0.3 * 2 / Double.pi, accuracy: 4 * error + 1e-6)
        XCTAssertGreaterThan(error, 0)
        // The metric draws its directions from the input stream only: the same stream state, the same bits.
        XCTAssertEqual(try sliced.measure(F.input(real, F.shifted(real, by: [0.3, 0]))), report)
        // In 1-D it is W_p itself.
        let line = try Tensor([0, 1, 2, 3], shape: [4, 1]), moved = try Tensor([0.5, 1.5, 2.5, 3.5], shape: [4, 1])
        let p2 = F.metric(SlicedWassersteinMetric.self, [("p", .integer(2))])
        XCTAssertEqual(try p2.measure(F.input(line, moved)).value("sliced_w")!, 0.5, accuracy: 1e-12)
    }

    // MARK: Kernel metrics

    func testMMDIsZeroWithinItsErrorForEqualDistributions() throws {
        let mmd = F.metric(MMDMetric.self)
        let real = F.ring(300, seed: 11)
        // The very same samples: the estimate is −2/n·(1 − mean kernel) ≤ 0, so within 2/n of zero.
        let same = try mmd.measure(F.input(real, real))
        for name in ["mmd2_median", "mmd2_small", "mmd2"] {
            XCTAssertLessThanOrEqual(same.value(name)!, 1e-12, name)
            XCTAssertLessThanOrEqual(abs(same.value(name)!), 2 * 2.0 / 300, name)
        }
        XCTAssertEqual(same.value("bandwidth_small"), 0.05, "no layout: the small bandwidth is the parameter")
        // Two independent draws of the same distribution: within a few standard errors of zero.
        let other = try mmd.measure(F.input(real, F.ring(300, seed: 12), modes: F.ringLayout))
        XCTAssertEqual(other.value("bandwidth_small")!, 0.01, accuracy: 1e-9, "the layout's σ sets the small bandwidth")
        for (value, error) in [("mmd2_median", "se_median"), ("mmd2_small", "se_small"), ("mmd2", "se")] {
            XCTAssertLessThan(abs(other.value(value)!), 4 * other.value(error)! + 1e-4, value)
        }
        // A generator on 3 of the 8 modes is far outside the noise, above all at the small bandwidth.
        let collapsed = try mmd.measure(F.input(real, F.ring(300, modes: [0, 3, 5], seed: 13), modes: F.ringLayout))
        XCTAssertGreaterThan(collapsed.value("mmd2_small")!, 10 * collapsed.value("se_small")!)
        XCTAssertGreaterThan(collapsed.value("mmd2_small")!, 0.04, "about (1/3)·(1/8 + 1/3 − 2/8) = 0.07")
        XCTAssertEqual(collapsed.value("mmd2")!, collapsed.value("mmd2_median")! + collapsed.value("mmd2_small")!,
                       accuracy: 1e-12)
    }

    func testMMDWithUnequalSizesMatchesTheDirectFormula() {
        let stream = RandomStream(seed: 21, name: "test.mmd")
        let x = SampleMatrix(count: 7, dimension: 2, values: (0..<14).map { _ in Double(stream.nextUniform()) })
        let y = SampleMatrix(count: 4, dimension: 2, values: (0..<8).map { _ in Double(stream.nextUniform()) + 0.2 })
        func k(_ a: [Double], _ b: [Double]) -> Double {
            exp(-((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])) / (2 * 0.3 * 0.3))
        }
        var xx = 0.0, yy = 0.0, xy = 0.0
        for i in 0..<7 { for j in 0..<7 where i != j { xx += k(x.row(i), x.row(j)) } }
        for i in 0..<4 { for j in 0..<4 where i != j { yy += k(y.row(i), y.row(j)) } }
        for i in 0..<7 { for j in 0..<4 { xy += k(x.row(i), y.row(j)) } }
        let expected = xx / 42 + yy / 12 - 2 * xy / 28
        for (a, b, sign) in [(x, y, 1.0), (y, x, 1.0)] {
            let result = MaximumMeanDiscrepancy.unbiasedSquared(a, b, bandwidths: [0.3])
            XCTAssertEqual(result.perBandwidth[0].mmd2, sign * expected, accuracy: 1e-12)
        }
    }

    func testEnergyDistanceKnownAnswers() throws {
        let energy = F.metric(EnergyMetric.self)
        // Point masses at 0 and 1: 2·1 − 0 − 0 = 2.
        let zeros = Tensor.zeros([5, 1]), ones = Tensor.ones([5, 1])
        let apart = try energy.measure(F.input(zeros, ones))
        XCTAssertEqual(apart.value("energy2")!, 2, accuracy: 1e-12)
        XCTAssertEqual(apart.value("energy")!, 2.0.squareRoot(), accuracy: 1e-12)
        XCTAssertTrue(apart.notes.isEmpty)
        // Identical samples: the U-statistics leave a small negative value, clamped to 0 with a note.
        let real = F.ring(200)
        let same = try energy.measure(F.input(real, real))
        XCTAssertEqual(same.value("energy"), 0)
        XCTAssertLessThan(same.value("energy2")!, 0)
        XCTAssertEqual(same.notes.count, 1)
        XCTAssertTrue(same.notes[0].contains("energy is reported as 0"), same.notes[0])
        let shifted = try energy.measure(F.input(real, F.shifted(real, by: [0.3, 0])))
        XCTAssertGreaterThan(shifted.value("energy")!, 0.2)
    }

    // MARK: Nearest-neighbour metrics

    func testPrecisionRecallKnownAnswers() throws {
        let pr = F.metric(PrecisionRecallMetric.self)
        let real = F.ring(400, seed: 31)
        let same = try pr.measure(F.input(real, real))
        XCTAssertEqual(same.value("precision"), 1)
        XCTAssertEqual(same.value("recall"), 1)
        // Two draws of one distribution: both high.
        let twin = try pr.measure(F.input(real, F.ring(400, seed: 32)))
        XCTAssertGreaterThan(twin.value("precision")!, 0.9)
        XCTAssertGreaterThan(twin.value("recall")!, 0.9)
        // Collapse onto 3 modes keeps the fakes realistic but loses recall.
        let collapsed = try pr.measure(F.input(real, F.ring(400, modes: [1, 4, 6], seed: 33)))
        XCTAssertGreaterThan(collapsed.value("precision")!, 0.9)
        XCTAssertLessThan(collapsed.value("recall")!, 0.45)
        XCTAssertGreaterThan(collapsed.value("recall")!, 0.25)
    }

    func testDensityCoverageOfTwoDrawsOfOneDistribution() throws {
        let dc = F.metric(DensityCoverageMetric.self)
        let report = try dc.measure(F.input(F.ring(600, seed: 41), F.ring(600, seed: 42)))
        // coverage ≈ C(N−1, k)/C(N−1+M, k) ≈ 1 − 2⁻⁵ = 0.969; its sampling sd here is about 0.007.
        XCTAssertEqual(report.value("coverage")!, 1 - 1.0 / 32, accuracy: 0.03)
        XCTAssertEqual(report.value("density")!, 1, accuracy: 0.15)
        let collapsed = try dc.measure(F.input(F.ring(600, seed: 41), F.ring(600, modes: [2], seed: 43)))
        XCTAssertLessThan(collapsed.value("coverage")!, 0.2)
    }

    func testKthNeighbourRadiiAndClosedBalls() {
        let points = SampleMatrix(rows: [[0], [1], [3], [3], [7]])
        XCTAssertEqual(NearestNeighbourBalls.kthNeighbourRadii(points, k: 1), [1, 1, 0, 0, 4])
        XCTAssertEqual(NearestNeighbourBalls.kthNeighbourRadii(points, k: 2), [3, 2, 2, 2, 4])
        // A query exactly on a ball's boundary is inside it.
        let counts = NearestNeighbourBalls.containingBallCounts(queries: SampleMatrix(rows: [[2], [11.5]]),
                                                                centres: points, radii: [2, 1, 1, 0, 4])
        XCTAssertEqual(counts, [3, 0])
    }

    // MARK: Histogram

    func testHistogramKnownAnswersAndOutsideCounts() throws {
        let histogram = F.metric(HistogramMetric.self)
        let real = F.ring(500)
        let same = try histogram.measure(F.input(real, real))
        XCTAssertEqual(same.value("kl"), 0)
        XCTAssertEqual(same.value("reverse_kl"), 0)
        XCTAssertEqual(same.value("js"), 0)
        XCTAssertEqual(same.value("outside_real"), 0, "the padded bounding box holds every real sample")
        XCTAssertTrue(same.notes.isEmpty)
        // Three generated samples far away: counted, reported in a note, and they cost.
        var values = real.scalars
        for i in 0..<3 { values[2 * i] = 50 }
        let stray = try histogram.measure(F.input(real, try Tensor(values, shape: real.shape)))
        XCTAssertEqual(stray.value("outside_generated"), 3)
        XCTAssertEqual(stray.value("outside_real"), 0)
        XCTAssertEqual(stray.notes, ["0 of 500 real and 3 of 500 generated samples fell outside the grid; they are "
                                     + "counted together in one overflow cell"])
        XCTAssertGreaterThan(stray.value("reverse_kl")!, 0)
        // An explicit grid that leaves out real samples counts those too.
        let narrow = F.metric(HistogramMetric.self, [("lower", .realList([0])), ("upper", .realList([1]))])
        let cut = try narrow.measure(F.input(real, real))
        XCTAssertGreaterThan(cut.value("outside_real")!, 100)
        XCTAssertEqual(cut.value("outside_real"), cut.value("outside_generated"))
    }

    func testHistogramDivergencesByHand() throws {
        // 1-D, two bins over [0, 2]: real (3/4, 1/4), generated (1/4, 3/4), overflow empty, no smoothing.
        let real = try Tensor([0.1, 0.2, 0.3, 1.5], shape: [4, 1]), fake = try Tensor([0.5, 1.2, 1.3, 2], shape: [4, 1])
        let histogram = F.metric(HistogramMetric.self, [("bins", .integer(2)), ("lower", .realList([0])),
                                                         ("upper", .realList([2])), ("epsilon", .real(0))])
        let report = try histogram.measure(F.input(real, fake))
        let kl = 0.75 * log(3.0) + 0.25 * log(1.0 / 3)
        XCTAssertEqual(report.value("kl")!, kl, accuracy: 1e-12)
        XCTAssertEqual(report.value("reverse_kl")!, kl, accuracy: 1e-12)
        let js = 0.75 * log(0.75 / 0.5) + 0.25 * log(0.25 / 0.5)
        XCTAssertEqual(report.value("js")!, js, accuracy: 1e-12)
        XCTAssertEqual(report.value("outside_generated"), 0, "the upper edge belongs to the last bin")
    }

    // MARK: Mode statistics

    func testModesOfAGeneratorCoveringThreeOfEightModesEvenly() throws {
        let modes = F.metric(ModesMetric.self)
        var values = [Float]()
        for i in 0..<2400 { values += F.ringCentres[[0, 3, 6][i % 3]] }
        let report = try modes.measure(F.input(F.ring(10), try Tensor(values, shape: [2400, 2]), modes: F.ringLayout))
        XCTAssertEqual(report.value("modes"), 3)
        XCTAssertEqual(report.value("modes_total"), 8)
        XCTAssertEqual(report.value("high_quality"), 1)
        XCTAssertEqual(report.value("reverse_kl")!, log(8.0 / 3), accuracy: 1e-12)
    }

    func testModesOfAPerfectRingSampler() throws {
        let report = try F.metric(ModesMetric.self).measure(F.input(F.ring(10), F.ring(2500, seed: 51), modes: F.ringLayout))
        XCTAssertEqual(report.value("modes"), 8)
        // 1 − e^(−4.5) = 98.89 %; binomial sd at 2500 samples ≈ 0.2 %.
        XCTAssertEqual(report.value("high_quality")!, 1 - exp(-4.5), accuracy: 0.008)
        // 2N·KL is roughly χ² with 7 degrees of freedom: mean 0.0014, 99.9 % quantile ≈ 0.005.
        XCTAssertLessThan(report.value("reverse_kl")!, 0.006)
        XCTAssertGreaterThan(report.value("reverse_kl")!, 0)
    }

    func testModesErrorsAndEmptyHistogram() throws {
        let modes = F.metric(ModesMetric.self)
        XCTAssertThrowsError(try modes.measure(F.input(F.ring(10), F.ring(10)))) { error in
            XCTAssertEqual((error as? MetricError)?.description,
                           "metric modes needs a data set with known mode centres (ring8, grid25, …); "
                           + "the current data set has none")
        }
        XCTAssertThrowsError(try modes.measure(F.input(F.ring(10), Tensor.zeros([10, 3]), modes: F.ringLayout))) { error in
            XCTAssertEqual((error as? MetricError)?.description,
                           "metric modes: the mode centres have dimension 2 but the generated samples have dimension 3")
        }
        // Nothing near a mode: no mode captured, reverse KL undefined and said so.
        let far = try modes.measure(F.input(F.ring(10), Tensor.full([20, 2], 5), modes: F.ringLayout))
        XCTAssertEqual(far.value("modes"), 0)
        XCTAssertEqual(far.value("high_quality"), 0)
        XCTAssertTrue(far.value("reverse_kl")!.isNaN)
        XCTAssertEqual(far.notes.count, 1)
    }

    // MARK: Errors and registry

    func testInputErrorsNameTheMetric() throws {
        let real = F.ring(20)
        func message(_ metric: any Metric, _ input: MetricInput) -> String? {
            do {
                _ = try metric.measure(input)
                return nil
            } catch {
                return (error as? MetricError)?.description
            }
        }
        XCTAssertEqual(message(F.metric(W1Metric.self), F.input(real, Tensor.zeros([20, 3]))),
                       "metric w1: real samples have dimension 2 but generated samples have dimension 3")
        XCTAssertEqual(message(F.metric(EnergyMetric.self), F.input(real, Tensor.zeros([0, 2]))),
                       "metric energy: there are no generated samples (shape [0, 2])")
        var poisoned = real.scalars
        poisoned[7] = .nan
        XCTAssertEqual(message(F.metric(MMDMetric.self), F.input(real, try Tensor(poisoned, shape: real.shape))),
                       "metric mmd: generated sample 3 has a non-finite coordinate (nan); the generator may have diverged")
        XCTAssertEqual(message(F.metric(PrecisionRecallMetric.self), F.input(real, F.ring(3))),
                       "metric precision-recall needs at least 4 generated samples (k = 3 neighbours besides the "
                       + "sample itself); got 3")
        XCTAssertEqual(message(F.metric(DensityCoverageMetric.self), F.input(F.ring(5), real)),
                       "metric density-coverage needs at least 6 real samples (k = 5 neighbours besides the sample "
                       + "itself); got 5")
        XCTAssertEqual(message(F.metric(HistogramMetric.self), F.input(Tensor.zeros([4, 3]), Tensor.zeros([4, 3]))),
                       "metric histogram works on 1-D and 2-D samples; these have dimension 3 (sliced-w, mmd and "
                       + "energy work in any dimension)")
        XCTAssertEqual(message(F.metric(HistogramMetric.self, [("lower", .realList([0, 1, 2]))]), F.input(real, real)),
                       "metric histogram: lower has 3 values; give one for every axis or one per axis (2)")
        XCTAssertEqual(message(F.metric(SlicedWassersteinMetric.self), F.input(Tensor.zeros([2, 2, 2]), real)),
                       "metric sliced-w: real samples must be a [n, d] tensor; got shape [2, 2, 2]")
        XCTAssertNotNil(message(F.metric(EnergyMetric.self), F.input(F.ring(1), real)))
    }

    func testW1SubsamplesTheLargerSetAndSaysSo() throws {
        let report = try F.metric(W1Metric.self).measure(F.input(F.ring(30), F.ring(20, seed: 2)))
        XCTAssertEqual(report.value("n"), 20)
        XCTAssertEqual(report.notes, ["sizes differ (30 real, 20 generated): the larger set was subsampled to 20 at random"])
    }

    func testTheCriticMetricReportsDsAccuracyImpliedJSAndWassersteinEstimate() throws {
        // D(x) = x₀: real rows score 2, 1, −1; generated rows −2, −3.
        let real = try Tensor(rows: [[2, 0], [1, 5], [-1, 0]]), generated = try Tensor(rows: [[-2, 1], [-3, 0]])
        let input = MetricInput(real: real, generated: generated, modes: nil, stream: RandomStream(seed: 1, name: "metric"),
                                critic: { try $0.slice(axis: 1, 0..<1) })
        let report = try F.metric(CriticMetric.self).measure(input)
        func softplus(_ x: Double) -> Double { log(1 + exp(x)) }
        let crossEntropy = (softplus(-2) + softplus(-1) + softplus(1)) / 3 + (softplus(-2) + softplus(-3)) / 2
        XCTAssertEqual(report.value("accuracy")!, 4.0 / 5, accuracy: 1e-12)
        XCTAssertEqual(report.value("js")!, log(2) - 0.5 * crossEntropy, accuracy: 1e-6)
        XCTAssertEqual(report.value("wasserstein")!, 2.0 / 3 + 2.5, accuracy: 1e-6)
        XCTAssertEqual(report.value("real")!, 2.0 / 3, accuracy: 1e-6)
        XCTAssertEqual(report.value("fake")!, -2.5, accuracy: 1e-6)
        XCTAssertThrowsError(try F.metric(CriticMetric.self).measure(F.input(real, generated))) { error in
            XCTAssertEqual("\(error)", "critic: D does not score single samples here (packing is on: it sees several at once)")
        }
    }

    func testRegistryListsEveryMetricOnce() throws {
        let spellings = Plugins.metrics.all.flatMap { [$0.spec.name] + $0.spec.aliases }
        XCTAssertEqual(Set(spellings).count, spellings.count, "a name or alias is used twice")
        XCTAssertTrue(Plugins.metrics.named("EMD")?.implementation == W1Metric.self)
        XCTAssertTrue(Plugins.metrics.named("sliced")?.implementation == SlicedWassersteinMetric.self)
        XCTAssertNil(Plugins.metrics.named("fid"))
        for type in Plugins.metrics.all {
            for spelling in [type.spec.name] + type.spec.aliases {
                XCTAssertTrue(Plugins.metrics.named(spelling.uppercased())?.spec.name == type.spec.name, "\(spelling) finds \(type.spec.name)")
            }
            XCTAssertEqual(type.spec.kind, .metric)
            XCTAssertNotNil(type.spec.reference, type.spec.name)
            let metric = try type.make(ParameterValues(type.spec))
            XCTAssertEqual(metric.sampleCount, metric.parameters.integer("n"))
        }
    }

    /// Every metric, measured twice on an unchanged session, gives the same numbers; measuring does not move
    /// a training stream, so a run that measures trains exactly as one that does not.
    func testMeasuringAnUnchangedStateTwiceAgreesAndLeavesTrainingAlone() throws {
        func session() throws -> Session {
            let session = try Session(seed: 4)
            try session.setModel(.generator, MLPModel.make([("hidden", "16")]))
            try session.setModel(.discriminator, MLPModel.make([("hidden", "16")]))
            try session.setBatchSize(32)
            return session
        }
        let measured = try session(), plain = try session()
        try measured.train(iterations: 2)
        try plain.train(iterations: 2)
        for type in Plugins.metrics.all {
            let small = type.spec.parameters.contains { $0.name == "n" } ? [("n", "300")] : []
            let metric = try type.make(try ParameterValues(type.spec, assignments: small))
            let first = try measured.measure(metric)
            XCTAssertEqual(try measured.measure(metric), first, "\(type.spec.name) changed on an unchanged session")
        }
        XCTAssertEqual(measured.streams.positions.map(\.name), plain.streams.positions.map(\.name))
        XCTAssertEqual(measured.streams.positions.map(\.position), plain.streams.positions.map(\.position))
        try measured.train(iterations: 2)
        try plain.train(iterations: 2)
        for (x, y) in zip(measured.history.rows, plain.history.rows) { XCTAssertTrue(x.isReproduction(of: y)) }
        for (p, q) in zip(measured.generator.parameters, plain.generator.parameters) {
            XCTAssertTrue(p.value.isBitwiseEqual(to: q.value))
        }
    }
}
