import XCTest
import Foundation
@testable import Workbench
import _GantryTestSupport
@testable import Shell

/// A model and an optimizer declared only in the test target (`AffineTestModel`, `HeavyBallTestRule`) and
/// registered at run time: `list`, `help`, completion, validation, `save` → `run` and checkpoints find them
/// with nothing else edited, the proof that each kind is declared once.
final class RegisteredModelAndOptimizerTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        try Plugins.models.register(AffineTestModel.self)
        try Plugins.optimizers.register(HeavyBallTestRule.self)
        folder = try ScratchFolder.make("registered")
    }

    override func tearDown() {
        Plugins.models.unregister(named: AffineTestModel.spec.name)
        Plugins.optimizers.unregister(named: HeavyBallTestRule.spec.name)
        ScratchFolder.remove(folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func makeInterpreter(seed: UInt64 = 5) throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter(seed: seed)
    }

    /// The output of `source`, failing the test with the errors if a command fails.
    func run(_ interpreter: Interpreter, _ source: String, _ drain: () -> (output: [String], errors: [String]),
             line: UInt = #line) -> String {
        let succeeded = interpreter.execute(source, file: "test")
        let (output, errors) = drain()
        XCTAssertTrue(succeeded, errors.joined(separator: "\n"), line: line)
        return output.joined(separator: "\n")
    }

    static let configuration = """
        data ring8; generator affine scale=0.5; critic one-layer; optimizer G heavy-ball lr=0.02
        optimizer D heavy-ball momentum=0.5; batch 16
        """

    func testListAndHelpShowThem() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertTrue(run(interpreter, "list models", drain).contains("affine"))
        XCTAssertTrue(run(interpreter, "list optimizers", drain).contains("heavy-ball"))
        let model = run(interpreter, "help affine", drain)
        XCTAssertTrue(model.hasPrefix("model affine   (also: one-layer): a single Linear layer"), model)
        XCTAssertTrue(model.contains("σ of the initial weights"), model)
        let rule = run(interpreter, "help heavy-ball", drain)
        XCTAssertTrue(rule.hasPrefix("optimizer heavy-ball: gradient descent with Polyak's heavy-ball momentum"), rule)
        XCTAssertTrue(rule.contains("momentum coefficient μ"), rule)
    }

    func testCompletionOffersTheirNamesAndParameters() throws {
        let (interpreter, _) = try makeInterpreter()
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates("generator af"), ["affine"])
        XCTAssertEqual(completer.candidates("critic affine sc"), ["scale="])
        XCTAssertEqual(completer.candidates("optimizer D hea"), ["heavy-ball"])
        XCTAssertEqual(completer.candidates("optimizer both heavy-ball mo"), ["momentum="])
    }

    func testABadParameterGivesALocatedError() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertFalse(interpreter.execute("generator affine scale=99", file: "test"))
        XCTAssertEqual(drain().errors.first?.hasPrefix("test:1:24: error: model affine: scale=99 is out of range; expected real in [0, 10]"), true)
        XCTAssertFalse(interpreter.execute("optimizer G heavy-ball momentm=0.5", file: "test"))
        XCTAssertEqual(drain().errors.first?.hasPrefix("test:1:24: error: unknown parameter 'momentm' for optimizer heavy-ball; did you mean 'momentum'?"), true)
        XCTAssertEqual(Interpreter.check("critic affine scale=-1\noptimizer D heavy-ball lr=0.1 momentum=1", file: "m.gan").map(\.message),
                       ["model affine: scale=-1 is out of range; expected real in [0, 10]",
                        "optimizer heavy-ball: momentum=1 is out of range; expected real in [0, 0.999]"])
        XCTAssertEqual(Interpreter.check(Self.configuration, file: "m.gan").map(\.message), [])
    }

    func testSaveThenRunRebuildsThem() throws {
        let (original, drain) = try makeInterpreter()
        _ = run(original, Self.configuration + "\nstep 3\nsave \"\(path("saved.gan"))\"", drain)
        let config = run(original, "show config", drain)
        XCTAssertTrue(config.contains("generator affine scale=0.5"), config)
        XCTAssertTrue(config.contains("discriminator affine"), config)
        XCTAssertTrue(config.contains("optimizer G heavy-ball lr=0.02"), config)
        let (replayed, drainReplayed) = try makeInterpreter(seed: 9)
        _ = run(replayed, "run \"\(path("saved.gan"))\"", drainReplayed)
        XCTAssertEqual(replayed.session.configurationLines, original.session.configurationLines)
        XCTAssertEqual(replayed.session.iteration, 3)
        XCTAssertTrue(replayed.session.model(.discriminator) is AffineTestModel)
        XCTAssertTrue(replayed.session.rule(.generator) is HeavyBallTestRule)
        for player in Player.allCases {
            let (a, b) = (original.session.network(player).parameters, replayed.session.network(player).parameters)
            XCTAssertEqual(a.count, 2)
            XCTAssertEqual(a.map { $0.value.scalars.map(\.bitPattern) }, b.map { $0.value.scalars.map(\.bitPattern) })
        }
    }

    func testACheckpointRoundTripRestoresThemAndContinuesBitForBit() throws {
        let (original, drain) = try makeInterpreter()
        let (middle, endA, endB) = (path("middle.safetensors"), path("a.safetensors"), path("b.safetensors"))
        _ = run(original, Self.configuration + "\nstep 3\ncheckpoint save \"\(middle)\"\nstep 2\ncheckpoint save \"\(endA)\"", drain)
        let (resumed, drainResumed) = try makeInterpreter(seed: 77)
        _ = run(resumed, "checkpoint load \"\(middle)\"\nstep 2\ncheckpoint save \"\(endB)\"", drainResumed)
        XCTAssertEqual(resumed.session.journal, original.session.journal)
        let (a, b) = (try Checkpoint.read(path: endA).file, try Checkpoint.read(path: endB).file)
        XCTAssertEqual(a.entries.map(\.name), b.entries.map(\.name))
        XCTAssertTrue(a.entries.contains { $0.name == "optim.D.momentum_buffer.D.0.weight" })
        for entry in a.entries where entry.name != Checkpoint.historyTensor {
            guard let x = a.tensor(entry.name) else { continue }
            XCTAssertTrue(x.isBitwiseEqual(to: try XCTUnwrap(b.tensor(entry.name))), entry.name)
        }
    }

    func testTheSameRuleKeepsItsMemoryAnotherStartsFresh() throws {
        let (interpreter, drain) = try makeInterpreter()
        _ = run(interpreter, Self.configuration + "\nstep 2", drain)
        let weight = interpreter.session.generator.parameters[0]
        XCTAssertEqual(interpreter.session.optimizer(.generator).stepCount(of: weight), 2)
        _ = run(interpreter, "optimizer G heavy-ball lr=0.05", drain)
        XCTAssertEqual(interpreter.session.optimizer(.generator).stepCount(of: weight), 2)
        // sgd makes the same kind of optimizer, but it is another rule.
        _ = run(interpreter, "optimizer G sgd momentum=0.9", drain)
        XCTAssertEqual(interpreter.session.optimizer(.generator).stepCount(of: weight), 0)
    }
}
