import XCTest
@testable import Shell

/// Commands, arguments, values and blocks with their exact ranges; incomplete input; syntax errors with
/// their exact place and text.
final class ParserTests: XCTestCase {
    func node(_ value: Value, _ line: Int, _ column: Int, _ length: Int) -> ValueNode {
        ValueNode(value: value, range: range(line, column, length))
    }

    func testVerbPositionalsAndNamedArguments() throws {
        let source = "loss wgan-gp lambda=0.1 n_critic = 5 G"
        let expected = Command(
            verb: "loss", verbRange: range(1, 1, 4),
            arguments: [
                .positional(node(.word("wgan-gp"), 1, 6, 7)),
                .named(name: "lambda", nameRange: range(1, 14, 6), value: node(.number(0.1, text: "0.1"), 1, 21, 3)),
                .named(name: "n_critic", nameRange: range(1, 25, 8), value: node(.number(5, text: "5"), 1, 36, 1)),
                .positional(node(.word("G"), 1, 38, 1)),  // a positional after a named argument is fine
            ],
            block: nil, range: range(1, 1, 38), sourceLine: source)
        XCTAssertEqual(try commands(source), [expected])
        XCTAssertEqual(expected.positionals.map(\.text), ["wgan-gp", "G"])
        XCTAssertEqual(expected.value(named: "n_critic")?.text, "5")
        XCTAssertNil(expected.value(named: "G"))
    }

