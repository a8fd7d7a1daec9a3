import XCTest
import Workbench
@testable import Shell

/// Help and lists fit the terminal they are printed on: the width is the environment's, pinned here.
final class HelpLayoutTests: XCTestCase {
    func output(_ source: String, width: Int) throws -> [String] {
        final class Sink { var lines: [String] = []; var errors: [String] = [] }
        let sink = Sink()
        let environment = ShellEnvironment(writeOutput: { sink.lines.append($0) }, writeError: { sink.errors.append($0) },
                                           width: width)
        let interpreter = Interpreter(session: try Session(seed: 1), environment: environment)
        XCTAssertTrue(interpreter.execute(source, file: "t"), sink.errors.joined(separator: "\n"))
        return sink.lines
    }

    func testWrapKeepsWordsWholeAndSpacingInsideALine() {
        XCTAssertEqual(TextLayout.wrap("one two three four", width: 20), ["one two three four"])
        XCTAssertEqual(TextLayout.wrap("alpha beta gamma delta epsilon zeta", width: 20), ["alpha beta gamma", "delta epsilon zeta"])
        XCTAssertEqual(TextLayout.wrap("name   (also: x) and more words here", width: 20), ["name   (also: x) and", "more words here"])
        XCTAssertEqual(TextLayout.wrap("a-very-long-word-that-does-not-fit-at-all b", width: 20),
                       ["a-very-long-word-that-does-not-fit-at-all", "b"])
        // A long list of choices breaks after a `|`, with no space added inside it.
        XCTAssertEqual(TextLayout.wrap("one of relu|leaky-relu|tanh|sigmoid|elu|maxout", width: 20),
                       ["one of", "relu|leaky-relu|", "tanh|sigmoid|elu|", "maxout"])
        XCTAssertEqual(TextLayout.wrap("tiny width", width: 3), ["tiny width"], "never narrower than 20 columns")
    }

    func testTableWrapsTheLastColumnUnderItselfAndMovesOverlongRowsBelow() {
        let rows = [["a=1", "integer", "a short summary"],
                    ["bb=2", "one of x|y", "a summary long enough that it has to wrap onto a second line"],
                    ["c=", "one of a-very-long|list-of|choices", "goes below its row"]]
        XCTAssertEqual(TextLayout.table(rows, width: 60, caps: [22, 30]), [
            "  a=1   integer     a short summary",
            "  bb=2  one of x|y  a summary long enough that it has to",
            "                    wrap onto a second line",
            "  c=    one of a-very-long|list-of|choices",
            "                    goes below its row",
        ])
        // Too narrow for a summary column: every summary goes under its row.
        XCTAssertEqual(TextLayout.table([["name", "kind", "summary words"]], width: 24, caps: [22, 30]),
                       ["  name  kind", "      summary words"])
    }

    func testHelpPlotShowsItsWholeTypeColumn() throws {
        let lines = try output("help plot", width: 80)
        let table = Array(lines.drop { !$0.hasPrefix("  WHAT ") }.prefix { $0 != "examples:" })
        XCTAssertEqual(table, [
            "  WHAT                                          samples, critic, gradients,",
            "                                                manifold; or history [SERIES…]",
            "                                                [log]; or games; or weights; or",
            "                                                data, interpolate (images)",
            "  out=\"\"                text                    write an .svg or .png file",
            "                                                instead of drawing on the",
            "                                                terminal",
            "  size=                 list of integers in [1, 8192]",
            "                                                WIDTH,HEIGHT of a picture in",
            "                                                pixels, or COLUMNS,ROWS on the",
            "                                                terminal",
            "  n=500                 integer in [1, 100000]  real and generated samples to",
            "                                                draw",
            "  projection=first-two  one of first-two|pca    how data of more than two",
            "                                                dimensions is shown",
            "  rows=0                integer in [0, 64]      rows of images (0: 2 on the",
            "                                                terminal, 8 in a file; strips: 2",
            "                                                and 4)",
            "  columns=0             integer in [0, 64]      images across a grid (0: 8, or",
            "                                                as many as fit the terminal)",
            "  range=-1,1            list of reals           LOW,HIGH: the image values shown",
            "                                                black and white",
            "  steps=8               integer in [2, 64]      images along each interpolation",
            "                                                strip, both ends included",
            "  stream=interpolate    text                    the name of the stream the ends",
            "                                                of the strips are drawn from",
        ])
    }

    func testEveryHelpLineFitsTheTerminal() throws {
        for width in [60, 80, 100] {
            var topics = ["help", "list", "list commands", "list tricks", "help collapse"]
            topics += CommandTable.specs.map { "help \($0.name)" } + Interpreter.allPluginSpecs.map { "help \($0.name)" }
            for source in topics {
                for line in try output(source, width: width) where line.count > width {
                    // Only a single word longer than the width (none today) may stick out.
                    XCTAssertFalse(line.contains(" "), "\(source) at \(width) columns: '\(line)' has \(line.count)")
                }
            }
        }
    }

    func testTopLevelHelpWrapsToTheWidth() throws {
        let lines = try output("help", width: 60)
        XCTAssertEqual(Array(lines.prefix(5)), [
            "gantry: a GAN workbench. Commands (help COMMAND for details,",
            "help NAME for a plugin):",
            "  help           explain a command, a plugin, or search the",
            "                 help for a word",
            "  list           list the plugins of one kind with their",
        ])
        XCTAssertEqual(Array(lines.suffix(2)), ["Plugins: list data | noise | models | losses | tricks |", "metrics | optimizers | games"])
    }

    func testHelpAliasAndCompletionAgree() throws {
        let completer = Completer(interpreter: Interpreter(session: try Session(seed: 1),
                                                           environment: ShellEnvironment(writeOutput: { _ in }, writeError: { _ in })))
        XCTAssertTrue(completer.candidates("help ").contains("?"))
        XCTAssertEqual(completer.candidates("?"), ["?"])
        XCTAssertEqual(try output("help ?", width: 80).first, "usage: help [TOPIC]   (also: ?)")
        XCTAssertEqual(try output("? quit", width: 80).first, "usage: quit   (also: exit)")
    }

    func testBareListNamesEveryKindAndFreezeBothFreezesBoth() throws {
        let lines = try output("snapshot start; list", width: 80)
        XCTAssertEqual(lines.first, "snapshot start at iteration 0")
        XCTAssertEqual(lines.filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != ":" }) }, [
            "snapshot start at iteration 0", "commands", "data sets", "noise distributions", "models", "losses", "tricks", "metrics",
            "optimizers", "games", "snapshots", "list KIND shows one kind with a line on each (list losses, list metrics, …)",
        ])
        XCTAssertTrue(lines.contains("snapshots: start"))
        XCTAssertTrue(lines.contains("losses: minimax, nonsaturating, wgan, wgan-gp, lsgan, hinge"))
        XCTAssertEqual(try output("freeze both; show config", width: 80).suffix(3),
                       ["freeze G", "freeze D", "# at iteration 0"])
    }
}
