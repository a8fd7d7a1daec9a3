import XCTest
import Foundation
import Workbench
@testable import Shell
import GantryFuzzing

/// The fuzz targets on their seed corpora, on every input that once crashed them, and in a short seeded run.
final class FuzzTests: XCTestCase {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz").path

    func files(_ kind: String, _ target: FuzzTarget) throws -> [(name: String, bytes: [UInt8])] {
        let folder = "\(Self.folder)/\(kind)/\(target.rawValue)"
        return try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted().map {
            ($0, [UInt8](try Data(contentsOf: URL(fileURLWithPath: "\(folder)/\($0)"))))
        }
    }

    func testTheSeedCheckpointsLoadAsTheyAre() throws {
        let corpus = try files("corpus", .checkpoint)
        XCTAssertGreaterThanOrEqual(corpus.count, 5)
        for (name, bytes) in corpus {
            // With their checksums: the corpus stays made of real checkpoints as the format evolves.
            let checkpoint = try Checkpoint(try SafeTensorsFile.decode(bytes, path: name), path: name)
            XCTAssertNoThrow(try Interpreter.session(from: checkpoint), name)
            XCTAssertEqual(FuzzTarget.checkpoint.run(bytes), .accepted, name)
        }
        XCTAssertGreaterThanOrEqual(try files("corpus", .script).count, 5)
    }

    /// Checkpoints written in format 1 (configuration and journal as script text) by the release before
    /// format 2 still load, as the session they held: each seed of format 1 has a twin that the current build
    /// wrote after loading it, and both give the same configuration, journal, weights and streams, and train on
    /// identically.
    func testCheckpointsOfTheFirstFormatLoadAsTheSessionTheyHeld() throws {
        let corpus = Dictionary(uniqueKeysWithValues: try files("corpus", .checkpoint))
        let pairs = corpus.keys.filter { $0.hasPrefix("format1-") }.sorted()
        XCTAssertEqual(pairs.count, 5)
        func load(_ name: String) throws -> Session {
            let checkpoint = try Checkpoint(try SafeTensorsFile.decode(try XCTUnwrap(corpus[name]), path: name), path: name)
            let session = try Session()
            session.install(try Interpreter.session(from: checkpoint).snapshot)
            return session
        }
        func state(_ session: Session) -> [String] {
            [JournalText.script(session.journal).joined(separator: "|"), "\(session.iteration)",
             "\(session.streams.positions.map { "\($0.name)=\($0.position)" })",
             "\((session.generator.parameters + session.discriminator.parameters).map { $0.value.scalars.map(\.bitPattern) })"]
        }
        for first in pairs {
            let second = first.replacingOccurrences(of: "format1-", with: "format2-")
            XCTAssertEqual(try Checkpoint(try SafeTensorsFile.decode(corpus[first]!, path: first), path: first).version, 1)
            XCTAssertEqual(try Checkpoint(try SafeTensorsFile.decode(try XCTUnwrap(corpus[second], second), path: second), path: second).version, 2)
            let old = try load(first), new = try load(second)
            XCTAssertEqual(old.configuration, new.configuration, first)
            XCTAssertEqual(old.journal, new.journal, first)
            XCTAssertEqual(state(old), state(new), first)
            try old.train(iterations: 1)
            try new.train(iterations: 1)
            XCTAssertEqual(state(old), state(new), first)
        }
    }

    func testTheSeedDataFilesAreReadAsTheyAre() throws {
        for (target, minimum) in [(FuzzTarget.npy, 8), (.idx, 8)] {
            let corpus = try files("corpus", target)
            XCTAssertGreaterThanOrEqual(corpus.count, minimum, target.rawValue)
            for (name, bytes) in corpus {
                // Under its own name, as gantry reads it, and through the target.
                XCTAssertNoThrow(try PointFile.decode(bytes, path: name), "\(target.rawValue)/\(name)")
                XCTAssertEqual(target.run(bytes), .accepted, "\(target.rawValue)/\(name)")
            }
        }
    }

