import XCTest
import Autodiff
@testable import Workbench

/// The toy games: one step against the vector fields written out by hand (so the engine's gradients,
/// second derivatives included, are checked), and whole runs against the published numbers.
final class ToyGameTests: XCTestCase {
    func game(_ type: any Game.Type, _ settings: [(String, String)] = []) throws -> ToyGame {
        ToyGame(try type.init(try ParameterValues(type.spec, assignments: settings)))
    }

    func play(_ game: inout ToyGame, _ steps: Int, seed: UInt64 = 1) throws {
        let stream = RandomStream(seed: seed, name: "game")
        for _ in 0..<steps { _ = try game.step(using: stream) }
    }

    func radius(_ game: ToyGame) -> Double { game.radius }

    // MARK: one step against hand-written vector fields

    static func sigmoid(_ t: Double) -> Double { 1 / (1 + exp(-t)) }

    /// (θ̇, ψ̇): the directions the players move in, written out from the objectives by hand.
    static func diracField(_ loss: String, _ theta: Double, _ psi: Double, r1: Double = 0, consensus: Double = 0)
        -> (Double, Double) {
        let s = sigmoid(-psi * theta)       // f'(ψθ) for f = log σ
        var v: (Double, Double)
        switch loss {
        case "minimax": v = (-psi * s, theta * s)
        case "nonsaturating": v = (-psi * sigmoid(psi * theta), theta * s)
        default: v = (-psi, theta)
        }
        v.1 -= r1 * psi
        if consensus > 0 {
            // ½‖v‖² = ½(θ² + ψ²)·f'(ψθ)², f'' = −σ(−t)σ(t).
            let f2 = -s * sigmoid(psi * theta)
            v.0 -= consensus * (theta * s * s + psi * (psi * psi + theta * theta) * s * f2)
            v.1 -= consensus * (psi * s * s + theta * (psi * psi + theta * theta) * s * f2)
        }
        return v
    }

    func testOneSimultaneousDiracStepFollowsTheHandWrittenVectorField() throws {
        for (loss, extra, r1, consensus) in [("minimax", [(String, String)](), 0.0, 0.0), ("nonsaturating", [], 0, 0),
                                            ("wgan", [("clip", "10")], 0, 0), ("minimax", [("r1", "0.3")], 0.3, 0),
                                            ("minimax", [("consensus", "1")], 0, 1)] {
            var g = try game(DiracGame.self, [("loss", loss), ("theta", "0.8"), ("psi", "-0.6")] + extra)
            try play(&g, 1)
            let v = Self.diracField(loss, 0.8, -0.6, r1: r1, consensus: consensus)
            XCTAssertEqual(Double(g.first), 0.8 + 0.2 * v.0, accuracy: 2e-6, "\(loss) \(extra)")
            XCTAssertEqual(Double(g.second), -0.6 + 0.2 * v.1, accuracy: 2e-6, "\(loss) \(extra)")
        }
    }

    func testTheWGANGPPenaltyPullsTheSlopeTowardsOne() throws {
        // D minimises −ψθ + λ(|ψ| − 1)², so ψ̇ = θ − 2λ(|ψ| − 1)·sign ψ.
        var g = try game(DiracGame.self, [("loss", "wgan-gp"), ("lambda", "2"), ("theta", "0.5"), ("psi", "-3")])
        try play(&g, 1)
        XCTAssertEqual(Double(g.second), -3 + 0.2 * (0.5 - 2 * 2 * (3 - 1) * -1), accuracy: 1e-5)
        XCTAssertEqual(Double(g.first), 0.5 + 0.2 * 3, accuracy: 1e-6)
    }

    func testAlternatingStepsMoveTheFirstPlayerFirst() throws {
        var g = try game(XYGame.self, [("update", "alternating"), ("x", "2"), ("y", "3")])
        try play(&g, 1)
        let x = 2 - 0.1 * 3.0
        XCTAssertEqual(Double(g.first), x, accuracy: 1e-6)
        XCTAssertEqual(Double(g.second), 3 + 0.1 * x, accuracy: 1e-6)
    }

