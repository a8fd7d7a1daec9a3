import XCTest
import Autodiff
@testable import Workbench

/// Metrics and data sets defined in the language: what they compute, the built-ins they reproduce, and
/// the families a defined loss declares.
final class DefinedMetricDataTests: XCTestCase {
    func definition(_ kind: PluginKind, _ name: String, _ expressions: [(role: String, text: String)],
                    _ parameters: [(String, String)] = [], family: LossFamily = .other) throws -> PluginDefinition {
        try PluginDefinition(kind: kind, name: name, expressions: expressions,
                             parameters: try parameters.map { try DefinedParameter(name: $0.0, text: $0.1) },
                             family: family, origin: "test")
    }

    func data(_ expressions: [(role: String, text: String)], _ parameters: [(String, String)] = []) throws -> DefinedData {
        let made = try definition(.dataset, "test-data", expressions, parameters)
        return try DefinedData(made, try ParameterValues(made.spec))
    }

    func metric(_ expressions: [(role: String, text: String)], _ parameters: [(String, String)] = []) throws -> DefinedMetric {
        let made = try definition(.metric, "test-metric", expressions, parameters)
        return try DefinedMetric(made, try ParameterValues(made.spec))
    }

    func maximumDifference(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.scalars, b.scalars).map { abs($0 - $1) }.max() ?? 0
    }

    // MARK: Data sets

    /// 8gaussians spelt with pick draws the same samples bit for bit: the component of every row first,
    /// then the [n, 2] normals, and (centre + σ·z)/1.414 in Float, as the built-in computes it.
    func testEightGaussiansSpeltWithPickDrawsTheSameSamplesBitForBit() throws {
        let c = "2*sqrt(0.5)"
        let xs = "pick(k, 2, -2, 0, 0, \(c), \(c), -\(c), -\(c))", ys = "pick(k, 0, 0, 2, -2, \(c), -\(c), \(c), -\(c))"
        let spelt = try data([("k", "choice(8)"), ("x", "(\(xs) + 0.02*normal())/1.414"), ("y", "(\(ys) + 0.02*normal())/1.414")])
        let builtIn = try EightGaussians.make()
        XCTAssertEqual(spelt.dimension, 2)
        let a = builtIn.sample(1000, using: RandomStream(seed: 7, name: "data"))
        let b = spelt.sample(1000, using: RandomStream(seed: 7, name: "data"))
        XCTAssertTrue(a.isBitwiseEqual(to: b), "max difference \(maximumDifference(a, b))")
        // Control: another σ draws other samples.
        let other = try data([("k", "choice(8)"), ("x", "(\(xs) + 0.021*normal())/1.414"), ("y", "(\(ys) + 0.02*normal())/1.414")])
        XCTAssertFalse(a.isBitwiseEqual(to: other.sample(1000, using: RandomStream(seed: 7, name: "data"))))
    }

    /// ring8 spelt with cos and sin draws the same components and noise, but its centres differ in the
    /// last bits: the built-in computes each angle 2πk/8 in Double and rounds cos and sin once (and snaps
    /// rounding noise to 0), the expression computes 2π·k/8 in Float, whose product 2π·k rounds by up to half
    /// an ulp of 2π·7 ≈ 44 (1.9e-6), 2.4e-7 in the angle after the division: a centre moves by up to that.
    func testRing8SpeltWithCosAndSinDiffersOnlyInTheLastBits() throws {
        let spelt = try data([("k", "choice(8)"), ("x", "cos(2*pi*k/8) + 0.01*normal()"), ("y", "sin(2*pi*k/8) + 0.01*normal()")])
        let builtIn = try RingGaussians.make()
        let a = builtIn.sample(2000, using: RandomStream(seed: 7, name: "data"))
        let b = spelt.sample(2000, using: RandomStream(seed: 7, name: "data"))
        let largest = maximumDifference(a, b)
        print("ring8 spelt with cos/sin: max |Δ| = \(largest) over 2000 samples")
        XCTAssertGreaterThan(largest, 0, "the operations differ: the samples cannot all agree")
        XCTAssertLessThan(largest, 5e-7)
        // Control: a ring of radius 1.001 is further away than the rounding.
        let wider = try data([("k", "choice(8)"), ("x", "1.001*cos(2*pi*k/8) + 0.01*normal()"),
                              ("y", "1.001*sin(2*pi*k/8) + 0.01*normal()")])
        XCTAssertGreaterThan(maximumDifference(a, wider.sample(2000, using: RandomStream(seed: 7, name: "data"))), 5e-4)
    }

    /// A named draw is drawn once per sample and shared by the coordinates; inline draws are each their own.
    func testANamedDrawIsSharedAndInlineDrawsAreNot() throws {
        let shared = try data([("t", "uniform(-1, 1)"), ("x", "t"), ("y", "t")])
        let samples = shared.sample(50, using: RandomStream(seed: 1, name: "data")).scalars
        for row in 0..<50 { XCTAssertEqual(samples[2 * row], samples[2 * row + 1]) }
        XCTAssertTrue(samples.allSatisfy { $0 >= -1 && $0 < 1 })
        let separate = try data([("x", "uniform()"), ("y", "uniform()")]).sample(50, using: RandomStream(seed: 1, name: "data")).scalars
        XCTAssertFalse((0..<50).allSatisfy { separate[2 * $0] == separate[2 * $0 + 1] })
        // choice(K) gives each of 0…K−1, and x1, x2, x3 make three coordinates.
        let counts = try data([("x1", "choice(3)"), ("x2", "1"), ("x3", "normal(5, 0)")]).sample(300, using: RandomStream(seed: 2, name: "data"))
        XCTAssertEqual(counts.shape, [300, 3])
        XCTAssertEqual(Set(stride(from: 0, to: 900, by: 3).map { counts.scalars[$0] }), [0, 1, 2])
        XCTAssertTrue(stride(from: 2, to: 900, by: 3).allSatisfy { counts.scalars[$0] == 5 })
    }

    /// Declared modes: the centres are the coordinates with the choice at each value and the noise at its
    /// mean, so `metric modes` scores the spelt ring8 as it scores ring8 on the same generated samples.
    func testDeclaredModesScoreLikeTheBuiltInsLayout() throws {
        func ring(_ modes: String) throws -> DefinedData {
            let made = try PluginDefinition(kind: .dataset, name: "ring-modes", expressions: [
                ("k", "choice(8)"), ("x", "cos(2*pi*k/8) + 0.01*normal()"), ("y", "sin(2*pi*k/8) + 0.01*normal()")],
                parameters: [], modes: try ModeDeclaration(text: modes), origin: "test")
            return try DefinedData(made, try ParameterValues(made.spec))
        }
        let spelt = try ring("k: 0.01"), builtIn = try RingGaussians.make()
        let layout = try XCTUnwrap(spelt.modes), expected = try XCTUnwrap(builtIn.modes)
        XCTAssertEqual(layout.standardDeviation, expected.standardDeviation)
        for (a, b) in zip(layout.centres, expected.centres) { for (u, v) in zip(a, b) { XCTAssertEqual(u, v, accuracy: 3e-7) } }
        // The same generated samples (a ring of 4 wide modes) scored against each set's own samples and layout.
        let generated = try RingGaussians.make([("modes", "4"), ("sigma", "0.02")]).sample(2000, using: RandomStream(seed: 2, name: "g"))
        func score(_ dataset: any Dataset) throws -> MetricReport {
            let modes = try ModesMetric(try ParameterValues(ModesMetric.spec, assignments: [("n", "2000")]))
            let report = try modes.measure(MetricInput(real: dataset.sample(2000, using: RandomStream(seed: 1, name: "r")), generated: generated,
                                                       modes: dataset.modes, stream: RandomStream(seed: 3, name: "m")))
            return MetricReport(metric: "modes", values: report.values, notes: report.notes)
        }
        let ours = try score(spelt), theirs = try score(builtIn)
        print("modes on the spelt ring8: \(ours.values.map { "\($0.name) \($0.value)" }); on ring8: \(theirs.values.map { "\($0.name) \($0.value)" })")
        XCTAssertEqual(ours, theirs)
        // Control: a declared spread ten times smaller counts fewer samples near a mode.
        XCTAssertNotEqual(try score(try ring("k: 0.001")), theirs)
        // 8gaussians spelt with pick has the built-in's centres bit for bit.
        let c = "2*sqrt(0.5)"
        let eight = try PluginDefinition(kind: .dataset, name: "eight", expressions: [
            ("k", "choice(8)"), ("x", "(pick(k, 2, -2, 0, 0, \(c), \(c), -\(c), -\(c)) + 0.02*normal())/1.414"),
            ("y", "(pick(k, 0, 0, 2, -2, \(c), -\(c), \(c), -\(c)) + 0.02*normal())/1.414")],
            parameters: [], modes: try ModeDeclaration(text: "k: 0.01414"), origin: "test")
        let eightLayout = try XCTUnwrap(try DefinedData(eight, try ParameterValues(eight.spec)).modes)
        XCTAssertEqual(eightLayout.centres, try XCTUnwrap(try EightGaussians.make().modes).centres)
    }

    /// What a modes declaration may say, and what it may not.
    func testModeDeclarationsAreChecked() throws {
        func refusal(_ modes: String, _ expressions: [(role: String, text: String)]) -> String? {
            do {
                _ = try PluginDefinition(kind: .dataset, name: "m", expressions: expressions, parameters: [],
                                         modes: try ModeDeclaration(text: modes), origin: "test")
                return nil
            } catch let error as DefinitionError {
                return error.description
            } catch {
                return "\(error)"
            }
        }
        let ring = [(role: "k", text: "choice(4)"), (role: "x", text: "k + 0.1*normal()")]
        XCTAssertNil(refusal("k: 0.1", ring))
        XCTAssertEqual(refusal("t: 0.1", ring), "modes=, column 1: t is not a named choice(K) draw of m")
        XCTAssertEqual(refusal("k: 0.1", ring + [(role: "y", text: "uniform()")]),
                       "modes=, column 1: y draws more than k and normal noise, so its modes are not Gaussians around centres")
        XCTAssertEqual(refusal("k 0.1", ring), "column 1: modes are declared as DRAW: DEVIATION (modes=\"k: 0.01\"): the choice draw and the spread of each mode")
        XCTAssertEqual(refusal("k: -1", ring), "column 4: the deviation '-1' is not a positive number")
        XCTAssertThrowsError(try PluginDefinition(kind: .metric, name: "m", expressions: [("value", "mean(xg)")], parameters: [],
                                                  modes: try ModeDeclaration(text: "k: 1"), origin: "test"))
    }

    // MARK: Metrics

    /// Matrices, rows, columns, nearest neighbours and steps on samples whose answers are known.
    func testMetricFunctionsOnKnownSamples() throws {
        let x = try Tensor([0, 0, 3, 4], shape: [2, 2]), xg = try Tensor([0, 1, 6, 8], shape: [2, 2])
        let measured = try metric([
            ("value", "mean(rownorm(xg))"), ("sums", "sum(rowsum(x))"), ("column", "mean(col(xg, 1)) - mean(col(x, 0))"),
            ("near", "mean(nearest(xg, x))"), ("within", "mean(step(2 - nearest(xg, x)))"), ("trig", "cos(pi) + sin(pi/2) + mean(x)"),
            ("scores", "mean(sigmoid(fake)) + mean(real)"),
        ]).measure(MetricInput(real: x, generated: xg, modes: nil, stream: RandomStream(seed: 1, name: "m"),
                               critic: { try $0.sum(axis: 1, keepingDimension: true) }))
        XCTAssertEqual(measured.value("value"), 5.5)
        XCTAssertEqual(measured.value("sums"), 7)
        XCTAssertEqual(measured.value("column"), 3)
        XCTAssertEqual(measured.value("near"), 3)
        XCTAssertEqual(measured.value("within"), 0.5)
        XCTAssertEqual(measured.value("trig"), 1.75)
        let sigmoidOne: Double = 1 / (1 + exp(-1.0)), sigmoidFourteen: Double = 1 / (1 + exp(-14.0))
        let expected: Double = (sigmoidOne + sigmoidFourteen) / 2 + 3.5
        XCTAssertEqual(try XCTUnwrap(measured.value("scores")), expected, accuracy: 1e-6)
        XCTAssertEqual(measured.values.map(\.name), ["value", "sums", "column", "near", "within", "trig", "scores"])
        // D's outputs cannot be read where D does not score single samples.
        XCTAssertThrowsError(try metric([("value", "mean(fake)")]).measure(
            MetricInput(real: x, generated: xg, modes: nil, stream: RandomStream(seed: 1, name: "m")))) {
            XCTAssertEqual("\($0)", "test-metric: D does not score single samples here (packing is on: it sees several at once), so real and fake are unknown")
        }
        XCTAssertThrowsError(try metric([("value", "mean(col(x, 2))")]).measure(
            MetricInput(real: x, generated: xg, modes: nil, stream: RandomStream(seed: 1, name: "m")))) {
            XCTAssertEqual("\($0)", "test-metric: value: col(…, 2) reads column 2, but the samples have 2 coordinates (columns count from 0)")
        }
    }

    /// The critic metric's mean scores and accuracy, spelt as expressions, on the same samples: equal up to
    /// the engine's Float means against the built-in's Double sums.
    func testCriticValuesSpeltAsAMetricAgreeWithTheBuiltIn() throws {
        let session = try Session(seed: 4)
        try session.setModel(.generator, MLPModel.make([("hidden", "16")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "16")]))
        try session.setBatchSize(32)
        try session.train(iterations: 20)
        let stream = RandomStream(seed: 9, name: "same samples")
        // D itself, and a critic that scores by the first coordinate (which tells some samples apart, so
        // that the accuracy is more than a constant).
        let firstCoordinate: (Tensor) throws -> Tensor = { try $0.slice(axis: 1, 0..<1) }
        let real = session.dataset.sample(1000, using: stream), generated = try session.generate(1000, using: stream)
        for critic in [session.discriminatorScores, firstCoordinate] {
            let input = MetricInput(real: real, generated: generated, modes: nil, stream: stream, critic: critic)
            let builtIn = try CriticMetric(try ParameterValues(CriticMetric.spec)).measure(input)
            let spelt = try metric([("value", "mean(real)"), ("fake_mean", "mean(fake)"),
                                    ("accuracy", "(mean(step(real)) + mean(step(-fake)))/2"), ("wasserstein", "mean(real) - mean(fake)")])
                .measure(input)
            var lines: [String] = []
            for (mine, theirs) in [("value", "real"), ("fake_mean", "fake"), ("accuracy", "accuracy"), ("wasserstein", "wasserstein")] {
                let a = try XCTUnwrap(spelt.value(mine)), b = try XCTUnwrap(builtIn.value(theirs))
                lines.append("critic.\(theirs) \(b) vs \(a): |Δ| = \(abs(a - b))")
                XCTAssertEqual(a, b, accuracy: 1e-6 * max(1, abs(b)), theirs)
            }
            print(lines.joined(separator: "\n"))
            // A count over n: the Float nearest the built-in's Double.
            XCTAssertEqual(spelt.value("accuracy").map(Float.init), builtIn.value("accuracy").map(Float.init))
        }
        // Control: the same expression on other samples is another number.
        let other = RandomStream(seed: 10, name: "other samples")
        let moved = try metric([("value", "mean(real)")]).measure(MetricInput(
            real: session.dataset.sample(1000, using: other), generated: generated, modes: nil, stream: other,
            critic: session.discriminatorScores))
        let original = try CriticMetric(try ParameterValues(CriticMetric.spec)).measure(MetricInput(
            real: real, generated: generated, modes: nil, stream: stream, critic: session.discriminatorScores))
        XCTAssertGreaterThan(abs(try XCTUnwrap(moved.value("value")) - original.value("real")!), 1e-6)
    }

    /// Each defined metric draws its samples from a stream of its own name, as each built-in does: two
    /// metrics that differ only in name measure different samples.
    func testEachDefinedMetricHasAStreamOfItsOwnName() throws {
        let session = try Session(seed: 4)
        func defined(_ name: String) throws -> DefinedMetric {
            let made = try definition(.metric, name, [("value", "mean(col(x, 0))")], [("n", "50")])
            return try DefinedMetric(made, try ParameterValues(made.spec))
        }
        let a = try session.measure(try defined("first-metric")), again = try session.measure(try defined("first-metric"))
        let b = try session.measure(try defined("second-metric"))
        XCTAssertEqual(a.value("value"), again.value("value"))
        XCTAssertNotEqual(a.value("value"), b.value("value"))
        XCTAssertEqual(a.metric, "first-metric")
    }

    // MARK: Families

    /// A loss that declares itself cross-entropy records the JS estimate the built-in records, bit for bit;
    /// one that declares Wasserstein the W estimate; one that declares nothing neither.
    func testADeclaredFamilyRecordsTheBuiltInsEstimates() throws {
        func trained(_ loss: any Loss) throws -> Session {
            let session = try Session(seed: 3)
            try session.setModel(.generator, MLPModel.make([("hidden", "16")]))
            try session.setModel(.discriminator, MLPModel.make([("hidden", "16")]))
            try session.setBatchSize(32)
            try session.setLoss(loss)
            try session.train(iterations: 10)
            return session
        }
        func defined(_ family: LossFamily, _ d: String, _ g: String) throws -> any Loss {
            let made = try definition(.loss, "family-\(family.rawValue)", [("d", d), ("g", g)], family: family)
            return try DefinedLoss(made, try ParameterValues(made.spec))
        }
        let ce = "mean(softplus(-real)) + mean(softplus(fake))"
        let nonsaturating = try trained(try NonSaturatingLoss(try ParameterValues(NonSaturatingLoss.spec)))
        let crossEntropy = try trained(try defined(.crossEntropy, ce, "mean(softplus(-fake))"))
        XCTAssertTrue(zip(nonsaturating.history.rows, crossEntropy.history.rows).allSatisfy { $0.isReproduction(of: $1) })
        XCTAssertTrue(crossEntropy.history.rows.allSatisfy { $0.jsEstimate.isFinite && $0.wassersteinEstimate.isNaN })
        let wgan = try trained(try WGANLoss(try ParameterValues(WGANLoss.spec)))
        let wasserstein = try trained(try defined(.wasserstein, "mean(fake) - mean(real)", "-mean(fake)"))
        XCTAssertTrue(wasserstein.history.rows.allSatisfy { $0.wassersteinEstimate.isFinite && $0.jsEstimate.isNaN })
        XCTAssertEqual(wgan.history.rows.first?.wassersteinEstimate.isFinite, true)
        // Control: the same cross-entropy with no family records no estimate.
        let plain = try trained(try defined(.other, ce, "mean(softplus(-fake))"))
        XCTAssertTrue(plain.history.rows.allSatisfy { $0.jsEstimate.isNaN && $0.wassersteinEstimate.isNaN })
        // Label smoothing needs a loss that reads its targets, which no expression does.
        XCTAssertFalse(try defined(.crossEntropy, ce, "mean(softplus(-fake))").readsLabelTargets)
        XCTAssertTrue(try NonSaturatingLoss(try ParameterValues(NonSaturatingLoss.spec)).readsLabelTargets)
    }
}
