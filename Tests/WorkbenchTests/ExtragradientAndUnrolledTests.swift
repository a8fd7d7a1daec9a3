import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

/// Extragradient and unrolled D on networks: what an iteration computes, that switched off they change
/// nothing, and the combinations they refuse.
final class ExtragradientAndUnrolledTests: XCTestCase {
    func smallSession(seed: UInt64 = 3) throws -> Session {
        let session = try Session(seed: seed)
        try session.setModel(.generator, MLPModel.make([("hidden", "8")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8")]))
        try session.setBatchSize(8)
        return session
    }

    @discardableResult
    func switchOn(_ type: any Trick.Type, _ assignments: [(String, String)] = [], in session: Session) throws -> any Trick {
        let trick = try type.init(try ParameterValues(type.spec, assignments: assignments), environment: session.trickEnvironment)
        session.removeHook(named: type.spec.name)
        session.addHook(trick)
        return trick
    }

    func weights(_ session: Session) -> [Tensor] {
        (session.generator.parameters + session.discriminator.parameters).map(\.value)
    }

    func assertBitwiseEqual(_ a: [Tensor], _ b: [Tensor], _ message: String = "", file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertTrue(x.isBitwiseEqual(to: y), message, file: file, line: line) }
    }

    func testAnExtragradientIterationIsTheSecondOfTwoOrdinaryOnesAppliedFromTheStart() throws {
        // The extrapolation is an ordinary iteration on the first batches; the update is the next ordinary
        // iteration's change, applied to the weights from before the extrapolation. Adam counts both.
        let plain = try smallSession()
        let start = weights(plain)
        try plain.train(iterations: 1)
        let trial = weights(plain)
        try plain.train(iterations: 1)
        let expected = try withoutGradients { try zip(start, zip(trial, weights(plain))).map { try $0 + ($1.1 - $1.0) } }
        let session = try smallSession()
        try switchOn(ExtragradientTrick.self, in: session)
        try session.train(iterations: 1)
        assertBitwiseEqual(weights(session), expected)
        XCTAssertEqual(session.iteration, 1)
        XCTAssertEqual(session.history.rows.count, 1)
        XCTAssertEqual(session.history.rows[0].discriminatorLoss, plain.history.rows[1].discriminatorLoss)
        XCTAssertEqual(session.history.rows[0].generatorLoss, plain.history.rows[1].generatorLoss)
        let first = session.discriminator.parameters[0]
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: first), 2)
        XCTAssertEqual(session.streams.positions.map(\.position), plain.streams.positions.map(\.position))
    }

    func testExtragradientProjectsTheClippedCriticAfterItsStep() throws {
        let session = try smallSession()
        try session.setLoss(try WGANLoss(try ParameterValues(WGANLoss.spec, assignments: [("clip", "0.05"), ("critic_steps", "1")])))
        try switchOn(ExtragradientTrick.self, in: session)
        try session.train(iterations: 3)
        let largest = session.discriminator.parameters.flatMap { $0.value.scalars.map(abs) }.max()!
        XCTAssertLessThanOrEqual(largest, 0.05)
    }

    func testEachTrickSwitchedOnAndOffChangesNothing() throws {
        let plain = try smallSession()
        try plain.train(iterations: 5)
        for type in [ExtragradientTrick.self, UnrolledGANTrick.self] as [any Trick.Type] {
            let session = try smallSession()
            try switchOn(type, in: session)
            session.removeHook(named: type.spec.name)
            try session.train(iterations: 5)
            assertBitwiseEqual(weights(session), weights(plain), type.spec.name)
            XCTAssertEqual(session.streams.positions.map(\.position), plain.streams.positions.map(\.position))
        }
    }

    func testExtragradientRefusesHalfStepsAndTricksThatAccumulate() throws {
        let session = try smallSession()
        try switchOn(HistoricalAveraging.self, in: session)
        XCTAssertThrowsError(try switchOn(ExtragradientTrick.self, in: session)) { error in
            XCTAssertTrue("\(error)".contains("trick historical-averaging keeps something from every update"), "\(error)")
        }
        session.removeHook(named: HistoricalAveraging.spec.name)
        try switchOn(ExtragradientTrick.self, in: session)
        // Switched on afterwards, the accumulating trick is refused when training starts.
        try switchOn(EMAGeneratorTrick.self, in: session)
        XCTAssertThrowsError(try session.train(iterations: 1)) { error in
            XCTAssertTrue("\(error)".contains("trick ema-generator keeps something"), "\(error)")
        }
        XCTAssertEqual(session.iteration, 0)
        session.removeHook(named: EMAGeneratorTrick.spec.name)
        for half in [session.stepDiscriminator, session.stepGenerator] {
            XCTAssertThrowsError(try half()) { error in
                XCTAssertTrue("\(error)".contains("step d and step g would take half of one"), "\(error)")
            }
        }
        try session.train(iterations: 1)
        XCTAssertEqual(session.iteration, 1)
    }

