import XCTest
import _GantryTestSupport
@testable import Shell

/// Rendering of diagnostics against golden strings, and a seeded random-input run of the whole front
/// end that must never crash and must keep every location inside the input.
final class DiagnosticTests: XCTestCase {
    func testErrorWithNoteRendersCaretsUnderTheTokens() {
        let error = diagnostic("loss wgan-gp lambda=1 lambda=2")
        XCTAssertEqual(error?.rendered(), """
            t:1:23: error: parameter lambda given twice
                loss wgan-gp lambda=1 lambda=2
                                      ^~~~~~
            t:1:14: note: first given here
                loss wgan-gp lambda=1 lambda=2
                             ^~~~~~
            """)
        XCTAssertEqual(error?.description, error?.rendered())
    }

    func testDiagnosticWithoutRangeIsOneLine() {
        XCTAssertEqual(Diagnostic(message: "no such snapshot 'best'").rendered(), "error: no such snapshot 'best'")
        XCTAssertEqual(Diagnostic(severity: .warning, message: "seed ignored").rendered(), "warning: seed ignored")
    }

    func testIncludeChainNotes() throws {
        let inner = try XCTUnwrap(scriptDiagnostic("seed 1\nstep = 3", file: "inner.gan"))
        let chained = inner
            .included(from: SourceLocation(file: "outer.gan", line: 3, column: 1))
            .included(from: SourceLocation(file: "<stdin>", line: 1, column: 5))
        XCTAssertEqual(chained.rendered(), """
            inner.gan:2:6: error: unexpected '='
                step = 3
                     ^
            note: included from outer.gan:3
            note: included from <stdin>:1
            """)
    }

