import XCTest
import Foundation
import Autodiff
import NeuralNet
@testable import Workbench

/// Loss values and gradients against numbers computed by hand on tiny inputs.
final class LossTests: XCTestCase {
    let real = try! Tensor([2, -1], shape: [2, 1])
    let fake = try! Tensor([0.5, -3], shape: [2, 1])

    func make<L: Loss>(_ type: L.Type, _ assignments: [(String, String)] = []) throws -> L {
        try L(try ParameterValues(L.spec, assignments: assignments))
    }

    func input(_ realScores: Tensor, _ fakeScores: Tensor, target: Float = 1) -> DiscriminatorLossInput {
        DiscriminatorLossInput(realScores: realScores, fakeScores: fakeScores, real: realScores, fake: fakeScores,
                               critic: { $0 }, stream: RandomStream(seed: 1, name: "loss"), realTarget: target)
    }

    func softplus(_ x: Double) -> Double { log1p(exp(x)) }

    func testCrossEntropyLossesMatchTheirFormulas() throws {
        let expectedD = (softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2
        for loss in [try make(MinimaxLoss.self) as any Loss, try make(NonSaturatingLoss.self)] {
            XCTAssertEqual(Double(try loss.discriminatorLoss(input(real, fake)).scalar!), expectedD, accuracy: 1e-6)
        }
        XCTAssertEqual(Double(try make(MinimaxLoss.self).generatorLoss(fakeScores: fake).scalar!),
                       -(softplus(0.5) + softplus(-3)) / 2, accuracy: 1e-6)
        XCTAssertEqual(Double(try make(NonSaturatingLoss.self).generatorLoss(fakeScores: fake).scalar!),
                       (softplus(-0.5) + softplus(3)) / 2, accuracy: 1e-6)
        // Label smoothing: α·softplus(−D(x)) + (1 − α)·softplus(D(x)) on reals.
        let smoothed = (0.9 * (softplus(-2) + softplus(1)) + 0.1 * (softplus(2) + softplus(-1))) / 2
            + (softplus(0.5) + softplus(-3)) / 2
        XCTAssertEqual(Double(try make(NonSaturatingLoss.self).discriminatorLoss(input(real, fake, target: 0.9)).scalar!),
                       smoothed, accuracy: 1e-6)
    }

    func testGradientsOfTheGeneratorLossesShowSaturation() throws {
        // d/ds of G's loss at a confidently rejected fake (s = −8): minimax −σ(s) ≈ −3.4e-4, non-saturating
        // σ(s) − 1 ≈ −1.
        let s = try Tensor([-8], shape: [1, 1]).requiringGradient()
        let minimax = try gradients(of: try make(MinimaxLoss.self).generatorLoss(fakeScores: s), wrt: [s])[0].scalar!
        let nonsaturating = try gradients(of: try make(NonSaturatingLoss.self).generatorLoss(fakeScores: s), wrt: [s])[0].scalar!
        XCTAssertEqual(Double(minimax), -1 / (1 + exp(8.0)), accuracy: 1e-9)
        XCTAssertEqual(Double(nonsaturating), 1 / (1 + exp(8.0)) - 1, accuracy: 1e-6)
    }

    func testWassersteinLeastSquaresAndHingeMatchTheirFormulas() throws {
        XCTAssertEqual(try make(WGANLoss.self).discriminatorLoss(input(real, fake)).scalar!, (-2.5 / 2) - 0.5)
        XCTAssertEqual(try make(WGANLoss.self).generatorLoss(fakeScores: fake).scalar!, 1.25)
        let leastSquares: Float = 0.5 * 5 / 2 + 0.5 * 9.25 / 2
        XCTAssertEqual(try make(LeastSquaresLoss.self).discriminatorLoss(input(real, fake)).scalar!, leastSquares)
        XCTAssertEqual(try make(LeastSquaresLoss.self).generatorLoss(fakeScores: fake).scalar!, 0.5 * (0.25 + 16) / 2)
        XCTAssertEqual(try make(HingeLoss.self).discriminatorLoss(input(real, fake)).scalar!, (0 + 2) / 2 + (1.5 + 0) / 2)
        XCTAssertEqual(try make(HingeLoss.self).generatorLoss(fakeScores: fake).scalar!, 1.25)
    }

    func testWGANGradientPenaltyOfALinearCriticIsExact() throws {
        // D(x) = w·x has ‖∇ₓD‖ = ‖w‖ everywhere: the penalty is λ(‖w‖ − 1)², whatever the interpolation.
        let w = try Tensor([3, 4], shape: [2, 1])
        let points = try Tensor(rows: [[1, 2], [0, -1]]), others = try Tensor(rows: [[5, 5], [-2, 0]])
        let critic: (Tensor) throws -> Tensor = { try $0.matmul(w) }
        let lossInput = DiscriminatorLossInput(
            realScores: try critic(points), fakeScores: try critic(others), real: points, fake: others,
            critic: critic, stream: RandomStream(seed: 1, name: "loss"))
        let wgan = try critic(others).mean().scalar! - (try critic(points)).mean().scalar!
        XCTAssertEqual(try make(WGANGPLoss.self, [("lambda", "10")]).discriminatorLoss(lossInput).scalar!, wgan + 10 * 16,
                       accuracy: 1e-3)
        XCTAssertEqual(try make(WGANGPLoss.self, [("lambda", "2"), ("one_sided", "true")]).discriminatorLoss(lossInput).scalar!,
                       wgan + 2 * 16, accuracy: 1e-3)
        // R1 on the same critic: γ/2·‖w‖² = 25 with γ = 2.
        XCTAssertEqual(try make(HingeLoss.self, [("r1", "2")]).discriminatorLoss(lossInput).scalar!,
                       try make(HingeLoss.self).discriminatorLoss(lossInput).scalar! + 25, accuracy: 1e-4)
    }

    func testWGANClipsEveryCriticWeightAfterEachCriticUpdate() throws {
        let session = try Session(seed: 2)
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8")]))
        try session.setBatchSize(16)
        try session.setLoss(try make(WGANLoss.self, [("clip", "0.01"), ("critic_steps", "3")]))
        let largest = session.discriminator.parameters.flatMap { $0.value.scalars.map(abs) }.max()!
        XCTAssertGreaterThan(largest, 0.01, "weights start outside the box")
        try session.train(iterations: 2)
        for parameter in session.discriminator.parameters {
            XCTAssertTrue(parameter.value.scalars.allSatisfy { abs($0) <= 0.01 })
            XCTAssertTrue(parameter.value.isVariable)
        }
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0]), 6)
        let warm = try make(WGANLoss.self, [("warmup", "true")])
        XCTAssertEqual([0, 24, 25, 499, 500, 1000].map(warm.criticSteps(atIteration:)), [100, 100, 5, 5, 100, 100])
    }

    func testConsensusRefusesExactlyTheLossesWhosePenaltiesDifferentiateDTwice() throws {
        // Asked of the loss's gradient penalties, not its name: wgan-gp with λ = 0 has none.
        let session = try Session(seed: 2)
        let consensus = try ParameterValues(ConsensusTrick.spec)
        let cases: [(any Loss.Type, [(String, String)], Bool)] = [
            (WGANGPLoss.self, [], true), (WGANGPLoss.self, [("lambda", "0")], false),
            (HingeLoss.self, [("r1", "1")], true), (HingeLoss.self, [], false),
        ]
        for (type, assignments, refused) in cases {
            try session.setLoss(try type.init(try ParameterValues(type.spec, assignments: assignments)))
            if refused {
                XCTAssertThrowsError(try ConsensusTrick(consensus, environment: session.trickEnvironment), "\(type.spec.name) \(assignments)")
            } else {
                XCTAssertNoThrow(try ConsensusTrick(consensus, environment: session.trickEnvironment), "\(type.spec.name) \(assignments)")
            }
        }
    }

    func testSpecsAreValidatedWithHelpfulMessages() {
        XCTAssertThrowsError(try make(WGANGPLoss.self, [("lamda", "1")])) {
            XCTAssertEqual("\($0)", "unknown parameter 'lamda' for loss wgan-gp; did you mean 'lambda'?")
        }
        XCTAssertThrowsError(try make(WGANLoss.self, [("clip", "-1")])) {
            XCTAssertEqual("\($0)", "loss wgan: clip=-1 is out of range; expected real in [1e-06, 1000]")
        }
        XCTAssertThrowsError(try make(WGANLoss.self, [("critic_steps", "x")])) {
            XCTAssertEqual("\($0)", "loss wgan: critic_steps=x is not valid; expected integer in [1, 1000]")
        }
        XCTAssertTrue(Plugins.losses.named("saturating")?.implementation == MinimaxLoss.self)
    }

    /// Every registered loss, whatever it is: it builds from its defaults, gives finite losses on a tiny
    /// batch, is found by each of its names, and plays the Dirac-GAN when it declares a form for it.
    func testEveryRegisteredLossBuildsComputesAndIsFoundByItsNames() throws {
        XCTAssertFalse(Plugins.losses.all.isEmpty)
        for type in Plugins.losses.all {
            let name = type.spec.name
            let loss = try type.make(try ParameterValues(type.spec))
            XCTAssertTrue(try loss.discriminatorLoss(input(real, fake)).scalar!.isFinite, name)
            XCTAssertTrue(try loss.generatorLoss(fakeScores: fake).scalar!.isFinite, name)
            XCTAssertGreaterThanOrEqual(loss.criticSteps(atIteration: 0), 1, name)
            for alias in [name.uppercased()] + type.spec.aliases {
                XCTAssertEqual(Plugins.losses.named(alias)?.spec.name, name, "\(alias) → \(name)")
            }
            XCTAssertEqual(Plugins.spec(.loss, named: name)?.name, name)
            guard type.diracForm != nil else { continue }
            var game = ToyGame(try DiracGame(try ParameterValues(DiracGame.spec, assignments: [("loss", name)])))
            let stream = RandomStream(seed: 1, name: "game")
            for _ in 0..<3 { _ = try game.step(using: stream) }
            XCTAssertTrue(game.rows.allSatisfy { $0.radius.isFinite && $0.firstLoss.isFinite && $0.secondLoss.isFinite }, name)
        }
    }
}
