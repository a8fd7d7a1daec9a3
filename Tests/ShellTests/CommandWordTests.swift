import XCTest
import Workbench
@testable import Shell

/// Subcommand words are enumerations: dispatch accepts the aliases of a player, while usage, completion,
/// errors and the journal show only the canonical words.
final class CommandWordTests: XCTestCase {
    func makeInterpreter() throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter()
    }

    func testPlayerAliasesAreJournaledByTheirCanonicalWord() throws {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertTrue(interpreter.execute("freeze generator; freeze critic; freeze none; optimizer d lr=0.001; opt generator sgd lr=0.01",
                                          file: "t"), "\(drain().errors)")
        XCTAssertEqual(Array(interpreter.session.journalLines.suffix(5)),
                       ["freeze G", "freeze D", "freeze none", "optimizer D adam lr=0.001 beta1=0.5 beta2=0.999 eps=1e-08 weight_decay=0",
                        "optimizer G sgd lr=0.01 momentum=0 nesterov=false weight_decay=0"])
    }

    func testCompletionOffersOnlyTheCanonicalWords() throws {
        let (interpreter, _) = try makeInterpreter()
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates("freeze "), ["D", "G", "both", "none"])
        XCTAssertEqual(completer.candidates("checkpoint "), ["load", "save"])
        XCTAssertEqual(completer.candidates("watch "), ["every=", "off", "on"])
    }

    func testTheWordsDeriveTheirUsageAndAlternatives() {
        XCTAssertEqual(CheckpointCommand.CheckpointAction.choice, "save|load")
        XCTAssertEqual(TrickCommand.TrickAction.alternatives, "on, off or list")
        XCTAssertEqual(HistoryCommand.HistoryAction.alternatives, "export")
        XCTAssertEqual(FreezeCommand.Target.named("discriminator"), .discriminator)
        XCTAssertNil(FreezeCommand.Target.named("Generator"))
    }
}
