import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
@testable import Workbench
@testable import Shell

/// `checkpoint save` / `checkpoint load` through the interpreter: a loaded session continues bit for bit as
/// the saved one, with every trick; damaged files are refused and leave the session as it was.
final class CheckpointTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("checkpoint")
    }

    override func tearDownWithError() throws {
        PointFile.simulatedFreeSpace.store(-1, ordering: .relaxed)
        ScratchFolder.remove(folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    /// An interpreter on a fresh session, with its output and errors collected.
    func makeInterpreter(seed: UInt64 = 5, interrupt: @escaping () -> Bool = { false })
        throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter(seed: seed, interrupt: interrupt)
    }

    /// Runs `source`, failing the test with the errors if any command fails.
    func run(_ interpreter: Interpreter, _ source: String, _ drain: () -> (output: [String], errors: [String]),
             file: StaticString = #filePath, line: UInt = #line) {
        let succeeded = interpreter.execute(source, file: "test")
        let errors = drain().errors
        XCTAssertTrue(succeeded, errors.joined(separator: "\n"), file: file, line: line)
    }

    /// Everything two checkpoints hold must be the same bits, except the checksum and the wall-clock column
    /// of the history.
    func assertSameState(_ a: String, _ b: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let x = try Checkpoint.read(path: a).file, y = try Checkpoint.read(path: b).file
        XCTAssertEqual(x.entries.map(\.name), y.entries.map(\.name), file: file, line: line)
        for entry in x.entries where entry.name != Checkpoint.historyTensor {
            if let doubles = x.doubles(entry.name) {
                XCTAssertEqual(doubles.map(\.bitPattern), y.doubles(entry.name)?.map(\.bitPattern), "tensor \(entry.name) differs",
                               file: file, line: line)
                continue
            }
            let same = try XCTUnwrap(x.tensor(entry.name)).isBitwiseEqual(to: try XCTUnwrap(y.tensor(entry.name)))
            XCTAssertTrue(same, "tensor \(entry.name) differs", file: file, line: line)
        }
        let columns = History.columns.count
        let (p, q) = (try XCTUnwrap(x.doubles("history")), try XCTUnwrap(y.doubles("history")))
        XCTAssertEqual(p.count, q.count, file: file, line: line)
        for index in p.indices where index % columns != columns - 1 {
            XCTAssertEqual(p[index].bitPattern, q[index].bitPattern, "history value \(index) differs", file: file, line: line)
        }
        for (key, value) in x.metadata where key != "gantry.checksum" {
            XCTAssertEqual(value, y.metadata(key), "metadata \(key) differs", file: file, line: line)
        }
    }

    /// Trains `setup`, saves, trains on; a new interpreter on another session loads and trains the same: the
    /// two end states must be identical.
    func assertLoadedSessionContinuesExactly(_ setup: String, then more: String = "step 6",
                                             file: StaticString = #filePath, line: UInt = #line) throws {
        let (original, drain) = try makeInterpreter()
        let (middle, endA, endB) = (path("middle-\(line).safetensors"), path("a-\(line).safetensors"), path("b-\(line).safetensors"))
        run(original, setup + "\ncheckpoint save \"\(middle)\"\n" + more + "\ncheckpoint save \"\(endA)\"", drain, file: file, line: line)
        let (resumed, drainResumed) = try makeInterpreter(seed: 77)
        resumed.execute("generator mlp hidden=3; step 2", file: "other work")  // a session with a past of its own
        run(resumed, "checkpoint load \"\(middle)\"\n" + more + "\ncheckpoint save \"\(endB)\"", drainResumed, file: file, line: line)
        try assertSameState(endA, endB, file: file, line: line)
        XCTAssertEqual(resumed.session.journal, original.session.journal, file: file, line: line)
        XCTAssertEqual(resumed.savedScript(), original.savedScript(), file: file, line: line)
    }

    func testEveryRegisteredTrickContinuesBitForBitOnItsOwn() throws {
        XCTAssertFalse(Plugins.tricks.all.isEmpty)
        for trick in Plugins.tricks.all {
            let before = testRun?.totalFailureCount ?? 0
            try assertLoadedSessionContinuesExactly("""
                generator mlp hidden=8,8; critic mlp hidden=8,8; batch 16
                trick on \(trick.spec.name); step 4
                """, then: "step 3")
            XCTAssertEqual(testRun?.totalFailureCount ?? 0, before, "with \(trick.spec.name)")
        }
    }

    /// Tricks together, with parameters other than their defaults, and networks rebuilt while they are on.
    func testALoadedSessionContinuesBitForBitWithTricksCombined() throws {
        try assertLoadedSessionContinuesExactly("""
            seed 3; generator mlp hidden=12,12; critic mlp hidden=12; batch 32
            step 4; loss wgan-gp lambda=0.1 critic_steps=2; optimizer D rmsprop lr=2e-4
            step 3 every=3 do="metric modes n=100"
            """, then: "step 3; metric w1 n=100; step 2")
        try assertLoadedSessionContinuesExactly("""
            generator mlp hidden=8,8 dropout=0.1; critic mlp hidden=8; batch 16
            trick on historical-averaging players=both ema=0.5; trick on ema-generator beta=0.8
            trick on replay-buffer size=20 p=0.5; trick on ttur g_lr=2e-4 d_lr=5e-4
            trick on instance-noise sigma=0.2 anneal=linear steps=20; trick on label-smoothing alpha=0.9
            step 7
            """)
        // Instance noise switched on late anneals from that iteration, in the loaded session too.
        try assertLoadedSessionContinuesExactly("""
            generator mlp hidden=8; critic mlp hidden=8; batch 16
            step 4; trick on instance-noise sigma=0.2 anneal=linear steps=6; step 2
            """, then: "step 3")
        try assertLoadedSessionContinuesExactly("""
            generator mlp hidden=8,8 norm=batch; critic mlp hidden=8,8; batch 16
            trick on vbn reference=6; trick on minibatch-discrimination kernels=4 dims=3; trick on spectral-norm
            trick on feature-matching form=mse
            step 5
            """)
        try assertLoadedSessionContinuesExactly("""
            generator mlp hidden=6 activation=maxout pieces=2; critic mlp hidden=6 activation=leaky-relu norm=layer
            batch 16; optimizer both sgd lr=1e-2 momentum=0.9; trick on packing m=2; trick on consensus gamma=0.1
            step 3; optimizer D sgd lr=1e-2 momentum=0; step 2; step d
            """, then: "step g; step 3")
        // Networks rebuilt while tricks are on: historical averaging keeps the parameters of D's last update,
        // minibatch discrimination reinstalls its layer at the next step.
        try assertLoadedSessionContinuesExactly("""
            generator mlp hidden=8; critic mlp hidden=8; batch 16
            trick on historical-averaging; trick on minibatch-discrimination kernels=3 dims=2; step 3
            critic mlp hidden=6
            """)
    }

    func testToyGamesFrozenPlayersAndTheOffsetGeneratorContinueBitForBit() throws {
        // A game in mid-play (instance noise draws from its stream; historical averaging keeps sums).
        try assertLoadedSessionContinuesExactly("game dirac noise=0.3 samples=50 averaging=0.2; step 40",
                                                then: "step 25; show game")
        try assertLoadedSessionContinuesExactly("game xy update=alternating consensus=0.5; step 10", then: "step 5")
        try assertLoadedSessionContinuesExactly("game dirac update=extragradient unroll=2 noise=0.3 samples=20; step 12",
                                                then: "step 5")
        // The subspace data and generator, with the unrolled and extragradient tricks on together.
        try assertLoadedSessionContinuesExactly("""
            data subspace k=2 n=5 basis=3; noise normal dim=2; generator subspace basis=4; critic mlp hidden=8; batch 16
            trick on unrolled-gan steps=2 lr=0.1; trick on extragradient; step 3
            """, then: "step 2")
        // WGAN Example 1's one-parameter generator, frozen, then trained on.
        try assertLoadedSessionContinuesExactly("""
            data parallel-lines; noise uniform dim=1 lower=0 upper=1; generator offset theta=0.7
            critic mlp hidden=8; batch 16; freeze G; step 5
            """, then: "step 3; freeze none; step 3")
        // Networks trained, then a game played: the game off brings back the networks as saved.
        try assertLoadedSessionContinuesExactly("generator mlp hidden=6; critic mlp hidden=6; batch 16; step 3; game xy; step 4",
                                                then: "step 2; game off; step 2")
    }

    /// Convolutions, both batch normalisations and their running statistics, packed into D's channels.
    func testADCGANSessionContinuesExactly() throws {
        try assertLoadedSessionContinuesExactly("""
            data uniform-images size=8; noise normal dim=3; generator dcgan width=2; critic dcgan width=2 norm=batch
            batch 8; trick on packing; step 2
            """, then: "step 2")
    }

    /// VBN in both dcgan networks: VirtualBatchNorm2d replacing a BatchNorm2d (kept under `extra.`) and inserted
    /// after convolutions, the reference rows, and the noise dcgan brought to a session whose noise nobody chose.
    func testADCGANSessionWithVirtualBatchNormContinuesExactly() throws {
        try assertLoadedSessionContinuesExactly("""
            data uniform-images size=8; generator dcgan width=2; critic dcgan width=2 norm=batch
            batch 8; trick on vbn players=both reference=4; step 2
            """, then: "step 2; trick off vbn; step 1")
        try assertLoadedSessionContinuesExactly("""
            data uniform-images size=8 channels=3; noise normal dim=3; generator dcgan width=2 norm=none
            critic dcgan width=2 norm=none; batch 8; trick on vbn players=both reference=3; step 2
            """, then: "step 1; trick off vbn; step 1")
    }

    /// A record of VirtualBatchNorm2d whose replaced layer is not the BatchNorm2d of its image is refused by name.
    func testAVirtualBatchNorm2dRecordWithAnotherReplacedLayerIsRefused() throws {
        let (original, drain) = try makeInterpreter()
        run(original, """
            data uniform-images size=8; noise normal dim=3; generator dcgan width=2; critic dcgan width=2 norm=none
            batch 8; trick on vbn reference=4; checkpoint save "\(path("vbn2d.safetensors"))"
            """, drain)
        let saved = try Checkpoint.read(path: path("vbn2d.safetensors")).file
        var file = SafeTensorsFile()
        for entry in saved.entries {
            if let tensor = saved.tensor(entry.name) { file.append(entry.name, tensor) }
            if let doubles = saved.doubles(entry.name) { file.append(entry.name, doubles: doubles, shape: entry.shape) }
        }
        file.metadata = saved.metadata
        let networks = try XCTUnwrap(saved.metadata("gantry.networks"))
        XCTAssertTrue(networks.contains("\"replaced\":{\"type\":\"BatchNorm2d\",\"input\":[2,4,4]"), networks)
        file.metadata = file.metadata.map { key, value in
            (key: key, value: key == "gantry.networks" ? value.replacingOccurrences(of: "\"replaced\":{\"type\":\"BatchNorm2d\",\"input\":[2,4,4]",
                                                                        with: "\"replaced\":{\"type\":\"BatchNorm2d\",\"input\":[2,8,2]") : value)
        }
        let (loaded, _) = try makeInterpreter()
        XCTAssertThrowsError(try Interpreter.session(from: try Checkpoint(file, path: "vbn2d.safetensors", verifyingChecksum: false))) {
            XCTAssertTrue("\($0)".contains("layer G.6 has a replaced layer that is not a BatchNorm2d of 2×4×4"), "\($0)")
        }
        XCTAssertEqual(loaded.session.iteration, 0)
    }

    func testAGameRecordThatDoesNotFitItsGameIsRefused() throws {
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, "game xy; step 3\ncheckpoint save \"\(path("game.safetensors"))\"", drain)
        let saved = try Checkpoint.read(path: path("game.safetensors")).file
        var values = try XCTUnwrap(saved.doubles("game"))
        values[5] = 99  // step 2 numbered 99
        var file = SafeTensorsFile()
        for entry in saved.entries where entry.name != "game" {
            if let tensor = saved.tensor(entry.name) { file.append(entry.name, tensor) }
            if let doubles = saved.doubles(entry.name) { file.append(entry.name, doubles: doubles, shape: entry.shape) }
        }
        file.append("game", doubles: values, shape: [3, 5])
        file.metadata = saved.metadata
        let fresh = try Session(seed: 5)
        fresh.setGame(ToyGame(try XYGame(try ParameterValues(XYGame.spec))))
        XCTAssertThrowsError(try Checkpoint(file, path: "game.safetensors", verifyingChecksum: false).restore(configuration: fresh.configuration, journal: fresh.journal)) { error in
            XCTAssertTrue("\(error)".contains("has a toy game record that does not fit its game: game step 2 of the record is not a step this game could have taken"),
                          "\(error)")
        }
    }

    func testAPeriodicCheckpointDuringStepResumesWhereItWasTaken() throws {
        let (original, drain) = try makeInterpreter()
        run(original, """
            generator mlp hidden=8; critic mlp hidden=8; batch 16
            step 12 every=4 do="checkpoint save \(path("periodic.safetensors"))"
            checkpoint save \(path("end.safetensors"))
            """, drain)
        // Overwritten at 4, 8, 12; train one from 8 to 12 and compare at 12.
        let (first, drainFirst) = try makeInterpreter()
        run(first, "generator mlp hidden=8; critic mlp hidden=8; batch 16\nstep 8 every=4 do=\"checkpoint save \(path("at8.safetensors"))\"", drainFirst)
        let (resumed, drainResumed) = try makeInterpreter()
        run(resumed, "checkpoint load \(path("at8.safetensors")); step 4; checkpoint save \(path("resumed.safetensors"))", drainResumed)
        try assertSameState(path("end.safetensors"), path("resumed.safetensors"))
        try assertSameState(path("end.safetensors"), path("periodic.safetensors"))
        let (refused, drainRefused) = try makeInterpreter()
        XCTAssertFalse(refused.execute("step 4 every=2 do=\"checkpoint load \(path("at8.safetensors"))\"", file: "t"))
        XCTAssertTrue(drainRefused().errors.first?.contains("may save checkpoints while training, not load them") == true)
        XCTAssertEqual(refused.session.iteration, 0)
    }

    // MARK: Bad files

    /// Everything about a session a command could change.
    func fingerprint(_ session: Session, journal: Bool = true) -> String {
        let weights = (session.generator.parameters + session.discriminator.parameters).map { p in
            p.value.scalars.reduce(UInt64(0)) { ($0 &* 31) &+ UInt64($1.bitPattern) }
        }
        return [journal ? session.journalLines.joined(separator: "|") : "", "\(session.iteration)", "\(session.history.rows.count)",
                "\(session.streams.positions.map { "\($0.name)=\($0.position)" })", "\(weights)", session.hooks.map(\.name).joined(),
                "\(session.optimizer(.generator).state.count)"].joined(separator: "\n")
    }

    /// `bytes` written to a file, then `checkpoint load` of it: the error, with the session unchanged.
    func loadError(_ bytes: [UInt8], name: String = "bad.safetensors", file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let target = path(name)
        try Data(bytes).write(to: URL(fileURLWithPath: target))
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, "generator mlp hidden=8; critic mlp hidden=8; trick on ema-generator; step 2", drain, file: file, line: line)
        let before = fingerprint(interpreter.session)
        XCTAssertFalse(interpreter.execute("checkpoint load \(target)", file: "t"), "loaded", file: file, line: line)
        let error = drain().errors.first ?? ""
        XCTAssertEqual(fingerprint(interpreter.session), before, "the session changed", file: file, line: line)
        run(interpreter, "step 1", drain, file: file, line: line)  // still usable
        return error
    }

    /// A checkpoint of a small session with tricks, and its bytes.
    func goodCheckpoint() throws -> [UInt8] {
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, """
            generator mlp hidden=8; critic mlp hidden=8; batch 16; trick on historical-averaging; trick on replay-buffer size=10
            step 3; checkpoint save \(path("good.safetensors"))
            """, drain)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("good.safetensors"))))
    }

    /// A copy of `file` with the tensors and metadata `edit` changes, signed with a fresh checksum (the
    /// damage a checksum cannot see: what a buggy or hostile writer would produce).
    func resigned(_ bytes: [UInt8], _ edit: (inout [(String, Tensor)], inout [(key: String, value: String)]) -> Void) throws -> [UInt8] {
        let original = try SafeTensorsFile.decode(bytes, path: "x")
        var tensors = original.entries.filter { $0.dtype == .float32 }.map { ($0.name, original.tensor($0.name)!) }
        var metadata = original.metadata
        edit(&tensors, &metadata)
        var file = SafeTensorsFile()
        for (name, tensor) in tensors { file.append(name, tensor) }
        if let history = original.entry("history") { file.append("history", doubles: original.doubles("history")!, shape: history.shape) }
        file.metadata = metadata.filter { $0.key != "gantry.checksum" }
        file.metadata.append(("gantry.checksum", Checkpoint.checksum(of: file)))
        let target = path("resigned-\(UUID().uuidString).safetensors")
        try file.write(to: target)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: target)))
    }

    /// `bytes`, a checkpoint this build wrote, as format 1 wrote it: version 1, the configuration as a script
    /// and the journal as command lines, as the interpreter wrote them then.
    func formatOne(_ bytes: [UInt8]) throws -> [UInt8] {
        let checkpoint = try Checkpoint(try SafeTensorsFile.decode(bytes, path: "x"), path: "x")
        let script = JournalText.lines(try checkpoint.configuration()).joined(separator: "\n")
        let journal = JSONValue.array(try checkpoint.journal().map { .string(JournalText.line($0)) }).serialized
        return try resigned(bytes) { _, metadata in
            metadata = metadata.map { entry in
                switch entry.key {
                case "gantry.version": ("gantry.version", "1")
                case "gantry.configuration": ("gantry.config", script)
                case "gantry.journal": ("gantry.journal", journal)
                default: entry
                }
            }
        }
    }

    func testDamagedAndForeignFilesAreRefusedAndTheSessionIsUntouched() throws {
        let good = try goodCheckpoint()
        let name = path("bad.safetensors")
        XCTAssertTrue(try loadError(Array(good.prefix(good.count - 10))).contains("\(name): is truncated: tensor"))
        XCTAssertTrue(try loadError(Array(good.prefix(3))).contains("\(name): is not a safetensors file: it has 3 bytes"))
        var flipped = good
        flipped[good.count - 20] ^= 0x10
        XCTAssertTrue(try loadError(flipped).contains("\(name): is corrupt: its content does not match the checksum written with it"))
        XCTAssertTrue(try loadError(Array("# Gantry session\nseed 1\nstep 10\n".utf8))
            .contains("\(name): is not a safetensors file: its first 8 bytes declare a header of"))
        var oversized = good
        oversized.replaceSubrange(0..<8, with: [0, 0, 0, 0, 1, 0, 0, 0])
        XCTAssertTrue(try loadError(oversized).contains("declare a header of 4294967296 bytes, more than the 100000000 allowed"))
        let newer = try resigned(good) { _, metadata in
            metadata = metadata.map { $0.key == "gantry.version" ? ($0.key, "3") : $0 }
        }
        XCTAssertTrue(try loadError(newer).contains("was written by a newer Gantry (checkpoint format version 3); this build reads versions 1 to 2"))
        let older = try resigned(good) { _, metadata in
            metadata = metadata.map { $0.key == "gantry.version" ? ($0.key, "0") : $0 }
        }
        XCTAssertTrue(try loadError(older).contains("has checkpoint format version 0, which no Gantry writes (this build reads versions 1 to 2)"))
        let foreign = try resigned(good) { _, metadata in metadata = metadata.filter { $0.key == "format" } }
        XCTAssertTrue(try loadError(foreign).contains("is a safetensors file but not a Gantry checkpoint"))
        XCTAssertTrue(try loadError([]).contains("it has 0 bytes"))
        let missing = path("absent.safetensors")
        let (interpreter, drain) = try makeInterpreter()
        XCTAssertFalse(interpreter.execute("checkpoint load \(missing)", file: "t"))
        XCTAssertEqual(drain().errors.first, "t:1:17: error: \(missing): file not found")
    }

    func testContentThatDoesNotFitItsSessionIsRefused() throws {
        let good = try goodCheckpoint()
        func edited(_ edit: (inout [(String, Tensor)], inout [(key: String, value: String)]) -> Void) throws -> String {
            try loadError(try resigned(good, edit))
        }
        func replacing(_ key: String, _ transform: @escaping (String) -> String) -> (inout [(String, Tensor)], inout [(key: String, value: String)]) -> Void {
            { _, metadata in metadata = metadata.map { $0.key == key ? ($0.key, transform($0.value)) : $0 } }
        }
        XCTAssertTrue(try edited { tensors, _ in tensors.removeAll { $0.0 == "D.2.bias" } }
            .contains("tensor 'D.2.bias' (the bias of Linear D.2) is missing"))
        XCTAssertTrue(try edited { tensors, _ in tensors.append(("G.9.weight", Tensor([1]))) }
            .contains("tensor 'G.9.weight' is not part of G as the configuration declares it"))
        XCTAssertTrue(try edited { tensors, _ in tensors = tensors.map { $0.0 == "G.0.bias" ? ($0.0, Tensor([1, 2])) : $0 } }
            .contains("tensor 'G.0.bias' (the bias of Linear G.0) has shape [2], but the configuration declares [8]"))
        XCTAssertTrue(try edited { tensors, _ in tensors = tensors.map { $0.0 == "optim.D.exp_avg.D.0.weight" ? ($0.0, Tensor.zeros([3, 3])) : $0 } }
            .contains("tensor 'optim.D.exp_avg.D.0.weight' (adam memory of D.0.weight) has shape [3, 3]; [8, 2] was expected"))
        // Format 1's configuration script: only configuration, written as the interpreter writes it.
        let one = try formatOne(good)
        func editedOne(_ edit: (inout [(String, Tensor)], inout [(key: String, value: String)]) -> Void) throws -> String {
            try loadError(try resigned(one, edit))
        }
        XCTAssertTrue(try editedOne(replacing("gantry.config") { $0 + "\nsave stolen.gan" })
            .contains("its configuration script may only configure (seed, data, noise, generator, discriminator, loss, optimizer, batch, freeze, game), but line 10 is: save stolen.gan"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: "stolen.gan"))
        XCTAssertTrue(try editedOne(replacing("gantry.config") { $0.replacingOccurrences(of: "batch 16", with: "batch 16; batch 17") })
            .contains("its configuration script does not rebuild the configuration it describes ('batch 16; batch 17' became 'batch 17')"))
        XCTAssertTrue(try editedOne(replacing("gantry.config") { $0.replacingOccurrences(of: "loss nonsaturating", with: "loss nonsaturatin") })
            .contains("its configuration script fails: line 6 (loss nonsaturatin critic_steps=1 r1=0) names a loss 'nonsaturatin' that this build does not know"))
        // Format 2's configuration record: plugins this build knows, with valid parameters, that rebuild as recorded.
        XCTAssertTrue(try edited(replacing("gantry.configuration") { $0.replacingOccurrences(of: "\"nonsaturating\"", with: "\"nonsaturatin\"") })
            .contains("has a gantry.configuration that names a loss 'nonsaturatin' that this build does not know"))
        XCTAssertTrue(try edited(replacing("gantry.configuration") { $0.replacingOccurrences(of: "\"batch\":16", with: "\"batch\":0") })
            .contains("has a gantry.configuration that has an unreadable batch size"))
        XCTAssertTrue(try edited(replacing("gantry.configuration") { $0.replacingOccurrences(of: "\"critic_steps\":\"1\"", with: "\"critic_steps\":\"0\"") })
            .contains("has a gantry.configuration with loss nonsaturating: critic_steps=0 is out of range"))
        XCTAssertTrue(try edited(replacing("gantry.configuration") { $0.replacingOccurrences(of: "\"stated\":[\"critic_steps\",\"r1\"]", with: "\"stated\":[\"r1\"]") })
            .contains("has a configuration that does not rebuild as it describes itself (its loss came out different)"))
        XCTAssertTrue(try edited(replacing("gantry.networks") { $0.replacingOccurrences(of: "\"ReLU\"", with: "\"Swish\"") })
            .contains("layer G.1 has an unknown layer type 'Swish'"))
        XCTAssertTrue(try edited(replacing("gantry.networks") { String($0.dropLast()) })
            .contains("has a corrupt gantry.networks (byte"))
        XCTAssertTrue(try edited(replacing("gantry.tricks") { $0.replacingOccurrences(of: "replay-buffer", with: "replay-bufer") })
            .contains("has a trick 'replay-bufer' that this build does not know"))
        XCTAssertTrue(try edited(replacing("gantry.tricks") { $0.replacingOccurrences(of: "\"size\":\"10\"", with: "\"size\":\"-4\"") })
            .contains("has invalid parameters for trick replay-buffer: trick replay-buffer: size=-4 is out of range"))
        XCTAssertTrue(try edited(replacing("gantry.iteration") { _ in "5" }).contains("has 3 history rows for 5 iterations"))
        XCTAssertTrue(try edited(replacing("gantry.streams") { $0.replacingOccurrences(of: "\"data\":", with: "\"data\":-") })
            .contains("has an unreadable position for stream data"))
        XCTAssertTrue(try edited(replacing("gantry.optimizers") { $0.replacingOccurrences(of: "\"D.0.weight\"", with: "\"D.7.weight\"") })
            .contains("has optimizer memory for 'D.7.weight', which is not a parameter of D"))
    }

    // MARK: Writing that fails or is interrupted

    func testAFullDiskOrAnUnwritablePathLosesNothingOnEverySave() throws {
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, "generator mlp hidden=8; critic mlp hidden=8; step 2", drain)
        let targets = ["checkpoint save \(path("c.safetensors"))", "export samples \(path("s.csv")) n=50",
                       "export samples \(path("s.npy")) n=50", "history export \(path("h.csv"))", "save \(path("r.gan"))"]
        for command in targets { run(interpreter, command, drain) }
        let before = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            .map { try Data(contentsOf: URL(fileURLWithPath: path($0))) }
        run(interpreter, "step 1", drain)
        let state = fingerprint(interpreter.session)
        for command in targets {
            // A file system with 40 bytes left: every file here is larger, so every write fails midway.
            PointFile.simulatedFreeSpace.store(40, ordering: .relaxed)
            XCTAssertFalse(interpreter.execute(command, file: "t"), command)
            PointFile.simulatedFreeSpace.store(-1, ordering: .relaxed)
            let error = drain().errors.first ?? ""
            XCTAssertTrue(error.hasSuffix(": cannot write: No space left on device"), "\(command): \(error)")
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        XCTAssertEqual(after, ["c.safetensors", "h.csv", "r.gan", "s.csv", "s.npy"], "no temporary file is left")
        XCTAssertEqual(try after.map { try Data(contentsOf: URL(fileURLWithPath: path($0))) }, before, "the old files are intact")
        XCTAssertEqual(fingerprint(interpreter.session), state)
        // A path under a file (not a folder) cannot be written, even by root.
        for command in ["checkpoint save \(path("r.gan"))/x.safetensors", "export samples \(path("r.gan"))/x.csv"] {
            XCTAssertFalse(interpreter.execute(command, file: "t"))
            XCTAssertTrue(drain().errors.first?.hasSuffix("/x\(command.hasSuffix(".csv") ? ".csv" : ".safetensors"): a part of the path is a file, not a folder") == true, command)
        }
    }

    func testCtrlCDuringACheckpointSaveLeavesTheFileAsItWasAndDuringRunStopsConsistently() throws {
        final class Polls { var count = 0; var stopAfter = Int.max }
        let polls = Polls()
        let (interpreter, drain) = try makeInterpreter(interrupt: { polls.count += 1; return polls.count > polls.stopAfter })
        run(interpreter, "generator mlp hidden=8; critic mlp hidden=8; step 2; checkpoint save \(path("c.safetensors"))", drain)
        let saved = try Data(contentsOf: URL(fileURLWithPath: path("c.safetensors")))
        run(interpreter, "step 3", drain)
        let state = fingerprint(interpreter.session)
        // The run loop polls once before the command; the writer polls before each tensor.
        polls.count = 0
        polls.stopAfter = 3
        XCTAssertFalse(interpreter.execute("checkpoint save \(path("c.safetensors")); echo not-reached", file: "t"))
        let (output, errors) = drain()
        XCTAssertEqual(errors.first, "t:1:17: error: interrupted: \(path("c.safetensors")) was not written (it is as it was before)")
        XCTAssertFalse(output.contains("not-reached"))
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path("c.safetensors"))), saved)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["c.safetensors"])
        XCTAssertEqual(fingerprint(interpreter.session), state)
        // Ctrl-C in the middle of a script run by `run`: the step stops (here before the G update of its 9th
        // iteration, the session's 19th, which is undone), the rest of the script is dropped, and the session
        // is one a saved script replays exactly. Polls: `run` (1), `step 5` (2), two per iteration (3-12),
        // `step 40` (13), then two per iteration again.
        try "step 5\nstep 40\necho not-reached\n".write(toFile: path("long.gan"), atomically: true, encoding: .utf8)
        polls.count = 0
        polls.stopAfter = 30
        XCTAssertFalse(interpreter.execute("run \(path("long.gan"))", file: "t"))
        let interrupted = drain()
        XCTAssertTrue(interrupted.output.contains("interrupted after 8 of 40 iterations; iteration 19 was stopped before its "
                                                  + "generator update and undone; the session is at iteration 18"), "\(interrupted)")
        XCTAssertFalse(interrupted.output.contains("not-reached"))
        polls.stopAfter = .max
        let session = interpreter.session
        XCTAssertGreaterThan(session.iteration, 10)
        XCTAssertLessThan(session.iteration, 50)
        XCTAssertEqual(session.history.rows.count, session.iteration)
        XCTAssertEqual(session.history.rows.last?.iteration, session.iteration)
        let (replay, drainReplay) = try makeInterpreter()
        run(replay, interpreter.savedScript(), drainReplay)
        XCTAssertEqual(fingerprint(replay.session, journal: false), fingerprint(session, journal: false))
        run(interpreter, "checkpoint save \(path("after.safetensors")); checkpoint load \(path("after.safetensors"))", drain)
        XCTAssertEqual(fingerprint(interpreter.session, journal: false), fingerprint(replay.session, journal: false))
    }

    func testCompletionOffersTheNewVerbsActionsAndFiles() throws {
        let (interpreter, _) = try makeInterpreter()
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates("chec"), ["checkpoint"])
        XCTAssertEqual(completer.candidates("checkpoint "), ["load", "save"])
        XCTAssertEqual(completer.candidates("exp"), ["expect", "export"])
        XCTAssertEqual(completer.candidates("export "), ["columns=", "n=", "range=", "samples"])
        XCTAssertEqual(completer.candidates("export samples out.csv "), ["columns=", "n=", "range="])
        try Data().write(to: URL(fileURLWithPath: path("run.safetensors")))
        try Data().write(to: URL(fileURLWithPath: path("notes.txt")))
        XCTAssertEqual(completer.candidates("checkpoint load \(folder!)/"), ["\(folder!)/run.safetensors"])
    }
}
