import XCTest
import Foundation
import Autodiff
import Workbench
import _GantryTestSupport
@testable import Shell

/// Trained iterations are never thrown away: a failing `do=` action keeps what was trained, `seeds` puts
/// the session back, and the interactive prompt warns before leaving unsaved training. Also the shell's
/// side of the terminal during training (the first progress line, the window's size), in process.
final class KeepingWorkTests: XCTestCase {
    final class Sink {
        var output: [String] = []
        var errors: [String] = []
        var progress: [String] = []
        func drain() -> (output: [String], errors: [String]) {
            defer { output = []; errors = [] }
            return (output, errors)
        }
    }

    func makeInterpreter(_ sink: Sink, configure: (inout ShellEnvironment) -> Void = { _ in }) throws -> Interpreter {
        var environment = ShellEnvironment(writeOutput: { sink.output.append($0) }, writeError: { sink.errors.append($0) })
        configure(&environment)
        let interpreter = Interpreter(session: try Session(seed: 5), environment: environment)
        interpreter.execute("generator mlp hidden=16; critic mlp hidden=16; batch 32", file: "setup")
        XCTAssertEqual(sink.drain().errors, [])
        return interpreter
    }

    /// The weights, optimizer step counts, stream positions, iteration, history and (unless `journal` is
    /// false) the journal, as one value.
    func state(_ session: Session, journal: Bool = true) -> String {
        let networks = session.generator.parameters + session.discriminator.parameters
        let weights = networks.map { $0.value.scalars.reduce(UInt64(0)) { ($0 &* 31) &+ UInt64($1.bitPattern) } }
        let steps = session.generator.parameters.map { session.optimizer(.generator).stepCount(of: $0) }
            + session.discriminator.parameters.map { session.optimizer(.discriminator).stepCount(of: $0) }
        let rows = session.history.rows.map { $0.values.dropLast().map { String($0.bitPattern) }.joined(separator: ",") }
        return [journal ? session.journalLines.joined(separator: "|") : "", "\(session.iteration)", rows.joined(separator: ";"),
                "\(session.streams.positions.map { "\($0.name)=\($0.position)" })", "\(weights)", "\(steps)"]
            .joined(separator: "\n")
    }

    // MARK: A failing do= action

    func testAFailingActionStopsTrainingThereAndKeepsWhatWasTrained() throws {
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        let succeeded = interpreter.execute(#"step 30 every=10 do="metric modes n=100; checkpoint save /nonexistent/folder/c.st""#,
                                            file: "t.gan")
        XCTAssertFalse(succeeded, "a failing action fails the command (and a script's exit status)")
        let (output, errors) = sink.drain()
        XCTAssertTrue(output.first?.hasPrefix("modes: modes ") == true, "\(output)")
        XCTAssertEqual(errors.first, #"t.gan:1:21: error: in do="…" after iteration 10: /nonexistent/folder/c.st: cannot write: "#
                       + "No such file or directory; training stopped there and kept its 10 of 30 iterations "
                       + "(the session is at iteration 10)", "\(errors)")
        XCTAssertEqual(interpreter.session.iteration, 10)
        XCTAssertEqual(interpreter.session.history.rows.map(\.iteration), Array(1...10))
        XCTAssertEqual(Array(interpreter.session.journalLines.suffix(2)), ["step 10", "metric modes n=100"])
        try assertReplaysExactly(interpreter)
    }

