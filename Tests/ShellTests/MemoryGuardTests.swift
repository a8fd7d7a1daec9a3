import XCTest
import Foundation
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// The memory guard: one estimate of everything training holds (both networks with their gradients and
/// optimizer state, a batch's activations, the data, the tricks' buffers), checked against the session's
/// budget before anything is allocated, at the command that would exceed it.
final class MemoryGuardTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws { folder = try ScratchFolder.make("memory") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }


    func makeInterpreter(budget: Int? = nil) throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter(seed: 3, configure: { session in if let budget { session.memoryBudget = budget } })
    }

    /// The estimate of a configuration, made in this process without training.
    func estimate(_ commands: String) throws -> TrainingFootprint {
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertTrue(interpreter.execute(commands, file: "estimate"), drain().errors.joined(separator: "\n"))
        return interpreter.session.trainingFootprint
    }

    /// The peak resident memory of a gantry process of its own after `commands`: the process reads them
    /// from a pipe and waits for more while its /proc status is read (the high-water mark of its own memory;
    /// `wait4`'s maximum would also count the test process, whose pages the child shares until it execs).
    func peakResidentBytes(_ commands: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry")))
        let (input, output) = (Pipe(), Pipe())
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        defer { process.waitUntilExit() }
        let marker = "commands-done"
        input.fileHandleForWriting.write(Data((commands + "\necho \(marker)\n").utf8))
        var printed = ""
        while !printed.contains(marker) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed += String(decoding: chunk, as: UTF8.self)
        }
        let peak = ResidentMemory.peak(ofProcess: process.processIdentifier)
        try input.fileHandleForWriting.close()
        XCTAssertTrue(printed.contains(marker) && !printed.contains("error"), printed)
        return try XCTUnwrap(peak)
    }

    func testTheEstimateIsWithinAFactorOfTwoOfWhatAStepReallyTakes() throws {
        #if !os(Linux)
        throw XCTSkip("the peak resident memory is read from /proc")
        #else
        var rows: [String] = []
        for _ in 0..<300 {
            rows.append((0..<1500).map { String(Float($0 % 97) / 97) }.joined(separator: ","))
        }
        try rows.joined(separator: "\n").write(toFile: path("wide.csv"), atomically: true, encoding: .utf8)
        let configurations = [
            "generator mlp hidden=1024,1024; critic mlp hidden=1024,1024",
            "generator mlp hidden=1024,1024; critic mlp hidden=1024,1024; optimizer both rmsprop",
            "generator mlp hidden=256,256; critic mlp hidden=256,256; batch 4096",
            "generator mlp hidden=256,256; critic mlp hidden=256,256; batch 4096; loss wgan-gp",
            "data points file=\(path("wide.csv")); generator mlp hidden=128; critic mlp hidden=128; batch 512",
            "generator mlp hidden=512,512; critic mlp hidden=512,512; trick on ema-generator; trick on historical-averaging",
            "generator mlp hidden=256,256; critic mlp hidden=256,256; trick on minibatch-discrimination kernels=50",
            "generator mlp hidden=512,512; critic mlp hidden=512,512; batch 1024; trick on spectral-norm; trick on packing m=2",
        ]
        // Three iterations: Adam's moments exist from the first update on, as zero pages the system only
        // backs once they are written, so the first iteration alone undercounts them.
        let baseline = try peakResidentBytes("generator mlp hidden=1; critic mlp hidden=1; batch 1; step 3")
        var report: [String] = []
        for configuration in configurations {
            let estimated = try estimate(configuration).total
            let measured = try peakResidentBytes(configuration + "; step 3") - baseline
            let ratio = Double(estimated) / Double(max(measured, 1))
            report.append(String(format: "%.2f  estimated %@, measured %@: %@", ratio, TrainingFootprint.format(estimated),
                                 TrainingFootprint.format(measured), configuration))
            XCTAssertTrue((0.5...2).contains(ratio), "estimated \(estimated) bytes, measured \(measured): \(configuration)")
        }
        print("estimate / measured peak growth:\n" + report.joined(separator: "\n"))
        #endif
    }

    /// Everything about a session a refused command could change.
    func fingerprint(_ session: Session) -> String {
        let weights = (session.generator.parameters + session.discriminator.parameters).map { p in
            p.value.scalars.reduce(UInt64(0)) { ($0 &* 31) &+ UInt64($1.bitPattern) }
        }
        return [session.journalLines.joined(separator: "|"), session.configurationLines.joined(separator: "|"), "\(session.iteration)",
                "\(session.streams.positions.map { "\($0.name)=\($0.position)" })", "\(weights)",
                session.discriminator.describeLayers().joined(separator: ","), session.hooks.map(\.name).joined(separator: ","),
                session.optimizer(.generator).name, session.optimizer(.discriminator).name].joined(separator: "\n")
    }

    /// `command` refused with `message` (the first line of its diagnostic), the session exactly as it was.
    func assertRefused(_ interpreter: Interpreter, _ command: String, _ message: String,
                       _ drain: () -> (output: [String], errors: [String]), file: StaticString = #filePath, line: UInt = #line) {
        let before = fingerprint(interpreter.session)
        XCTAssertFalse(interpreter.execute(command, file: "t"), "\(command) was accepted", file: file, line: line)
        XCTAssertEqual(drain().errors.first, message, file: file, line: line)
        XCTAssertEqual(fingerprint(interpreter.session), before, "\(command) changed the session", file: file, line: line)
    }

    func testEveryCommandThatWouldExceedTheBudgetIsRefusedBeforeAllocating() throws {
        let (interpreter, drain) = try makeInterpreter(budget: 50_000_000)
        let session = interpreter.session
        XCTAssertTrue(interpreter.execute("generator mlp hidden=1000,1000", file: "t"), drain().errors.joined())
        // Each network fits alone; both do not (the guard used to check each network by itself).
        assertRefused(interpreter, "critic mlp hidden=1000,1000", "t:1:1: error: training would need about 61 MB (G 28 MB, "
                      + "D 28 MB with adam state, activations 5.1 MB for batch 128), more than the 50 MB allowed; use smaller layers "
                      + "or a smaller batch", drain)
        // Refused before anything is built: a 20000-wide G would take 1.6 GB and seconds to draw.
        let growth = ResidentMemory.peakGrowth {
            assertRefused(interpreter, "generator mlp hidden=20000,20000", "t:1:1: error: training would need about 11 GB (G 11 GB, "
                          + "D 477 KB with adam state, activations 52 MB for batch 128), more than the 50 MB allowed; use smaller "
                          + "layers or a smaller batch", drain)
        }
        if let growth { XCTAssertLessThan(growth, 100_000_000) }
        assertRefused(interpreter, "batch 4096", "t:1:7: error: training would need about 121 MB (G 28 MB, D 477 KB with adam state, "
                      + "activations 93 MB for batch 4096), more than the 50 MB allowed; use a smaller batch or smaller layers", drain)
        // Tricks are judged before they are made (minibatch discrimination changes D as it is made).
        assertRefused(interpreter, "trick on minibatch-discrimination", "t:1:1: error: training would need about 333 MB (G 28 MB, "
                      + "D 2.3 MB with adam state, activations 302 MB for batch 128 including minibatch-discrimination 301 MB), more "
                      + "than the 50 MB allowed; use a smaller batch or smaller layers", drain)
        XCTAssertTrue(interpreter.execute("trick on ema-generator; trick on historical-averaging players=G", file: "t"), drain().errors.joined())
        assertRefused(interpreter, "trick on replay-buffer size=1000000", "t:1:1: error: training would need about 100 MB (G 28 MB, "
                      + "D 477 KB with adam state, activations 2.9 MB for batch 128, ema-generator 4 MB, historical-averaging 8 MB, "
                      + "replay-buffer 56 MB), more than the 50 MB allowed; make replay-buffer smaller or leave it off or use smaller "
                      + "layers", drain)
        // The loss and the optimizers: a gradient penalty's pass through D, Adam's two moments against SGD's none.
        XCTAssertTrue(interpreter.execute("""
            trick off ema-generator; trick off historical-averaging
            generator mlp hidden=64; critic mlp hidden=512; optimizer both sgd; batch 2048
            """, file: "t"), drain().errors.joined())
        session.memoryBudget = session.trainingFootprint.total + 10_000
        assertRefused(interpreter, "loss wgan-gp", "t:1:1: error: training would need about 32 MB (G 3.9 KB, D 25 KB, activations "
                      + "32 MB for batch 2048), more than the 21 MB allowed; use a smaller batch or smaller layers", drain)
        assertRefused(interpreter, "optimizer both adam", "t:1:1: error: training would need about 21 MB (G 9 KB, D 57 KB with adam "
                      + "state, activations 21 MB for batch 2048), more than the 21 MB allowed; use a smaller batch or smaller layers", drain)
        XCTAssertTrue(interpreter.execute("optimizer G adam", file: "t"), drain().errors.joined())
        // step, and step d / step g, refuse a session that no longer fits (a smaller budget here).
        session.memoryBudget = 10_000_000
        for command in ["step 1", "step d", "step g"] {
            assertRefused(interpreter, command, "t:1:1: error: training would need about 21 MB (G 9 KB with adam state, D 25 KB, "
                          + "activations 21 MB for batch 2048), more than the 10 MB allowed; use a smaller batch or smaller layers", drain)
        }
        // Whatever makes the footprint smaller is accepted, even above the budget, so the session can be mended.
        XCTAssertTrue(interpreter.execute("batch 256; step 1", file: "t"), drain().errors.joined())
        XCTAssertEqual(session.iteration, 1)
    }

    func testTheDataDimensionIsGuardedWhenTheNetworksWouldBeRebuiltForIt() throws {
        // One row of 200 000 columns: 1.4 MB of text, and networks 200 000 wide.
        try (0..<200_000).map { _ in "0.5" }.joined(separator: ",").write(toFile: path("wide.csv"), atomically: true, encoding: .utf8)
        let (interpreter, drain) = try makeInterpreter(budget: 500_000_000)
        assertRefused(interpreter, "data points file=\(path("wide.csv"))", "t:1:1: error: training would need about 2.1 GB "
                      + "(G 723 MB, D 717 MB with adam state, activations 615 MB for batch 128), more than the 500 MB allowed; use "
                      + "smaller layers or a smaller batch", drain)
        XCTAssertEqual(interpreter.session.dataset.canonicalText, "ring8 modes=8 radius=1 sigma=0.01")
        // Narrow networks take it: the points themselves are counted too.
        XCTAssertTrue(interpreter.execute("generator mlp hidden=8; critic mlp hidden=8; batch 16\ndata points file=\(path("wide.csv"))",
                                          file: "t"), drain().errors.joined())
        XCTAssertEqual(interpreter.session.trainingFootprint.bytes(of: "data"), 800_000)
        XCTAssertTrue(interpreter.execute("step 1", file: "t"), drain().errors.joined())
    }

    func testTheEstimateIsItemised() throws {
        let footprint = try estimate("generator mlp hidden=64; critic mlp hidden=64 norm=batch; optimizer D rmsprop; batch 256; "
                                     + "loss wgan-gp; trick on ema-generator; trick on spectral-norm")
        XCTAssertEqual(footprint.parts.map(\.name), ["G", "D", "activations", "data", "ema-generator"])
        XCTAssertEqual(footprint.total, footprint.parts.reduce(0) { $0 + $1.bytes })
        // G: 2·64 + 64 + 64·2 + 2 = 322 parameters, 7 copies with Adam (values, the iteration's start, gradient,
        // two moments old and new); D: 257 + 128 (BatchNorm) = 385 parameters, 5 copies with RMSprop, plus
        // running statistics, u and v (2 × 128 + 2 × (2 + 64 + 1)) kept twice.
        XCTAssertEqual(footprint.bytes(of: "G"), 4 * 322 * 7)
        XCTAssertEqual(footprint.bytes(of: "D"), 4 * (385 * 5 + 2 * (128 + 134)))
        XCTAssertEqual(footprint.bytes(of: "ema-generator"), 4 * 322)
        // Items below a hundredth of the whole are left out of the text.
        XCTAssertEqual(footprint.description, "about 2.5 MB (G 9 KB with adam state, D 9.8 KB with rmsprop state, activations "
                       + "2.5 MB for batch 256)")
    }
}
