import Foundation
import Kernels
import XCTest
import _GantryTestSupport
@testable import Workbench

/// The closed-form divergences against plain numerical integrals written here, and the earth mover's plan
/// against the cumulative formula and the assignment solver on the units of dirt.
final class TheoryTests: XCTestCase {
    /// The trapezoid rule on `count` equal panels: deliberately another rule than the product's Simpson.
    private func trapezoid(_ low: Double, _ high: Double, count: Int = 400_000, _ f: (Double) -> Double) -> Double {
        let h = (high - low) / Double(count)
        var sum = 0.5 * (f(low) + f(high))
        for i in 1..<count { sum += f(low + Double(i) * h) }
        return sum * h
    }

    private func normalDensity(_ x: Double, _ mu: Double, _ sigma: Double) -> Double {
        exp(-0.5 * ((x - mu) / sigma) * ((x - mu) / sigma)) / (sigma * (2 * Double.pi).squareRoot())
    }

    /// x log(x / y), with 0 log 0 = 0.
    private func xlog(_ x: Double, _ y: Double) -> Double { x > 0 ? x * log(x / y) : 0 }

    private let gaussianPairs: [(Double, Double, Double, Double)] = [
        (0, 1, 1, 1), (0, 1, 2, 1), (0, 1, 1, 2), (-1, 0.5, 2, 3), (0, 2, 0, 0.3), (3, 1, -3, 1), (0, 0.05, 0.1, 4),
    ]

    func testGaussianDivergencesMatchIntegralsOfTheirDefinitions() throws {
        for (mu1, sigma1, mu2, sigma2) in gaussianPairs {
            let values = try DistributionPair.gaussians(mu1: mu1, sigma1: sigma1, mu2: mu2, sigma2: sigma2).validated().divergences()
            let low = min(mu1 - 14 * sigma1, mu2 - 14 * sigma2), high = max(mu1 + 14 * sigma1, mu2 + 14 * sigma2)
            let p = { self.normalDensity($0, mu1, sigma1) }, q = { self.normalDensity($0, mu2, sigma2) }
            // log p − log q written out, since far in a tail one density underflows long before the other.
            let logRatio = { (x: Double) in
                log(sigma2 / sigma1) - 0.5 * ((x - mu1) / sigma1) * ((x - mu1) / sigma1) + 0.5 * ((x - mu2) / sigma2) * ((x - mu2) / sigma2)
            }
            let label = "N(\(mu1), \(sigma1)²) vs N(\(mu2), \(sigma2)²)"
            XCTAssertEqual(values.kl, trapezoid(low, high) { p($0) * logRatio($0) }, accuracy: 1e-6, "KL " + label)
            XCTAssertEqual(values.reverseKL, trapezoid(low, high) { -q($0) * logRatio($0) }, accuracy: 1e-6, "reverse KL " + label)
            let js = trapezoid(low, high) { x in
                let m = (p(x) + q(x)) / 2
                return 0.5 * self.xlog(p(x), m) + 0.5 * self.xlog(q(x), m)
            }
            XCTAssertEqual(values.js, js, accuracy: 1e-7, "JS " + label)
            XCTAssertEqual(values.tv, 0.5 * trapezoid(low, high) { abs(p($0) - q($0)) }, accuracy: 1e-6, "TV " + label)
            // W1 on the line is also ∫|F_p − F_q|: another formula than the product's quantile coupling.
            let cdf = { (x: Double, mu: Double, sigma: Double) in 0.5 * erfc(-(x - mu) / (sigma * 2.0.squareRoot())) }
            XCTAssertEqual(values.w1, trapezoid(low, high) { abs(cdf($0, mu1, sigma1) - cdf($0, mu2, sigma2)) }, accuracy: 1e-6,
                           "W1 " + label)
            XCTAssertEqual(values.numerical, [.js])
        }
    }

