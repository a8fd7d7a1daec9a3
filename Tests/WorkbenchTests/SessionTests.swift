import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

final class SessionTests: XCTestCase {
    func smallSession(seed: UInt64 = 3) throws -> Session {
        let session = try Session(seed: seed)
        try session.setModel(.generator, MLPModel.make([("hidden", "16,16")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "16,16")]))
        try session.setBatchSize(32)
        return session
    }

    func testTheDefaultSessionIsTheDocumentedGAN() throws {
        let session = try Session()
        XCTAssertEqual(session.dataset.canonicalText.hasPrefix("ring8"), true)
        XCTAssertEqual(session.noise.canonicalText, "normal dim=2")
        XCTAssertEqual(session.generator.describeLayers(), [
            "0  Linear(2 → 128, init pytorch)", "1  ReLU", "2  Linear(128 → 128, init pytorch)", "3  ReLU",
            "4  Linear(128 → 2, init pytorch)",
        ])
        XCTAssertEqual(session.discriminator.outputWidth(forInputWidth: 2), 1)
        XCTAssertEqual(session.loss.canonicalText, "nonsaturating critic_steps=1 r1=0")
        XCTAssertEqual(session.optimizer(.generator).summary, "Adam(lr 0.0001, betas 0.5 0.999, eps 1e-08, weight decay 0.0)")
        XCTAssertEqual(session.batchSize, 128)
    }

    func testTrainingRecordsOneRowPerIterationAndIsBitwiseReproducible() throws {
        let a = try smallSession(), b = try smallSession()
        try a.train(iterations: 5)
        try b.train(iterations: 3)
        try b.train(iterations: 2)
        XCTAssertEqual(a.iteration, 5)
        XCTAssertEqual(a.history.rows.map(\.iteration), [1, 2, 3, 4, 5])
        for (x, y) in zip(a.history.rows, b.history.rows) { XCTAssertTrue(x.isReproduction(of: y)) }
        for (p, q) in zip(a.generator.parameters, b.generator.parameters) { XCTAssertTrue(p.value.isBitwiseEqual(to: q.value)) }
        let row = a.history.rows[4]
        XCTAssertTrue(row.jsEstimate.isFinite && row.wassersteinEstimate.isNaN)
        XCTAssertGreaterThan(row.generatorGradientNorm, 0)
    }

    func testSwitchingTheLossKeepsWeightsOptimizerMemoryAndTheBatches() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let weights = session.discriminator.parameters.map(\.value)
        let memory = session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0])
        try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec, assignments: [("critic_steps", "1")])))
        for (p, w) in zip(session.discriminator.parameters, weights) { XCTAssertTrue(p.value.isBitwiseEqual(to: w)) }
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0]), memory)
        // The data and noise streams advance exactly as they would have under the old loss.
        let before = session.streams.positions
        try session.train(iterations: 1)
        let reference = try smallSession()
        try reference.train(iterations: 3)
        let positions = Dictionary(uniqueKeysWithValues: session.streams.positions.map { ($0.name, $0.position) })
        let expected = Dictionary(uniqueKeysWithValues: reference.streams.positions.map { ($0.name, $0.position) })
        XCTAssertEqual(positions["data"], expected["data"])
        XCTAssertEqual(positions["noise"], expected["noise"])
        XCTAssertNotEqual(before.first { $0.name == "data" }?.position, positions["data"])
        XCTAssertTrue(session.history.rows.last!.wassersteinEstimate.isFinite)
    }

    func testANonFiniteNumberStopsTrainingAndKeepsTheLastGoodState() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let kept = session.generator.parameters.map(\.value)
        let positions = session.streams.positions
        // An absurd learning rate overflows the weights on the next update.
        try session.setOptimizer(.generator, try SGDRule.make([("lr", "100")]))
        try session.setOptimizer(.discriminator, try SGDRule.make([("lr", "100")]))
        var caught: TrainingError?
        do { try session.train(iterations: 50) } catch let error as TrainingError { caught = error }
        let error = try XCTUnwrap(caught)
        XCTAssertEqual(session.iteration, error.iteration - 1)
        XCTAssertEqual(session.history.rows.count, error.iteration - 1)
        XCTAssertTrue(error.description.hasPrefix("training stopped at iteration \(error.iteration) ("), error.description)
        XCTAssertTrue(error.description.hasSuffix("the session is as it was after iteration \(error.iteration - 1)"))
        XCTAssertTrue(session.generator.parameters.allSatisfy { $0.value.squaredNorm().isFinite })
        if error.iteration == 3 {
            for (p, w) in zip(session.generator.parameters, kept) { XCTAssertTrue(p.value.isBitwiseEqual(to: w)) }
            XCTAssertEqual(session.streams.positions.map(\.position), positions.map(\.position))
        }
    }

    func testSnapshotsRestoreTheWholeSessionAndReplayExactly() throws {
        let session = try smallSession()
        try session.train(iterations: 3)
        session.saveSnapshot("three")
        try session.train(iterations: 4)
        let afterSeven = session.history.rows
        let weightsAfterSeven = session.generator.parameters.map(\.value)
        try session.restoreSnapshot("three")
        XCTAssertEqual(session.iteration, 3)
        try session.train(iterations: 4)
        for (x, y) in zip(session.history.rows, afterSeven) { XCTAssertTrue(x.isReproduction(of: y)) }
        for (p, w) in zip(session.generator.parameters, weightsAfterSeven) { XCTAssertTrue(p.value.isBitwiseEqual(to: w)) }
        try session.restoreSnapshot("three")  // still there, still at 3
        XCTAssertEqual(session.iteration, 3)
        XCTAssertThrowsError(try session.restoreSnapshot("tree")) {
            XCTAssertEqual("\($0)", "no snapshot named 'tree'; did you mean 'three'?")
        }
    }

    func testInterruptionStopsAtAnIterationBoundary() throws {
        let session = try smallSession()
        let report = try session.train(iterations: 10, shouldStop: { session.iteration >= 4 })
        XCTAssertEqual(report, TrainingReport(iterationsRun: 4, interrupted: true))
        XCTAssertEqual(session.iteration, 4)
    }

    /// Ctrl-C is polled before every update, not only between iterations: an iteration cut short is undone
    /// (weights, optimizer memory, streams, history), so training on gives the same numbers, bit for bit, as
    /// if it had never started.
    func testInterruptionBetweenUpdatesUndoesTheIterationAndTrainingOnIsExact() throws {
        func wganSession() throws -> Session {
            let session = try smallSession()
            try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec, assignments: [("critic_steps", "3")])))
            return session
        }
        let reference = try wganSession()
        try reference.train(iterations: 5)
        // Polls of iteration 3: before it (1), before critic updates 2 and 3 (2, 3), before G's update (4).
        for (stopAt, progress) in [(2, "after 1 of its 3 critic updates"), (3, "after 2 of its 3 critic updates"),
                                   (4, "before its generator update")] {
            let session = try wganSession()
            try session.train(iterations: 2)
            let weights = (session.generator.parameters + session.discriminator.parameters).map(\.value)
            let positions = session.streams.positions
            let steps = session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0])
            var polls = 0
            let report = try session.train(iterations: 3, shouldStop: { polls += 1; return polls == stopAt })
            XCTAssertEqual(report, TrainingReport(iterationsRun: 0, interrupted: true, undoneIteration: progress))
            XCTAssertEqual(session.iteration, 2)
            XCTAssertEqual(session.history.rows.count, 2)
            for (p, w) in zip(session.generator.parameters + session.discriminator.parameters, weights) {
                XCTAssertTrue(p.value.isBitwiseEqual(to: w), "stopped \(progress): a weight kept the undone update")
            }
            XCTAssertEqual(session.streams.positions.map(\.position), positions.map(\.position))
            XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0]), steps)
            try session.train(iterations: 3)
            for (x, y) in zip(session.history.rows, reference.history.rows) { XCTAssertTrue(x.isReproduction(of: y)) }
            for (p, q) in zip(session.generator.parameters + session.discriminator.parameters,
                              reference.generator.parameters + reference.discriminator.parameters) {
                XCTAssertTrue(p.value.isBitwiseEqual(to: q.value), "stopped \(progress): training on differs")
            }
        }
    }
}