    func testAnExtragradientStepUsesTheGradientsOfTheExtrapolatedPoint() throws {
        var g = try game(XYGame.self, [("update", "extragradient"), ("x", "2"), ("y", "3")])
        try play(&g, 1)
        // Trial point (x − ηy, y + ηx); the step from (x, y) with the field there.
        let (xt, yt) = (2 - 0.1 * 3.0, 3 + 0.1 * 2.0)
        XCTAssertEqual(Double(g.first), 2 - 0.1 * yt, accuracy: 1e-6)
        XCTAssertEqual(Double(g.second), 3 + 0.1 * xt, accuracy: 1e-6)
        var d = try game(DiracGame.self, [("update", "extragradient"), ("theta", "0.8"), ("psi", "-0.6")])
        try play(&d, 1)
        let v = Self.diracField("minimax", 0.8, -0.6)
        let w = Self.diracField("minimax", 0.8 + 0.2 * v.0, -0.6 + 0.2 * v.1)
        XCTAssertEqual(Double(d.first), 0.8 + 0.2 * w.0, accuracy: 2e-6)
        XCTAssertEqual(Double(d.second), -0.6 + 0.2 * w.1, accuracy: 2e-6)
    }

    func testExtragradientContractsTheBilinearGameAtTheAnalyticRate() throws {
        var g = try game(XYGame.self, [("update", "extragradient")])
        try play(&g, 1000)
        XCTAssertEqual(g.radius, 2.0.squareRoot() * pow(1 - 0.01 + 0.0001, 500), accuracy: 1e-7)
    }

    func testAnUnrolledStepDifferentiatesThroughTheUnrolling() throws {
        // y_K = y + Kηx, so x's gradient of x·y_K is y + 2Kηx; y steps as usual.
        for k in [1, 3] {
            var g = try game(XYGame.self, [("unroll", "\(k)"), ("x", "2"), ("y", "3")])
            try play(&g, 1)
            XCTAssertEqual(Double(g.first), 2 - 0.1 * (3 + 2 * Double(k) * 0.1 * 2), accuracy: 1e-6, "K \(k)")
            XCTAssertEqual(Double(g.second), 3 + 0.1 * 2, accuracy: 1e-6, "K \(k)")
        }
        // The Dirac-GAN, minimax, one unrolled step: ψ₁ = ψ + h·θ·σ(−ψθ), θ's loss log σ(ψ₁θ) + log 2 (up
        // to constants), differentiated in θ through ψ₁, checked against a central difference.
        func thetaLoss(_ theta: Double) -> Double {
            let psi1 = -0.6 + 0.2 * theta * Self.sigmoid(0.6 * theta)
            return log(Self.sigmoid(psi1 * theta))
        }
        let slope = (thetaLoss(0.8 + 1e-5) - thetaLoss(0.8 - 1e-5)) / 2e-5
        var d = try game(DiracGame.self, [("unroll", "1"), ("theta", "0.8"), ("psi", "-0.6")])
        try play(&d, 1)
        XCTAssertEqual(Double(d.first), 0.8 - 0.2 * slope, accuracy: 1e-5)
    }

    func testUnrollAndConsensusTogetherAreRefused() throws {
        XCTAssertThrowsError(try game(XYGame.self, [("unroll", "2"), ("consensus", "1")])) { error in
            XCTAssertTrue("\(error)".contains("unroll= and consensus= cannot be combined"), "\(error)")
        }
    }

    func testHistoricalAveragingPullsTowardsTheMeanOfPastValues() throws {
        var g = try game(XYGame.self, [("averaging", "0.5")])
        try play(&g, 2)
        // Step 1: the mean is the start itself, no pull. Step 2: p̄ = mean(start, after step 1).
        let x1 = 1 - 0.1 * 1.0, y1 = 1 + 0.1 * 1.0
        let x2 = x1 - 0.1 * (y1 + 2 * 0.5 * (x1 - (1 + x1) / 2))
        let y2 = y1 - 0.1 * (-x1 + 2 * 0.5 * (y1 - (1 + y1) / 2))
        XCTAssertEqual(Double(g.first), x2, accuracy: 1e-6)
        XCTAssertEqual(Double(g.second), y2, accuracy: 1e-6)
    }

    // MARK: the published numbers

