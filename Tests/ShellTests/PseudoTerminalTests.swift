import XCTest
import Foundation
import _GantryTestSupport

/// The pseudo-terminal harness, checked against system programs: the child really has a controlling
/// terminal, keystrokes arrive byte for byte, Ctrl-C becomes SIGINT, and the harness cleans up.
final class PseudoTerminalTests: XCTestCase {
    /// A terminal running `executable`, or a skip where this machine has no pseudo-terminals.
    func terminal(_ executable: String, _ arguments: [String] = [], environment: [String: String] = [:],
                  workingDirectory: String? = nil) throws -> PseudoTerminal {
        do {
            return try PseudoTerminal(executable: executable, arguments: arguments, environment: environment,
                                      workingDirectory: workingDirectory)
        } catch PseudoTerminal.Error.unavailable(let reason) {
            throw MissingPseudoTerminals(reason: reason)
        }
    }

    func testStandardStreamsAreTheTerminalWithItsSize() throws {
        let shell = try terminal("/bin/sh", ["-c", "for fd in 0 1 2; do test -t $fd && echo tty$fd; done; tty; stty size"])
        for line in ["tty0", "tty1", "tty2", "/dev/pts/", "24 80"] { try shell.expect(line) }
        XCTAssertEqual(shell.waitForExit(timeout: 5), 0)
    }

    func testEnvironmentIsSmallWithAFreshHome() throws {
        var home = ""
        do {
            let shell = try terminal("/bin/sh", ["-c", #"echo "T=$TERM X=$EXTRA U=${USER-unset}"; test -d "$HOME" && echo has-home"#],
                                     environment: ["EXTRA": "yes"])
            home = shell.homeDirectory
            try shell.expect("T=xterm X=yes U=unset")
            try shell.expect("has-home")
            XCTAssertEqual(shell.waitForExit(timeout: 5), 0)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: home), "the temporary HOME outlived the terminal")
    }

    func testTypedTextIsEchoedAndControlDEndsInput() throws {
        let cat = try terminal("/bin/cat")
        try cat.send("hello\r")
        // Once echoed by the terminal, once printed by cat; the terminal turns "\n" into "\r\n".
        XCTAssertEqual(try cat.expect("hello\r\n"), "hello\r\n")
        XCTAssertEqual(try cat.expect("hello\r\n"), "hello\r\n")
        try cat.send("\u{4}")
        XCTAssertEqual(cat.waitForExit(timeout: 5), 0)
    }

    func testControlCInterruptsTheProgram() throws {
        let cat = try terminal("/bin/cat")
        try cat.send("abc")
        try cat.expect("abc")
        try cat.send("\u{3}")
        XCTAssertEqual(cat.waitForExit(timeout: 5), 128 + SIGINT, "Ctrl-C did not become SIGINT: no controlling terminal?")
    }

    func testKeystrokesArriveByteForByte() throws {
        // In raw mode the driver passes everything through, including Ctrl-C.
        let shell = try terminal("/bin/sh", ["-c", "stty raw -echo; echo ready; dd bs=1 count=6 2>/dev/null | od -An -tx1"])
        try shell.expect("ready")
        try shell.send("\u{1b}[A\t\u{3}\u{4}")
        try shell.expect("1b 5b 41 09 03 04")
        XCTAssertEqual(shell.waitForExit(timeout: 5), 0)
    }

    func testWaitForRawModeAndPrompts() throws {
        let cat = try terminal("/bin/cat")
        XCTAssertFalse(cat.waitForRawMode(timeout: 0.3), "cat reads whole lines: canonical mode")
        let script = "printf 'key? '; stty raw -echo; dd bs=1 count=1 2>/dev/null | od -An -tx1"
        let shell = try terminal("/bin/sh", ["-c", script])
        try shell.expectPrompt("key? ")
        try shell.send("\u{3}")
        try shell.expect("03")
        do {
            let transcript = try PseudoTerminal.run("/bin/sh", arguments: ["-c", script], prompt: "key? ",
                                                    script: [(send: "", expect: "key? "), (send: "\u{4}", expect: "04")])
            XCTAssertTrue(transcript.hasPrefix("key? "), PseudoTerminal.visible(transcript))
        } catch PseudoTerminal.Error.unavailable(let reason) {
            throw MissingPseudoTerminals(reason: reason)
        }
    }

    // The timing checks below hold however busy the machine is: a lower bound (waiting at least the time
    // asked) cannot fail because the machine is slow, and the upper bounds are the calls' own deadlines,
    // which only a wait for the wrong event (a hang) reaches.

