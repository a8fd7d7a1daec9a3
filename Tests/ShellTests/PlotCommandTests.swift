import XCTest
import Foundation
import Workbench
@testable import Shell

/// `plot`, the progress line and the live view through the interpreter, with the terminal replaced by
/// closures that record what would have been written.
final class PlotCommandTests: XCTestCase {
    /// What an interpreter wrote: lines of output and errors, in-place progress lines, raw terminal text.
    final class Recorder {
        var output: [String] = []
        var errors: [String] = []
        var progress: [String] = []
        var terminal = ""
        var interruptAfter = Int.max
        var polls = 0
    }

    func makeInterpreter(terminal: Bool, colour: Bool = false, width: Int = 80, height: Int = 40) throws -> (Interpreter, Recorder) {
        let recorder = Recorder()
        let environment = ShellEnvironment(
            writeOutput: { recorder.output.append($0) }, writeError: { recorder.errors.append($0) },
            isTerminal: terminal, width: width, colour: colour,
            interruptRequested: {
                recorder.polls += 1
                return recorder.polls > recorder.interruptAfter
            },
            writeProgress: { recorder.progress.append($0) }, height: height,
            writeTerminal: { recorder.terminal += $0 })
        let interpreter = Interpreter(session: try Session(seed: 9), environment: environment)
        interpreter.execute("generator mlp hidden=16; critic mlp hidden=16; batch 32", file: "setup")
        recorder.output = []
        return (interpreter, recorder)
    }

