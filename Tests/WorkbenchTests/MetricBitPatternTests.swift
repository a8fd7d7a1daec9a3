import XCTest
import Foundation
import Autodiff
import Workbench

/// The metrics' numbers, bit for bit, on fixed inputs: the values below were recorded before the pairwise
/// loops moved into the Kernels target, whose optimised build must not change a single bit (same operations,
/// same order, no reassociation, no fused multiply-adds).
final class MetricBitPatternTests: XCTestCase {
    typealias F = MetricFixtures

    /// Reproducible coordinates with full mantissas in [−1, 1), from a splitmix64 sequence.
    private static func samples(_ count: Int, _ dimension: Int, seed: UInt64, quantum: Double? = nil) -> SampleMatrix {
        var state = seed
        var values = [Double](repeating: 0, count: count * dimension)
        for i in values.indices {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let unit = Double(z >> 11) * 0x1p-53 * 2 - 1
            values[i] = quantum.map { (unit / $0).rounded() * $0 } ?? unit
        }
        return SampleMatrix(count: count, dimension: dimension, values: values)
    }

    /// The hexadecimal bit pattern of a Double.
    private static func hex(_ value: Double) -> String { String(value.bitPattern, radix: 16) }

    /// One FNV-1a digest of many Doubles' bit patterns (or integers), for results too long to list.
    private static func digest<S: Sequence>(_ values: S) -> String where S.Element == UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            for shift in stride(from: 0, to: 64, by: 8) {
                h ^= (v >> UInt64(shift)) & 0xFF
                h = h &* 0x100_0000_01B3
            }
        }
        return String(h, radix: 16)
    }
    private static func digest(_ values: [Double]) -> String { digest(values.map(\.bitPattern)) }
    private static func digest(_ values: [Int]) -> String { digest(values.map { UInt64(bitPattern: Int64($0)) }) }

    /// Every value the check covers, by name.
    private func measured() throws -> [String: String] {
        var out: [String: String] = [:]
        let x3 = Self.samples(37, 3, seed: 1), y3 = Self.samples(29, 3, seed: 2)
        let x2 = Self.samples(40, 2, seed: 3), y2 = Self.samples(40, 2, seed: 4)
        // Duplicated rows (zero distances) and coarse values (ties) are the delicate cases.
        let tied = SampleMatrix(count: 44, dimension: 2,
                                values: Self.samples(22, 2, seed: 5, quantum: 0.25).values
                                    + Self.samples(22, 2, seed: 5, quantum: 0.25).values)

        for (label, a, b) in [("mn", x3, y3), ("nm", y3, x3), ("eq", x2, y2)] {
            let r = MaximumMeanDiscrepancy.unbiasedSquared(a, b, bandwidths: [0.7, 0.15])
            for (k, e) in r.perBandwidth.enumerated() {
                out["mmd.\(label).\(k)"] = Self.hex(e.mmd2)
                out["mmd.\(label).se\(k)"] = Self.hex(e.standardError)
            }
            out["mmd.\(label).sum"] = Self.hex(r.sum.mmd2)
            out["mmd.\(label).sesum"] = Self.hex(r.sum.standardError)
            out["energy.\(label)"] = Self.hex(EnergyDistance.squared(a, b))
        }
        out["median.odd"] = Self.hex(MaximumMeanDiscrepancy.medianPairwiseDistance(Self.samples(38, 3, seed: 6)))
        out["median.even"] = Self.hex(MaximumMeanDiscrepancy.medianPairwiseDistance(x3))
        out["median.tied"] = Self.hex(MaximumMeanDiscrepancy.medianPairwiseDistance(tied))

        for k in [1, 3] {
            out["knn.\(k)"] = Self.digest(NearestNeighbourBalls.kthNeighbourRadii(x3, k: k))
            out["knn.tied.\(k)"] = Self.digest(NearestNeighbourBalls.kthNeighbourRadii(tied, k: k))
            let radii = NearestNeighbourBalls.kthNeighbourRadii(x2, k: k)
            out["balls.\(k)"] = Self.digest(NearestNeighbourBalls.containingBallCounts(
                queries: y2, centres: x2, radii: radii))
            out["balls.first.\(k)"] = Self.digest(NearestNeighbourBalls.containingBallCounts(
                queries: tied, centres: x2, radii: radii, stopAtFirst: true))
            let held = NearestNeighbourBalls.ballsHoldingAQuery(centres: x2, radii: radii, queries: tied)
            out["held.\(k)"] = Self.digest(held.map { $0 ? 1 : 0 })
            let pr = NearestNeighbourBalls.precisionRecall(real: x3, generated: y3, k: k)
            out["pr.\(k)"] = Self.hex(pr.precision) + " " + Self.hex(pr.recall)
            let dc = NearestNeighbourBalls.densityCoverage(real: tied, generated: x2, k: k)
            out["dc.\(k)"] = Self.hex(dc.density) + " " + Self.hex(dc.coverage)
        }

        let pairs = [("d2", x2, y2), ("d3", x3, Self.samples(37, 3, seed: 7)),
                     ("tied", tied, Self.samples(44, 2, seed: 8, quantum: 0.5))]
        for (label, a, b) in pairs {
            let w = Wasserstein.exactW1(a, b)
            out["w1.\(label)"] = Self.hex(w.distance) + " " + Self.digest(w.match)
        }
        let quantised = Self.samples(30 * 30, 1, seed: 9, quantum: 0.125).values.map { $0 + 1 }
        for start in LinearAssignment.Start.allCases {
            let s = LinearAssignment.solve(costs: quantised, size: 30, start: start)
            out["assign.\(start)"] = Self.hex(s.cost) + " " + Self.digest(s.rowToColumn) + " "
                + Self.digest(s.columnPrices)
            let dual = LinearAssignment.dualInfeasibility(of: s, costs: quantised, size: 30)
            out["assign.\(start).dual"] = Self.hex(dual)
        }
        for p in [1.0, 2.0, 1.5] {
            let s = Wasserstein.sliced(x3, y3, projections: 7, p: p, using: RandomStream(seed: 4, name: "test.sliced"))
            out["sliced.\(p)"] = Self.hex(s.mean) + " " + Self.hex(s.standardError)
        }

        let centres = Self.samples(5, 2, seed: 10).values
        let modes = ModeStatistics(samples: x2, centres: (0..<5).map { Array(centres[2 * $0 ..< 2 * $0 + 2]) },
                                   standardDeviation: 0.1, threshold: 3)
        out["modes"] = Self.digest(modes.histogram) + " \(modes.highQualityCount) " + Self.hex(modes.reverseKL)

        // The feature-space metrics' numerics: Fréchet distance (covariances, two Jacobi eigendecompositions),
        // the polynomial-kernel MMD², the classifier score and stacked mode counts.
        let z3 = Self.samples(37, 3, seed: 7)
        out["fd.d3"] = Self.hex(FrechetDistanceMetric.distance(x3, y3))
        out["fd.d2"] = Self.hex(FrechetDistanceMetric.distance(x2, tied))
        out["kid.d3"] = Self.hex(KernelDistanceMetric.unbiasedMMD2(x3, z3))
        out["kid.d9"] = Self.hex(KernelDistanceMetric.unbiasedMMD2(Self.samples(20, 9, seed: 11), Self.samples(20, 9, seed: 12)))
        let kid = KernelDistanceMetric.estimate(x3, z3, subsets: 4, subsetSize: 20, using: RandomStream(seed: 4, name: "test.kid"))
        out["kid.subsets"] = Self.hex(kid.mean) + " " + Self.hex(kid.standardDeviation)
        let probabilities = SampleMatrix(count: 40, dimension: 2, values: x2.values.enumerated().map { i, v in
            i % 2 == 0 ? (v + 1) / 2 : 1 - (x2.values[i - 1] + 1) / 2 })
        let score = ClassifierScoreMetric.score(probabilities, splits: 3)
        out["cs"] = Self.hex(score.mean) + " " + Self.hex(score.standardDeviation)
        let stacked = try StackedModesMetric.count(try Tensor(y2.values.map(Float.init) + x2.values.map(Float.init), shape: [40, 4]),
                                                   SampleSpaceFeatures(inputWidth: 2, modes: ModeLayout(
                                                    centres: (0..<5).map { Array(centres[2 * $0 ..< 2 * $0 + 2]).map(Float.init) },
                                                    standardDeviation: 0.3)), role: "generated", metric: "t")
        out["stacked"] = "\(stacked.modes) " + Self.hex(stacked.kl)

        // The plugins end to end, on ring data with some modes dropped.
        let real = F.ring(120), fake = F.ring(90, modes: [0, 1, 2, 5], sigma: 0.03, seed: 2)
        let metrics: [any Metric] = [
            F.metric(MMDMetric.self), F.metric(EnergyMetric.self), F.metric(W1Metric.self),
            F.metric(SlicedWassersteinMetric.self), F.metric(PrecisionRecallMetric.self),
            F.metric(DensityCoverageMetric.self), F.metric(ModesMetric.self), F.metric(HistogramMetric.self),
        ]
        for metric in metrics {
            let report = try metric.measure(F.input(real, fake, modes: F.ringLayout))
            for (name, value) in report.values { out["\(report.metric).\(name)"] = Self.hex(value) }
        }
        return out
    }

    func testMetricsKeepTheirBitPatterns() throws {
        let actual = try measured()
        XCTAssertEqual(actual.count, Self.recorded.count)
        for (name, value) in actual.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(value, Self.recorded[name], name)
        }
        if actual != Self.recorded {
            // The whole table, ready to paste, for a deliberate change of a metric's numbers.
            let lines = actual.sorted { $0.key < $1.key }.map { "        \"\($0.key)\": \"\($0.value)\"," }
            print(lines.joined(separator: "\n"))
        }
    }

    /// Recorded from the metrics as they were before the move (hexadecimal bit patterns of Doubles; the
    /// digests are FNV-1a over the bit patterns of a whole result).
    private static let recorded: [String: String] = [
        "assign.auction": "4005000000000000 154f23ff11e47224 9cd814ccd97ffc85",
        "assign.auction.dual": "3cb0000000000000",
        "assign.reduction": "4005000000000000 5e8dcb2e01125da4 b822ea28a196232d",
        "assign.reduction.dual": "8000000000000000",
        "balls.1": "94f886b0e22f8a87",
        "balls.3": "f8c07cd1a6465cc1",
        "balls.first.1": "377f0b641b122be5",
        "balls.first.3": "6ef9e274149553e5",
        "cs": "3ff1b2a219c2e21b 3f97c57a77eec979",
        "dc.1": "0 0",
        "dc.3": "3fe6666666666666 3fe8ba2e8ba2e8ba",
        "density-coverage.coverage": "3fd8888888888889",
        "density-coverage.density": "3fd7530eca8641fe",
        "energy.energy": "3fddd8480802712e",
        "energy.energy2": "3fcbd5b85b92b228",
        "energy.eq": "3f751e0bddf7a700",
        "energy.mn": "bf84f15cc5397400",
        "energy.nm": "bf84f15cc5397200",
        "fd.d2": "3facbc06de572000",
        "fd.d3": "3fbb2c94dc8e3730",
        "held.1": "8e14c2925d816784",
        "held.3": "80e0cc71426d9de5",
        "histogram.js": "3fd2efb19596ff83",
        "histogram.kl": "40188c7d62129e09",
        "histogram.outside_generated": "0",
        "histogram.outside_real": "0",
        "histogram.reverse_kl": "4004bcd74e9966d4",
        "kid.d3": "bfaf7237b19e2c80",
        "kid.d9": "3f7e7a38ce0faa00",
        "kid.subsets": "bfb3acc10570c6b8 3fa6de08faad9f55",
        "knn.1": "be10323729e3acf3",
        "knn.3": "d0f0b9a0285a967a",
        "knn.tied.1": "9e75518fa8bfeea5",
        "knn.tied.3": "9f98d49ae243879d",
        "median.even": "3ff4c788b958955c",
        "median.odd": "3ff4c932c42d8a08",
        "median.tied": "3ff0f876ccdf6cd9",
        "mmd.bandwidth_median": "3ff69c9fe94d3922",
        "mmd.bandwidth_small": "3f847ae140000000",
        "mmd.eq.0": "3f7842bff1fa9500",
        "mmd.eq.1": "bf6de8207b0f47a0",
        "mmd.eq.se0": "3f9146700e531daa",
        "mmd.eq.se1": "3f82c85718bcb829",
        "mmd.eq.sesum": "3f9713219b0ce234",
        "mmd.eq.sum": "3f629d5f68e5d800",
        "mmd.mmd2": "3fb90daa74ad0d00",
        "mmd.mmd2_median": "3fb0b7d4f05275c0",
        "mmd.mmd2_small": "3fa0abab08b52f7c",
        "mmd.mn.0": "3f65722b1c759d00",
        "mmd.mn.1": "3f62faadd2c1ab18",
        "mmd.mn.se0": "3f9fba98ff44dc90",
        "mmd.mn.se1": "3f74649dc3d582c0",
        "mmd.mn.sesum": "3fa1d52fe7bfda87",
        "mmd.mn.sum": "3f74366c779ba480",
        "mmd.nm.0": "3f65722b1c759d00",
        "mmd.nm.1": "3f62faadd2c1ab18",
        "mmd.nm.se0": "3f9fba98ff44dc90",
        "mmd.nm.se1": "3f74649dc3d582c0",
        "mmd.nm.sesum": "3fa1d52fe7bfda87",
        "mmd.nm.sum": "3f74366c779ba480",
        "mmd.se": "3f9d2d86328a25e4",
        "mmd.se_median": "3f9bbfdaf5fd7e99",
        "mmd.se_small": "3f739eec68b7017d",
        "modes": "5fbb5f409a05dd61 10 3fd8e299f1153b48",
        "modes.high_quality": "3fdf49f49f49f49f",
        "modes.modes": "4010000000000000",
        "modes.modes_total": "4020000000000000",
        "modes.reverse_kl": "3fe7adbaf306da90",
        "pr.1": "3fe3dcb08d3dcb09 3fe914c1bacf914c",
        "pr.3": "3feee58469ee5847 3ff0000000000000",
        "precision-recall.precision": "3fe3333333333333",
        "precision-recall.recall": "3fdccccccccccccd",
        "sliced-w.sliced_w": "3fd47e634e4f998f",
        "sliced-w.standard_error": "3f836f6ebf5d0eb8",
        "sliced.1.0": "3fc28f2519dc00b3 3f8733b277363262",
        "sliced.1.5": "3fc499cbc38a3947 3f89ccecd89c38c2",
        "sliced.2.0": "3fc653d77586b641 3f8c5a66b068d40b",
        "stacked": "15 3fe58b31f384777e",
        "w1.d2": "3fd247af4ce4a10c b4ad6a7ddd4be45",
        "w1.d3": "3fdef0c0a5a7d5ea c24275312eca3ae1",
        "w1.n": "4056800000000000",
        "w1.tied": "3fd16b3638695683 a9df9baf409fa365",
        "w1.w1": "3fe16bfd44e8e5c1",
    ]
}