    func testEveryInputThatOnceCrashedATargetIsHandled() throws {
        var count = 0
        for target in FuzzTarget.allCases {
            for (name, bytes) in try files("regressions", target) {
                // Reaching the next line at all is the test: each of these once trapped.
                let outcome = target.run(bytes)
                XCTAssertNotEqual(outcome, .skipped, "\(target.rawValue)/\(name)")
                count += 1
            }
        }
        print("FuzzTests: \(count) regression inputs ran without a crash")
    }

    func testAShortSeededRunOfEachTarget() throws {
        for (target, inputs) in [(FuzzTarget.script, 3000), (.checkpoint, 1500), (.npy, 3000), (.idx, 3000)] {
            let corpus = try files("corpus", target).map(\.bytes)
            let statistics = FuzzRun(target: target, corpus: corpus, seed: 20_261_129).run(inputs: inputs)
            print("FuzzTests: \(target.rawValue): \(statistics.executed) inputs, \(statistics.accepted) accepted, "
                  + "\(statistics.rejected) rejected, \(statistics.skipped) skipped, no crash")
            XCTAssertEqual(statistics.executed, inputs)
            XCTAssertGreaterThan(statistics.accepted, 0, "\(target.rawValue): the mutations leave some inputs valid")
            XCTAssertGreaterThan(statistics.rejected, inputs / 4, "\(target.rawValue): and break most")
        }
    }

    func testCheckFindsArgumentErrorsWithoutRunningAnything() throws {
        let good = "step 10; loss wgan-gp lambda=0.5\ntrick on ema-generator beta=0.5\nnoise uniform dim=3\nrepeat 2 { metric modes n=100 }\nsave x.gan"
        XCTAssertEqual(Interpreter.check(good, file: "good.gan").map(\.message), [])
        XCTAssertFalse(FileManager.default.fileExists(atPath: "x.gan"), "nothing ran")
        let bad = "loss wgan-gp lamda=1\nstep 10 every=x\nstpe\nrepeat 2 { metric w1 n=1 }\nnoise dim=0\ntrick on ttur g_lr=-1\necho \"open"
        XCTAssertEqual(Interpreter.check(bad, file: "bad.gan").map(\.message), ["unterminated string starting here"],
                       "a syntax error is the only diagnostic: nothing after it is reliable")
        let problems = Interpreter.check(bad.replacingOccurrences(of: "\necho \"open", with: ""), file: "bad.gan")
        XCTAssertEqual(problems.map(\.message), [
            "unknown parameter 'lamda' for loss wgan-gp; did you mean 'lambda'?",
            "command step: every=x is not valid; expected integer in [0, 1000000000]",
            "unknown command 'stpe'; did you mean 'step'?",
            "metric w1: n=1 is out of range; expected integer in [2, 4000]",
            "command noise: dim=0 is out of range; expected integer in [1, 4096]",
            "trick ttur: g_lr=-1 is out of range; expected real in [0, 10]",
        ])
        XCTAssertEqual(problems.map { $0.range?.start.line }, [1, 2, 3, 4, 5, 6])
    }

    func testCheckReadsAModelsParametersFromTheModelItNames() {
        // The example scripts use `generator offset theta=…`: theta is offset's, not mlp's.
        XCTAssertEqual(Interpreter.check("generator offset theta=1\ncritic hidden=8\nG mlp hidden=0x10", file: "m.gan").map(\.message),
                       ["model mlp: hidden=0x10 is hexadecimal: write it in decimal, as 16"])
        XCTAssertEqual(Interpreter.check("generator mlp theta=1", file: "m.gan").map(\.message),
                       ["unknown parameter 'theta' for model mlp"])
        // The model is found as the command finds it: ignoring case, by alias.
        XCTAssertEqual(Interpreter.check("generator OFFSET thetaa=1\ngenerator line-family theta=1000", file: "m.gan").map(\.message),
                       ["unknown parameter 'thetaa' for model offset; did you mean 'theta'?",
                        "model offset: theta=1000 is out of range; expected real in [-100, 100]"])
    }
}