    func testUniformDivergencesMatchIntegralsOfTheirDefinitions() throws {
        let pairs: [(Double, Double, Double, Double)] = [(0, 1, 0.5, 1.5), (0, 1, 0, 2), (0, 2, 0.5, 1), (0, 1, 3, 5), (-1, 1, 0, 4), (0, 1, 0, 1)]
        for (a1, b1, a2, b2) in pairs {
            let values = try DistributionPair.uniforms(a1: a1, b1: b1, a2: a2, b2: b2).validated().divergences()
            let p = { (x: Double) in (a1...b1).contains(x) ? 1 / (b1 - a1) : 0 }
            let q = { (x: Double) in (a2...b2).contains(x) ? 1 / (b2 - a2) : 0 }
            let low = min(a1, a2) - 1, high = max(b1, b2) + 1
            let label = "U[\(a1), \(b1)] vs U[\(a2), \(b2)]"
            let count = 200_000
            for (closed, from, to) in [(values.kl, p, q), (values.reverseKL, q, p)] {
                let escapes = trapezoid(low, high, count: count) { from($0) > 0 && to($0) == 0 ? 1 : 0 } > 1e-3
                if escapes {
                    XCTAssertEqual(closed, .infinity, "KL is infinite where the support is not contained: " + label)
                } else {
                    XCTAssertEqual(closed, trapezoid(low, high, count: count) { self.xlog(from($0), to($0)) }, accuracy: 1e-4, "KL " + label)
                }
            }
            let js = trapezoid(low, high, count: count) { x in
                let m = (p(x) + q(x)) / 2
                return 0.5 * self.xlog(p(x), m) + 0.5 * self.xlog(q(x), m)
            }
            XCTAssertEqual(values.js, js, accuracy: 1e-4, "JS " + label)
            XCTAssertEqual(values.tv, 0.5 * trapezoid(low, high, count: count) { abs(p($0) - q($0)) }, accuracy: 1e-4, "TV " + label)
            let cdf = { (x: Double, a: Double, b: Double) in min(max((x - a) / (b - a), 0), 1) }
            XCTAssertEqual(values.w1, trapezoid(low, high, count: count) { abs(cdf($0, a1, b1) - cdf($0, a2, b2)) }, accuracy: 1e-5,
                           "W1 " + label)
            XCTAssertEqual(values.numerical, [])
        }
    }

    func testTheParallelLinesOfWGANsExampleOne() throws {
        for theta in [0.5, -2, 1e-3] {
            let values = try DistributionPair.parallelLines(theta: theta).validated().divergences()
            XCTAssertEqual(values.w1, abs(theta))
            XCTAssertEqual(values.js, log(2))
            XCTAssertEqual(values.kl, .infinity)
            XCTAssertEqual(values.reverseKL, .infinity)
            XCTAssertEqual(values.tv, 1)
        }
        let same = DistributionPair.parallelLines(theta: 0).divergences()
        XCTAssertEqual([same.kl, same.reverseKL, same.js, same.tv, same.w1], [0, 0, 0, 0, 0])
    }

    func testWengsPairAndTheAsymmetryOfKL() {
        // p = N(0, 1), q = N(1, 1): the two KLs agree (½ each); with σ₂ = 2 they differ while JS stays symmetric.
        let equal = DistributionPair.gaussians(mu1: 0, sigma1: 1, mu2: 1, sigma2: 1).divergences()
        XCTAssertEqual(equal.kl, 0.5, accuracy: 1e-15)
        XCTAssertEqual(equal.reverseKL, 0.5, accuracy: 1e-15)
        let wide = DistributionPair.gaussians(mu1: 0, sigma1: 1, mu2: 1, sigma2: 2).divergences()
        let swapped = DistributionPair.gaussians(mu1: 1, sigma1: 2, mu2: 0, sigma2: 1).divergences()
        XCTAssertEqual(wide.kl, log(2) + 2.0 / 8 - 0.5, accuracy: 1e-15)
        XCTAssertEqual(wide.reverseKL, -log(2) + 5.0 / 2 - 0.5, accuracy: 1e-15)
        XCTAssertEqual(wide.kl, swapped.reverseKL)
        XCTAssertEqual(wide.js, swapped.js, accuracy: 1e-12)
        XCTAssertEqual(wide.tv, swapped.tv, accuracy: 1e-12)
    }

    func testImpossibleDistributionsAreRefusedWithTheParameter() {
        XCTAssertThrowsError(try DistributionPair.gaussians(mu1: 0, sigma1: 0, mu2: 1, sigma2: 1).validated()) { error in
            XCTAssertEqual("\(error)", "sigma1=0: a Gaussian's standard deviation must be positive")
        }
        XCTAssertThrowsError(try DistributionPair.gaussians(mu1: 0, sigma1: 1, mu2: 1, sigma2: -2).validated()) { error in
            XCTAssertEqual("\(error)", "sigma2=-2: a Gaussian's standard deviation must be positive")
        }
        XCTAssertThrowsError(try DistributionPair.uniforms(a1: 0, b1: 1, a2: 2, b2: 2).validated()) { error in
            XCTAssertEqual("\(error)", "a2=2, b2=2: a uniform distribution needs a2 < b2")
        }
    }

