import XCTest
import Foundation
import Autodiff
import _GantryTestSupport
@testable import Workbench

/// The built-in data sets: shapes, determinism, the exact definitions, mode statistics and validation.
final class DatasetTests: XCTestCase {
    // MARK: Helpers

    /// A fresh "data" stream of a fixed seed.
    func stream(seed: UInt64 = 2024, name: String = "data") -> RandomStream { RandomStream(seed: seed, name: name) }

    /// The rows of an [n, d] tensor.
    func rows(_ tensor: Tensor) -> [[Float]] {
        let d = tensor.shape[1]
        let flat = tensor.scalars
        return (0..<tensor.shape[0]).map { Array(flat[($0 * d)..<($0 * d + d)]) }
    }

    func distance(_ a: [Float], _ b: [Float]) -> Double {
        zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }.squareRoot()
    }

    /// For every sample, its nearest centre and the distance to it.
    func nearest(_ samples: [[Float]], _ layout: ModeLayout) -> [(mode: Int, distance: Double)] {
        samples.map { point in
            layout.centres.indices.map { (mode: $0, distance: distance(point, layout.centres[$0])) }
                .min { $0.distance < $1.distance }!
        }
    }

    /// Pearson's χ² statistic of observed counts against equal expected counts.
    func chiSquared(_ counts: [Int]) -> Double {
        let expected = Double(counts.reduce(0, +)) / Double(counts.count)
        return counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
    }

    /// Mode statistics of 2500 samples: the share within 3σ and 4σ, and the mode histogram.
    func modeStatistics(_ dataset: any Dataset, count: Int = 2500, seed: UInt64 = 2024)
        -> (within3: Double, within4: Double, counts: [Int]) {
        let layout = dataset.modes!
        let assigned = nearest(rows(dataset.sample(count, using: stream(seed: seed))), layout)
        let sigma = Double(layout.standardDeviation)
        var counts = [Int](repeating: 0, count: layout.centres.count)
        for sample in assigned { counts[sample.mode] += 1 }
        let within3 = Double(assigned.filter { $0.distance <= 3 * sigma }.count) / Double(count)
        let within4 = Double(assigned.filter { $0.distance <= 4 * sigma }.count) / Double(count)
        return (within3, within4, counts)
    }

    /// A default instance of every registered data set (points from a small temporary CSV file, images from small
    /// IDX or PNG files).
    func everyDataset() throws -> [any Dataset] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-datasets-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("three.csv").path
        try "x,y,z\n1,2,3\n4,5,6\n7,8,9\n".write(toFile: file, atomically: true, encoding: .utf8)
        // A required text parameter is a file to read; every other parameter has a default.
        return try Plugins.datasets.all.map { type in
            try type.make(ParameterValues(type.spec, assignments: type.spec.parameters.filter { $0.defaultValue == nil && $0.kind == .text }.map {
                ($0.name, try ImageFixtures.datasetFixture(dataset: type.spec.name, parameter: $0.name, in: folder.path) ?? file)
            }))
        }
    }

    // MARK: Every data set

    func testEveryDataSetHasTheRightShapeAndIsDeterministic() throws {
        for dataset in try everyDataset() {
            let name = type(of: dataset).spec.name
            let first = dataset.sample(257, using: stream())
            XCTAssertEqual(first.shape, [257, dataset.dimension], name)
            XCTAssertTrue(first.scalars.allSatisfy(\.isFinite), name)
            XCTAssertTrue(dataset.sample(257, using: stream()).isBitwiseEqual(to: first), "\(name): same stream, same batch")
            XCTAssertFalse(dataset.sample(257, using: stream(seed: 7)).isBitwiseEqual(to: first), "\(name): seed matters")
            XCTAssertFalse(dataset.sample(257, using: stream(name: "noise")).isBitwiseEqual(to: first), "\(name): name matters")
            let shared = stream()
            let a = dataset.sample(64, using: shared)
            let afterFirst = shared.position
            XCTAssertGreaterThan(afterFirst, 0, name)
            let b = dataset.sample(64, using: shared)
            XCTAssertGreaterThan(shared.position, afterFirst, "\(name): drawing advances the stream")
            XCTAssertFalse(a.isBitwiseEqual(to: b), "\(name): consecutive batches differ")
            // A batch of 64 then 64 from one stream is the same as re-running that sequence.
            let replay = stream()
            XCTAssertTrue(dataset.sample(64, using: replay).isBitwiseEqual(to: a), name)
            XCTAssertTrue(dataset.sample(64, using: replay).isBitwiseEqual(to: b), name)
            XCTAssertEqual(dataset.sample(0, using: stream()).shape, [0, dataset.dimension], name)
        }
    }

    func testSamplingConsumesExactlyTheDocumentedWords() throws {
        // ring8: one nextInt per row (2³² is a multiple of 8, so never a rejection) and two words per normal pair.
        let ring = stream()
        _ = try RingGaussians.make().sample(100, using: ring)
        XCTAssertEqual(ring.position, 100 + 200)
        let lines = stream()
        _ = try ParallelLines.make().sample(100, using: lines)
        XCTAssertEqual(lines.position, 100)
        let roll = stream()
        _ = try SwissRoll.make().sample(101, using: roll)
        XCTAssertEqual(roll.position, 101 + 202)
    }

    // MARK: ring8 and grid25

    func testRing8CentresFollowTheProtocolAndAreDistinct() throws {
        let layout = try RingGaussians.make().modes!
        XCTAssertEqual(layout.standardDeviation, 0.01)
        XCTAssertEqual(layout.centres.count, 8)
        for (k, centre) in layout.centres.enumerated() {
            let angle = 2 * Double.pi * Double(k) / 8
            XCTAssertEqual(Double(centre[0]), cos(angle), accuracy: 1e-7)
            XCTAssertEqual(Double(centre[1]), sin(angle), accuracy: 1e-7)
        }
        XCTAssertEqual(layout.centres[2], [0, 1], "exact zeros where cos vanishes")
        // The linspace(0, 2π, K) bug repeats angle 0 at 2π: every K must give K distinct centres, spaced by
        // the chord 2r·sin(π/K).
        for k in [1, 2, 3, 7, 8, 16, 100] {
            let centres = try RingGaussians.make([("modes", "\(k)"), ("radius", "2")]).modes!.centres
            XCTAssertEqual(centres.count, k)
            XCTAssertEqual(Set(centres).count, k, "K = \(k): distinct centres")
            for i in 0..<k {
                for j in (i + 1)..<max(k, i + 1) {
                    XCTAssertGreaterThan(distance(centres[i], centres[j]), 0.999 * 4 * sin(Double.pi / Double(k)), "K = \(k)")
                }
            }
        }
    }

    func testRing8ModeStatistics() throws {
        let stats = modeStatistics(try RingGaussians.make())
        // For a perfect 2-D Gaussian, P(‖z‖ ≤ 3) = 1 − e^{−4.5} = 98.89 % (the published %HQ ceiling), with a
        // binomial standard deviation of 0.21 % at 2500 samples; within 4σ: 1 − e^{−8} = 99.97 %.
        XCTAssertEqual(stats.within3, 1 - exp(-4.5), accuracy: 0.008)
        XCTAssertGreaterThanOrEqual(stats.within4, 0.99)
        XCTAssertTrue(stats.counts.allSatisfy { $0 > 0 }, "every mode is hit: \(stats.counts)")
        XCTAssertLessThan(chiSquared(stats.counts), 24.32, "χ²(7) below its 0.1 % quantile: \(stats.counts)")
    }

    func testGrid25CentresAndModeStatistics() throws {
        let dataset = try GridGaussians.make()
        let layout = dataset.modes!
        XCTAssertEqual(layout.standardDeviation, 0.05)
        var expected: [[Float]] = []
        for i in 0...4 { for j in 0...4 { expected.append([Float(-4 + 2 * i), Float(-4 + 2 * j)]) } }
        XCTAssertEqual(layout.centres, expected)
        XCTAssertEqual(Set(layout.centres).count, 25)
        let stats = modeStatistics(dataset)
        XCTAssertEqual(stats.within3, 1 - exp(-4.5), accuracy: 0.008)
        XCTAssertGreaterThanOrEqual(stats.within4, 0.99)
        XCTAssertTrue(stats.counts.allSatisfy { $0 > 0 }, "every mode is hit: \(stats.counts)")
        XCTAssertLessThan(chiSquared(stats.counts), 51.18, "χ²(24) below its 0.1 % quantile: \(stats.counts)")
        // Parameters generalise the grid around the origin.
        let small = try GridGaussians.make([("size", "2"), ("spacing", "3")]).modes!
        XCTAssertEqual(small.centres, [[-1.5, -1.5], [-1.5, 1.5], [1.5, -1.5], [1.5, 1.5]])
    }

    // MARK: WGAN-GP toys

    func testEightGaussiansFollowsTheScriptScaling() throws {
        let dataset = try EightGaussians.make()
        let layout = dataset.modes!
        XCTAssertEqual(layout.standardDeviation, Float(0.02) / 1.414)
        let d = 1 / 2.0.squareRoot()
        let unit: [(Double, Double)] = [(1, 0), (-1, 0), (0, 1), (0, -1), (d, d), (d, -d), (-d, d), (-d, -d)]
        for (centre, expected) in zip(layout.centres, unit) {
            XCTAssertEqual(Double(centre[0]), 2 * expected.0 / 1.414, accuracy: 1e-6)
            XCTAssertEqual(Double(centre[1]), 2 * expected.1 / 1.414, accuracy: 1e-6)
        }
        let samples = rows(dataset.sample(4000, using: stream()))
        // Undo the script's division: every point is within 6σ (σ = 0.02) of 2·(a unit vector).
        var residuals: [Double] = []
        for point in samples {
            let unscaled = point.map { Double($0) * 1.414 }
            let gap = unit.map { ((unscaled[0] - 2 * $0.0) * (unscaled[0] - 2 * $0.0)
                                  + (unscaled[1] - 2 * $0.1) * (unscaled[1] - 2 * $0.1)).squareRoot() }.min()!
            XCTAssertLessThan(gap, 6 * 0.02 * 2.0.squareRoot())
            residuals.append(gap)
        }
        // The mean distance of a 2-D N(0, σ²I) point from its centre is σ·√(π/2).
        XCTAssertEqual(residuals.reduce(0, +) / Double(residuals.count), 0.02 * (Double.pi / 2).squareRoot(), accuracy: 0.001)
        let radius = samples.map { (Double($0[0]) * Double($0[0]) + Double($0[1]) * Double($0[1])).squareRoot() }
        XCTAssertEqual(radius.reduce(0, +) / Double(radius.count), 2 / 1.414, accuracy: 0.002)
        let stats = modeStatistics(dataset)
        XCTAssertEqual(stats.within3, 1 - exp(-4.5), accuracy: 0.008)
        XCTAssertLessThan(chiSquared(stats.counts), 24.32, "\(stats.counts)")
    }

    func testTwentyFiveGaussiansFollowsTheScriptScaling() throws {
        let dataset = try TwentyFiveGaussians.make()
        let layout = dataset.modes!
        XCTAssertEqual(layout.standardDeviation, Float(0.05) / 2.828)
        XCTAssertEqual(layout.centres.count, 25)
        XCTAssertEqual(Set(layout.centres).count, 25)
        XCTAssertEqual(layout.centres[0], [Float(-4) / 2.828, Float(-4) / 2.828])
        XCTAssertEqual(layout.centres[1], [Float(-4) / 2.828, Float(-2) / 2.828])
        XCTAssertEqual(layout.centres[12], [0, 0])
        let stats = modeStatistics(dataset)
        XCTAssertEqual(stats.within3, 1 - exp(-4.5), accuracy: 0.008)
        XCTAssertTrue(stats.counts.allSatisfy { $0 > 0 })
        XCTAssertLessThan(chiSquared(stats.counts), 51.18, "\(stats.counts)")
    }

    func testSwissRollDefinitionAndRange() throws {
        // Without noise every point is (t·cos t, t·sin t)/7.5 with t = 7.5·radius ∈ [1.5π, 4.5π].
        let clean = rows(try SwissRoll.make([("noise", "0")]).sample(3000, using: stream()))
        var ts: [Double] = []
        for point in clean {
            let x = Double(point[0]) * 7.5, z = Double(point[1]) * 7.5
            let t = (x * x + z * z).squareRoot()
            XCTAssertGreaterThanOrEqual(t, 1.5 * Double.pi - 1e-4)
            XCTAssertLessThanOrEqual(t, 4.5 * Double.pi + 1e-4)
            XCTAssertEqual(x, t * cos(t), accuracy: 1e-4)
            XCTAssertEqual(z, t * sin(t), accuracy: 1e-4)
            ts.append(t)
        }
        // t is uniform on [1.5π, 4.5π]: mean 3π, and both ends are reached.
        XCTAssertEqual(ts.reduce(0, +) / Double(ts.count), 3 * Double.pi, accuracy: 0.15)
        XCTAssertLessThan(ts.min()!, 1.5 * Double.pi + 0.05)
        XCTAssertGreaterThan(ts.max()!, 4.5 * Double.pi - 0.05)
        // With the default noise 0.25 (at most 5.8σ per coordinate from our Box–Muller) every coordinate stays
        // within (4.5π + 1.5)/7.5 ≈ 2.08, and the spread matches the script's ÷ 7.5 scale.
        let noisy = try SwissRoll.make().sample(3000, using: stream()).scalars
        XCTAssertLessThan(noisy.map { abs($0) }.max()!, Float((4.5 * Double.pi + 1.5) / 7.5))
        XCTAssertGreaterThan(noisy.map { abs($0) }.max()!, 1.5)
        XCTAssertNil(try SwissRoll.make().modes)
    }

    // MARK: GAN Lab

    func testGANLabLineLiesOnItsSegment() throws {
        let samples = rows(try GANLabLine.make().sample(4000, using: stream()))
        // x = 0.8 − 0.75u and y = 0.6 + 0.3u give x + 2.5y = 2.3, with noise 0.01·√(1 + 2.5²) ≈ 0.0269.
        let residual = samples.map { Double($0[0]) + 2.5 * Double($0[1]) - 2.3 }
        let mean = residual.reduce(0, +) / Double(residual.count)
        let sd = (residual.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(residual.count)).squareRoot()
        XCTAssertEqual(mean, 0, accuracy: 0.002)
        XCTAssertEqual(sd, 0.01 * (1 + 6.25).squareRoot(), accuracy: 0.002)
        let ys = samples.map { $0[1] }
        XCTAssertEqual(Double(ys.reduce(0, +)) / Double(ys.count), 0.75, accuracy: 0.01)
        XCTAssertTrue(samples.allSatisfy { $0[0] > -0.1 && $0[0] < 0.9 && $0[1] > 0.5 && $0[1] < 1 })
    }

    func testGANLabRingIsAnEllipse() throws {
        let samples = rows(try GANLabRing.make().sample(4000, using: stream()))
        let level = samples.map { point -> Double in
            let a = (Double(point[0]) - 0.5) / 0.3, b = (Double(point[1]) - 0.45) / 0.25
            return (a * a + b * b).squareRoot()
        }
        XCTAssertEqual(level.reduce(0, +) / Double(level.count), 1, accuracy: 0.01)
        XCTAssertEqual(Double(samples.map { $0[0] }.reduce(0, +)) / 4000, 0.5, accuracy: 0.01)
        XCTAssertEqual(Double(samples.map { $0[1] }.reduce(0, +)) / 4000, 0.45, accuracy: 0.01)
        XCTAssertTrue(samples.allSatisfy { $0.allSatisfy { $0 > 0 && $0 < 1 } }, "inside the unit square")
    }

    func testGANLabTwoGaussiansHaveTheirSpreads() throws {
        let samples = rows(try GANLabTwoGaussians.make().sample(6000, using: stream()))
        // The hills overlap little along the line between them: split by which mean is nearer in σ units.
        let isFirst = samples.map { abs($0[0] - 0.3) / 0.1 + abs($0[1] - 0.7) / 0.1 < abs($0[0] - 0.7) / 0.05 + abs($0[1] - 0.4) / 0.2 }
        let first = zip(samples, isFirst).filter { $0.1 }.map(\.0)
        let second = zip(samples, isFirst).filter { !$0.1 }.map(\.0)
        XCTAssertEqual(Double(first.count) / 6000, 0.5, accuracy: 0.03)
        func sd(_ values: [Float]) -> Double {
            let mean = Double(values.reduce(0, +)) / Double(values.count)
            return (values.map { (Double($0) - mean) * (Double($0) - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        }
        XCTAssertEqual(sd(second.map { $0[1] }), 0.2, accuracy: 0.02, "the tall hill")
        XCTAssertEqual(sd(second.map { $0[0] }), 0.05, accuracy: 0.01)
        XCTAssertNil(try GANLabTwoGaussians.make().modes)
    }

    func testGANLabDisjointModes() throws {
        let dataset = try GANLabDisjoint.make()
        XCTAssertEqual(dataset.modes, ModeLayout(centres: [[0.35, 0.75], [0.75, 0.6], [0.45, 0.35]], standardDeviation: 0.025))
        let stats = modeStatistics(dataset, count: 3000)
        XCTAssertEqual(stats.within3, 1 - exp(-4.5), accuracy: 0.008)
        XCTAssertLessThan(chiSquared(stats.counts), 13.82, "χ²(2) below its 0.1 % quantile: \(stats.counts)")
        XCTAssertEqual(GaussianMixtureSampler.component(for: 0.3329, cumulative: [0.333, 0.666, 1]), 0)
        XCTAssertEqual(GaussianMixtureSampler.component(for: 0.333, cumulative: [0.333, 0.666, 1]), 1)
        XCTAssertEqual(GaussianMixtureSampler.component(for: 0.9999, cumulative: [0.333, 0.666, 1]), 2)
    }

    // MARK: Parallel lines and 1-D mixtures

    func testParallelLinesAndItsFamily() throws {
        let dataset = try ParallelLines.make()
        XCTAssertEqual(dataset.theta, 0.5)
        let real = dataset.sample(1000, using: stream())
        XCTAssertTrue(rows(real).allSatisfy { $0[0] == 0 && $0[1] >= 0 && $0[1] < 1 })
        let moved = dataset.familySample(1000, theta: -0.3, using: stream())
        XCTAssertTrue(rows(moved).allSatisfy { $0[0] == -0.3 })
        XCTAssertEqual(rows(moved).map { $0[1] }, rows(real).map { $0[1] }, "the same z at the same stream position")
        XCTAssertTrue(rows(dataset.familySample(10, using: stream())).allSatisfy { $0[0] == 0.5 })
        XCTAssertEqual(Double(real.scalars.reduce(0, +)) / 1000, 0.5, accuracy: 0.03)
        XCTAssertEqual(ParallelLines.wassersteinDistance(theta: -0.7), 0.7)
        XCTAssertEqual(ParallelLines.jensenShannon(theta: 0.01), log(2))
        XCTAssertEqual(ParallelLines.jensenShannon(theta: 0), 0)
        XCTAssertEqual(ParallelLines.kullbackLeibler(theta: 2), .infinity)
        XCTAssertEqual(ParallelLines.totalVariation(theta: 2), 1)
        XCTAssertNil(dataset.modes)
    }

    func testMixture1DStatisticsAndWeights() throws {
        let dataset = try GaussianMixture1D.make()
        XCTAssertEqual(dataset.dimension, 1)
        XCTAssertEqual(dataset.modes, ModeLayout(centres: [[-2], [2]], standardDeviation: 0.5))
        XCTAssertEqual(dataset.weights, [0.5, 0.5])
        let x = dataset.sample(5000, using: stream()).scalars.map(Double.init)
        let mean = x.reduce(0, +) / 5000
        XCTAssertEqual(mean, 0, accuracy: 0.1)
        XCTAssertEqual(x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5000, 4.25, accuracy: 0.15)
        let weighted = try GaussianMixture1D.make([("means", "-2,0,5"), ("weights", "1,0,3"), ("sigma", "0.1")])
        XCTAssertEqual(weighted.weights, [0.25, 0, 0.75])
        let y = weighted.sample(4000, using: stream()).scalars
        XCTAssertEqual(Double(y.filter { $0 > 2.5 }.count) / 4000, 0.75, accuracy: 0.03)
        XCTAssertEqual(y.filter { abs($0) < 1 }.count, 0, "a zero weight is never drawn")
    }

    // MARK: Validation

    func testParameterValidationMessages() throws {
        func message(_ type: any Dataset.Type, _ assignments: [(name: String, value: String)]) -> String {
            do {
                _ = try type.make(assignments)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message(RingGaussians.self, [("sigma", "-1")]),
                       "dataset ring8: sigma=-1 is out of range; expected real in [0.0001, 100]")
        XCTAssertEqual(message(RingGaussians.self, [("modes", "0")]),
                       "dataset ring8: modes=0 is out of range; expected integer in [1, 1024]")
        XCTAssertEqual(message(RingGaussians.self, [("sigam", "0.1")]),
                       "unknown parameter 'sigam' for dataset ring8; did you mean 'sigma'?")
        XCTAssertEqual(message(GridGaussians.self, [("spacing", "wide")]),
                       "dataset grid25: spacing=wide is not valid; expected real in [0.001, 1000]")
        XCTAssertEqual(message(PointCloud.self, []), "dataset points: missing required parameter file (text)")
        XCTAssertEqual(message(GaussianMixture1D.self, [("means", "1,2"), ("weights", "1,2,3")]),
                       "dataset mixture1d: weights=1,2,3 is not valid; expected 2 non-negative reals (one per mean) with a positive sum")
        XCTAssertEqual(message(GaussianMixture1D.self, [("weights", "-1,2")]),
                       "dataset mixture1d: weights=-1,2 is out of range; expected list of reals in [0, 1000000]")
        XCTAssertEqual(message(GaussianMixture1D.self, [("means", "1,1")]),
                       "dataset mixture1d: means=1,1 is not valid; expected distinct means (a repeated mean is one mode)")
        XCTAssertEqual(message(GaussianMixture1D.self, [("means", "")]),
                       "dataset mixture1d: means= is not valid; expected at least one mean")
        XCTAssertEqual(message(GaussianMixture1D.self, [("weights", "0,0")]),
                       "dataset mixture1d: weights=0,0 is not valid; expected 2 non-negative reals (one per mean) with a positive sum")
        XCTAssertEqual(message(EightGaussians.self, [("sigma", "0.1")]), "unknown parameter 'sigma' for dataset 8gaussians")
    }

    func testSpecsAreCompleteAndDefaultsValid() throws {
        // Kept alive, so that stacked shares the images fashion-mnist read instead of reading them again.
        var kept: [any Dataset] = []
        for type in Plugins.datasets.all {
            let spec = type.spec
            XCTAssertEqual(spec.kind, .dataset, spec.name)
            XCTAssertFalse(spec.summary.isEmpty, spec.name)
            XCTAssertGreaterThan(spec.discussion.count, 150, "\(spec.name): the discussion names the exact variant")
            XCTAssertFalse(spec.discussion.contains("\n"), "\(spec.name): one paragraph")
            for parameter in spec.parameters {
                XCTAssertFalse(parameter.summary.isEmpty, "\(spec.name).\(parameter.name)")
                if let value = parameter.defaultValue {
                    XCTAssertNoThrow(try ParameterValues.check(value, against: parameter, owner: spec.name),
                                     "\(spec.name).\(parameter.name): the default is within its range")
                }
            }
            if spec.parameters.allSatisfy({ $0.defaultValue != nil }) {
                XCTAssertNotNil(spec.reference, "\(spec.name) names its source")
                let made = try type.make(ParameterValues(spec))
                kept.append(made)
                XCTAssertEqual(made.canonicalText, ([spec.name] + made.parameters.assignments()).joined(separator: " "))
            }
        }
        XCTAssertEqual(try RingGaussians.make().canonicalText, "ring8 modes=8 radius=1 sigma=0.01")
        XCTAssertEqual(try GridGaussians.make().canonicalText, "grid25 size=5 spacing=2 sigma=0.05")
    }

    func testRegistryResolvesNamesAndAliases() {
        let spellings = Plugins.datasets.all.flatMap { [$0.spec.name] + $0.spec.aliases }.map { $0.lowercased() }
        XCTAssertEqual(Set(spellings).count, spellings.count, "no name or alias is used twice")
        for type in Plugins.datasets.all {
            for spelling in [type.spec.name] + type.spec.aliases {
                XCTAssertTrue(Plugins.datasets.named(spelling.uppercased())?.spec.name == type.spec.name, "\(spelling) finds \(type.spec.name)")
            }
        }
        XCTAssertTrue(Plugins.datasets.named("ring8")?.implementation == RingGaussians.self)
        XCTAssertTrue(Plugins.datasets.named("RING8")?.implementation == RingGaussians.self)
        XCTAssertTrue(Plugins.datasets.named("ring")?.implementation == GANLabRing.self)
        XCTAssertTrue(Plugins.datasets.named("grid")?.implementation == GridGaussians.self)
        XCTAssertTrue(Plugins.datasets.named("swiss-roll")?.implementation == SwissRoll.self)
        XCTAssertTrue(Plugins.datasets.named("csv")?.implementation == PointCloud.self)
        XCTAssertNil(Plugins.datasets.named("ring9000"))
        XCTAssertEqual(Plugins.datasets.suggestion(for: "rign8"), "ring8")
        XCTAssertEqual(Plugins.datasets.suggestion(for: "swisroll"), "swissroll")
    }
}
