import XCTest
@testable import Shell

/// Tokens, their values and their exact places; lexical errors with their exact place and text.
final class LexerTests: XCTestCase {
    func testWordsAllowPathsDashesAndNonASCIILetters() {
        let source = "wgan-gp run.gan ../x/y.csv G leaky-relu ~/d/*.csv a:b_c σ café cafe\u{301} データ - -x"
        let tokens = Lexer.scan(source, file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), Array(repeating: .word, count: 13) + [.end])
        XCTAssertEqual(tokens.dropLast().map(\.text),
                       ["wgan-gp", "run.gan", "../x/y.csv", "G", "leaky-relu", "~/d/*.csv", "a:b_c", "σ", "café",
                        "cafe\u{301}", "データ", "-", "-x"])
        // Columns count Characters: the decomposed "é" (two scalars) is one column.
        XCTAssertEqual(tokens[9].range, range(1, 64, 4))
        XCTAssertEqual(tokens[10].range, range(1, 69, 3))
    }

    func testNumbersFollowTheDecimalDoubleGrammar() {
        let numbers = ["3", "-3", "+3", "0.5", ".5", "5.", "1e-4", "1E+3", "-.5e3", "007"]
        for text in numbers {
            let tokens = Lexer.scan(text, file: "t").tokens
            XCTAssertEqual(tokens.first?.kind, .number, text)
            XCTAssertEqual(tokens.first?.text, text)
        }
        let words = ["-", "-x", "1e", "1e+", "1_000", "1.2.3", "e5", "0x10", "inf", "nan", "1e-4x", ".", "+", "2d"]
        for text in words {
            XCTAssertEqual(Lexer.scan(text, file: "t").tokens.first?.kind, .word, text)
        }
        XCTAssertEqual(try commands("lr 1e-4").first?.positionals.first?.value, .number(1e-4, text: "1e-4"))
    }

    func testNumbersOutOfRangeAreNumbersForTheirReaderToRefuse() {
        // The lexer only knows spellings: whether 1e999 fits is for the command reading it to say, with the
        // reason (an integer's limit, the 32-bit floats); `snapshot 1e999` is a name.
        for text in ["1e999", "-1e400", "1e-400", "99999999999999999999"] {
            XCTAssertEqual(Lexer.scan(text, file: "t").tokens.first?.kind, .number, text)
        }
        XCTAssertEqual(try commands("x\nlr a=-1e400").last?.value(named: "a")?.text, "-1e400")
    }

    func testQuestionMarkIsAWordSoHelpsAliasCanBeTyped() {
        XCTAssertEqual(Lexer.scan("? help ?", file: "t").tokens.map(\.kind), [.word, .word, .word, .end])
        XCTAssertEqual(try commands("help ?").first?.positionals.first?.value, .word("?"))
        XCTAssertTrue(Lexer.isBareWord("what?"))
        XCTAssertFalse(Lexer.isBareWord("my data.csv"))
        XCTAssertFalse(Lexer.isBareWord("a,b"))
        XCTAssertFalse(Lexer.isBareWord(""))
    }

    func testPunctuation() {
        let tokens = Lexer.scan("a=b,c; [ ] { }", file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), [.word, .equals, .word, .comma, .word, .semicolon, .leftBracket,
                                            .rightBracket, .leftBrace, .rightBrace, .end])
        XCTAssertEqual(tokens.map(\.range.start.column), [1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 15])
    }

    func testComparisonOperatorsAreWords() {
        let tokens = Lexer.scan("expect modes>=6 < 1 <= 2 > 3 == 4 != 5", file: "t").tokens
        XCTAssertEqual(tokens.filter { $0.kind == .word }.map(\.text),
                       ["expect", "modes", ">=", "<", "<=", ">", "==", "!="])
        XCTAssertEqual(tokens[2].range, range(1, 13, 2))
        assertError("expect a ! 3", at: "t:1:10", length: 1, "unexpected character '!'")
    }

    func testStringsUnescapeAndKeepTheirSpelling() {
        let tokens = Lexer.scan(#"say "a \"b\" \\ c\n\td" x"#, file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), [.word, .string, .word, .end])
        XCTAssertEqual(tokens[1].text, #""a \"b\" \\ c\n\td""#)
        XCTAssertEqual(tokens[1].value, "a \"b\" \\ c\n\td")
        XCTAssertEqual(tokens[1].range, range(1, 5, 19))
        XCTAssertEqual(tokens[2].range, range(1, 25, 1))
        // Emoji and CJK inside a string are one column each.
        let wide = Lexer.scan("say \"👩‍👩‍👧データ\" x", file: "t").tokens
        XCTAssertEqual(wide[1].range, range(1, 5, 6))
        XCTAssertEqual(wide[2].range, range(1, 12, 1))
    }

    func testStringsMaySpanLines() {
        let tokens = Lexer.scan("say \"one\r\ntwo\" x", file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), [.word, .string, .word, .end])
        XCTAssertEqual(tokens[1].value, "one\ntwo")  // a CRLF inside a string is a plain line break
        XCTAssertEqual(tokens[1].range, range(1, 5, 9))
        XCTAssertEqual(tokens[2].range, range(2, 6, 1))
    }

    func testBadEscapesAreErrorsAtTheEscape() {
        assertError(#"say "ab\qc""#, at: "t:1:8", length: 2,
                    #"unknown escape sequence '\q' in string; use \" \\ \n or \t"#)
        assertError("say \"ab\\\nc\"", at: "t:1:8", length: 1,
                    #"a string cannot be continued with '\'; write \n for a line break"#)
        assertError("say \"a\u{1B}[31m\"", at: "t:1:7", length: 1, "control character U+001B is not allowed")
    }

    func testCommentsAreSkippedIncludingTranscriptLines() {
        let source = "step 10 # a \"quote and a \\ and \u{7}\n#> expected output\n#! t:1:1: error: x\nplot"
        let tokens = Lexer.scan(source, file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), [.word, .number, .newline, .newline, .newline, .word, .end])
        XCTAssertEqual(tokens[5].range, range(4, 1, 4))
        XCTAssertEqual(Lexer.scan(source, file: "t").ending, .complete)
    }

    func testLinesAndColumnsStartAtFirstLine() {
        let tokens = Lexer.scan("a b\n  c\n\nd", file: "run.gan", firstLine: 10).tokens
        XCTAssertEqual(tokens.map(\.range.start.description),
                       ["run.gan:10:1", "run.gan:10:3", "run.gan:10:4", "run.gan:11:3", "run.gan:11:4",
                        "run.gan:12:1", "run.gan:13:1", "run.gan:13:2"])
        XCTAssertEqual(tokens.last?.kind, .end)
    }

    func testCRLFLineEndsAreNewlines() {
        let tokens = Lexer.scan("a\r\nb c\r\n", file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), [.word, .newline, .word, .word, .newline, .end])
        XCTAssertEqual(tokens[3].range, range(2, 3, 1))
        assertError("a\rb", at: "t:1:2", length: 1, "control character U+000D is not allowed")
    }

    func testLineContinuationJoinsLines() {
        let tokens = Lexer.scan("step 10 \\  \n  every=5\nplot", file: "t").tokens
        XCTAssertEqual(tokens.map(\.kind), [.word, .number, .word, .equals, .number, .newline, .word, .end])
        XCTAssertEqual(tokens[2].range, range(2, 3, 5))
        XCTAssertEqual(Lexer.scan("step 10 \\", file: "t").ending,
                       .incomplete(.lineContinuation, range: range(1, 9, 1)))
        assertError("step \\ 10", at: "t:1:6", length: 1,
                    #"a line continuation '\' must be the last character on its line"#)
    }

    func testUnexpectedCharacters() {
        assertError("step 10 @", at: "t:1:9", length: 1, "unexpected character '@'")
        assertError("data 'ring8'", at: "t:1:6", length: 1,
                    #"unexpected character "'"; strings are written in double quotes"#)
        assertError("step\u{A0}10", at: "t:1:5", length: 1, "unexpected character U+00A0")
        assertError("plot 😀", at: "t:1:6", length: 1, "unexpected character '😀'")
        assertError("step\u{0}", at: "t:1:5", length: 1, "control character U+0000 is not allowed")
        assertError("a\n\u{7F}", at: "t:2:1", length: 1, "control character U+007F is not allowed")
    }

    func testLineLengthLimit() {
        let longest = String(repeating: "a", count: 100_000)
        XCTAssertEqual(Lexer.scan("x\n" + longest + "\ny", file: "t").ending, .complete)
        assertError("x\n" + longest + "b\ny", at: "t:2:100001", length: 1,
                    "line too long (more than 100000 characters)")
        assertError("x \"" + longest, at: "t:1:100001", length: 1, "line too long (more than 100000 characters)")
    }

    func testByteOrderMarkIsIgnored() {
        let tokens = Lexer.scan("\u{FEFF}step 1", file: "t").tokens
        XCTAssertEqual(tokens.first?.range, range(1, 1, 4))
    }

    func testEndTokenSitsAfterTheLastCharacter() {
        XCTAssertEqual(Lexer.scan("", file: "t").tokens,
                       [Token(kind: .end, text: "", value: "", range: range(1, 1, 1))])
        XCTAssertEqual(Lexer.scan("ab\n", file: "t").tokens.last?.range, range(2, 1, 1))
        XCTAssertEqual(Lexer.scan("ab", file: "t").tokens.last?.range, range(1, 3, 1))
    }

    func testOpenStringIsIncompleteAtItsQuote() {
        XCTAssertEqual(Lexer.scan("x\nsay \"abc\nd", file: "t").ending,
                       .incomplete(.string, range: range(2, 5, 1)))
        XCTAssertEqual(Lexer.scan("say \"abc\\", file: "t").ending, .incomplete(.string, range: range(1, 5, 1)))
    }
}

// MARK: Helpers shared by the Shell language tests

extension XCTestCase {
    /// A range in file "t".
    func range(_ line: Int, _ column: Int, _ length: Int, file: String = "t") -> SourceRange {
        SourceRange(start: SourceLocation(file: file, line: line, column: column), length: length)
    }

    /// The commands of a complete input, failing the test otherwise.
    func commands(_ source: String, file: StaticString = #filePath, line: UInt = #line) throws -> [Command] {
        switch try Parser.parse(source, file: "t") {
        case .complete(let commands): return commands
        case .incomplete(let reason):
            XCTFail("incomplete: \(reason)", file: file, line: line)
            return []
        }
    }

    /// The error `source` gives, or `nil` (with a test failure) when it parses.
    func diagnostic(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> Diagnostic? {
        do {
            let outcome = try Parser.parse(source, file: "t")
            XCTFail("no error; parsed as \(outcome)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    /// The error a whole script gives, or `nil` when it parses.
    func scriptDiagnostic(_ source: String, file name: String = "t") -> Diagnostic? {
        do throws(Diagnostic) {
            _ = try Parser.parseScript(source, file: name)
            return nil
        } catch {
            return error
        }
    }

    /// Checks the exact location (`file:line:col`), length and message of the error `source` gives.
    func assertError(_ source: String, at location: String, length: Int, _ message: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        guard let error = diagnostic(source, file: file, line: line) else { return }
        XCTAssertEqual(error.severity, .error, file: file, line: line)
        XCTAssertEqual(error.message, message, file: file, line: line)
        XCTAssertEqual(error.range?.start.description, location, file: file, line: line)
        XCTAssertEqual(error.range?.length, length, file: file, line: line)
    }
}
