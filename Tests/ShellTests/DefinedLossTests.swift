import XCTest
import Foundation
import Workbench
import _GantryTestSupport
@testable import Shell

/// Losses defined in the language get what a built-in gets, through the registry alone.
extension LossPluginTests {
    static let definitions = [
        "define loss test-gp d=\"mean(fake) - mean(real) + lambda*mean((gradnorm(mix) - 1)^2)\" g=\"-mean(fake)\" "
            + "lambda=\"0.5 in 0..100: weight of the penalty\" critic_steps=2",
        "define loss test-ls d=\"mean((real - 1)^2) + mean(fake^2)\" g=\"mean((fake - 1)^2)\"",
        "define penalty test-r2 d=\"gamma/2*mean(gradnorm(fake)^2) + 0.1*mean((gradnorm(mix) - 1)^2)\" gamma=\"1 in 0..10\"",
    ]

    /// Defined losses stay registered for the process (a definition cannot change); tests that define one
    /// remove it, so that the registry-derived tests see only what they register.
    func removingDefinitions(_ body: () throws -> Void) rethrows {
        defer {
            for name in ["test-gp", "test-ls"] { Plugins.losses.unregister(named: name) }
            Plugins.tricks.unregister(named: "test-r2")
        }
        try body()
    }

    func testADefinedLossGetsEverythingTheBuiltInOnesGet() throws {
        try removingDefinitions {
            let (shell, drain) = try makeInterpreter()
            XCTAssertEqual(run(shell, Self.definitions[0], drain), "defined loss test-gp")
            let entry = try XCTUnwrap(Plugins.losses.named("test-gp"))
            XCTAssertEqual(entry.spec.reference, "define loss test-gp, at test:1")
            try checkThroughTheShell(entry)
            // Its declared parameter has its range and help; critic_steps its new default.
            let help = run(shell, "help test-gp", drain)
            XCTAssertTrue(help.contains("lambda=0.5      real in [0, 100]      weight of the penalty"), help)
            XCTAssertTrue(help.contains("critic_steps=2"), help)
            XCTAssertTrue(help.contains("source: define loss test-gp, at test:1"), help)
            XCTAssertTrue(Completer(interpreter: shell).candidates("define ").contains("loss"))
        }
    }

    /// A defined penalty is a trick: listed, helped, completed, validated, switched on and off.
    func testADefinedPenaltyIsATrickLikeTheOthers() throws {
        try removingDefinitions {
            let (shell, drain) = try makeInterpreter()
            XCTAssertEqual(run(shell, Self.definitions[2], drain), "defined penalty test-r2")
            XCTAssertTrue(run(shell, "trick list", drain).contains("    test-r2  "))
            let help = run(shell, "help test-r2", drain)
            XCTAssertTrue(help.hasPrefix("trick test-r2: defined penalty: d = gamma/2*mean(gradnorm(fake)^2)"), help)
            XCTAssertTrue(help.contains("source: define penalty test-r2, at test:1"), help)
            let completer = Completer(interpreter: shell)
            XCTAssertTrue(completer.candidates("trick on ").contains("test-r2"))
            XCTAssertTrue(completer.candidates("trick on test-r2 ").contains("gamma="))
            XCTAssertFalse(shell.execute("trick on test-r2 gamma=11", file: "bad.gan"))
            XCTAssertEqual(drain().errors.first, "bad.gan:1:24: error: trick test-r2: gamma=11 is out of range; expected real in [0, 10]")
            XCTAssertTrue(shell.session.hooks.isEmpty)
            run(shell, "generator mlp hidden=8; critic mlp hidden=8; batch 16", drain)
            run(shell, "trick on test-r2; step 2", drain)
            XCTAssertTrue(run(shell, "trick list", drain).contains("on  test-r2  "))
            run(shell, "trick off test-r2; step 1", drain)
            XCTAssertTrue(shell.session.hooks.isEmpty)
        }
    }