    func testAFailingExpectationInsideDoKeepsTheIterationsBeforeIt() throws {
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        interpreter.execute("step 4", file: "t.gan")
        _ = sink.drain()
        XCTAssertFalse(interpreter.execute(#"step 40 every=10 do="expect iteration < 25""#, file: "t.gan"))
        let (output, errors) = sink.drain()
        XCTAssertEqual(output, ["ok: iteration = 14 < 25", "ok: iteration = 24 < 25"])
        XCTAssertEqual(errors.first, #"t.gan:1:21: error: in do="…" after iteration 34: expectation failed: iteration = 34, "#
                       + "expected < 25; training stopped there and kept its 30 of 40 iterations (the session is at iteration 34)")
        XCTAssertEqual(interpreter.session.iteration, 34)
        try assertReplaysExactly(interpreter)
    }

    /// `save` then `run` in a fresh session gives the same state, and both train on identically. (The
    /// replay's journal holds the configuration twice: its own start, then the script's lines.)
    func assertReplaysExactly(_ interpreter: Interpreter, file: StaticString = #filePath, line: UInt = #line) throws {
        let sink = Sink()
        let replay = Interpreter(session: try Session(seed: 99), environment: ShellEnvironment(
            writeOutput: { sink.output.append($0) }, writeError: { sink.errors.append($0) }))
        XCTAssertTrue(replay.execute(interpreter.savedScript(), file: "saved.gan"), "\(sink.errors)", file: file, line: line)
        XCTAssertEqual(state(replay.session, journal: false), state(interpreter.session, journal: false), file: file, line: line)
        replay.execute("step 3", file: "t")
        interpreter.execute("step 3", file: "t")
        XCTAssertEqual(state(replay.session, journal: false), state(interpreter.session, journal: false), "training on differs",
                       file: file, line: line)
    }

    /// `seed` starts the tricks that are on over as well, so the saved script (the configuration, then each
    /// `trick on`) replays to the same bits, and a later `trick off` replays too.
    func testTricksOnAtASeedReplayExactly() throws {
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        XCTAssertTrue(interpreter.execute("""
            trick on vbn reference=8; trick on replay-buffer size=40; trick on instance-noise; trick on ttur
            step 5
            seed 2
            step 4
            trick off instance-noise
            step 2
            """, file: "t.gan"), "\(sink.drain().errors)")
        XCTAssertEqual(Array(interpreter.session.journalLines.prefix(3)), ["seed 2", "data ring8 modes=8 radius=1 sigma=0.01", "noise normal dim=2"])
        XCTAssertTrue(interpreter.session.journalLines.contains("trick on ttur g_lr=0.0001 d_lr=0.0004"), "\(interpreter.session.journalLines)")
        try assertReplaysExactly(interpreter)
    }

    func testATypoInsideDoIsFoundBeforeTraining() throws {
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        XCTAssertFalse(interpreter.execute(#"step 10 every=5 do="metric modez""#, file: "t.gan"))
        XCTAssertEqual(sink.drain().errors.first, #"t.gan:1:20: error: in do="…": unknown metric 'modez'; did you mean 'modes'?"#)
        XCTAssertFalse(interpreter.execute(#"step 10 every=5 do="metric w1 n=1""#, file: "t.gan"))
        XCTAssertEqual(sink.drain().errors.first,
                       #"t.gan:1:20: error: in do="…": metric w1: n=1 is out of range; expected integer in [2, 4000]"#)
        XCTAssertEqual(interpreter.session.iteration, 0)
    }

    /// Ctrl-C between two updates of an iteration: the iteration is undone, the journal holds the whole
    /// ones, and save → run gives the same state, which trains on identically.
    func testAnIterationStoppedBetweenItsUpdatesIsUndoneAndTheJournalReplaysExactly() throws {
        let sink = Sink()
        var polls = 0
        var stopAfter = Int.max
        let interpreter = try makeInterpreter(sink) { environment in
            environment.interruptRequested = { polls += 1; return polls >= stopAfter }
        }
        interpreter.execute("loss wgan-gp critic_steps=3; step 2", file: "t")
        _ = sink.drain()
        // Polls: before the command (1); iteration 3 before it starts (2) and before its critic updates 2 and
        // 3 and its G update (3-5); iteration 4: 6-9; iteration 5: 10 to start it, 11 after its first update.
        polls = 0
        stopAfter = 11
        XCTAssertTrue(interpreter.execute("step 10", file: "t"))
        XCTAssertEqual(sink.drain().output.first, "interrupted after 2 of 10 iterations; iteration 5 was stopped after 1 of its 3 "
                       + "critic updates and undone; the session is at iteration 4")
        XCTAssertEqual(interpreter.session.iteration, 4)
        XCTAssertEqual(interpreter.session.history.rows.count, 4)
        XCTAssertEqual(interpreter.session.journalLines.last, "step 2")
        stopAfter = Int.max
        try assertReplaysExactly(interpreter)
    }

    // MARK: seeds

    func testSeedsPutsTheSessionBackAsItWas() throws {
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        interpreter.execute("step 7; snapshot seven", file: "t")
        interpreter.execute("show weights", file: "t")
        let weightsBefore = sink.drain().output.suffix(2)
        let before = state(interpreter.session)
        XCTAssertTrue(interpreter.execute("seeds 1,2 { step 3; metric w1 n=100; snapshot inside }", file: "t"))
        let output = sink.drain().output
        XCTAssertEqual(output.last, "seeds: the session is back as it was before the block (iteration 7, seed 5)")
        XCTAssertTrue(output.contains("w1 over seeds 1,2 (mean, then each seed):"), "\(output)")
        XCTAssertEqual(state(interpreter.session), before)
        interpreter.execute("show weights", file: "t")
        XCTAssertEqual(sink.drain().output, Array(weightsBefore))
        XCTAssertEqual(interpreter.session.snapshotNames, ["seven", "inside"], "snapshots taken inside are kept")
        // Also when the block fails part-way.
        XCTAssertFalse(interpreter.execute("seeds 3,4 { step 2; metric nonsense }", file: "t"))
        let failed = sink.drain()
        XCTAssertEqual(failed.output.last, "seeds: the session is back as it was before the block (iteration 7, seed 5)")
        XCTAssertTrue(failed.errors.first?.contains("unknown metric 'nonsense'") == true, "\(failed.errors)")
        XCTAssertEqual(state(interpreter.session), before)
        // `expect` still checks the block's means.
        XCTAssertTrue(interpreter.execute("expect w1.w1 > 0", file: "t"), "\(sink.drain().errors)")
    }

    // MARK: Leaving with unsaved training

    func testQuitWarnsOnceAboutUnsavedTrainingAtTheInteractivePrompt() throws {
        let folder = try ScratchFolder.make("quit-warning")
        defer { ScratchFolder.remove(folder) }
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        interpreter.confirmsLeavingUnsavedTraining = true
        interpreter.execute("quit", file: "t")
        XCTAssertTrue(interpreter.quitRequested, "nothing trained: quit leaves at once")
        XCTAssertEqual(sink.drain().errors, [])

        let trained = try makeInterpreter(sink)
        trained.confirmsLeavingUnsavedTraining = true
        let warning = "warning: 12 iterations trained since the last save/checkpoint; quit again (or Ctrl-D) to leave without saving"
        trained.execute("step 5; step d; step g; step 6 every=3 do=\"echo x\"", file: "t")
        _ = sink.drain()
        trained.execute("quit", file: "t")
        XCTAssertFalse(trained.quitRequested)
        XCTAssertEqual(sink.drain().errors, [warning])
        trained.execute("step 1", file: "t")  // more training: a new warning
        trained.execute("quit", file: "t")
        XCTAssertFalse(trained.quitRequested)
        XCTAssertEqual(sink.drain().errors, [warning.replacingOccurrences(of: "12 iterations", with: "13 iterations")])
        trained.execute("metric modes n=100; show config", file: "t")  // no training: the next quit leaves
        trained.execute("exit", file: "t")
        XCTAssertTrue(trained.quitRequested)
        XCTAssertEqual(sink.drain().errors, [])
    }

    func testWhatCountsAsSaved() throws {
        let folder = try ScratchFolder.make("quit-saved")
        defer { ScratchFolder.remove(folder) }
        let sink = Sink()
        let interpreter = try makeInterpreter(sink)
        interpreter.confirmsLeavingUnsavedTraining = true
        interpreter.execute("step 4; snapshot four; save \(folder)/s.gan", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 0, "save")
        interpreter.execute("step 3", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 3)
        interpreter.execute("restore four", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 0, "back to the saved state")
        interpreter.execute("step 2; checkpoint save \(folder)/c.safetensors", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 0, "checkpoint save")
        interpreter.execute("step 1; checkpoint load \(folder)/c.safetensors", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 0, "checkpoint load: the file holds this state")
        interpreter.execute("seed 8; step 2", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 2, "seed starts over: only what was trained since")
        interpreter.execute("step 3 every=2 do=\"save \(folder)/t.gan\"", file: "t")
        XCTAssertEqual(interpreter.unsavedIterations, 1, "saved inside do= after iteration 4 of the session")
        XCTAssertEqual(sink.drain().errors, [])
        // Scripts and piped input are never asked.
        let script = try makeInterpreter(sink)
        script.execute("step 3; quit; echo not-reached", file: "t")
        XCTAssertTrue(script.quitRequested)
        let quiet = sink.drain()
        XCTAssertEqual(quiet.output.count, 1, "\(quiet.output)")  // the step's summary line
        XCTAssertEqual(quiet.errors, [])
    }

    func testEndOfInputWarnsOnceOnlyWhenInteractive() throws {
        final class ScriptedReader: LineReader {
            var lines: [LineInput]
            let isInteractive: Bool
            let warnings: [String] = []
            init(_ lines: [LineInput], interactive: Bool) { self.lines = lines; isInteractive = interactive }
            func readLine(prompt: String) -> LineInput { lines.isEmpty ? .endOfInput : lines.removeFirst() }
            func addToHistory(_ line: String) {}
        }
        let warning = "warning: 2 iterations trained since the last save/checkpoint; quit again (or Ctrl-D) to leave without saving"
        let sink = Sink()
        let interactive = ScriptedReader([.line("step 2"), .endOfInput, .line("echo still here"), .endOfInput], interactive: true)
        XCTAssertEqual(REPL(interpreter: try makeInterpreter(sink), reader: interactive).run(showBanner: false), 0)
        let seen = sink.drain()
        // Each Ctrl-D ends the line the editor left "^D" on.
        XCTAssertEqual(seen.output.filter { !$0.hasPrefix("iteration ") }, ["", "still here", ""])
        XCTAssertEqual(seen.errors, [warning])
        XCTAssertTrue(interactive.lines.isEmpty)
        let piped = ScriptedReader([.line("step 2"), .endOfInput, .line("echo not-reached")], interactive: false)
        XCTAssertEqual(REPL(interpreter: try makeInterpreter(sink), reader: piped).run(showBanner: false), 0)
        XCTAssertEqual(sink.drain().errors, [])
        XCTAssertEqual(piped.lines, [.line("echo not-reached")])
    }

    // MARK: The terminal during training

    func testTheProgressLineShowsFromTheStartAndSaysWhenStopping() throws {
        let sink = Sink()
        var stopping = false
        let interpreter = try makeInterpreter(sink) { environment in
            environment.isTerminal = true
            environment.writeProgress = { sink.progress.append($0) }
            environment.interruptRequested = { stopping }
        }
        interpreter.execute("step 20", file: "t")
        XCTAssertEqual(sink.progress.first, "  iteration 0  0/20  starting…")
        XCTAssertTrue(sink.progress.dropFirst().first?.hasPrefix("  iteration 1  1/20 ") == true, "\(sink.progress)")
        XCTAssertEqual(sink.progress.last, "")
        // Once Ctrl-C is seen, the line says that training is stopping.
        stopping = true
        let row = try XCTUnwrap(interpreter.session.history.rows.last)
        XCTAssertEqual(interpreter.progressLine(done: 3, of: 20, row: row, elapsed: 1), "  iteration 20  3/20  stopping…")
    }

    func testOutputFollowsTheWindowWhenItIsResized() throws {
        let sink = Sink()
        var newSize: (width: Int, height: Int)?
        let interpreter = try makeInterpreter(sink) { environment in
            environment.resizedTerminal = { defer { newSize = nil }; return newSize }
        }
        interpreter.execute("plot samples", file: "t")
        XCTAssertGreaterThan(sink.drain().output.map(\.count).max() ?? 0, 60)
        newSize = (44, 20)
        interpreter.execute("plot samples", file: "t")
        let narrow = sink.drain().output
        XCTAssertLessThanOrEqual(narrow.map(\.count).max() ?? 0, 44, narrow.joined(separator: "\n"))
        XCTAssertEqual(interpreter.environment.width, 44)
        XCTAssertEqual(interpreter.environment.height, 20)
    }

    /// After a resize the old frame may have been cut or rewrapped by the terminal: the next frame moves to
    /// its top and clears everything below before drawing; frames without a resize in between do not.
    func testTheLiveViewRedrawsOverItsOldFrameAfterAResize() {
        var written: [String] = []
        let region = LiveRegion { written.append($0) }
        region.draw(["a", "b", "c"])
        region.draw(["d", "e", "f"])
        XCTAssertTrue(written[1].hasPrefix("\r\u{1b}[2Ad"), PseudoTerminal.visible(written[1]))
        region.windowResized()
        region.draw(["g", "h", "i"])
        XCTAssertTrue(written[2].hasPrefix("\r\u{1b}[2A" + LiveRegion.clearBelow + "g"), PseudoTerminal.visible(written[2]))
        region.draw(["j", "k", "l"])
        XCTAssertFalse(written[3].contains(LiveRegion.clearBelow))
    }
}
