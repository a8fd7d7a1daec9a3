import XCTest
import Foundation
import _GantryTestSupport
@testable import Shell

/// The real `gantry` binary in a pseudo-terminal, driven as a user drives it.
final class REPLTerminalTests: XCTestCase {
    func startGantry() throws -> PseudoTerminal {
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"), "the gantry binary is built with the tests")
        return try PseudoTerminal(executable: gantry, arguments: [], environment: ["NO_COLOR": "1"])
    }

    func testBannerCompletionHistoryAndCtrlC() throws {
        let terminal = try startGantry()
        try terminal.expect("type help for commands")
        try terminal.expectPrompt("gantry> ")
        // Tab completes a verb… (the terminal only shows the completed tail, so the effect is checked)
        try terminal.send("ste\t")
        try terminal.expect("p ")
        try terminal.send("3\r")
        try terminal.expect("iteration 3  D loss")
        try terminal.expectPrompt("gantry> ")
        // …and a loss name after the verb.
        try terminal.send("loss wgan-g\t")
        try terminal.expect("p ")
        try terminal.send("\r")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("show loss\r")
        try terminal.expect("loss wgan-gp lambda=10")
        try terminal.expectPrompt("gantry> ")
        // Up-arrow recalls the previous line.
        try terminal.send("\u{1b}[A")
        try terminal.expect("show loss")
        try terminal.send("\r")
        try terminal.expect("loss wgan-gp lambda=10")
        try terminal.expectPrompt("gantry> ")
        // Ctrl-C during a long step stops it at an iteration boundary and drops the rest of the line.
        try terminal.send("step 1000000; echo not-reached\r")
        try terminal.expect("/1000000")  // the progress line: training is under way
        try terminal.send("\u{3}")
        try terminal.expect("interrupted after ")
        let rest = try terminal.expectPrompt("gantry> ")
        XCTAssertTrue(rest.contains("interrupted: the remaining commands were not run"), rest)
        XCTAssertFalse(rest.contains("\nnot-reached"), rest)
        // An error does not end the session; Ctrl-C clears the line; Ctrl-D quits (after a warning).
        try terminal.send("stpe\r")
        try terminal.expect("did you mean 'step'?")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("abc")
        try terminal.expect("abc")
        try terminal.send("\u{3}")
        try terminal.expectPrompt("gantry> ")
        // The session trained and nothing was saved: the first Ctrl-D warns, the second leaves.
        try terminal.send("\u{4}")
        try terminal.expect(" trained since the last save/checkpoint; quit again (or Ctrl-D) to leave without saving")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(timeout: 20), 0)
    }

    func testTabQuotesPathsWithSpacesCompletesInsideQuotesAndExpandsHome() throws {
        let folder = try ScratchFolder.make("repl-paths")
        defer { ScratchFolder.remove(folder) }
        let (work, home) = (folder + "/work", folder + "/home")
        for path in [work, home] { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false) }
        try "echo ran-from-work\n".write(toFile: work + "/my script.gan", atomically: true, encoding: .utf8)
        try "echo ran-from-home\n".write(toFile: home + "/home run.gan", atomically: true, encoding: .utf8)
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        let terminal = try PseudoTerminal(executable: gantry, environment: ["NO_COLOR": "1", "HOME": home],
                                          workingDirectory: work)
        try terminal.expectPrompt("gantry> ")
        // A name with a space is completed in quotes (the lexer has no other way to read it)…
        try terminal.send("run my\t")
        try terminal.expect("script.gan\" ")
        try terminal.send("\r")
        try terminal.expect("ran-from-work")
        try terminal.expectPrompt("gantry> ")
        // …inside a quote the user opened, after the space…
        try terminal.send("run \"my s\t\r")
        try terminal.expect("ran-from-work")
        try terminal.expectPrompt("gantry> ")
        // …and after ~/, which becomes the home folder.
        try terminal.send("run ~/ho\t\r")
        try terminal.expect("ran-from-home")
        let rest = try terminal.expectPrompt("gantry> ")
        XCTAssertFalse(rest.contains("error"), rest)
        try terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(timeout: 20), 0)
    }
}

/// `gantry tour` in a pseudo-terminal: started from the shell, moved through, left with Ctrl-C.
final class TourTerminalTests: XCTestCase {
    func testStartNextBackControlCAndLeave() throws {
        let count = TourLessons.all.count
        let lesson = { (script: String) in TourLessons.all.firstIndex { $0.script == script }! + 1 }
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        let terminal = try PseudoTerminal(executable: gantry, arguments: ["tour", "2", "lang=ko"], environment: ["NO_COLOR": "1"])
        try terminal.expect("레슨 2/\(count) · GAN loss의 수학적 해석")
        try terminal.expect("» data mixture1d means=-2,2 sigma=0.5")
        try terminal.expect("tour next: 레슨 3")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("tour back\r")
        try terminal.expect("레슨 1/\(count) · GAN loss의 수학적 해석")
        try terminal.expect("tour next: 레슨 2")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("tour next lang=en\r")
        try terminal.expect("Lesson 2 of \(count) · What the GAN loss measures")
        try terminal.expectPrompt("gantry> ")
        // The virtual-batch-norm lesson trains three seeds three times over: Ctrl-C once its first block is under way.
        let long = lesson("remedy-5-virtual-batch-norm.gan")
        try terminal.send("tour \(long)\r")
        try terminal.expect("» seeds 1,2,3 { step 1000; metric modes; metric batch-dependence }")
        try terminal.send("\u{3}")
        try terminal.expect("Ctrl-C: left the tour during lesson \(long)")
        try terminal.expectPrompt("gantry> ")
        // The tour is off and the session usable.
        try terminal.send("tour off\r")
        try terminal.expect("error: the tour is not on")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("step 5\r")
        try terminal.expect("iteration ")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("quit\r")
        try terminal.expect("quit again")
        try terminal.send("quit\r")
        XCTAssertEqual(terminal.waitForExit(timeout: 20), 0)
    }
}