    // MARK: The earth mover's distance

    func testTheDocumentsWorkedExample() throws {
        let plan = try EarthMoversPlan(p: [3, 2, 1, 4], q: [1, 2, 4, 3])
        XCTAssertEqual(plan.distance, 5)
        XCTAssertEqual(plan.carried, [2, 2, -1])
        XCTAssertEqual(plan.moves.map { [$0.from, $0.to] }, [[1, 1], [1, 2], [2, 3], [3, 3], [4, 3], [4, 4]])
        XCTAssertEqual(plan.moves.map(\.mass), [1, 2, 2, 1, 1, 3])
    }

    /// The plan moves exactly p out of each bin and q into each, and costs what the cumulative formula and an
    /// optimal assignment of the units of dirt (the solver behind the W1 metric) cost.
    func testRandomHistogramsAgainstTheCumulativeFormulaAndTheAssignmentSolver() throws {
        var seeded = SplitMix64(state: 20_240_817)
        for _ in 0..<200 {
            let bins = 1 + seeded.below(7)
            var p = (0..<bins).map { _ in Double(seeded.below(6)) }
            var q = (0..<bins).map { _ in Double(seeded.below(6)) }
            let difference = p.reduce(0, +) - q.reduce(0, +)
            if difference > 0 { q[seeded.below(bins)] += difference } else { p[seeded.below(bins)] -= difference }
            guard p.reduce(0, +) > 0 else { continue }
            let plan = try EarthMoversPlan(p: p, q: q)
            var running = 0.0, cumulative = 0.0
            for k in 0..<bins { running += p[k] - q[k]; cumulative += abs(running) }
            XCTAssertEqual(plan.distance, cumulative, "p \(p) q \(q)")
            for bin in 1...bins {
                XCTAssertEqual(plan.moves.filter { $0.from == bin }.reduce(0) { $0 + $1.mass }, p[bin - 1])
                XCTAssertEqual(plan.moves.filter { $0.to == bin }.reduce(0) { $0 + $1.mass }, q[bin - 1])
            }
            // One row per unit of p's dirt, one column per unit of q's.
            let rows = p.enumerated().flatMap { Array(repeating: $0.offset, count: Int($0.element)) }
            let columns = q.enumerated().flatMap { Array(repeating: $0.offset, count: Int($0.element)) }
            let size = rows.count
            var costs = [Double](repeating: 0, count: size * size)
            for i in 0..<size { for j in 0..<size { costs[i * size + j] = Double(abs(rows[i] - columns[j])) } }
            var assignment = [Int](repeating: 0, count: size)
            var prices = [Double](repeating: 0, count: size)
            AssignmentSolver.solve(costs, size: size, start: .reduction, rowToColumn: &assignment, columnPrices: &prices)
            let optimal = (0..<size).reduce(0.0) { $0 + costs[$1 * size + assignment[$1]] }
            XCTAssertEqual(plan.distance, optimal, "p \(p) q \(q)")
        }
    }

    func testRealMasses() throws {
        let plan = try EarthMoversPlan(p: [0.1, 0.2, 0.7], q: [0.3, 0.3, 0.4])
        XCTAssertEqual(plan.distance, 0.2 + 0.3, accuracy: 1e-12)
        let half = try EarthMoversPlan(p: [0.5, 0.5], q: [0, 1])
        XCTAssertEqual(half.distance, 0.5)
        XCTAssertEqual(half.moves.map(\.to), [2, 2])
    }

    func testRefusals() {
        XCTAssertThrowsError(try EarthMoversPlan(p: [3, 2, 1, 4], q: [1, 2, 4, 4])) { error in
            XCTAssertEqual("\(error)", "p holds 10 units of dirt and q holds 11: moving one onto the other needs equal totals (normalise both, or add the difference to a bin)")
        }
        XCTAssertThrowsError(try EarthMoversPlan(p: [1, -1, 2], q: [1, 0, 1])) { error in
            XCTAssertEqual("\(error)", "p has mass -1 in bin 2: masses must be finite and not negative")
        }
        XCTAssertThrowsError(try EarthMoversPlan(p: [1, 2], q: [1, 1, 1])) { error in
            XCTAssertEqual("\(error)", "p has 2 bins and q has 3: the two histograms must share their bins")
        }
        XCTAssertThrowsError(try EarthMoversPlan(p: [0, 0], q: [0, 0]))
    }
}


