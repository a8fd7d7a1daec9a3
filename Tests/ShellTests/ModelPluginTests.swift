import XCTest
import Foundation
import Workbench
import _GantryTestSupport
@testable import Shell

/// What the shell says and does about a player's model comes from the model plugin, whichever it is.
final class ModelPluginTests: XCTestCase {
    func makeInterpreter() throws -> (Interpreter, () -> [String]) {
        final class Sink { var errors: [String] = [] }
        let sink = Sink()
        let environment = ShellEnvironment(writeOutput: { _ in }, writeError: { sink.errors.append($0) })
        let interpreter = Interpreter(session: try Session(seed: 3), environment: environment)
        return (interpreter, { defer { sink.errors = [] }; return sink.errors })
    }

    func testTheBannerNamesEachPlayersModel() throws {
        let (interpreter, errors) = try makeInterpreter()
        XCTAssertTrue(REPL.banner(interpreter.session)[0].hasSuffix(", seed 3, G and D 128×128 MLPs"))
        XCTAssertTrue(interpreter.execute("data parallel-lines; noise uniform dim=1 lower=0 upper=1; generator offset; critic hidden=64", file: "t"),
                      errors().joined())
        XCTAssertTrue(REPL.banner(interpreter.session)[0].hasSuffix(", seed 3, G offset, D 64 MLP"), REPL.banner(interpreter.session)[0])
    }

    func testSamplesOfAGeneratorThatIsNoPerceptronExport() throws {
        let folder = try ScratchFolder.make("model-export")
        defer { ScratchFolder.remove(folder) }
        let (interpreter, errors) = try makeInterpreter()
        let file = (folder as NSString).appendingPathComponent("offset.csv")
        XCTAssertTrue(interpreter.execute("data parallel-lines; noise uniform dim=1 lower=0 upper=1; generator offset theta=0.25\n"
                                          + "export samples \"\(file)\" n=4", file: "t"), errors().joined())
        let rows = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(rows.count, 4 + (rows.first.map { $0.contains("x") ? 1 : 0 } ?? 0))
        XCTAssertTrue(rows.last?.hasPrefix("0.25,") == true, "\(rows)")
    }
}
