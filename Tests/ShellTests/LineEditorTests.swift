import XCTest
import Foundation
import CLibEdit  // read_history, to check that libedit reads our files.
import _GantryTestSupport
@testable import Shell

/// The parts of line input that need no terminal: completion word splitting and match lists, the history
/// file (format, limits, failures), the plain reader, terminal facts and the interrupt flag.
final class LineEditorTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("gantry-editor-\(ProcessInfo.processInfo.globallyUniqueString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func editor(history: String?, limit: Int = 1000) -> LineEditor {
        LineEditor(programName: "gantry-test", historyFile: history, historyLimit: limit) { _ in [] }
    }

    // MARK: Completion

    func testCompletionWordSplitsOnSpacesAndEquals() {
        let cases: [(String, String)] = [
            ("", ""), ("st", "st"), ("step 10", "10"), ("plot ", ""), ("set lambda=", ""),
            ("set lambda=0.1", "0.1"), ("load file=data/ring.csv", "data/ring.csv"), ("a\tb", "b"),
            ("load my\\ file", "my\\ file"), ("x λ=é", "é"), ("a==b", "b"),
        ]
        for (line, word) in cases {
            XCTAssertEqual(LineEditor.completionWord(in: line), word, "line \"\(line)\"")
        }
    }

    func testCompletionMatchLists() {
        typealias Completion = LineEditor.Completion
        XCTAssertNil(LineEditor.completion(word: "zz", candidates: []))
        XCTAssertNil(LineEditor.completion(word: "zz", candidates: [""]))
        XCTAssertEqual(LineEditor.completion(word: "pl", candidates: ["plot"]),
                       Completion(matches: ["plot", "plot"], appendsSpace: true))
        XCTAssertEqual(LineEditor.completion(word: "lam", candidates: ["lambda="]),
                       Completion(matches: ["lambda=", "lambda="], appendsSpace: false))
        XCTAssertEqual(LineEditor.completion(word: "da", candidates: ["data/", "data/"]),
                       Completion(matches: ["data/", "data/"], appendsSpace: false))
        XCTAssertEqual(LineEditor.completion(word: "", candidates: ["0.001", "0.0002", "0.001"]),
                       Completion(matches: ["0.00", "0.001", "0.0002"], appendsSpace: true))
        XCTAssertEqual(LineEditor.completion(word: "st", candidates: ["step", "status"]),
                       Completion(matches: ["st", "step", "status"], appendsSpace: true))
        // A common prefix shorter than the typed word must not delete what was typed.
        XCTAssertEqual(LineEditor.completion(word: "Ste", candidates: ["step", "stats"]),
                       Completion(matches: ["Ste", "step", "stats"], appendsSpace: true))
        XCTAssertEqual(LineEditor.completion(word: "λ", candidates: ["λ1", "λ2"])?.matches.first, "λ")
    }

    func testLineBeforeCursorCountsUnicodeScalars() {
        XCTAssertEqual(LineEditor.lineBeforeCursor(buffer: "st yy", cursor: 2, word: "st"), "st")
        XCTAssertEqual(LineEditor.lineBeforeCursor(buffer: "set λ=é x", cursor: 7, word: "é"), "set λ=é")
        XCTAssertEqual(LineEditor.lineBeforeCursor(buffer: "stale", cursor: 3, word: "xy"), "xy")
        XCTAssertEqual(LineEditor.lineBeforeCursor(buffer: "ab", cursor: 9, word: "ab"), "ab")
        XCTAssertEqual(LineEditor.lineBeforeCursor(buffer: nil, cursor: 2, word: "ab"), "ab")
    }

    // MARK: History file format

    func testHistoryEncodingRoundTrips() {
        let entries = ["step 10", "tab\there", "back\\slash", "two\nlines", "λ=1 ünïcödé", "\\134 literal", "end\r"]
        for entry in entries {
            let line = HistoryFile.encode(entry)
            XCTAssertFalse(line.contains(UInt8(ascii: "\n")), entry)
            XCTAssertEqual(HistoryFile.decode(line), entry)
        }
        XCTAssertEqual(String(decoding: HistoryFile.encode("a\\b\tc"), as: UTF8.self), "a\\134b\\011c")
        XCTAssertEqual(HistoryFile.parse(HistoryFile.serialize(entries)), entries)
    }

    func testHistoryReadsLibeditsOwnFormat() {
        let file = "_HiStOrY_V2_\nstep\\04010\na\\134b\n\\M-C\\M-)t\nx\\\\y\\n\n\nodd\\q\n"
        XCTAssertEqual(HistoryFile.parse(Array(file.utf8)), ["step 10", "a\\b", "ét", "x\\y\n", "odd\\q"])
        XCTAssertEqual(HistoryFile.parse(Array("no header\r\n".utf8)), ["no header\r"])
    }

    func testLibeditReadsOurHistoryFile() throws {
        let entries = ["step 10", "tab\there", "back\\slash", "λ=1"]
        let file = path("history")
        XCTAssertNil(HistoryFile.rewrite(entries, to: file))
        let empty = editor(history: nil)  // Initialises libedit with an empty history.
        XCTAssertEqual(read_history(file), 0)
        XCTAssertEqual(empty.history, entries, "libedit's read_history decodes our format")
        XCTAssertEqual(editor(history: file).history, entries)
    }

    // MARK: History behaviour

    func testHistorySkipsBlanksAndRepeatsAndPersists() throws {
        let file = path(".gantry_history")
        let first = editor(history: file)
        XCTAssertEqual(first.warnings, [])
        XCTAssertEqual(first.history, [])
        for line in ["step 10", "   ", "", "step 10", "plot", "step 10"] { first.addToHistory(line) }
        XCTAssertEqual(first.history, ["step 10", "plot", "step 10"])
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: file)))
        XCTAssertEqual(String(decoding: bytes, as: UTF8.self), "_HiStOrY_V2_\nstep 10\nplot\nstep 10\n")

        let second = editor(history: file)
        XCTAssertEqual(second.history, ["step 10", "plot", "step 10"])
        second.addToHistory("step 10")  // A repeat of the newest loaded entry.
        second.addToHistory("reset")
        XCTAssertEqual(HistoryFile.load(file), .entries(["step 10", "plot", "step 10", "reset"]))
        XCTAssertEqual(second.warnings, [])
    }

    func testHistoryLimitTrimsMemoryAndTheFile() throws {
        let file = path("history")
        XCTAssertNil(HistoryFile.rewrite((1...30).map { "command \($0)" }, to: file))
        let limited = editor(history: file, limit: 10)
        XCTAssertEqual(limited.history, (21...30).map { "command \($0)" })
        XCTAssertEqual(HistoryFile.load(file), .entries((21...30).map { "command \($0)" }))
        for index in 31...35 { limited.addToHistory("command \(index)") }
        XCTAssertEqual(limited.history, (26...35).map { "command \($0)" }, "stifle_history caps memory")
        XCTAssertEqual(limited.warnings, [])
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["history"],
                       "no temporary file left behind")
    }

    func testUnreadableHistoryFileWarnsOnceAndEditingGoesOn() throws {
        let directory = path("history-is-a-directory")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        let editor = editor(history: directory)
        XCTAssertEqual(editor.warnings.count, 1)
        XCTAssertTrue(editor.warnings[0].contains("cannot read history from \(directory)"), editor.warnings[0])
        editor.addToHistory("step 1")
        editor.addToHistory("step 2")
        XCTAssertEqual(editor.history, ["step 1", "step 2"])
        XCTAssertEqual(editor.warnings.count, 1)
    }

    func testUnwritableHistoryFileWarnsOnce() {
        let file = path("missing-folder/history")
        let editor = editor(history: file)
        XCTAssertEqual(editor.warnings, [], "a missing file is a first run, not a problem")
        editor.addToHistory("step 1")
        editor.addToHistory("step 2")
        XCTAssertEqual(editor.warnings.count, 1)
        XCTAssertTrue(editor.warnings.first?.contains("cannot save history to \(file)") == true)
        XCTAssertEqual(editor.history, ["step 1", "step 2"])
    }

    func testNoHistoryFile() {
        let editor = editor(history: nil)
        editor.addToHistory("step 1")
        XCTAssertEqual(editor.history, ["step 1"])
        XCTAssertEqual(editor.warnings, [])
    }

    // MARK: Plain reader, terminal facts, interrupts

    func testPlainReaderReadsLinesWithoutTerminators() throws {
        let file = path("input")
        try Data("step 10\n\nplot\r\nλ \u{FF}\nlast".utf8 + [0xFF]).write(to: URL(fileURLWithPath: file))
        let stream = try XCTUnwrap(fopen(file, "r"))
        defer { fclose(stream) }
        let reader = PlainLineReader(input: stream)
        let expected: [LineInput] = [.line("step 10"), .line(""), .line("plot"), .line("λ \u{FF}"),
                                     .line("last\u{FFFD}"), .endOfInput, .endOfInput]
        XCTAssertEqual(expected.map { _ in reader.readLine(prompt: "ignored> ") }, expected)
        reader.addToHistory("anything")
        XCTAssertEqual(reader.warnings, [])
    }

    func testTerminalWidthAndColourRules() {
        XCTAssertEqual(TerminalInfo.width(terminalColumns: 132, columnsVariable: "100"), 132)
        XCTAssertEqual(TerminalInfo.width(terminalColumns: 0, columnsVariable: " 100"), 100)
        XCTAssertEqual(TerminalInfo.width(terminalColumns: 0, columnsVariable: "wide"), 80)
        XCTAssertEqual(TerminalInfo.width(terminalColumns: 0, columnsVariable: "-5"), 80)
        XCTAssertEqual(TerminalInfo.width(terminalColumns: 0, columnsVariable: nil), 80)
        XCTAssertTrue(TerminalInfo.colourEnabled(outputIsTerminal: true, noColor: nil, term: "xterm"))
        XCTAssertTrue(TerminalInfo.colourEnabled(outputIsTerminal: true, noColor: "", term: nil))
        XCTAssertFalse(TerminalInfo.colourEnabled(outputIsTerminal: true, noColor: "1", term: "xterm"))
        XCTAssertFalse(TerminalInfo.colourEnabled(outputIsTerminal: true, noColor: nil, term: "dumb"))
        XCTAssertFalse(TerminalInfo.colourEnabled(outputIsTerminal: false, noColor: nil, term: "xterm"))
        XCTAssertGreaterThan(TerminalInfo.width, 0)
    }

    func testInterruptFlagRecordsSIGINT() {
        InterruptFlag.install()
        InterruptFlag.install()  // Idempotent.
        InterruptFlag.clear()
        XCTAssertFalse(InterruptFlag.isSet)
        raise(SIGINT)
        XCTAssertTrue(InterruptFlag.isSet)
        XCTAssertTrue(InterruptFlag.check())
        XCTAssertFalse(InterruptFlag.check(), "check() clears the flag")
        raise(SIGINT)
        InterruptFlag.clear()
        XCTAssertFalse(InterruptFlag.isSet)
    }
}

