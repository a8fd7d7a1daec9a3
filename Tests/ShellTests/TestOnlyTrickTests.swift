import XCTest
import Foundation
import NeuralNet
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// A trick only the tests know, declared here and nowhere else: D's real target falls with every D update
/// it has seen, so a checkpoint that lost the count would continue with other numbers.
final class CountingTargetTrick: Trick {
    static let fall: ParameterKey<Float> = .real("fall", 0...0.1, default: 0.01, "how far the real target falls per D update")
    static let floor: ParameterKey<Float> = .real("floor", 0...1, default: 0.8, "the lowest real target")

    static let spec = PluginSpec(
        kind: .trick, name: "counting-target", aliases: ["falling-target"],
        summary: "D's real target falls by a step per D update, down to a floor",
        discussion: "A probe of the plugin model: it keeps a count of D updates that checkpoints must carry.",
        parameters: [fall.spec, floor.spec])

    let parameters: ParameterValues
    /// D updates seen since it was switched on.
    private(set) var updates: Int

    convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        guard environment.session.loss.isCrossEntropy else { throw SessionError("counting-target needs a cross-entropy loss") }
        self.init(parameters, updates: 0)
    }

    private init(_ parameters: ParameterValues, updates: Int) {
        self.parameters = parameters
        self.updates = updates
    }

    func realTarget(_ context: TrainingContext) -> Float? {
        max(parameters[Self.floor], 1 - Float(updates) * parameters[Self.fall])
    }

    func afterDiscriminatorUpdate(_ context: TrainingContext) throws { updates += 1 }

    func copy() -> any TrainingHook { CountingTargetTrick(parameters, updates: updates) }

    func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .object([("updates", .integer(updates))])
    }

    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> CountingTargetTrick {
        guard let updates = state["updates"]?.intValue, updates >= 0 else { throw tensors.failure("counting-target has no count") }
        return CountingTargetTrick(parameters, updates: updates)
    }
}

/// Registering the trick is all it takes: listing, help, completion, validation, `save` and checkpoints
/// all find it through the registry.
final class TestOnlyTrickTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("test-only-trick")
        try Plugins.tricks.register(CountingTargetTrick.self)
    }

    override func tearDownWithError() throws {
        XCTAssertTrue(Plugins.tricks.unregister(named: CountingTargetTrick.spec.name))
        ScratchFolder.remove(folder)
    }

    /// An interpreter on a fresh session, and a function returning (and clearing) what it wrote.
    func makeInterpreter() throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter()
    }

    func testItIsListedAndHasHelp() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertTrue(interpreter.execute("list tricks", file: "t"))
        let listing = drain().output.joined(separator: "\n")
        XCTAssertTrue(listing.contains("counting-target") && listing.contains("D's real target falls"), listing)
        XCTAssertTrue(interpreter.execute("list", file: "t"))
        XCTAssertTrue(drain().output.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
            .contains("unrolled-gan, counting-target"))
        XCTAssertTrue(interpreter.execute("help falling-target", file: "t"))
        let help = drain().output
        XCTAssertTrue(help.first?.hasPrefix("trick counting-target   (also: falling-target)") == true, "\(help)")
        XCTAssertTrue(help.contains { $0.hasPrefix("  fall=0.01  real in [0, 0.1]") }, "\(help)")
        XCTAssertTrue(help.contains { $0.hasPrefix("  floor=0.8  real in [0, 1]") }, "\(help)")
    }

    func testCompletionOffersItsNameAndParameters() throws {
        let (interpreter, _) = try makeInterpreter()
        let completer = Completer(interpreter: interpreter)
        XCTAssertTrue(completer.candidates("trick on ").contains("counting-target"))
        XCTAssertEqual(completer.candidates("trick on count"), ["counting-target"])
        XCTAssertEqual(completer.candidates("trick on counting-target fl"), ["floor="])
    }

    func testABadParameterIsALocatedError() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertFalse(interpreter.execute("trick on counting-target fall=0.5", file: "t.gan"))
        let errors = drain().errors
        XCTAssertEqual(errors.first?.hasPrefix("t.gan:1:31: error: "), true, "\(errors)")
        XCTAssertTrue(errors.first?.contains("fall=0.5 is out of range") == true, "\(errors)")
        XCTAssertTrue(interpreter.session.hooks.isEmpty)
    }

    func testSaveThenRunSwitchesItOnAgain() throws {
        let (original, drain) = try makeInterpreter()
        let script = (folder as NSString).appendingPathComponent("setup.gan")
        XCTAssertTrue(original.execute("batch 16; trick on falling-target fall=0.02\nsave \"\(script)\"", file: "t"), "\(drain().errors)")
        XCTAssertTrue(try String(contentsOfFile: script, encoding: .utf8).contains("trick on counting-target fall=0.02 floor=0.8"))
        let (replayed, drainReplayed) = try makeInterpreter()
        XCTAssertTrue(replayed.execute("run \"\(script)\"", file: "t"), "\(drainReplayed().errors)")
        XCTAssertEqual((replayed.session.hooks.first as? CountingTargetTrick)?.parameters[CountingTargetTrick.fall], 0.02)
        XCTAssertEqual(replayed.session.hooks.compactMap { ($0 as? any Trick)?.canonicalText }, ["counting-target fall=0.02 floor=0.8"])
    }

    func testACheckpointRoundTripKeepsItsState() throws {
        let middle = (folder as NSString).appendingPathComponent("middle.safetensors")
        let (original, drain) = try makeInterpreter()
        XCTAssertTrue(original.execute("""
            generator mlp hidden=8; critic mlp hidden=8; batch 16; trick on counting-target fall=0.03 floor=0.5
            step 4; checkpoint save "\(middle)"; step 3
            """, file: "t"), "\(drain().errors)")
        let (resumed, drainResumed) = try makeInterpreter()
        XCTAssertTrue(resumed.execute("generator mlp hidden=3; step 1; checkpoint load \"\(middle)\"", file: "t"), "\(drainResumed().errors)")
        XCTAssertEqual((resumed.session.hooks.first as? CountingTargetTrick)?.updates, 4)
        XCTAssertTrue(resumed.execute("step 3", file: "t"), "\(drainResumed().errors)")
        XCTAssertEqual((resumed.session.hooks.first as? CountingTargetTrick)?.updates, 7)
        for player in Player.allCases {
            let (a, b) = (original.session.network(player).parameters, resumed.session.network(player).parameters)
            XCTAssertEqual(a.count, b.count)
            XCTAssertTrue(zip(a, b).allSatisfy { $0.value.isBitwiseEqual(to: $1.value) }, "\(player) differs")
        }
    }
}
