import XCTest
import Foundation
import _GantryTestSupport
@testable import Shell

/// The live view of the real `gantry` binary in a pseudo-terminal: frames redrawn in place while a long
/// step runs, and Ctrl-C leaving a consistent session and a restored terminal.
final class LiveViewTerminalTests: XCTestCase {
    func testLiveViewRedrawsUntilCtrlCAndLeavesTheTerminalClean() throws {
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"), "the gantry binary is built with the tests")
        // Colour on (TERM=xterm, no NO_COLOR), a window of 80 × 30.
        let terminal = try PseudoTerminal(executable: gantry, arguments: ["--seed", "3"], columns: 80, rows: 30)
        try terminal.expectPrompt("gantry> ")
        try terminal.send("generator mlp hidden=32; critic mlp hidden=32; batch 32\r")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("step 1000000 watch=20\r")
        // Two frames at least: the second is drawn over the first.
        try terminal.expect("critic at iteration 20", timeout: 20)
        let between = try terminal.expect("critic at iteration 40", timeout: 20)
        XCTAssertTrue(between.contains("\u{1b}[?25l") == false, "the cursor is hidden once, not per frame")
        XCTAssertNotNil(between.range(of: "\u{1b}\\[[0-9]+A", options: .regularExpression), "the next frame moves up over the last")
        XCTAssertTrue(between.contains("D loss "), PseudoTerminal.visible(between))
        XCTAssertTrue(between.contains("/1000000 "), "the progress line closes the frame")
        try terminal.send("\u{3}")
        let stopped = try terminal.expect("the session is at iteration ", timeout: 20)
        let ran = try XCTUnwrap(Int(try terminal.expect("\n").prefix { $0.isNumber }))
        XCTAssertTrue(stopped.contains("interrupted after \(ran) of 1000000 iterations"), PseudoTerminal.visible(stopped))
        try terminal.expectPrompt("gantry> ")
        // Whatever was on screen when Ctrl-C came, the cursor is shown and colours are reset afterwards.
        let everything = terminal.transcript
        let lastHide = try XCTUnwrap(everything.range(of: LiveRegion.hideCursor, options: .backwards))
        XCTAssertTrue(everything[lastHide.upperBound...].contains(LiveRegion.resetColours + LiveRegion.showCursor))
        // The session carries on from the iteration it stopped at.
        try terminal.send("step 1\r")
        try terminal.expect("iteration \(ran + 1)  D loss", timeout: 20)
        try terminal.expectPrompt("gantry> ")
        // Unsaved training: Ctrl-D warns once, then leaves.
        try terminal.send("\u{4}")
        try terminal.expect("quit again (or Ctrl-D) to leave without saving")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(timeout: 20), 0)
    }
}