/// The line editor on a real pseudo-terminal: keys, completion, history and Ctrl-C/Ctrl-D as a user
/// meets them. There is no small executable to drive, so the test binary runs itself in a child process
/// on the terminal, restricted to this class, whose class-level set-up then acts as a miniature REPL
/// (and exits) instead of running the tests.
final class TerminalLineEditorTests: XCTestCase {
    static let childVariable = "GANTRY_LINE_EDITOR_CHILD"
    static let prompt = "gantry> "

    /// In the child process, becomes the miniature REPL before any test runs.
    override class func setUp() {
        super.setUp()
        if let home = ProcessInfo.processInfo.environment[childVariable] { runChildREPL(home: home) }
    }

    /// The miniature REPL of the child process: one line per input, as `<<line:…>>`, `<<interrupted>>`
    /// or `<<eof>>`; each completer call is appended to $HOME/completions.log. It never returns.
    static func runChildREPL(home: String) -> Never {
        let log = home + "/completions.log"
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        guard let logHandle = try? FileHandle(forWritingTo: URL(fileURLWithPath: log)) else {
            print("<<cannot open \(log)>>")
            exit(1)
        }
        let editor = LineEditor(programName: "gantry-test", historyFile: home + "/.gantry_history",
                                historyLimit: 50) { line in
            logHandle.write(Data((line + "\n").utf8))
            let word = LineEditor.completionWord(in: line)
            let words = line.dropLast(word.count).hasSuffix("lr=")
                ? ["0.001", "0.0002"] : ["step", "status", "lambda=", "plot", "load"]
            return words.filter { $0.hasPrefix(word) }
        }
        for warning in editor.warnings { print("<<warning:\(warning)>>") }
        while true {
            fflush(nil)
            switch editor.readLine(prompt: Self.prompt) {
            case .line(let line):
                print("<<line:\(line)>>")
                editor.addToHistory(line)
            case .interrupted:
                print("<<interrupted>>")
            case .endOfInput:
                print("<<eof>>")
                fflush(nil)
                exit(0)  // Before XCTest prints a summary of its own.
            }
        }
    }

