import XCTest
import Foundation
import Workbench
import _GantryTestSupport
@testable import Shell

/// Metrics and data sets defined in the language get what a built-in gets, and a session of every kind
/// of defined plugin replays and resumes in other processes.
extension LossPluginTests {
    static let metricAndDataDefinitions = [
        "define data test-arc k=\"choice(3)\" x=\"cos(2*k) + s*normal()\" y=\"sin(2*k) + s*normal()\" s=\"0.05 in 0..1: noise\" "
            + "modes=\"k: 0.05\"",
        "define metric test-radius value=\"mean(rownorm(xg))\" near=\"mean(step(r - nearest(xg, x)))\" "
            + "pfake=\"mean(sigmoid(fake))\" r=0.2 n=300",
    ]

    func removingMetricAndData(_ body: () throws -> Void) rethrows {
        defer {
            Plugins.datasets.unregister(named: "test-arc")
            Plugins.metrics.unregister(named: "test-radius")
        }
        try body()
    }

    /// list, help, completion, located refusals, save → run and checkpoints, as every built-in metric and
    /// data set gets them (the coverage reads only the declaration).
    func testADefinedMetricAndDataSetGetWhatTheBuiltInsGet() throws {
        try removingMetricAndData {
            let (shell, drain) = try makeInterpreter()
            XCTAssertEqual(run(shell, Self.metricAndDataDefinitions.joined(separator: "\n"), drain),
                           "defined data test-arc\ndefined metric test-radius")
            try PluginCoverage(verb: "data", listWord: "data", folder: folder)
                .assertCovered(try XCTUnwrap(Plugins.datasets.spec(named: "test-arc")))
            try PluginCoverage(verb: "metric", listWord: "metrics", folder: folder)
                .assertCovered(try XCTUnwrap(Plugins.metrics.spec(named: "test-radius")))
            let help = run(shell, "help test-radius", drain)
            XCTAssertTrue(help.contains("source: define metric test-radius, at test:2"), help)
            XCTAssertTrue(help.contains("n=300"), help)
            let completer = Completer(interpreter: shell)
            XCTAssertTrue(completer.candidates("define ").contains("metric"))
            XCTAssertTrue(completer.candidates("define ").contains("data"))
            XCTAssertTrue(completer.candidates("data test-arc ").contains("s="))
            // Its values are checked by expect, and a misspelt one is located.
            run(shell, "generator mlp hidden=8; critic mlp hidden=8; batch 16; data test-arc; step 2; metric test-radius", drain)
            XCTAssertTrue(run(shell, "expect test-radius.near >= 0", drain).hasPrefix("ok: test-radius.near = "))
            XCTAssertFalse(shell.execute("expect test-radius.naer >= 0", file: "t"))
            XCTAssertTrue((drain().errors.first ?? "").contains("near"))
        }
    }

    /// A loss, a penalty, a metric and a data set, all defined: used, saved, replayed in a new process and
    /// resumed from a checkpoint in another, with the same output to the last digit.
    func testEveryKindOfDefinitionReplaysAndResumesInOtherProcesses() throws {
        let folder = URL(fileURLWithPath: self.folder)
        let session = "seed 4; generator mlp hidden=16; critic mlp hidden=16; batch 32\n"
            + (Self.definitions + Self.metricAndDataDefinitions).joined(separator: "\n")
            + "\ndata test-arc s=0.1\nloss test-gp; step 4; metric test-radius; trick on test-r2; step 3\n"
            + "define loss test-ce d=\"mean(softplus(-real)) + mean(softplus(fake))\" g=\"mean(softplus(-fake))\" family=cross-entropy\n"
            + "loss test-ce; step 2; metric test-radius n=200\nsave run.gan\ncheckpoint save mid.safetensors"
        let rest = "\nstep 3 every=3 do=\"metric test-radius\"\nshow weights\nshow history last=2\nexpect test-radius.value > 0\nmetric modes n=200"
        let first = try ProductProcess.run("gantry", ["-e", session + rest], in: folder)
        XCTAssertEqual(first.status, 0, first.output)
        let replayed = try ProductProcess.run("gantry", ["-e", "run run.gan" + rest], in: folder)
        XCTAssertEqual(replayed.status, 0, replayed.output)
        let resumed = try ProductProcess.run("gantry", ["-e", "checkpoint load mid.safetensors" + rest], in: folder)
        XCTAssertEqual(resumed.status, 0, resumed.output)
        let saved = try String(contentsOf: folder.appendingPathComponent("run.gan"), encoding: .utf8)
        XCTAssertTrue(saved.contains("define loss test-ce d=\"mean(softplus(-real)) + mean(softplus(fake))\" g=\"mean(softplus(-fake))\" "
                                     + "family=cross-entropy\n"), saved)
        for line in ["data test-arc s=0.1", "metric test-radius n=200"] { XCTAssertTrue(saved.contains(line + "\n"), saved) }
        // What follows the checkpoint: the measurement of the do=, the weights, the history and the expectation.
        func tail(_ text: String) -> [String] {
            Array(text.split(separator: "\n").map(String.init).suffix(10))
        }
        XCTAssertTrue(tail(first.output).contains { $0.hasPrefix("ok: test-radius.value = ") }, first.output)
        // The declared modes came back from the checkpoint: metric modes scores the defined data set.
        XCTAssertTrue(tail(resumed.output).contains { $0.hasPrefix("modes: modes 0  modes_total 3 ") }, resumed.output)
        // The cross-entropy family records the JS estimate: the history's last column is a number.
        let lastRow = try XCTUnwrap(tail(first.output).last { $0.hasPrefix("       12 ") })
        XCTAssertNotNil(Double(try XCTUnwrap(lastRow.split(separator: " ").last)), lastRow)
        XCTAssertEqual(tail(first.output), tail(replayed.output))
        XCTAssertEqual(tail(first.output), tail(resumed.output))
    }
}

/// `Interpreter.check` follows the definitions of the script it checks.
final class CheckFollowsDefinitionsTests: XCTestCase {
    func testCheckKnowsWhatTheScriptDefines() {
        defer { Plugins.metrics.unregister(named: "checked-metric") }
        let script = """
            define metric checked-metric value="mean(rownorm(xg))" n=100
            metric checked-metric n=0
            define data checked-data t="uniform()" x="t" y="t^2 + 0.1*normal()"
            data checked-data foo=1
            define loss checked-loss d="mean(softplus(-real)) + mean(softplus(fake))" g="mean(softplus(-fake))" family=cross
            define data broken x="mean(k)"
            step 10 every=5 do="metric checked-metric n=0"
            """
        XCTAssertEqual(Interpreter.check(script, file: "s.gan").map { "\($0.range?.start.line ?? 0):\($0.range?.start.column ?? 0): \($0.message)" }, [
            "2:25: metric checked-metric: n=0 is out of range; expected integer in [1, 1000000]",
            "4:19: unknown parameter 'foo' for dataset checked-data",
            "5:108: family is one of cross-entropy, wasserstein, other",
            "6:23: x: mean is not available here: each sample is drawn on its own",
        ])
        // Checking defines nothing.
        XCTAssertNil(Plugins.metrics.named("checked-metric"))
        XCTAssertNil(Plugins.datasets.named("checked-data"))
    }
}
