import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
@testable import Workbench
@testable import Shell

/// A checkpoint is data: its configuration must agree with its tensors before anything is built, the
/// memory it declares must fit, and its journal may hold only what the interpreter journals.
extension CheckpointTests {
    /// An edit of `resigned` that rewrites the metadata entry `key`.
    func replacingMetadata(_ key: String, _ transform: @escaping (String) -> String)
        -> (inout [(String, Tensor)], inout [(key: String, value: String)]) -> Void {
        { _, metadata in metadata = metadata.map { $0.key == key ? ($0.key, transform($0.value)) : $0 } }
    }


    func testAConfigurationThatContradictsItsTensorsIsRefusedBeforeAnythingIsBuilt() throws {
        // Format 2 (records) and format 1 (script text) alike.
        let current = try goodCheckpoint()
        let name = path("bad.safetensors")
        let wideRecord = try resigned(current, replacingMetadata("gantry.configuration") {
            $0.replacingOccurrences(of: "\"G\":{\"name\":\"mlp\",\"parameters\":{\"hidden\":\"8\"",
                                    with: "\"G\":{\"name\":\"mlp\",\"parameters\":{\"hidden\":\"20000,20000\"")
        })
        var recordError = ""
        let recordGrowth = try ResidentMemory.peakGrowth { recordError = try loadError(wideRecord) }
        XCTAssertEqual(recordError, "t:1:17: error: \(name): tensor 'G.0.weight' (the weight of Linear G.0) has shape [8, 2], "
                       + "but the configuration declares [20000, 2]")
        if let recordGrowth { XCTAssertLessThan(recordGrowth, 200_000_000, "the declared network was built") }
        let good = try formatOne(current)
        // The declared G would be 400 million parameters (1.6 GB, seconds to draw); the file holds 8-wide layers.
        let wide = try resigned(good, replacingMetadata("gantry.config") {
            $0.replacingOccurrences(of: "generator mlp hidden=8 ", with: "generator mlp hidden=20000,20000 ")
        })
        var error = ""
        let growth = try ResidentMemory.peakGrowth { error = try loadError(wide) }
        XCTAssertEqual(error, "t:1:17: error: \(name): tensor 'G.0.weight' (the weight of Linear G.0) has shape [8, 2], "
                       + "but the configuration declares [20000, 2]")
        if let growth { XCTAssertLessThan(growth, 200_000_000, "the declared network was built") }
        // The other kinds of disagreement, each named at the first tensor or layer that differs.
        XCTAssertTrue(try loadError(try resigned(good, replacingMetadata("gantry.config") {
            $0.replacingOccurrences(of: "discriminator mlp hidden=8 ", with: "discriminator mlp hidden=8,8 ")
        })).hasSuffix("\(name): tensor 'D.2.weight' (the weight of Linear D.2) has shape [1, 8], but the configuration declares [8, 8]"))
        XCTAssertTrue(try loadError(try resigned(good, replacingMetadata("gantry.config") {
            $0.replacingOccurrences(of: "generator mlp hidden=8 activation=relu", with: "generator mlp hidden=8 activation=tanh")
        })).hasSuffix("\(name): layer G.1 is a ReLU, but the configuration declares Tanh there"))
        XCTAssertTrue(try loadError(try resigned(good, replacingMetadata("gantry.config") {
            $0.replacingOccurrences(of: "noise normal dim=2", with: "noise normal dim=3")
        })).hasSuffix("\(name): tensor 'G.0.weight' (the weight of Linear G.0) has shape [8, 2], but the configuration declares [8, 3]"))
        XCTAssertTrue(try loadError(try resigned(good, replacingMetadata("gantry.networks") {
            $0.replacingOccurrences(of: "{\"type\":\"Linear\"", with: "{\"type\":\"SpectralNorm\"")
        })).hasSuffix("\(name): layer G.0 is a SpectralNorm, but no trick of the checkpoint puts one in G"))
        XCTAssertTrue(try loadError(try resigned(good) { tensors, _ in
            tensors.append(("extra.D.0.rows", Tensor.zeros([4, 2])))
        }).hasSuffix("\(name): tensor 'extra.D.0.rows' is not part of D as the configuration declares it"))
    }

