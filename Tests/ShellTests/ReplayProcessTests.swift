import XCTest
import Foundation
import _GantryTestSupport

/// `save` in one process, `run` in another: the same weights (by hash) and the same printed metrics.
final class ReplayProcessTests: XCTestCase {
    func gantry(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let executable = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
}
