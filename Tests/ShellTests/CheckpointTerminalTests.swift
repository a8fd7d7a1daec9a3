import XCTest
import Foundation
import _GantryTestSupport

/// Ctrl-C in the real `gantry`, in a pseudo-terminal, during `run` of a script and during `checkpoint save`:
/// the session stays consistent and no file is left half-written.
final class CheckpointTerminalTests: XCTestCase {
    func testCtrlCDuringRunAndDuringACheckpointSave() throws {
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"), "the gantry binary is built with the tests")
        let folder = try ScratchFolder.make("pty-checkpoint")
        defer { ScratchFolder.remove(folder) }
        try "generator mlp hidden=512,512\ncritic mlp hidden=512,512\nstep 1000000\necho not-reached\n"
            .write(toFile: folder + "/long.gan", atomically: true, encoding: .utf8)
        let terminal = try PseudoTerminal(executable: gantry, environment: ["NO_COLOR": "1"], workingDirectory: folder)
        try terminal.expectPrompt("gantry> ")
        // Ctrl-C inside `run`, once an iteration is done: the step stops (undoing an iteration it cuts short)
        // and the rest of the script is dropped.
        try terminal.send("run long.gan\r")
        try terminal.expect("  1/1000000 ", timeout: 30)
        try terminal.send("\u{3}")
        try terminal.expect("interrupted after ")
        let afterRun = try terminal.expectPrompt("gantry> ")
        XCTAssertTrue(afterRun.contains("interrupted: the remaining commands were not run"), afterRun)
        XCTAssertFalse(afterRun.contains("\nnot-reached"), afterRun)
        try terminal.send("expect iteration > 0\r")
        try terminal.expect("ok: iteration = ")
        try terminal.expectPrompt("gantry> ")
        // Ctrl-C right after a checkpoint save starts: before, during or after the write, the file is whole
        // or absent, never partial, and the rest of the line does not run.
        try terminal.send("checkpoint save big.safetensors; echo not-reached\r")
        try terminal.send("\u{3}")
        let afterSave = try terminal.expectPrompt("gantry> ", timeout: 30)
        XCTAssertFalse(afterSave.contains("\nnot-reached"), afterSave)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        XCTAssertFalse(names.contains { $0.hasSuffix(".tmp") }, "\(names)")
        if names.contains("big.safetensors") {
            try terminal.send("checkpoint load big.safetensors\r")
            try terminal.expect("loaded iteration ")
            try terminal.expectPrompt("gantry> ")
        }
        // The session is whole: it saves and trains on.
        try terminal.send("checkpoint save after.safetensors; step 1\r")
        try terminal.expect("wrote iteration ")
        try terminal.expect("D loss")
        try terminal.expectPrompt("gantry> ")
        // Unsaved training: Ctrl-D warns once, then leaves.
        try terminal.send("\u{4}")
        try terminal.expect("quit again (or Ctrl-D) to leave without saving")
        try terminal.expectPrompt("gantry> ")
        try terminal.send("\u{4}")
        XCTAssertEqual(terminal.waitForExit(timeout: 20), 0)
    }
}