    func testTheXYGameMatchesThePublishedTrajectory() throws {
        var simultaneous = try game(XYGame.self)
        try play(&simultaneous, 100)
        XCTAssertEqual(Double(simultaneous.first), -0.560, accuracy: 5e-4)
        XCTAssertEqual(Double(simultaneous.second), -2.257, accuracy: 5e-4)
        XCTAssertEqual(radius(simultaneous), 2.326, accuracy: 5e-4)
        // Exactly √(1 + η²) per step.
        XCTAssertEqual(radius(simultaneous), 2.0.squareRoot() * pow(1.01, 50), accuracy: 1e-4)
        var alternating = try game(XYGame.self, [("update", "alternating")])
        try play(&alternating, 100)
        XCTAssertEqual(radius(alternating), 1.39, accuracy: 0.01)
    }

    func testDiracGANRadiiAfter500StepsAreWithinFivePercentOfThePublishedTable() throws {
        let table: [([(String, String)], Double, Double)] = [
            ([("loss", "minimax")], 3.10, 1.42), ([("loss", "nonsaturating")], 0.64, 0.28),
            ([("loss", "wgan"), ("clip", "1")], 1.00, 1.02), ([("loss", "wgan-gp")], 1.80, 1.22),
        ]
        for (settings, simultaneous, alternating) in table {
            for (update, published) in [("simultaneous", simultaneous), ("alternating", alternating)] {
                var g = try game(DiracGame.self, settings + [("update", update)])
                try play(&g, 500)
                XCTAssertEqual(radius(g), published, accuracy: 0.05 * published, "\(settings) \(update)")
                XCTAssertGreaterThan(radius(g), 0.05, "\(settings) \(update) must not converge")
            }
        }
    }

    func testInstanceNoiseR1AndConsensusConverge() throws {
        for settings in [[("noise", "0.7")], [("r1", "0.3")], [("r1", "1")], [("consensus", "1")]] {
            for update in ["simultaneous", "alternating"] {
                for seed: UInt64 in [1, 2, 3] {
                    var g = try game(DiracGame.self, settings + [("update", update)])
                    try play(&g, 500, seed: seed)
                    XCTAssertLessThan(radius(g), settings[0].0 == "noise" ? 0.05 : 1e-4, "\(settings) \(update) seed \(seed)")
                }
            }
        }
    }

    // MARK: errors

    func testSettingsThatDoNotApplyAreRefused() throws {
        XCTAssertThrowsError(try game(DiracGame.self, [("clip", "0.5")])) { error in
            XCTAssertEqual("\(error)", "game dirac: clip= applies to loss=wgan only (this game has loss=minimax)")
        }
        XCTAssertThrowsError(try game(DiracGame.self, [("samples", "10")])) { error in
            XCTAssertEqual("\(error)", "game dirac: samples= applies only with noise= above 0")
        }
        XCTAssertThrowsError(try game(XYGame.self, [("noise", "1")]))
    }

    func testANonFiniteStepLeavesTheGameAsItWas() throws {
        var g = try game(XYGame.self, [("lr", "10"), ("x", "1e6"), ("y", "1e6")])
        let stream = RandomStream(seed: 1, name: "game")
        var failure: Error?
        for _ in 0..<40 {
            do { _ = try g.step(using: stream) } catch { failure = error; break }
        }
        let stopped = try XCTUnwrap(failure)
        XCTAssertTrue("\(stopped)".hasSuffix("inf at game step \(g.rows.count + 1); the game is left as it was before the step"), "\(stopped)")
        XCTAssertTrue(g.first.isFinite && g.second.isFinite)
    }

    func testTheSessionPlaysRecordsSnapshotsAndRestartsGames() throws {
        let session = try Session(seed: 4)
        session.setGame(try game(DiracGame.self, [("noise", "0.5")]))
        session.saveSnapshot("start")
        try session.playGame(steps: 30)
        let first = session.game!.rows
        try session.restoreSnapshot("start")
        try session.playGame(steps: 30)
        XCTAssertEqual(session.game!.rows, first)
        XCTAssertEqual(session.recordTable.columns, ["iteration", "theta", "psi", "radius", "theta_loss", "psi_loss"])
        XCTAssertEqual(session.recordSeries("radius")?.count, 30)
        XCTAssertEqual(session.configuration.game?.statedAssignments.first, "loss=minimax")
        try session.reseed(4)
        XCTAssertEqual(session.game?.rows.count, 0)
        XCTAssertEqual(session.iteration, 0)
        session.setGame(nil)
        XCTAssertEqual(session.recordTable.columns, History.columns)
    }
}