    func testReadUntilReturnsThroughTheNeedleAndKeepsTheRest() throws {
        // Both lines in one write, so they arrive together; the program outlives the test by far, so only a
        // readUntil that gave up at its own timeout returns while it still runs.
        let shell = try terminal("/bin/sh", ["-c", "printf 'one\\ntwo\\n'; exec sleep 600"])
        XCTAssertEqual(shell.readUntil("one", timeout: 60), "one")
        let start = Date()
        let rest = shell.readUntil("never printed", timeout: 0.5)
        XCTAssertEqual(rest, "\r\ntwo\r\n", "on timeout, everything pending comes back")
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.5, "it gave up before its timeout")
        XCTAssertNil(shell.waitForExit(timeout: 0), "it waited for the program to end instead of its timeout")
        XCTAssertEqual(shell.transcript, "one\r\ntwo\r\n")
    }

    func testReadUntilStopsEarlyWhenTheProgramExits() throws {
        let shell = try terminal("/bin/sh", ["-c", "echo bye"])
        let deadline = 120.0
        let start = Date()
        XCTAssertEqual(shell.readUntil("never printed", timeout: deadline), "bye\r\n")
        XCTAssertLessThan(Date().timeIntervalSince(start), deadline, "it waited for its timeout although the program had exited")
        XCTAssertEqual(shell.waitForExit(timeout: 0), 0, "it returned before the program exited")
    }

    func testResizeChangesTheWindowAndSignalsTheProgram() throws {
        let shell = try terminal("/bin/sh", ["-c", "trap 'stty size' WINCH; echo ready; while :; do sleep 0.05; done"])
        try shell.expect("ready", timeout: 60)
        shell.resize(columns: 100, rows: 30)
        try shell.expect("30 100", timeout: 60)
    }

    func testExitStatusAndSignals() throws {
        XCTAssertEqual(try terminal("/bin/sh", ["-c", "exit 3"]).waitForExit(timeout: 5), 3)
        XCTAssertEqual(try terminal("/bin/sh", ["-c", "kill -TERM $$"]).waitForExit(timeout: 5), 128 + SIGTERM)
    }

    func testExpectReportsTheTranscriptOnTimeout() throws {
        let shell = try terminal("/bin/sh", ["-c", "printf 'got\\033[1m here'; sleep 30"])
        XCTAssertThrowsError(try shell.expect("missing", timeout: 0.3)) { error in
            let description = String(describing: error)
            XCTAssertTrue(description.contains("timed out waiting for missing"), description)
            XCTAssertTrue(description.contains("got␛[1m here"), description)
        }
    }

    func testRunDrivesAConversation() throws {
        let transcript: String
        do {
            transcript = try PseudoTerminal.run(
                "/bin/sh", arguments: ["-c", #"printf 'name? '; read name; echo "hello, $name"; read x"#],
                script: [(send: "", expect: "name? "), (send: "Ada\r", expect: "hello, Ada")])
        } catch PseudoTerminal.Error.unavailable(let reason) {
            throw MissingPseudoTerminals(reason: reason)
        }
        XCTAssertTrue(transcript.hasPrefix("name? Ada\r\nhello, Ada"), PseudoTerminal.visible(transcript))
        XCTAssertThrowsError(try PseudoTerminal.run("/bin/sh", arguments: ["-c", "sleep 30"],
                                                    script: [(send: "", expect: "nothing")], timeout: 0.3))
    }

    func testWorkingDirectoryAndPathLookup() throws {
        let folder = try ScratchFolder.make("pty-cwd")
        defer { ScratchFolder.remove(folder) }
        let pwd = try terminal("pwd", workingDirectory: folder)
        try pwd.expect(folder + "\r\n")
        XCTAssertEqual(pwd.waitForExit(timeout: 5), 0)
        XCTAssertThrowsError(try PseudoTerminal(executable: "/no/such/program"))
    }

    func testDeinitEndsTheProgramAndItsChildren() throws {
        var pid: pid_t = 0
        var sleeper: pid_t = 0
        do {
            let shell = try terminal("/bin/sh", ["-c", "trap '' TERM; sleep 100 & echo \"started $!.\"; wait"])
            pid = shell.processIdentifier
            try shell.expect("started ")
            sleeper = pid_t(shell.readUntil(".", timeout: 5).dropLast()) ?? 0
        }
        XCTAssertTrue(Self.isGone(pid), "the program outlived its terminal")
        XCTAssertGreaterThan(sleeper, 0)
        XCTAssertTrue(Self.isGone(sleeper), "a child of the program outlived the terminal")
    }

    /// Whether `pid` has ended, within a minute (a deadline only a process that never ends reaches): no
    /// such process, or a zombie (an orphan is reaped by whatever process 1 is, at its own pace).
    static func isGone(_ pid: pid_t) -> Bool {
        for _ in 0..<1200 {
            if kill(pid, 0) != 0 { return true }
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"), stat[close...].hasPrefix(") Z") { return true }
            usleep(50_000)
        }
        return false
    }

    func testProductExecutableIsFoundNextToTheTestBinary() throws {
        XCTAssertNil(PseudoTerminal.productExecutable(named: "no-such-product"))
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"),
                                   "the gantry executable is built with the tests and must be next to them")
        let terminal = try terminal(gantry, ["--version"])
        try terminal.expect("\r\n")
        XCTAssertEqual(terminal.waitForExit(timeout: 10), 0)
    }

    func testVisibleShowsControlCharacters() {
        XCTAssertEqual(PseudoTerminal.visible("a\u{1b}[A\r\n\t\u{3}\u{7f}λ"), "a␛[A\\r\n\\t^C^?λ")
    }
}

/// Thrown instead of skipping: a machine without pseudo-terminals cannot prove the terminal behaviour,
/// so these tests fail there and say why.
struct MissingPseudoTerminals: Error, CustomStringConvertible {
    let reason: String
    var description: String { "these tests need pseudo-terminals, which this machine does not provide: \(reason)" }
}