    /// Starts the child with `home` as its HOME (and working directory), waiting for the first prompt.
    func startChild(home: String) throws -> PseudoTerminal {
        let testBinary = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        var environment = [Self.childVariable: home, "HOME": home]
        environment["LD_LIBRARY_PATH"] = ProcessInfo.processInfo.environment["LD_LIBRARY_PATH"]
        let terminal: PseudoTerminal
        do {
            terminal = try PseudoTerminal(executable: testBinary,
                                          arguments: ["ShellTests.TerminalLineEditorTests"],
                                          environment: environment, workingDirectory: home)
        } catch PseudoTerminal.Error.unavailable(let reason) {
            throw MissingPseudoTerminals(reason: reason)
        }
        try terminal.expectPrompt(Self.prompt, timeout: 20)
        return terminal
    }

    var home = ""

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory
            .appendingPathComponent("gantry-editor-pty-\(ProcessInfo.processInfo.globallyUniqueString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// Types `keys`, then expects `output` and the next prompt, ready for keys.
    func enter(_ keys: String, _ terminal: PseudoTerminal, expect output: String) throws {
        try terminal.send(keys)
        try terminal.expect(output)
        try terminal.expectPrompt(Self.prompt)
    }

    func completerCalls() throws -> [String] {
        try String(contentsOfFile: home + "/completions.log", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func testTabCompletesWordsAfterSpacesAndEquals() throws {
        let terminal = try startChild(home: home)
        try enter("pl\t\r", terminal, expect: "<<line:plot >>")
        try enter("lam\t0.5\r", terminal, expect: "<<line:lambda=0.5>>")  // No space after "=".
        try enter("set lr=0.0\t\r", terminal, expect: "<<line:set lr=0.00>>")  // The common prefix.
        try enter("set lr=0.0\t0\t\r", terminal, expect: "<<line:set lr=0.0002 >>")
        XCTAssertEqual(try completerCalls(), ["pl", "lam", "set lr=0.0", "set lr=0.0", "set lr=0.000"])
    }

    func testSecondTabListsCandidatesAndCompletionSeesOnlyTextBeforeTheCursor() throws {
        let terminal = try startChild(home: home)
        try terminal.send("st yy")
        try terminal.expect("st yy")
        try terminal.send("\u{2}\u{2}\u{2}\t\t")  // Ctrl-B ×3: the cursor goes back to just after "st".
        try terminal.expect("status")
        try terminal.expect("step")
        try enter("\r", terminal, expect: "<<line:st yy>>")
        XCTAssertEqual(try completerCalls(), ["st", "st"])
    }

    func testNoFallbackToFileNameCompletion() throws {
        _ = FileManager.default.createFile(atPath: home + "/zzz-data.csv", contents: Data())
        let terminal = try startChild(home: home)
        try enter("zzz\t\r", terminal, expect: "<<line:zzz>>")
        XCTAssertEqual(try completerCalls(), ["zzz"])
    }

    func testControlCDiscardsTheLineAndControlDOnAnEmptyLineEnds() throws {
        let terminal = try startChild(home: home)
        try terminal.send("abc")
        try terminal.expect("abc")
        try terminal.send("\u{3}")
        try terminal.expect("<<interrupted>>")
        try terminal.expectPrompt(Self.prompt)
        try enter("def\r", terminal, expect: "<<line:def>>")
        try terminal.send("x")
        try terminal.expect("x")
        try enter("\u{4}\r", terminal, expect: "<<line:x>>")  // Ctrl-D on a non-empty line does not end.
        try terminal.send("\u{4}")
        try terminal.expect("<<eof>>")
        XCTAssertEqual(terminal.waitForExit(timeout: 10), 0)
        XCTAssertFalse(terminal.transcript.contains("<<line:abc"))
    }

    func testHistoryWithinAndAcrossSessionsAndUTF8() throws {
        do {
            let terminal = try startChild(home: home)
            try enter("first\r", terminal, expect: "<<line:first>>")
            try enter("λ=é\r", terminal, expect: "<<line:λ=é>>")
            try enter("\u{1b}[A\u{1b}[A\r", terminal, expect: "<<line:first>>")  // ↑ ↑ Enter
            try terminal.send("\u{4}")
            XCTAssertEqual(terminal.waitForExit(timeout: 10), 0, PseudoTerminal.visible(terminal.transcript))
        }
        XCTAssertEqual(HistoryFile.load(home + "/.gantry_history"), .entries(["first", "λ=é", "first"]))
        let second = try startChild(home: home)
        try enter("\u{1b}[A\u{1b}[A\r", second, expect: "<<line:λ=é>>")
        XCTAssertFalse(second.transcript.contains("<<warning"))
    }

    func testUnreadableHistoryFileGivesOneWarning() throws {
        try FileManager.default.createDirectory(atPath: home + "/.gantry_history", withIntermediateDirectories: false)
        let terminal = try startChild(home: home)
        try enter("step\r", terminal, expect: "<<line:step>>")
        try enter("plot\r", terminal, expect: "<<line:plot>>")
        XCTAssertEqual(terminal.transcript.components(separatedBy: "<<warning:").count - 1, 1,
                       PseudoTerminal.visible(terminal.transcript))
        XCTAssertTrue(terminal.transcript.contains("cannot read history from \(home)/.gantry_history"))
    }
}
