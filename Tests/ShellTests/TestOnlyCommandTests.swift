import XCTest
import Workbench
@testable import Shell

/// A command only the tests know: declared in this file alone and registered at run time, it must then work
/// everywhere a built-in command does (help, completion, validation, step do=), which shows that adding a
/// command needs no other file.
enum TallyCommand: ShellCommand {
    /// Which way the tally goes.
    enum Direction: String, CommandWord {
        case up, down
    }

    static let by: ParameterKey<Int> = .integer("by", 1...100, default: 1, "how much one tally moves")
    static let spec = CommandSpec(
        "test-tally", summary: "move a tally up or down (tests only)",
        discussion: "Counts iterations of nothing in particular; it exists so the tests can declare a command outside the shell.",
        positionals: [PositionalSpec("DIRECTION", Direction.alternatives, completions: Direction.completions)],
        parameters: [by.spec], examples: ["test-tally up by=2"])
    static let runsDuringTraining = true

    nonisolated(unsafe) static var total = 0

    static func run(_ invocation: Invocation, in shell: Interpreter) throws {
        let parameters = try invocation.commandParameters()
        let direction = try Direction.parse(invocation, what: "direction")
        total += (direction == .up ? 1 : -1) * parameters[by]
        shell.say("tally \(total)")
    }
}

final class TestOnlyCommandTests: XCTestCase {
    override func setUpWithError() throws {
        try CommandTable.registry.register(TallyCommand.self)
        TallyCommand.total = 0
    }

    override func tearDown() {
        CommandTable.registry.unregister(named: TallyCommand.spec.name)
    }

    func makeInterpreter() throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter()
    }

    func testItRunsAndIsListedInHelp() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertTrue(interpreter.execute("test-tally up by=3; test-tally down", file: "t"), "\(drain().errors)")
        XCTAssertEqual(drain().output, ["tally 3", "tally 2"])
        XCTAssertTrue(interpreter.execute("help", file: "t"))
        XCTAssertTrue(drain().output.contains { $0.contains("test-tally") && $0.contains("move a tally up or down (tests only)") })
        XCTAssertTrue(interpreter.execute("help test-tally", file: "t"))
        let help = drain().output
        XCTAssertEqual(help.first, "usage: test-tally DIRECTION [by=…]")
        XCTAssertTrue(help.contains { $0.contains("DIRECTION") && $0.contains("up or down") }, "\(help)")
        XCTAssertTrue(help.contains { $0.contains("by=1") && $0.contains("how much one tally moves") }, "\(help)")
    }

    func testCompletionOffersItsNameWordsAndParameters() throws {
        let (interpreter, _) = try makeInterpreter()
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates("test-t"), ["test-tally"])
        XCTAssertEqual(completer.candidates("test-tally "), ["by=", "down", "up"])
        XCTAssertEqual(completer.candidates("test-tally d"), ["down"])
    }

    func testABadWordAndABadParameterAreLocatedErrors() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertFalse(interpreter.execute("test-tally sideways", file: "t.gan"))
        XCTAssertEqual(drain().errors.first, "t.gan:1:12: error: unknown direction 'sideways'; expected up or down")
        XCTAssertFalse(interpreter.execute("test-tally up by=0", file: "t.gan"))
        let errors = drain().errors
        XCTAssertEqual(errors.first?.hasPrefix("t.gan:1:18: error: "), true, "\(errors)")
        XCTAssertEqual(errors.first?.contains("by=0 is out of range"), true, "\(errors)")
        XCTAssertFalse(interpreter.execute("test-tally", file: "t.gan"))
        XCTAssertEqual(drain().errors.first, "t.gan:1:1: error: test-tally needs up or down; usage: test-tally DIRECTION [by=…]")
        XCTAssertEqual(TallyCommand.total, 0)
    }

    func testItsTraitDecidesWhetherStepDoMayRunIt() throws {
        XCTAssertTrue(CommandTable.actionsAllowedDuringTraining.contains("test-tally"))
        XCTAssertFalse(CommandTable.journalVerbs.contains("test-tally"))
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertTrue(interpreter.execute("batch 16; step 2 every=1 do=\"test-tally up\"", file: "t"), "\(drain().errors)")
        XCTAssertEqual(drain().output.filter { $0.hasPrefix("tally") }, ["tally 1", "tally 2"])
    }

    func testARegisteredNameCannotBeTakenTwiceAndUnregisteringRemovesIt() throws {
        XCTAssertThrowsError(try CommandTable.registry.register(TallyCommand.self))
        enum Impostor: ShellCommand {
            static let spec = CommandSpec("help-me", aliases: ["?"], summary: "", discussion: "")
            static func run(_ invocation: Invocation, in shell: Interpreter) throws {}
        }
        XCTAssertThrowsError(try CommandTable.registry.register(Impostor.self)) { error in
            XCTAssertEqual("\(error)", "a command called '?' is already registered")
        }
        XCTAssertFalse(CommandTable.registry.unregister(named: "help"), "a built-in command stays")
        XCTAssertTrue(CommandTable.registry.unregister(named: "test-tally"))
        XCTAssertFalse(CommandTable.verbs.contains("test-tally"))
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertFalse(interpreter.execute("test-tally up", file: "t.gan"))
        XCTAssertTrue(drain().errors.first?.contains("unknown command 'test-tally'") == true)
    }
}
