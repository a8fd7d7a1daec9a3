import XCTest
import Foundation
import _GantryTestSupport
import Workbench

/// `save` in one process, `run` in another: the same weights (by hash) and the same printed metrics.
final class ReplayProcessTests: XCTestCase {
    func gantry(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        try ProductProcess.run("gantry", arguments, in: folder)
    }

    func testASavedSessionReplaysInANewProcessToIdenticalWeightsAndMetrics() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-replay-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = """
            seed 4; generator mlp hidden=32,32; critic mlp hidden=32,32; batch 64
            step 40
            loss wgan-gp lambda=0.1 critic_steps=3
            optimizer D rmsprop lr=2e-4
            step 30 every=15 do="metric modes n=400"
            optimizer both adam lr=5e-4 beta1=0.5 beta2=0.9
            loss hinge
            step 20
            save run.gan
            """
        let first = try gantry(["-e", session + "\nmetric w1 n=300\nshow weights"], in: folder)
        XCTAssertEqual(first.status, 0, first.output)
        let second = try gantry(["-e", "run run.gan\nmetric w1 n=300\nshow weights"], in: folder)
        XCTAssertEqual(second.status, 0, second.output)
        func tail(_ text: String) -> [String] {
            Array(text.split(separator: "\n").map(String.init).drop { !$0.hasPrefix("w1:") })
        }
        XCTAssertEqual(tail(first.output).count, 3, first.output)
        XCTAssertEqual(tail(first.output), tail(second.output))
        // A script that fails gives a non-zero status; so does a failed expectation.
        XCTAssertEqual(try gantry(["-e", "expect iteration == 1"], in: folder).status, 1)
        XCTAssertEqual(try gantry(["run", "missing.gan"], in: folder).status, 1)
    }

    func testACheckpointLoadedInANewProcessContinuesBitForBit() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-resume-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let setup = """
            seed 6; generator mlp hidden=24,24; critic mlp hidden=24; batch 48
            trick on historical-averaging players=D; trick on ema-generator beta=0.95; trick on replay-buffer size=100
            step 15; loss wgan-gp lambda=0.1 critic_steps=2
            step 10 every=5 do="metric modes n=300"
            """
        let rest = "step 12\nshow weights\nshow history last=3\nmetric w1 n=300\nexpect modes.modes >= 0"
        let first = try gantry(["-e", setup + "\ncheckpoint save mid.safetensors\n" + rest + "\ncheckpoint save a.safetensors"], in: folder)
        XCTAssertEqual(first.status, 0, first.output)
        let second = try gantry(["-e", "checkpoint load mid.safetensors\n" + rest + "\ncheckpoint save b.safetensors"], in: folder)
        XCTAssertEqual(second.status, 0, second.output)
        func tail(_ text: String) -> [String] {
            Array(text.split(separator: "\n").map(String.init).drop { !$0.hasPrefix("iteration 37") }.dropLast())
        }
        XCTAssertEqual(tail(first.output).count, 9, first.output)
        XCTAssertEqual(tail(first.output), tail(second.output))
        XCTAssertTrue(second.output.hasPrefix("loaded iteration 25 from mid.safetensors (seed 6; tricks: historical-averaging, ema-generator, replay-buffer)"),
                      second.output)
        let a = try Checkpoint.read(path: folder.appendingPathComponent("a.safetensors").path).file
        let b = try Checkpoint.read(path: folder.appendingPathComponent("b.safetensors").path).file
        XCTAssertEqual(a.entries.map(\.name), b.entries.map(\.name))
        for entry in a.entries where entry.dtype == .float32 {
            XCTAssertTrue(try XCTUnwrap(a.tensor(entry.name)).isBitwiseEqual(to: try XCTUnwrap(b.tensor(entry.name))), entry.name)
        }
        let columns = History.columns.count
        let (x, y) = (try XCTUnwrap(a.doubles("history")), try XCTUnwrap(b.doubles("history")))
        XCTAssertEqual(x.enumerated().filter { $0.offset % columns != columns - 1 }.map(\.element.bitPattern),
                       y.enumerated().filter { $0.offset % columns != columns - 1 }.map(\.element.bitPattern))
        XCTAssertEqual(a.metadata.filter { $0.key != "gantry.checksum" }.map { "\($0.key)=\($0.value)" },
                       b.metadata.filter { $0.key != "gantry.checksum" }.map { "\($0.key)=\($0.value)" })
    }
}