    func testUnrolledGANChangesOnlyTheGeneratorsUpdateAndDrawsFromItsOwnStream() throws {
        let plain = try smallSession()
        try plain.train(iterations: 3)
        var outcomes: [String: [Tensor]] = [:]
        for through in ["true", "false"] {
            let session = try smallSession()
            try switchOn(UnrolledGANTrick.self, [("steps", "3"), ("lr", "0.5"), ("through", through)], in: session)
            try session.train(iterations: 3)
            let positions = Dictionary(uniqueKeysWithValues: session.streams.positions.map { ($0.name, $0.position) })
            for (name, position) in plain.streams.positions { XCTAssertEqual(positions[name], position, name) }
            XCTAssertGreaterThan(positions["trick.unrolled-gan"] ?? 0, 0)
            XCTAssertFalse(zip(plain.generator.parameters, session.generator.parameters).allSatisfy { $0.value.isBitwiseEqual(to: $1.value) })
            outcomes[through] = session.generator.parameters.map(\.value)
        }
        XCTAssertFalse(zip(outcomes["true"]!, outcomes["false"]!).allSatisfy { $0.isBitwiseEqual(to: $1) },
                       "the gradient through the unrolling changes G's update")
        // With rate 0 the unrolled D is D itself: G's update is the plain one (to rounding of the zero terms).
        let still = try smallSession()
        try switchOn(UnrolledGANTrick.self, [("lr", "0")], in: still)
        try still.train(iterations: 3)
        for (a, b) in zip(weights(still), weights(plain)) {
            for (x, y) in zip(a.scalars, b.scalars) { XCTAssertEqual(x, y, accuracy: 1e-6) }
        }
    }

    func testTheUnrolledObjectiveHasTheGradientOfItsFiniteDifferences() throws {
        // G's objective against D unrolled 2 steps, as a function of one weight of G, differentiated by
        // the engine through the unrolling and by a central difference (same batches for every evaluation).
        let session = try smallSession()
        let trick = try switchOn(UnrolledGANTrick.self, [("steps", "2"), ("lr", "0.5")], in: session)
        let weight = session.generator.parameters[0]
        let original = weight.value
        let z = session.noise.sample(8, using: RandomStream(seed: 4, name: "z"))
        _ = session.stream("trick.unrolled-gan")  // in the positions to go back to
        let positions = session.streams.positions
        func objective(_ delta: Float) throws -> Tensor {
            session.streams.restore(positions: positions)
            var values = original.scalars
            values[3] += delta
            weight.value = try Tensor(values, shape: original.shape).requiringGradient()
            let fake = try session.generator.forward(z, ForwardContext(training: true))
            let scores = try session.discriminator.forward(fake, ForwardContext(training: true))
            return try XCTUnwrap(try trick.generatorObjective(fake: fake, fakeScores: scores,
                                                              TrainingContext(session: session, iteration: 0)))
        }
        let value = try objective(0)
        let analytic = try gradients(of: value, wrt: [weight.value])[0].scalars[3]
        let h: Float = 1e-2
        let numeric = (try objective(h).scalar! - (try objective(-h)).scalar!) / (2 * h)
        XCTAssertEqual(analytic, numeric, accuracy: 2e-3 * max(1, abs(numeric)))
        XCTAssertGreaterThan(abs(analytic), 1e-4)
    }

    func testUnrolledGANUnrollsAPackedDiscriminatorOnPackedBatches() throws {
        let session = try smallSession()
        try switchOn(PackingTrick.self, [("m", "2")], in: session)
        try switchOn(UnrolledGANTrick.self, [("steps", "2")], in: session)
        try session.train(iterations: 2)
        XCTAssertEqual(session.iteration, 2)
    }

    func testUnrolledGANRefusesGradientPenaltiesAndBatchStatistics() throws {
        let session = try smallSession()
        try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec)))
        XCTAssertThrowsError(try switchOn(UnrolledGANTrick.self, in: session)) { error in
            XCTAssertTrue("\(error)".contains("unrolled-gan differentiates D's updates; loss wgan-gp"), "\(error)")
        }
        try session.setLoss(try NonSaturatingLoss(try ParameterValues(NonSaturatingLoss.spec)))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8"), ("norm", "batch")]))
        XCTAssertThrowsError(try switchOn(UnrolledGANTrick.self, in: session)) { error in
            XCTAssertTrue("\(error)".contains("batch normalisation or dropout"), "\(error)")
        }
    }
}
