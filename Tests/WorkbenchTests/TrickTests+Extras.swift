import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

/// The tricks beyond the document: each formula on tiny hand-computed inputs, and on/off in a session.
final class ExtraTrickTests: XCTestCase {
    func smallSession(seed: UInt64 = 3) throws -> Session {
        let session = try Session(seed: seed)
        try session.setModel(.generator, try ParameterValues(MLPModel.spec, assignments: [("hidden", "8")]))
        try session.setModel(.discriminator, try ParameterValues(MLPModel.spec, assignments: [("hidden", "8")]))
        session.batchSize = 8
        return session
    }

    /// `trick on NAME key=value…` as the shell does it: init (which may refuse), replace, attach.
    @discardableResult
    func switchOn(_ type: any Trick.Type, _ assignments: [(String, String)] = [], in session: Session) throws -> any Trick {
        let trick = try type.init(try ParameterValues(type.spec, assignments: assignments), session: session)
        session.removeHook(named: type.spec.name)
        session.addHook(trick)
        return trick
    }

    func assertClose(_ a: [Float], _ b: [Float], accuracy: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
    }

    // MARK: ttur

    func testTTURSetsBothRatesKeepsMemoryAndRestoresThem() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let firstWeight = session.discriminator.parameters[0]
        let steps = session.discriminatorOptimizer.stepCount(of: firstWeight)
        let moments = session.discriminatorOptimizer.buffers(of: firstWeight).map(\.value)
        try switchOn(TTURTrick.self, in: session)
        XCTAssertEqual(session.generatorOptimizer.learningRate, 1e-4)
        XCTAssertEqual(session.discriminatorOptimizer.learningRate, 4e-4)
        XCTAssertEqual(session.optimizerSettings[.discriminator]!.parameters.real("lr"), 4e-4)
        // Same optimizer, new rate: the moments and step counts are the ones from before.
        XCTAssertEqual(session.discriminatorOptimizer.stepCount(of: firstWeight), steps)
        for (a, b) in zip(session.discriminatorOptimizer.buffers(of: firstWeight).map(\.value), moments) {
            XCTAssertTrue(a.isBitwiseEqual(to: b))
        }
        // Switching it on again with other rates, then off: the rates from before the first ttur come back.
        try switchOn(TTURTrick.self, [("g_lr", "2e-4"), ("d_lr", "1e-3")], in: session)
        XCTAssertEqual(session.generatorOptimizer.learningRate, 2e-4)
        XCTAssertEqual(session.discriminatorOptimizer.learningRate, 1e-3)
        try session.train(iterations: 1)
        XCTAssertTrue(session.removeHook(named: "ttur"))
        XCTAssertEqual(session.generatorOptimizer.learningRate, 1e-4)
        XCTAssertEqual(session.discriminatorOptimizer.learningRate, 1e-4)
        XCTAssertEqual(session.discriminatorOptimizer.stepCount(of: firstWeight), steps + 1)
        // A rate the user set while ttur was on is kept when it goes off.
        try switchOn(TTURTrick.self, in: session)
        let sgd = OptimizerRegistry.sgd
        session.setOptimizer(.generator, sgd, try ParameterValues(sgd, assignments: [("lr", "0.05")]))
        session.removeHook(named: "ttur")
        XCTAssertEqual(session.generatorOptimizer.learningRate, 0.05)
        XCTAssertEqual(session.discriminatorOptimizer.learningRate, 1e-4)
        // A rate outside the declared range is refused before anything changes.
        XCTAssertThrowsError(try switchOn(TTURTrick.self, [("d_lr", "50")], in: session)) { error in
            XCTAssertEqual("\(error)", "trick ttur: d_lr=50 is out of range; expected real in [0, 10]")
        }
        XCTAssertEqual(session.discriminatorOptimizer.learningRate, 1e-4)
    }
}
