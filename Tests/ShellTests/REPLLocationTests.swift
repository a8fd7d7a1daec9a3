import XCTest
import Workbench
import _GantryTestSupport
@testable import Shell

/// Each entry typed at the prompt is a source of its own: an error in it is at line 1 (or the line of a
/// multi-line entry), however many lines came before; a script run from the prompt counts its own lines.
final class REPLLocationTests: XCTestCase {
    /// Lines given in advance, as if typed.
    final class ScriptedReader: LineReader {
        var lines: [String]
        let warnings: [String] = []
        init(_ lines: [String]) { self.lines = lines }
        func readLine(prompt: String) -> LineInput { lines.isEmpty ? .endOfInput : .line(lines.removeFirst()) }
        func addToHistory(_ line: String) {}
    }

    func errors(after lines: [String]) throws -> [String] {
        final class Sink { var errors: [String] = [] }
        let sink = Sink()
        let environment = ShellEnvironment(writeOutput: { _ in }, writeError: { sink.errors.append($0) })
        let interpreter = Interpreter(session: try Session(seed: 1), environment: environment)
        _ = REPL(interpreter: interpreter, reader: ScriptedReader(lines)).run(showBanner: false)
        return sink.errors.filter { $0.hasPrefix("<") || $0.hasPrefix("/") || $0.hasPrefix("note") }
    }

    func testEveryEntryCountsItsLinesFromOne() throws {
        XCTAssertEqual(try errors(after: ["echo one", "echo two", "", "stpe 3"]),
                       ["<stdin>:1:1: error: unknown command 'stpe'; did you mean 'step'?"])
        // A multi-line entry numbers its own lines; the next entry starts again at 1.
        XCTAssertEqual(try errors(after: ["echo a", "repeat 1 {", "  echo b", "  bad", "}", "worse"]), [
            "<stdin>:3:3: error: unknown command 'bad'",
            "<stdin>:1:1: error: unknown command 'worse'",
        ].map { $0 + "; type help for the list" })
    }

    func testAScriptRunFromThePromptCountsItsOwnLines() throws {
        let folder = try ScratchFolder.make("repl-lines")
        defer { ScratchFolder.remove(folder) }
        let script = folder + "/s.gan"
        try "echo 1\n\n# comment\nstep x\n".write(toFile: script, atomically: true, encoding: .utf8)
        XCTAssertEqual(try errors(after: ["echo 0", "echo 0", "run \(script)"]), [
            "\(script):4:6: error: step x: expected a number of iterations, d or g",
            "note: included from <stdin>:1",
        ])
    }
}