    func testScriptIncompleteErrorRendering() {
        do {
            _ = try Parser.parseScript("step 1\nsay \"hello\nplot", file: "run.gan")
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.rendered(), """
                run.gan:2:5: error: unterminated string starting here
                    say "hello
                        ^
                """)
        }
    }

    func testColourUsesClangStyleEscapes() {
        let error = Diagnostic(message: "unexpected ','", range: range(1, 3, 1), sourceLine: "a ,b")
        let bold = "\u{1B}[1m", reset = "\u{1B}[0m"
        XCTAssertEqual(error.rendered(colour: true),
                       "\(bold)t:1:3:\(reset) \u{1B}[1;31merror:\(reset) \(bold)unexpected ','\(reset)\n"
                       + "    a ,b\n"
                       + "      \u{1B}[1;32m^\(reset)")
        let note = Diagnostic(severity: .note, message: "m").rendered(colour: true)
        XCTAssertEqual(note, "\u{1B}[1;36mnote:\(reset) \(bold)m\(reset)")
        let warning = Diagnostic(severity: .warning, message: "m").rendered(colour: true)
        XCTAssertEqual(warning, "\u{1B}[1;35mwarning:\(reset) \(bold)m\(reset)")
    }

    func testTabsAreKeptInThePaddingSoTheCaretLinesUp() {
        let error = diagnostic("\tstep\t= 3")
        XCTAssertEqual(error?.rendered(), "t:1:7: error: unexpected '='\n    \tstep\t= 3\n    \t    \t^")
    }

    func testControlCharactersAreShownAsPictures() {
        let error = diagnostic("say \u{7}x")
        XCTAssertEqual(error?.rendered(), """
            t:1:5: error: control character U+0007 is not allowed
                say \u{2407}x
                    ^
            """)
        XCTAssertEqual(Diagnostic.visible("\u{1B}"), "\u{241B}")
        XCTAssertEqual(Diagnostic.visible("\u{7F}"), "\u{2421}")
        XCTAssertEqual(Diagnostic.visible("\u{85}"), "\u{FFFD}")
        XCTAssertEqual(Diagnostic.visible("\t"), "\t")
    }

    func testLongLinesAreWindowedAroundTheCaret() {
        let line = String(repeating: "a", count: 200) + "BAD" + String(repeating: "b", count: 97)
        let error = Diagnostic(message: "bad", range: range(1, 201, 3), sourceLine: line)
        XCTAssertEqual(error.rendered(), "t:1:201: error: bad\n"
                       + "    …" + String(repeating: "a", count: 60) + "BAD"
                       + String(repeating: "b", count: 57) + "…\n"
                       + "     " + String(repeating: " ", count: 60) + "^~~")
        // Near the start no window opens on the left.
        let early = Diagnostic(message: "bad", range: range(1, 2, 1), sourceLine: line)
        XCTAssertEqual(early.rendered(), "t:1:2: error: bad\n    " + String(repeating: "a", count: 120) + "…\n     ^")
    }

    func testCaretIsClampedToTheLine() {
        let spanning = Diagnostic(message: "m", range: range(1, 5, 20), sourceLine: "say \"abc")
        XCTAssertEqual(spanning.rendered(), "t:1:5: error: m\n    say \"abc\n        ^~~~")
        let atEnd = diagnostic("loss lambda=")
        XCTAssertEqual(atEnd?.rendered(),
                       "t:1:12: error: missing value after 'lambda='\n    loss lambda=\n               ^")
        let pastEnd = Diagnostic(message: "m", range: range(1, 40, 1), sourceLine: "ab")
        XCTAssertEqual(pastEnd.rendered(), "t:1:40: error: m\n    ab\n      ^")
    }

    func testMessagesStayOnOneLine() {
        XCTAssertEqual(Diagnostic(message: "a\nb\u{1B}").rendered(), "error: a\\nbU+001B")
    }

    // MARK: Random input


    /// Grammar pieces, separators, quotes, escapes, braces, and awkward Unicode (combining marks, ZWJ
    /// sequences, controls, a BOM, CRLF, a lone CR, line and paragraph separators).
    static let pieces = [
        "a", "x", "lambda", "repeat", "step", "loss", "0", "1", "9", "e", "-", "+", ".", "_", "/", ":", "*", "~",
        "=", "==", ",", ";", "[", "]", "{", "}", "\"", "\\", "#", "#> ", " ", " ", " ", "\t", "\n", "\n", "\r\n",
        "\r", "<", ">", "!", "'", "@", "é", "e\u{301}", "\u{301}", "σ", "データ", "👩‍👩‍👧", "\u{7}",
        "\u{0}",
        "\u{1B}", "\u{7F}", "\u{85}", "\u{A0}", "\u{200D}", "\u{2028}", "\u{FEFF}", "1e999", "1e-4", "\\n", "\\q",
    ]

    /// Pieces that are mostly valid on their own, so that half the inputs get deep into the grammar
    /// (blocks, lists, named arguments) before anything goes wrong.
    static let grammarPieces = [
        "a", "x", "lambda", "repeat", "step", "1", "1e-4", "-3", " ", " ", " ", "\n", "\n", ";", "=", ",", "[",
        "]", "{", "{", "}", "}", "\"", "\\", "#", "é", "σ", "\t",
    ]

    /// A random well-formed program: commands with words, numbers, strings, both list forms, named
    /// arguments, comments and blocks (nested at most `depth` deep).
    static func program(_ random: inout SplitMix64, depth: Int = 3) -> String {
        let values = ["x", "wgan-gp", "../a.csv", "1e-4", "-3", "128,128", "[1, 2,\n 3]", "\"a \\\" b\"", "σ"]
        var text = ""
        for _ in 0..<random.below(4) {
            text += ["step", "loss", "repeat", "expect"][random.below(4)]
            for argument in 0..<random.below(4) {
                text += random.below(5) == 0 ? " \\\n  " : " "  // a continued line now and then
                text += (random.below(2) == 0 ? "k\(argument)=" : "") + values[random.below(values.count)]
            }
            if depth > 0, random.below(3) == 0 { text += " { " + program(&random, depth: depth - 1) + " }" }
            text += ["\n", "; ", " # note\n", "\r\n"][random.below(4)]
        }
        return text
    }

    func testRandomInputNeverCrashesAndStaysInBounds() {
        var random = SplitMix64(state: 0x6A17_2025)
        var outcomes = (complete: 0, incomplete: 0, errors: 0)
        for iteration in 0..<20_000 {
            var source = ""
            var mustParse = false
            switch iteration % 3 {
            case 0:
                for _ in 0..<random.below(50) { source += Self.pieces[random.below(Self.pieces.count)] }
            case 1:
                for _ in 0..<random.below(50) { source += Self.grammarPieces[random.below(Self.grammarPieces.count)] }
            default:
                // A valid program, cut short (often incomplete) or with one random piece inserted.
                source = Self.program(&random)
                switch random.below(3) {
                case 2: mustParse = true
                case 0: source = String(source.prefix(random.below(source.count + 1)))
                case 1:
                    let at = source.index(source.startIndex, offsetBy: random.below(source.count + 1))
                    source.insert(contentsOf: Self.pieces[random.below(Self.pieces.count)], at: at)
                default: break
                }
            }
            let bounds = Bounds(source)
            let context = "iteration \(iteration): \(source.debugDescription)"
            for token in Lexer.scan(source, file: "f").tokens { bounds.check(token.range, context) }
            do {
                switch try Parser.parse(source, file: "f") {
                case .complete(let commands):
                    outcomes.complete += 1
                    var pending = commands[...]
                    var visited = 0
                    while let command = pending.popFirst(), visited < 10_000 {
                        visited += 1
                        bounds.check(command.range, context)
                        bounds.check(command.verbRange, context)
                        XCTAssertFalse(command.verb.isEmpty, context)
                        for argument in command.arguments {
                            switch argument {
                            case .positional(let node): bounds.check(node.range, context)
                            case .named(_, let nameRange, let node):
                                bounds.check(nameRange, context)
                                bounds.check(node.range, context)
                            }
                        }
                        pending.append(contentsOf: command.block ?? [])
                    }
                case .incomplete:
                    XCTAssertFalse(mustParse, context)
                    outcomes.incomplete += 1
                    do {
                        _ = try Parser.parseScript(source, file: "f")
                        XCTFail("a script may not end incomplete; \(context)")
                    } catch {
                        bounds.check(error, context)
                    }
                }
            } catch {
                XCTAssertFalse(mustParse, "\(error); \(context)")
                outcomes.errors += 1
                bounds.check(error, context)
            }
        }
        // The generator must reach every kind of outcome, or the run proves little.
        XCTAssertGreaterThan(outcomes.complete, 2_000)
        XCTAssertGreaterThan(outcomes.incomplete, 500)
        XCTAssertGreaterThan(outcomes.errors, 2_000)
    }

    /// The lines of an input, worked out independently of `SourceText`, to check locations against.
    struct Bounds {
        var lines: [[Character]] = [[]]
        var lineStarts = [0]
        let characterCount: Int

        init(_ source: String) {
            var text = Substring(source)
            if text.unicodeScalars.first == "\u{FEFF}" { text = Substring(text.unicodeScalars.dropFirst()) }
            var offset = 0
            for character in text {
                offset += 1
                if character.unicodeScalars.contains("\n") {
                    lines.append([])
                    lineStarts.append(offset)
                } else {
                    lines[lines.count - 1].append(character)
                }
            }
            characterCount = offset
        }

        func check(_ range: SourceRange, _ context: String) {
            XCTAssertEqual(range.start.file, "f", context)
            XCTAssertGreaterThanOrEqual(range.length, 1, context)
            guard (1...lines.count).contains(range.start.line) else {
                return XCTFail("line \(range.start.line) outside 1...\(lines.count); \(context)")
            }
            let line = range.start.line - 1
            XCTAssertTrue((1...lines[line].count + 1).contains(range.start.column),
                          "column \(range.start.column) outside the line; \(context)")
            XCTAssertLessThanOrEqual(lineStarts[line] + range.start.column - 1 + range.length, characterCount + 1,
                                     "range runs past the end; \(context)")
        }

        func check(_ diagnostic: Diagnostic, _ context: String) {
            guard let range = diagnostic.range else { return XCTFail("error without a range; \(context)") }
            check(range, context)
            if (1...lines.count).contains(range.start.line) {
                XCTAssertEqual(diagnostic.sourceLine, String(lines[range.start.line - 1]), context)
            }
            for note in diagnostic.notes { if let range = note.range { check(range, context) } }
            let shown = diagnostic.rendered()
            let hidden = shown.unicodeScalars.contains {
                $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t"
            }
            XCTAssertFalse(hidden,
                           "rendering shows a control character; \(context)")
        }
    }
}