/// The densities that make D* computable, and the comparison of a trained D with it.
final class OptimalDiscriminatorTests: XCTestCase {
    private func integral(_ f: (Double) -> Double, _ low: Double = -30, _ high: Double = 30) -> Double {
        let count = 60_000, h = (high - low) / Double(count)
        return (1..<count).reduce(0.5 * (f(low) + f(high))) { $0 + f(low + Double($1) * h) } * h
    }

    func testTheDensitiesAreDensitiesOfWhatIsSampled() throws {
        let mixture = try GaussianMixture1D.make([("means", "-2,3"), ("sigma", "0.5"), ("weights", "1,3")])
        XCTAssertEqual(integral { mixture.density(at: [$0])! }, 1, accuracy: 1e-9)
        XCTAssertEqual(integral { $0 * mixture.density(at: [$0])! }, 0.25 * -2 + 0.75 * 3, accuracy: 1e-6)
        let normal = try NormalNoise(dimension: 1)
        XCTAssertEqual(normal.density(at: 0)!, 1 / (2 * Double.pi).squareRoot(), accuracy: 1e-15)
        XCTAssertNil(try NormalNoise(dimension: 2).density(at: 0))
        XCTAssertEqual(try UniformNoise(dimension: 1, lower: 0, upper: 4).density(at: 1), 0.25)
        XCTAssertNil(try RingGaussians.make().density(at: [0, 0]))

        // G(z) = μ + σz under normal noise is N(μ, σ²): its density, and the mean and spread of its samples.
        let session = try Session(seed: 3)
        _ = try session.setDataset(GaussianMixture1D.make())
        _ = try session.setNoise(NormalNoise(dimension: 1))
        try session.setModel(.generator, GaussianModel.make([("mu", "1.5"), ("sigma", "0.5")]))
        let density = try XCTUnwrap(session.players.generator.model.generatedDensity(of: session.generator, noise: session.noise))
        XCTAssertEqual(density(1.5), 1 / (0.5 * (2 * Double.pi).squareRoot()), accuracy: 1e-12)
        XCTAssertEqual(integral { $0 * density($0) }, 1.5, accuracy: 1e-9)
        let samples = try session.probeSamples(4000).generated.map { $0[0] }
        let mean = samples.reduce(0, +) / Double(samples.count)
        let spread = (samples.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(samples.count)).squareRoot()
        XCTAssertEqual(mean, 1.5, accuracy: 0.03)
        XCTAssertEqual(spread, 0.5, accuracy: 0.02)
        XCTAssertNil(try MLPModel.make().generatedDensity(of: session.generator, noise: session.noise))
    }

    func testTheOptimumIsComputedOnlyWhereItIsDefined() throws {
        let session = try Session(seed: 3)
        XCTAssertEqual(session.optimalDiscriminatorProblem, "D* needs one-dimensional data whose density is known (data mixture1d); ring8 has none")
        _ = try session.setDataset(GaussianMixture1D.make([("means", "0"), ("sigma", "1")]))
        _ = try session.setNoise(NormalNoise(dimension: 1))
        XCTAssertEqual(session.optimalDiscriminatorProblem, "D* needs p_g, the density of what G generates: use generator gaussian mu=… sigma=… with noise normal dim=1 (or uniform dim=1)")
        try session.setModel(.generator, GaussianModel.make())
        XCTAssertNil(session.optimalDiscriminatorProblem)
        // G is the data: D* = ½ everywhere and V(D*, G) = −2 log 2, whatever D has learnt.
        let comparison = try session.optimalDiscriminatorComparison(points: 2001)
        XCTAssertTrue(comparison.optimal.allSatisfy { abs($0 - 0.5) < 1e-12 })
        XCTAssertEqual(comparison.optimalValue, -2 * log(2), accuracy: 1e-4)
        XCTAssertLessThanOrEqual(comparison.value, comparison.optimalValue + 1e-9)
        XCTAssertEqual(comparison.gapMax, comparison.trained.output.indices.filter {
            comparison.real[$0] + comparison.generated[$0] >= 0.01 * 2 * comparison.real.max()!
        }.map { abs(comparison.trained.output[$0] - 0.5) }.max()!, accuracy: 1e-12)
        try session.setLoss(try WGANLoss(try ParameterValues(WGANLoss.spec)))
        XCTAssertEqual(session.optimalDiscriminatorProblem, "D*(x) = p_r/(p_r + p_g) is the optimum of the cross-entropy losses; the loss wgan has another optimum")
    }
}