    func testPlotsLeaveTheSessionExactlyAsItWas() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: false)
        interpreter.execute("step 5; metric modes n=100", file: "t")
        let session = interpreter.session
        let before = (session.streams.positions.map { "\($0.name)=\($0.position)" }, session.journal, session.iteration,
                      session.history.measurements.count)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-plots-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands = ["plot", "plot samples", "plot critic gradients manifold", "plot history", "plot history d_loss modes.modes", "plot history grad_norm_g",
                        "plot critic out=\(folder.path)/c.svg", "plot samples out=\(folder.path)/s.png size=200,150",
                        "plot samples projection=pca"]
        for command in commands { XCTAssertTrue(interpreter.execute(command, file: "t"), "\(command): \(recorder.errors)") }
        let after = (session.streams.positions.map { "\($0.name)=\($0.position)" }, session.journal, session.iteration,
                     session.history.measurements.count)
        XCTAssertEqual(before.0, after.0)
        XCTAssertEqual(before.1, after.1, "plots are not journaled: save must not write them")
        XCTAssertEqual(before.2, after.2)
        XCTAssertEqual(before.3, after.3)
        XCTAssertTrue(recorder.output.contains("wrote \(folder.path)/c.svg (SVG, 640×640)"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.path + "/s.png"))
        // No temporary file is left next to the pictures.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["c.svg", "s.png"])
    }

    func testAFailedWriteReportsWhereAndLeavesNoFile() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: false)
        XCTAssertFalse(interpreter.execute("plot samples out=/nonexistent-folder/x.png", file: "t"))
        XCTAssertTrue(recorder.errors.first?.contains("t:1:18: error:") == true, "\(recorder.errors)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/nonexistent-folder/x.png"))
    }

    func testPlotsInColourUseBrailleAndEscapesAndFitTheWidth() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: true, colour: true, width: 72)
        interpreter.execute("step 3", file: "t")
        recorder.output = []
        XCTAssertTrue(interpreter.execute("plot critic", file: "t"))
        let text = recorder.output.joined(separator: "\n")
        XCTAssertTrue(text.contains("\u{1b}[48;5;"), "a coloured heat map")
        XCTAssertTrue(text.unicodeScalars.contains { (0x2801...0x28FF).contains($0.value) }, "braille points")
        for line in recorder.output {
            let visible = line.replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
            XCTAssertLessThanOrEqual(visible.count, 72, line)
        }
    }

    /// Piped output and transcripts get neither progress lines nor live views: nothing is written in place.
    func testNothingIsWrittenInPlaceWhenOutputIsNotATerminal() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: false)
        XCTAssertTrue(interpreter.execute("step 30 watch=5; watch on every=3; step 10", file: "t"))
        XCTAssertEqual(recorder.progress, [])
        XCTAssertEqual(recorder.terminal, "")
        XCTAssertEqual(recorder.output.first, "(no live view: output is not a terminal)")
    }

    func testProgressLineShowsIterationRateTimeLeftAndLossesWithinTheWidth() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: true, width: 80)
        XCTAssertTrue(interpreter.execute("step 12", file: "t"))
        XCTAssertEqual(recorder.progress.last, "", "the progress line is cleared before the summary")
        let final = try XCTUnwrap(recorder.progress.dropLast().last)
        XCTAssertTrue(final.hasPrefix("  iteration 12  12/12 ####"), final)
        XCTAssertTrue(final.contains("# 100%  "), final)
        let row = interpreter.session.history.rows.last!
        XCTAssertTrue(final.hasSuffix(" it/s  ETA 0.0 s  D \(String(format: "%.3g", row.discriminatorLoss))  G \(String(format: "%.3g", row.generatorLoss))"),
                      final)
        XCTAssertLessThan(final.count, 80)
        interpreter.environment.width = 40
        XCTAssertEqual(interpreter.progressLine(done: 3, of: 10, row: row, elapsed: 1).count, 39)
        XCTAssertEqual(Interpreter.duration(4.25), "4.2 s")
        XCTAssertEqual(Interpreter.duration(187), "3 min 07 s")
        XCTAssertEqual(Interpreter.duration(7500), "2 h 05 min")
    }

    /// Frames are drawn in place (cursor up over the previous frame), the cursor is hidden while they
    /// show and comes back at the end, colours reset.
    func testLiveViewRedrawsInPlaceAndRestoresTheTerminal() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: true, colour: true, width: 70, height: 30)
        interpreter.liveViewFrameInterval = 0
        XCTAssertTrue(interpreter.execute("step 12 watch=4", file: "t"))
        let text = recorder.terminal
        XCTAssertTrue(text.hasPrefix(LiveRegion.hideCursor), text)
        XCTAssertTrue(text.hasSuffix(LiveRegion.resetColours + LiveRegion.showCursor))
        let frames = text.components(separatedBy: "critic at iteration ").dropFirst().map { $0.prefix { $0.isNumber } }
        XCTAssertEqual(frames, ["4", "8", "12"])
        let linesPerFrame = text.components(separatedBy: "\n").count / 3 + 1
        XCTAssertTrue(text.contains("\u{1b}[\(linesPerFrame - 1)A"), "later frames move up over the first")
        XCTAssertTrue(text.contains("D loss "), "the loss sparklines")
        XCTAssertTrue(text.contains("iteration 12  12/12"), "the progress line closes the frame")
        XCTAssertEqual(recorder.output.last?.hasPrefix("iteration 12  D loss"), true)
    }

    /// Each frame, progress line included, fits the window with a row to spare, down to small windows.
    func testLiveViewFramesFitTheWindow() throws {
        for (width, height) in [(80, 24), (60, 20), (100, 40), (40, 12), (80, 8), (30, 30)] {
            let (interpreter, recorder) = try makeInterpreter(terminal: true, width: width, height: height)
            interpreter.liveViewFrameInterval = 0
            XCTAssertTrue(interpreter.execute("step 2 watch=2", file: "t"))
            let frame = recorder.terminal.components(separatedBy: "\n")
            XCTAssertLessThanOrEqual(frame.count, height - 1, "\(width)×\(height)")
            for line in frame {
                let visible = line.replacingOccurrences(of: "\u{1b}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
                    .replacingOccurrences(of: "\r", with: "")
                XCTAssertLessThanOrEqual(visible.count, width, "\(width)×\(height): \(visible)")
            }
            XCTAssertEqual(recorder.terminal.contains("critic at iteration 2"), height >= 16 && width >= 40, "\(width)×\(height)")
        }
    }

    /// Ctrl-C during a watched step: training stops at an iteration boundary, the session is whole, the
    /// terminal is restored.
    func testInterruptedLiveViewLeavesAConsistentSessionAndACleanTerminal() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: true, colour: true, width: 70, height: 30)
        interpreter.execute("watch on every=2", file: "t")
        recorder.interruptAfter = recorder.polls + 7
        interpreter.execute("step 1000", file: "t")
        let ran = interpreter.session.iteration
        XCTAssertGreaterThan(ran, 0)
        XCTAssertLessThan(ran, 1000)
        XCTAssertEqual(interpreter.session.history.rows.count, ran)
        XCTAssertTrue(recorder.output.contains("interrupted after \(ran) of 1000 iterations; the session is at iteration \(ran)"),
                      "\(recorder.output)")
        XCTAssertTrue(recorder.terminal.hasSuffix(LiveRegion.resetColours + LiveRegion.showCursor))
        XCTAssertEqual(interpreter.session.journalLines.last, "step \(ran)")
    }

    func testWatchSettingAndCompletion() throws {
        let (interpreter, recorder) = try makeInterpreter(terminal: true)
        interpreter.execute("watch; watch on; watch; watch on every=25; watch off; watch", file: "t")
        XCTAssertEqual(recorder.output, ["watch is off", "watch on: step redraws a live view about 50 times per step",
                                         "watch is on (about 50 times per step)", "watch on: step redraws a live view every 25 iterations",
                                         "watch off", "watch is off"])
        XCTAssertFalse(interpreter.execute("watch maybe", file: "t"))
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates("plot hi"), ["history"])
        XCTAssertEqual(completer.candidates("plot history grad"), ["grad_norm_d", "grad_norm_g", "gradients"])
        XCTAssertEqual(completer.candidates("plot samples projection="), ["first-two", "pca"])
        XCTAssertEqual(completer.candidates("watch o"), ["off", "on"])
        XCTAssertEqual(completer.candidates("step 10 wa"), ["watch="])
    }
}