    /// The whole session: define two losses, switch between them and built-ins, reseed, save; the saved
    /// script writes each define before its first use and replays bit for bit in a fresh interpreter; a
    /// checkpoint keeps the definitions, so a session that never defined them loads it and trains on.
    func testDefinitionsAreSavedBeforeTheirUseKeptBySeedAndByCheckpoints() throws {
        try removingDefinitions {
            let (shell, drain) = try makeInterpreter()
            run(shell, "generator mlp hidden=8; critic mlp hidden=8; batch 16; step 2", drain)
            run(shell, Self.definitions.joined(separator: "\n"), drain)
            // (A trick on at `seed` stays on but leaves the journal, built-in or defined alike: switched off first.)
            run(shell, "loss test-gp lambda=2; step 3; loss hinge; trick on test-r2; step 1; trick off test-r2; seed 7; "
                + "loss test-ls; trick on test-r2; step 2; trick off test-r2; loss test-gp; step 2; trick on test-r2 gamma=0.5; step 1", drain)
            let script = shell.savedScript()
            let lines = script.split(separator: "\n").map(String.init)
            let define = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("define loss test-gp ") })
            let use = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("loss test-gp") })
            XCTAssertLessThan(define, use, script)
            XCTAssertTrue(lines.contains("define loss test-ls d=\"mean((real - 1)^2) + mean(fake^2)\" g=\"mean((fake - 1)^2)\""), script)
            XCTAssertTrue(lines.contains("loss test-gp lambda=0.5 critic_steps=2 r1=0"), script)
            XCTAssertTrue(lines.contains("seed 7"), script)
            let penalty = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("define penalty test-r2 ") })
            XCTAssertLessThan(penalty, try XCTUnwrap(lines.firstIndex { $0.hasPrefix("trick on test-r2") }), script)
            XCTAssertTrue(lines.contains("trick on test-r2 gamma=0.5"), script)

            // Replayed in a session where they are not yet defined.
            Plugins.losses.unregister(named: "test-gp")
            Plugins.losses.unregister(named: "test-ls")
            Plugins.tricks.unregister(named: "test-r2")
            let (replay, drainReplay) = try makeInterpreter(seed: 1)
            run(replay, script, drainReplay)
            XCTAssertTrue(weights(replay.session) == weights(shell.session))

            // A checkpoint brings the definitions back where nothing defined them.
            let path = (folder as NSString).appendingPathComponent("defined.safetensors")
            run(shell, "checkpoint save \"\(path)\"", drain)
            Plugins.losses.unregister(named: "test-gp")
            Plugins.losses.unregister(named: "test-ls")
            Plugins.tricks.unregister(named: "test-r2")
            let (resumed, drainResumed) = try makeInterpreter(seed: 3)
            run(resumed, "checkpoint load \"\(path)\"", drainResumed)
            XCTAssertEqual(resumed.session.loss.name, "test-gp")
            XCTAssertEqual(resumed.session.configuration.definitions.map(\.name), ["test-gp", "test-ls", "test-r2"])
            XCTAssertEqual(resumed.session.hooks.map(\.name), ["test-r2"])
            run(shell, "step 2", drain)
            run(resumed, "step 2", drainResumed)
            XCTAssertTrue(weights(resumed.session) == weights(shell.session))
            XCTAssertEqual(resumed.savedScript(), shell.savedScript())

            // A different definition under a defined name is refused, the session unchanged; the same one is accepted.
            XCTAssertFalse(shell.execute("define loss test-ls d=\"mean(real^2)\" g=\"-mean(fake)\"", file: "t"))
            XCTAssertEqual(drain().errors.first, "t:1:13: error: loss test-ls is already defined (at test:2) differently; "
                           + "a definition cannot change: give this one a new name")
            XCTAssertEqual(run(shell, Self.definitions[1], drain), "")
            // So is a checkpoint whose definition of a name differs from the one this process has.
            Plugins.losses.unregister(named: "test-ls")
            run(shell, "define loss test-ls d=\"mean(real^2)\" g=\"-mean(fake)\"", drain)
            XCTAssertFalse(resumed.execute("checkpoint load \"\(path)\"", file: "t"))
            XCTAssertTrue(drain().errors.isEmpty)
            let refusal = drainResumed().errors.first ?? ""
            XCTAssertTrue(refusal.hasSuffix("defines loss test-ls other than this process does (at test:1); "
                                            + "a definition cannot change"), refusal)
        }
    }

    /// A session put back from before a `define` (a snapshot, a `seeds` block) that then uses the plugin
    /// still saves its definition before its use.
    func testADefinitionIsSavedBeforeItsUseAfterTheSessionIsPutBack() throws {
        try removingDefinitions {
            let (shell, drain) = try makeInterpreter()
            run(shell, "generator mlp hidden=8; critic mlp hidden=8; batch 16; snapshot before", drain)
            run(shell, Self.definitions[1] + "\n" + Self.definitions[2], drain)
            run(shell, "restore before; seeds 1,2 { step 1 }; loss test-ls; trick on test-r2; step 1", drain)
            let lines = shell.savedScript().split(separator: "\n").map(String.init)
            let define = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("define loss test-ls ") })
            XCTAssertLessThan(define, try XCTUnwrap(lines.firstIndex { $0.hasPrefix("loss test-ls") }), "\(lines)")
            let penalty = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("define penalty test-r2 ") })
            XCTAssertLessThan(penalty, try XCTUnwrap(lines.firstIndex { $0.hasPrefix("trick on test-r2") }), "\(lines)")
            XCTAssertEqual(shell.session.configuration.definitions.map(\.name), ["test-ls", "test-r2"])
        }
    }

    /// `save` in one process, `run` and `checkpoint load` in others: the same weights and history.
    func testADefinedLossReplaysAndResumesInOtherProcesses() throws {
        let folder = URL(fileURLWithPath: self.folder)
        let session = "seed 4; generator mlp hidden=16; critic mlp hidden=16; batch 32\n"
            + Self.definitions.joined(separator: "\n")
            + "\nloss test-gp; step 6; loss nonsaturating; trick on test-r2; step 3; loss test-ls; step 4\nsave run.gan\ncheckpoint save mid.safetensors"
        let rest = "\nstep 3\nshow weights\nshow history last=2"
        let first = try ProductProcess.run("gantry", ["-e", session + rest], in: folder)
        XCTAssertEqual(first.status, 0, first.output)
        let replayed = try ProductProcess.run("gantry", ["-e", "run run.gan" + rest], in: folder)
        XCTAssertEqual(replayed.status, 0, replayed.output)
        let resumed = try ProductProcess.run("gantry", ["-e", "checkpoint load mid.safetensors" + rest], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.output)
        func tail(_ text: String) -> [String] {
            Array(text.split(separator: "\n").map(String.init).drop { !$0.hasPrefix("iteration 16") })
        }
        XCTAssertGreaterThan(tail(first.output).count, 4, first.output)
        XCTAssertEqual(tail(first.output), tail(replayed.output))
        XCTAssertEqual(tail(first.output), tail(resumed.output))
    }
}
