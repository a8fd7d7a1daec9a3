import XCTest
import Foundation
import _GantryTestSupport

/// The real `gantry` in a pseudo-terminal while it trains and when it is left: Ctrl-C in the middle of a
/// long iteration, a window resized under plots and the progress line, and Ctrl-D after unsaved training.
final class TrainingTerminalTests: XCTestCase {
    func startGantry(columns: Int = 80, workingDirectory: String? = nil) throws -> PseudoTerminal {
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"), "the gantry binary is built with the tests")
        do {
            return try PseudoTerminal(executable: gantry, environment: ["NO_COLOR": "1"], workingDirectory: workingDirectory,
                                      columns: columns)
        } catch PseudoTerminal.Error.unavailable(let reason) {
            throw MissingPseudoTerminals(reason: reason)
        }
    }

    /// One WGAN-GP iteration of 1024-wide networks on batches of 4096 is five slow critic updates and a G
    /// update: Ctrl-C typed as it starts must be answered at once ("stopping…") and stop it before its next
    /// update, undoing it, instead of waiting for it to finish.
    func testCtrlCInALongIterationSaysStoppingAtOnceAndUndoesTheIteration() throws {
        let terminal = try startGantry()
        try terminal.expectPrompt("gantry> ", timeout: 60)
        try terminal.send("generator mlp hidden=1024,1024; critic mlp hidden=1024,1024; batch 4096; loss wgan-gp\r")
        try terminal.expectPrompt("gantry> ", timeout: 60)
        try terminal.send("step 1000000\r")
        // The progress line shows before the first iteration ends.
        try terminal.expect("  iteration 0  0/1000000  starting…", timeout: 60)
        // Into the first iteration (seconds long at this size, longer on a busy machine): a Ctrl-C sent the
        // moment the line shows may come before the step has armed the notice or begun its first update.
        usleep(1_000_000)
        try terminal.send("\u{3}")
        let beforeNotice = try terminal.expect("  stopping…", timeout: 60)
        XCTAssertFalse(beforeNotice.contains("1/1000000"), "the notice waited for the iteration: \(PseudoTerminal.visible(beforeNotice))")
        try terminal.expect("interrupted after 0 of 1000000 iterations; iteration 1 was stopped ", timeout: 300)
        let rest = try terminal.expectPrompt("gantry> ", timeout: 60)
        XCTAssertTrue(rest.contains(" and undone; the session is at iteration 0"), PseudoTerminal.visible(rest))
        try terminal.send("expect iteration == 0; show history\r")
        try terminal.expect("ok: iteration = 0 == 0", timeout: 60)
        try terminal.expect("no iterations yet", timeout: 60)
        try terminal.expectPrompt("gantry> ", timeout: 60)
        // Nothing was trained, so Ctrl-D leaves at once.
        try terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(timeout: 60), 0)
    }

    func testPlotsAndTheProgressLineFollowAResizedWindow() throws {
        let terminal = try startGantry(columns: 80)
        try terminal.expectPrompt("gantry> ", timeout: 60)
        terminal.resize(columns: 40, rows: 24)
        try terminal.send("plot samples\r")
        let plot = try terminal.expectPrompt("gantry> ", timeout: 60)
        let plotLines = plot.components(separatedBy: "\r\n").dropFirst().dropLast()
        XCTAssertGreaterThan(plotLines.count, 10, PseudoTerminal.visible(plot))
        for line in plotLines { XCTAssertLessThanOrEqual(line.count, 40, PseudoTerminal.visible(plot)) }
        // While training: narrow lines at 40 columns, wider ones once the window grows.
        try terminal.send("generator mlp hidden=64; critic mlp hidden=64; step 1000000\r")
        try terminal.expect("/1000000", timeout: 60)
        var narrow: [String] = []
        for _ in 0..<200 where narrow.count < 3 { narrow += Self.progressLines(terminal.readUntil("\u{1b}[K", timeout: 60)) }
        XCTAssertGreaterThanOrEqual(narrow.count, 3)
        for line in narrow { XCTAssertLessThanOrEqual(line.count, 39, PseudoTerminal.visible(line)) }
        terminal.resize(columns: 120, rows: 30)
        var sawWide = false
        for _ in 0..<200 where !sawWide {
            sawWide = Self.progressLines(terminal.readUntil("\u{1b}[K", timeout: 60)).contains { $0.count > 40 }
        }
        XCTAssertTrue(sawWide, "the progress line did not widen: \(PseudoTerminal.visible(String(terminal.transcript.suffix(600))))")
        try terminal.send("\u{3}")
        try terminal.expect("interrupted after ", timeout: 60)
        try terminal.expectPrompt("gantry> ", timeout: 60)
    }

    /// The progress lines in terminal output: what follows each carriage return up to the clear-line code.
    static func progressLines(_ output: String) -> [String] {
        output.components(separatedBy: "\r").compactMap { piece in
            guard piece.hasPrefix("  iteration "), let end = piece.range(of: "\u{1b}[K") else { return nil }
            return String(piece[..<end.lowerBound])
        }
    }

    func testCtrlDEndsItsLineAndWarnsOnceAboutUnsavedTraining() throws {
        let folder = try ScratchFolder.make("pty-leaving")
        defer { ScratchFolder.remove(folder) }
        let terminal = try startGantry(workingDirectory: folder)
        try terminal.expectPrompt("gantry> ", timeout: 60)
        try terminal.send("step 3\r")
        try terminal.expect("iteration 3  D loss", timeout: 60)
        try terminal.expectPrompt("gantry> ", timeout: 60)
        try terminal.send("\u{4}")
        let warned = try terminal.expectPrompt("gantry> ", timeout: 60)
        XCTAssertTrue(warned.hasPrefix("^D\r\nwarning: 3 iterations trained since the last save/checkpoint; "
                                       + "quit again (or Ctrl-D) to leave without saving\r\n"), PseudoTerminal.visible(warned))
        try terminal.send("step 2; quit\r")
        try terminal.expect("warning: 5 iterations trained since the last save/checkpoint", timeout: 60)
        try terminal.expectPrompt("gantry> ", timeout: 60)
        try terminal.send("save kept.gan\r")
        try terminal.expect("saved ", timeout: 60)
        try terminal.expectPrompt("gantry> ", timeout: 60)
        try terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(timeout: 60), 0)
        XCTAssertTrue(terminal.transcript.hasSuffix("gantry> ^D\r\n"), PseudoTerminal.visible(terminal.transcript))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/kept.gan"))
        // A script leaves at once, unsaved training or not.
        try "step 2\nquit\necho not-reached\n".write(toFile: folder + "/leave.gan", atomically: true, encoding: .utf8)
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        let script = try PseudoTerminal(executable: gantry, arguments: ["run", "leave.gan"], workingDirectory: folder)
        XCTAssertEqual(script.waitForExit(timeout: 60), 0)
        XCTAssertFalse(script.transcript.contains("warning"), PseudoTerminal.visible(script.transcript))
        XCTAssertFalse(script.transcript.contains("not-reached"), PseudoTerminal.visible(script.transcript))
    }
}