    /// The layers a trick puts in are checked by that trick's own records against the trick's parameters.
    func testLayersATrickPutsInMustAgreeWithThatTrick() throws {
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, """
            generator mlp hidden=8; critic mlp hidden=8; batch 16; trick on minibatch-discrimination kernels=3 dims=2
            trick on vbn reference=4; step 2; checkpoint save \(path("inserted.safetensors"))
            """, drain)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("inserted.safetensors"))))
        func tricksEdited(_ from: String, _ to: String) throws -> String {
            try loadError(try resigned(good, replacingMetadata("gantry.tricks") { $0.replacingOccurrences(of: from, with: to) }))
        }
        XCTAssertTrue(try tricksEdited("\"kernels\":\"3\"", "\"kernels\":\"4\"")
            .hasSuffix("has 3 kernels of 2 dims, but the checkpoint's tricks declare 4 of 2"))
        XCTAssertTrue(try tricksEdited("\"reference\":\"4\"", "\"reference\":\"5\"")
            .hasSuffix("tensor 'extra.G.0.rows' (the VBN reference rows at G.0) has shape [4, 2], but the configuration declares [5, 2]"))
        let withoutMinibatch = try loadError(try resigned(good, replacingMetadata("gantry.tricks") { tricks in
            let records = (try? JSONValue.parse(Array(tricks.utf8)[...]))?.arrayValue ?? []
            return JSONValue.array(records.filter { $0["name"]?.stringValue != "minibatch-discrimination" }).serialized
        }))
        XCTAssertTrue(withoutMinibatch.contains("is a MinibatchDiscrimination, but no trick of the checkpoint puts one in D"), withoutMinibatch)
        let (other, drainOther) = try makeInterpreter()
        run(other, "checkpoint load \(path("inserted.safetensors")); step 1", drainOther)
        XCTAssertEqual(other.session.iteration, 3)
    }

    func testTheMemoryADeclaredConfigurationNeedsIsCheckedBeforeLoading() throws {
        let good = try goodCheckpoint()
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, "generator mlp hidden=8; critic mlp hidden=8; step 2", drain)
        let before = fingerprint(interpreter.session)
        try Data(good).write(to: URL(fileURLWithPath: path("good.safetensors")))
        interpreter.session.memoryBudget = 2_000
        XCTAssertFalse(interpreter.execute("checkpoint load \(path("good.safetensors"))", file: "t"))
        XCTAssertEqual(drain().errors.first, "t:1:17: error: \(path("good.safetensors")): training the session it holds would "
                       + "need about 8.8 KB (G 1.2 KB, D 924 bytes with adam state, activations 5.6 KB for batch 16 including "
                       + "replay-buffer 1.8 KB, historical-averaging 600 bytes, replay-buffer 560 bytes), more than the 2 KB allowed")
        XCTAssertEqual(fingerprint(interpreter.session), before)
        interpreter.session.memoryBudget = 100_000
        run(interpreter, "checkpoint load \(path("good.safetensors"))", drain)
        XCTAssertEqual(interpreter.session.iteration, 3)
    }

    func testAFormatOneJournalHoldsOnlyWhatTheInterpreterJournaled() throws {
        let good = try formatOne(try goodCheckpoint())
        let name = path("bad.safetensors")
        let stolen = path("stolen.csv")
        func withJournalLine(_ line: String) throws -> String {
            try loadError(try resigned(good, replacingMetadata("gantry.journal") { journal in
                var lines = (try? JSONValue.parse(Array(journal.utf8)[...]))?.arrayValue ?? []
                lines.insert(.string(line), at: 4)
                return JSONValue.array(lines).serialized
            }))
        }
        let allowed = "(seed, data, noise, generator, discriminator, loss, optimizer, batch, freeze, game, define, trick, step, metric)"
        XCTAssertEqual(try withJournalLine("echo hi"), "t:1:17: error: \(name): checkpoint journal line 5: `echo hi` is not a "
                       + "configuration command; a checkpoint holds configuration only \(allowed)")
        for hostile in ["export samples \(stolen) n=10", "save \(stolen)", "run \(stolen)", "history export \(stolen)",
                        "checkpoint save \(stolen)", "seed 1; echo hi", "seed 1\necho hi", "seed 1 { echo hi }", "repeat 2 { echo hi }",
                        "trick list", "quit"] {
            let shown = hostile.replacingOccurrences(of: "\n", with: "\\n")
            XCTAssertTrue(try withJournalLine(hostile).contains("checkpoint journal line 5: `\(shown)` is not"), hostile)
        }
        XCTAssertTrue(try withJournalLine("step 10 every=5 do=\"export samples \(stolen)\"")
            .hasSuffix("is not a plain step; a checkpoint's journal holds only step N, step d and step g"))
        XCTAssertTrue(try withJournalLine("step \"3\" watch=1").contains("is not a plain step"))
        let unparsable = try withJournalLine("seed \"")
        XCTAssertTrue(unparsable.contains("checkpoint journal line 5: `seed \"` does not parse ("), unparsable)
        XCTAssertFalse(FileManager.default.fileExists(atPath: stolen))
        // What the interpreter journals still loads: steps, single updates, metrics, tricks on and off.
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, """
            generator mlp hidden=8; critic mlp hidden=8; batch 16; step 2; step d; step g; metric modes n=50
            trick on sn; step 1; trick off sn; checkpoint save \(path("journal.safetensors"))
            """, drain)
        let (other, drainOther) = try makeInterpreter()
        run(other, "checkpoint load \(path("journal.safetensors")); save \(path("replay.gan"))", drainOther)
        XCTAssertEqual(other.session.journal, interpreter.session.journal)
        try Data(try formatOne([UInt8](try Data(contentsOf: URL(fileURLWithPath: path("journal.safetensors"))))))
            .write(to: URL(fileURLWithPath: path("journal-1.safetensors")))
        let (old, drainOld) = try makeInterpreter()
        run(old, "checkpoint load \(path("journal-1.safetensors"))", drainOld)
        XCTAssertEqual(old.session.journal, interpreter.session.journal)
    }

    func testAFileNamedInAConfigurationIsReadAsTheDataCommandReadsIt() throws {
        let good = try goodCheckpoint()
        try FileManager.default.createDirectory(atPath: path("folder.csv"), withIntermediateDirectories: true)
        for target in [path("missing.csv"), path("folder.csv")] {
            let (direct, drainDirect) = try makeInterpreter()
            XCTAssertFalse(direct.execute("data points file=\(target)", file: "t"))
            let reason = try XCTUnwrap(drainDirect().errors.first?.components(separatedBy: "error: ").last)
            let record = try loadError(try resigned(good, replacingMetadata("gantry.configuration") {
                $0.replacingOccurrences(of: "\"name\":\"ring8\",\"parameters\":{\"modes\":\"8\",\"radius\":\"1\",\"sigma\":\"0.01\"},\"stated\":[\"modes\",\"radius\",\"sigma\"]",
                                        with: "\"name\":\"points\",\"parameters\":{\"file\":\"\(target)\"},\"stated\":[\"file\"]")
            }))
            XCTAssertTrue(record.contains("has a configuration that cannot be set up: ") && record.hasSuffix(reason), record)
            let script = try loadError(try resigned(try formatOne(good), replacingMetadata("gantry.config") {
                $0.replacingOccurrences(of: "data ring8 modes=8 radius=1 sigma=0.01", with: "data points file=\(target)")
            }))
            XCTAssertTrue(script.contains("has a configuration that cannot be set up: ") && script.hasSuffix(reason), script)
        }
    }
}