    func testValueKindsAndTheirText() throws {
        let command = try XCTUnwrap(
            try commands(#"model hidden=128,128 shape=[64, 32,] name="my gan" empty=[] path=../x.csv"#).first)
        XCTAssertEqual(command.value(named: "hidden"),
                       node(.list([.number(128, text: "128"), .number(128, text: "128")]), 1, 14, 7))
        XCTAssertEqual(command.value(named: "hidden")?.text, "128,128")
        XCTAssertEqual(command.value(named: "shape"),
                       node(.list([.number(64, text: "64"), .number(32, text: "32")]), 1, 28, 9))
        XCTAssertEqual(command.value(named: "shape")?.text, "64,32")
        XCTAssertEqual(command.value(named: "name"), node(.string("my gan"), 1, 43, 8))
        XCTAssertEqual(command.value(named: "name")?.text, "my gan")
        XCTAssertEqual(command.value(named: "empty"), node(.list([]), 1, 58, 2))
        XCTAssertEqual(command.value(named: "path"), node(.word("../x.csv"), 1, 66, 8))
        let mixed = try XCTUnwrap(try commands(#"tag "a b","c",d,1e-4"#).first?.positionals.first)
        XCTAssertEqual(mixed.value, .list([.string("a b"), .string("c"), .word("d"), .number(1e-4, text: "1e-4")]))
        XCTAssertEqual(mixed.text, "a b,c,d,1e-4")
    }

    func testBracketedListsSpanLinesWithComments() throws {
        let parsed = try commands("layers [\n  64,  # first\n  32,\n]\nplot")
        XCTAssertEqual(parsed.map(\.verb), ["layers", "plot"])
        let list = Value.list([.number(64, text: "64"), .number(32, text: "32")])
        XCTAssertEqual(parsed[0].positionals, [node(list, 1, 8, 24)])
        XCTAssertEqual(parsed[0].range, range(1, 1, 31))
        XCTAssertEqual(parsed[1].verbRange, range(5, 1, 4))
    }

    func testSeparatorsAndBlankCommands() throws {
        XCTAssertEqual(try commands(""), [])
        XCTAssertEqual(try commands("  \n# only a comment\n;;\n"), [])
        let parsed = try commands("a; b\n\n;; # c\n  d 1 ;")
        XCTAssertEqual(parsed.map(\.verb), ["a", "b", "d"])
        XCTAssertEqual(parsed[2].sourceLine, "  d 1 ;")
        XCTAssertEqual(parsed[2].range, range(4, 3, 3))
    }

    func testBlocks() throws {
        let parsed = try commands("repeat 3 { step 100; metric modes\n  plot }\nsave run.gan")
        XCTAssertEqual(parsed.map(\.verb), ["repeat", "save"])
        let body = try XCTUnwrap(parsed[0].block)
        XCTAssertEqual(body.map(\.verb), ["step", "metric", "plot"])
        XCTAssertEqual(parsed[0].positionals.map(\.text), ["3"])
        XCTAssertEqual(parsed[0].range, range(1, 1, 42))
        XCTAssertEqual(body[2].verbRange, range(2, 3, 4))
        XCTAssertEqual(body[2].sourceLine, "  plot }")
        XCTAssertNil(parsed[1].block)
        XCTAssertEqual(try commands("repeat 2 {}").first?.block, [])
        let nested = try commands("repeat 2 { repeat 3 { step 1 } ; plot }")
        XCTAssertEqual(nested.first?.block?.map(\.verb), ["repeat", "plot"])
        XCTAssertEqual(nested.first?.block?.first?.block?.map(\.verb), ["step"])
        XCTAssertEqual(nested.first?.block?.first?.range, range(1, 12, 19))
    }

    func testBlockErrors() {
        assertError("repeat 3 { step 1 } plot", at: "t:1:21", length: 4,
                    "expected ';' or a new line after '}', found 'plot'")
        assertError("repeat 3\n{ step 1 }", at: "t:2:1", length: 1, "expected a command name, found '{'")
        XCTAssertEqual(diagnostic("repeat 3\n{ step 1 }")?.notes.map(\.message),
                       ["a block opens on the line of its command, as in 'repeat 3 { step 100 }'"])
    }

    func testBlockDepthIsLimited() throws {
        let deepest = String(repeating: "r { ", count: 32) + String(repeating: "}", count: 32)
        var block = try commands(deepest).first?.block
        var depth = 1
        while let inner = block?.first?.block { block = inner; depth += 1 }
        XCTAssertEqual(depth, 32)
        let tooDeep = String(repeating: "r { ", count: 33) + String(repeating: "}", count: 33)
        assertError(tooDeep, at: "t:1:131", length: 1, "blocks nested too deeply (limit 32)")
        // Far deeper input stops at the same place instead of recursing.
        assertError(String(repeating: "r {", count: 100_000), at: "t:1:99", length: 1,
                    "blocks nested too deeply (limit 32)")
    }

    func testIncompleteInput() throws {
        let cases: [(String, String)] = [
            ("say \"abc", "unterminated string"),
            ("say \"abc\ndef", "unterminated string"),
            ("model hidden=[64,", "unclosed '['"),
            ("model hidden=[64,\n 32", "unclosed '['"),
            ("model [", "unclosed '['"),
            ("repeat 3 {", "unclosed '{'"),
            ("repeat 3 { step 1\n plot", "unclosed '{'"),
            ("repeat 3 { repeat 2 { step 1 }", "unclosed '{'"),
            ("step 10 \\", "line continuation"),
            ("step 10 \\  ", "line continuation"),
            ("repeat 3 { m x=[1,", "unclosed '['"),
            ("repeat 3 { say \"a", "unterminated string"),
            ("loss lambda=\"abc", "unterminated string"),
            ("loss lambda=\\", "line continuation"),
        ]
        for (source, reason) in cases {
            XCTAssertEqual(try Parser.parse(source, file: "t"), .incomplete(reason: reason), source)
        }
        // The same inputs, finished by the next line.
        XCTAssertEqual(try commands("repeat 3 {\nstep 1\n}").first?.block?.map(\.verb), ["step"])
        XCTAssertEqual(try commands("step 10 \\\nevery=5").first?.value(named: "every")?.text, "5")
        XCTAssertEqual(try commands("say \"abc\ndef\"").first?.positionals.first?.value, .string("abc\ndef"))
    }

    func testEarlierErrorsWinOverIncompleteOrLaterErrors() {
        assertError("= 1; say \"abc", at: "t:1:1", length: 1, "unexpected '='")
        assertError("repeat 3 { = ", at: "t:1:12", length: 1, "unexpected '='")
        assertError("= 1 @", at: "t:1:1", length: 1, "unexpected '='")
        assertError("a @ =", at: "t:1:3", length: 1, "unexpected character '@'")
    }

    func testScriptsTurnIncompleteInputIntoErrors() {
        func scriptError(_ source: String) -> Diagnostic? { scriptDiagnostic(source) }
        XCTAssertEqual(scriptError("step 1\nsay \"abc\nplot"),
                       Diagnostic(message: "unterminated string starting here", range: range(2, 5, 1),
                                  sourceLine: "say \"abc"))
        XCTAssertEqual(scriptError("x [1,\n")?.range, range(1, 3, 1))
        XCTAssertEqual(scriptError("x [1,\n")?.message, "unclosed '[' starting here")
        XCTAssertEqual(scriptError("r {\n step")?.message, "unclosed '{' starting here")
        XCTAssertEqual(scriptError("r {\n step")?.range, range(1, 3, 1))
        XCTAssertEqual(scriptError("step \\")?.message, "line continuation '\\' at end of input")
        XCTAssertEqual(scriptError("step \\")?.range, range(1, 6, 1))
        XCTAssertEqual(scriptError("= 3")?.message, "unexpected '='")
        XCTAssertEqual(try Parser.parseScript("a\nb", file: "t").map(\.verb), ["a", "b"])
    }

    func testMisplacedPunctuation() {
        assertError("= 3", at: "t:1:1", length: 1, "unexpected '='")
        assertError("lambda=3", at: "t:1:7", length: 1,
                    "unexpected '='; a command name comes first, as in 'loss wgan-gp lambda=10'")
        assertError("loss = 3", at: "t:1:6", length: 1, "unexpected '='")
        assertError("loss a=b=c", at: "t:1:9", length: 1, "unexpected '='")
        assertError(", a", at: "t:1:1", length: 1, "unexpected ','")
        assertError("plot a ,b", at: "t:1:8", length: 1, "unexpected ','")
        assertError("plot ]", at: "t:1:6", length: 1, "unexpected ']'")
        assertError("plot }", at: "t:1:6", length: 1, "unexpected '}'")
        assertError("a\n}", at: "t:2:1", length: 1, "unexpected '}'")
        assertError("loss a=,3", at: "t:1:8", length: 1, "unexpected ','")
    }

    func testCommandNameMustBeAWord() {
        assertError("3 a", at: "t:1:1", length: 1, "expected a command name, found number 3")
        assertError("x\n  \"plot\" 1", at: "t:2:3", length: 6, "expected a command name, found string \"plot\"")
        assertError("[1] a", at: "t:1:1", length: 1, "expected a command name, found '['")
    }

    func testNamedArgumentErrors() {
        assertError("loss wgan-gp lambda=1 lambda=2", at: "t:1:23", length: 6, "parameter lambda given twice")
        let notes = diagnostic("loss wgan-gp lambda=1 lambda=2")?.notes
        XCTAssertEqual(notes, [Diagnostic(severity: .note, message: "first given here", range: range(1, 14, 6),
                                          sourceLine: "loss wgan-gp lambda=1 lambda=2")])
        assertError("loss lambda=", at: "t:1:12", length: 1, "missing value after 'lambda='")
        assertError("loss lambda= ; step", at: "t:1:12", length: 1, "missing value after 'lambda='")
        assertError("loss lambda=\nstep", at: "t:1:12", length: 1, "missing value after 'lambda='")
        assertError("r x= { }", at: "t:1:4", length: 1, "missing value after 'x='")
        assertError("plot 3=4", at: "t:1:6", length: 1, "a parameter name must be a word, found number 3")
        assertError(#"plot "a"=4"#, at: "t:1:6", length: 3, #"a parameter name must be a word, found string "a""#)
        assertError("plot a,b=4", at: "t:1:6", length: 3, "a parameter name must be a word, found list a,b")
        assertError("plot [a]=4", at: "t:1:6", length: 3, "a parameter name must be a word, found list a")
    }

    func testListErrors() {
        assertError("m h=[1,[2]]", at: "t:1:8", length: 1, "lists cannot be nested")
        assertError("m h=1,[2]", at: "t:1:7", length: 1, "lists cannot be nested")
        assertError("m h=[1],2", at: "t:1:8", length: 1, "lists cannot be nested")
        assertError("m h=128, 128", at: "t:1:8", length: 1,
                    "a list without brackets cannot contain spaces; write 1,2 or [1, 2]")
        assertError("m h=1,2,", at: "t:1:8", length: 1, "missing list element after ','")
        assertError("m h=1,;", at: "t:1:6", length: 1, "missing list element after ','")
        assertError("m h=[1 2]", at: "t:1:8", length: 1, "expected ',' or ']' in list, found number 2")
        assertError("m h=[1;", at: "t:1:7", length: 1, "expected ',' or ']' in list, found ';'")
        assertError("m h=[;", at: "t:1:6", length: 1, "expected a list element or ']', found ';'")
        assertError("m h=[,1]", at: "t:1:6", length: 1, "unexpected ','")
        assertError("m [1,,2]", at: "t:1:6", length: 1, "unexpected ','")
    }

    func testComparisonsForExpect() throws {
        let command = try XCTUnwrap(try commands("expect modes >= 6").first)
        XCTAssertEqual(command.positionals.map(\.value), [.word("modes"), .word(">="), .number(6, text: "6")])
    }

    func testContinuedCommandsAndFirstLine() throws {
        let command = try XCTUnwrap(try commands("step 10 \\\n  every=5").first)
        XCTAssertEqual(command.range, range(1, 1, 19))
        XCTAssertEqual(command.sourceLine, "step 10 \\")
        guard case .named(_, let nameRange, _) = command.arguments.last else { return XCTFail("not named") }
        XCTAssertEqual(nameRange, range(2, 3, 5))
        let later = try Parser.parse("a\nplot x", file: "<stdin>", firstLine: 7)
        guard case .complete(let parsed) = later else { return XCTFail("incomplete") }
        XCTAssertEqual(parsed.last?.positionals.first?.range.start.description, "<stdin>:8:6")
    }

    func testTheDesignSessionParses() throws {
        let session = """
            data ring8                      # 8 Gaussians on a circle (σ = 0.01, r = 1)
            loss minimax
            step 2000
            metric modes
            loss wgan-gp lambda=0.1         # same weights, new objective
            trick on minibatch-discrimination kernels=100 dims=5
            step 2000 every=500 do="metric modes"
            plot samples critic out=plots/critic.svg
            optimizer G adam lr=1e-4 betas=0.5,0.999
            generator mlp hidden=[128, 128] activation=leaky-relu
            repeat 10 { step 100; metric modes }
            save run.gan
            """
        let parsed = try commands(session)
        XCTAssertEqual(parsed.map(\.verb), ["data", "loss", "step", "metric", "loss", "trick", "step", "plot",
                                            "optimizer", "generator", "repeat", "save"])
        XCTAssertEqual(parsed[6].value(named: "do")?.value, .string("metric modes"))
        XCTAssertEqual(parsed[8].value(named: "betas")?.text, "0.5,0.999")
        XCTAssertEqual(parsed[9].value(named: "hidden")?.text, "128,128")
    }
}
