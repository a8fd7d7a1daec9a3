import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

/// The session's state as one value: snapshots are deep copies of it, and tricks change it only through
/// their environment.
final class SessionStateTests: XCTestCase {
    func smallSession(seed: UInt64 = 4) throws -> Session {
        let session = try Session(seed: seed)
        try session.setModel(.generator, MLPModel.make([("hidden", "8")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8")]))
        try session.setBatchSize(16)
        return session
    }

    func bits(_ network: Sequential) -> [[UInt32]] { network.parameters.map { $0.value.scalars.map(\.bitPattern) } }

    func testASnapshotSharesNoMutableObjectWithTheSession() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let snapshot = session.makeSnapshot().state
        XCTAssertFalse(snapshot.streams === session.streams)
        XCTAssertEqual(snapshot.streams.positions.map(\.position), session.streams.positions.map(\.position))
        for player in Player.allCases {
            let (copy, live) = (snapshot.players[player], session.players[player])
            XCTAssertFalse(copy.optimizer === live.optimizer)
            XCTAssertEqual(bits(copy.network), bits(live.network))
            for (a, b) in zip(copy.network.parameters, live.network.parameters) {
                XCTAssertFalse(a === b)
                // The memory followed the parameters onto the copies.
                XCTAssertEqual(copy.optimizer.stepCount(of: a), 2)
                XCTAssertEqual(live.optimizer.stepCount(of: b), 2)
            }
        }
        // Training on moves nothing of the snapshot.
        let positions = snapshot.streams.positions.map(\.position)
        let weights = bits(snapshot.players.generator.network)
        try session.train(iterations: 1)
        XCTAssertEqual(snapshot.streams.positions.map(\.position), positions)
        XCTAssertEqual(bits(snapshot.players.generator.network), weights)
        XCTAssertEqual(snapshot.players.generator.optimizer.stepCount(of: snapshot.players.generator.network.parameters[0]), 2)
    }

    func testRestoringASnapshotGivesBackEveryPartOfEachPlayer() throws {
        let session = try smallSession()
        try session.train(iterations: 1)
        session.saveSnapshot("before")
        let generatorWeights = bits(session.generator)
        try session.setModel(.discriminator, MLPModel.make([("hidden", "4")]))
        try session.setOptimizer(.generator, SGDRule.make([("lr", "0.5")]))
        session.freeze(.generator)
        try session.train(iterations: 1)
        try session.restoreSnapshot("before")
        XCTAssertEqual(session.model(.discriminator).canonicalText, try MLPModel.make([("hidden", "8")]).canonicalText)
        XCTAssertTrue(session.rule(.generator) is AdamRule)
        XCTAssertFalse(session.isFrozen(.generator))
        XCTAssertEqual(bits(session.generator), generatorWeights)
        XCTAssertEqual(session.optimizer(.generator).stepCount(of: session.generator.parameters[0]), 1)
        XCTAssertEqual(session.iteration, 1)
        // The same training continues the same way from the restored state.
        let reference = try smallSession()
        try reference.train(iterations: 2)
        try session.train(iterations: 1)
        XCTAssertEqual(bits(session.generator), bits(reference.generator))
        XCTAssertEqual(bits(session.discriminator), bits(reference.discriminator))
    }

    /// Training appends to the history held in the state in place: a copy per row would make long runs
    /// quadratic. Seen as the rows' storage staying where it is while it has room.
    func testTrainingAppendsToTheHistoryInPlace() throws {
        let session = try smallSession()
        func storage() -> UnsafeRawPointer? { session.history.rows.withUnsafeBufferPointer { $0.baseAddress.map(UnsafeRawPointer.init) } }
        repeat { try session.train(iterations: 1) } while session.history.rows.capacity == session.history.rows.count
        let (before, room) = (storage(), session.history.rows.capacity - session.history.rows.count)
        try session.train(iterations: room)
        XCTAssertEqual(storage(), before)
    }

    /// An iteration stopped after its D update is undone whole, the tricks' own state included: training
    /// on continues exactly as if it had never started.
    func testAnUndoneIterationGivesBackTheWholeState() throws {
        func session() throws -> Session {
            let made = try smallSession()
            made.addHook(try HistoricalAveraging(ParameterValues(HistoricalAveraging.spec, assignments: [("players", "both")]),
                                                 environment: made.trickEnvironment))
            return made
        }
        let (stopped, reference) = (try session(), try session())
        var polls = 0
        let report = try stopped.train(iterations: 1, shouldStop: { polls += 1; return polls >= 2 })
        XCTAssertEqual(report.undoneIteration, "before its generator update")
        XCTAssertEqual(stopped.iteration, 0)
        XCTAssertTrue((stopped.hooks[0] as! HistoricalAveraging).averages.isEmpty)
        try stopped.train(iterations: 2)
        try reference.train(iterations: 2)
        XCTAssertEqual(bits(stopped.generator), bits(reference.generator))
        XCTAssertEqual(bits(stopped.discriminator), bits(reference.discriminator))
    }

    func testATricksViewDrawsFromTheTricksOwnStreamOnly() throws {
        let session = try smallSession()
        let view = session.trickEnvironment.session
        XCTAssertTrue(view.stream(of: "example") === session.stream("trick.example"))
        XCTAssertFalse(view.stream(of: "data") === session.stream("data"))
    }

    func testSettingALearningRateKeepsTheRulesOtherSettingsAndItsMemory() throws {
        let session = try smallSession()
        try session.setOptimizer(.generator, AdamRule.make([("lr", "0.001"), ("beta1", "0.9")]))
        try session.train(iterations: 1)
        try session.trickEnvironment.setLearningRate(5e-4, of: .generator)
        XCTAssertEqual(session.rule(.generator).canonicalText, try AdamRule.make([("lr", "0.0005"), ("beta1", "0.9")]).canonicalText)
        XCTAssertEqual(session.optimizer(.generator).stepCount(of: session.generator.parameters[0]), 1)
    }

    func testForgettingOptimizerMemoryDropsOnlyThoseParametersOfThatPlayer() throws {
        let session = try smallSession()
        try session.train(iterations: 1)
        let (first, second) = (session.discriminator.parameters[0], session.discriminator.parameters[1])
        session.trickEnvironment.forgetOptimizerMemory(of: [first], .discriminator)
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: first), 0)
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: second), 1)
        XCTAssertEqual(session.optimizer(.generator).stepCount(of: session.generator.parameters[0]), 1)
    }

    /// Spectral norm wraps the Linears of a D rebuilt under it at the next D update, not at a G update.
    func testARebuiltNetworkIsRepairedAtTheNextUpdateOfItsPlayer() throws {
        let session = try smallSession()
        session.addHook(try SpectralNormTrick(ParameterValues(SpectralNormTrick.spec), environment: session.trickEnvironment))
        let wrapped = { session.discriminator.layers.filter { $0 is SpectralNormLinear }.count }
        XCTAssertEqual(wrapped(), 2)
        try session.setModel(.discriminator, MLPModel.make([("hidden", "6")]))
        XCTAssertEqual(wrapped(), 0)
        _ = try session.stepGenerator()
        XCTAssertEqual(wrapped(), 0)
        _ = try session.stepDiscriminator()
        XCTAssertEqual(wrapped(), 2)
    }

    /// VBN in G is put back before the G update that follows G's rebuild.
    func testVBNIsPutBackIntoARebuiltGeneratorBeforeItsUpdate() throws {
        let session = try smallSession()
        session.addHook(try VirtualBatchNormalization(ParameterValues(VirtualBatchNormalization.spec, assignments: [("reference", "4")]),
                                                  environment: session.trickEnvironment))
        let installed = { session.generator.layers.contains { $0 is VirtualBatchNormReference } }
        XCTAssertTrue(installed())
        try session.setModel(.generator, MLPModel.make([("hidden", "6")]))
        XCTAssertFalse(installed())
        _ = try session.stepGenerator()
        XCTAssertTrue(installed())
    }
}
