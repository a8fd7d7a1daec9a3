import Foundation
import Autodiff
import Inflate
import NeuralNet

/// A whole session in one safetensors file: what `Session.makeSnapshot` captures, so that a session
/// restored from it continues bit for bit as the original would have.
///
/// Tensors (F32, little-endian, PyTorch-style names): the networks (`G.0.weight`, `D.1.running_mean`, …),
/// what layers keep beyond PyTorch module state (`extra.…`), the optimizers' buffers
/// (`optim.G.exp_avg.G.0.weight`), the tricks' tensors (`trick.NAME.…`) and the training history
/// (`history`, F64, one row per iteration, so every bit of each Double survives). Everything else is string
/// metadata (`gantry.…`): the configuration and the journal as records, stream positions, the
/// architecture of each network, optimizer step counts, trick states, measurements, and a CRC-32 of the
/// content, which reading checks so that a damaged file is refused rather than half-believed.
///
/// Restoring makes a session of the configuration without building its networks (`Session.configured`),
/// then checks every name, shape and record against it and returns a snapshot to install: nothing touches
/// the live session until everything has been checked. Format 1 kept the configuration and the journal as
/// script text, which only the shell reads: it turns them into values and calls `restore(configuration:journal:)`.
public struct Checkpoint {
    /// The checkpoint format this build writes.
    public static let formatVersion = 2
    /// The oldest format this build reads.
    public static let oldestReadableVersion = 1

    /// The metadata keys.
    enum Key {
        static let format = "format"
        static let version = "gantry.version"
        static let checksum = "gantry.checksum"
        static let iteration = "gantry.iteration"
        static let configuration = "gantry.configuration"
        static let journal = "gantry.journal"
        /// Format 1's configuration script.
        static let configurationScript = "gantry.config"
        static let streams = "gantry.streams"
        static let networks = "gantry.networks"
        static let optimizers = "gantry.optimizers"
        static let tricks = "gantry.tricks"
        static let historyColumns = "gantry.history_columns"
        static let measurements = "gantry.measurements"
        static let pendingCritic = "gantry.pending_critic"
        static let dataChecksum = "gantry.data_crc32"
    }

    /// The name of the history tensor.
    static let historyTensor = "history"
    /// The name of the toy game's record (F64, one row per step: step, first, second, both objectives).
    static let gameTensor = "game"

    /// The file's tensors and metadata.
    public let file: SafeTensorsFile
    /// Where it was read from, for messages.
    public let path: String
    /// The format it was written in.
    public let version: Int

    // MARK: Writing

    /// The session as a checkpoint file's tensors and metadata.
    public static func capture(_ session: Session) throws -> SafeTensorsFile {
        var file = SafeTensorsFile()
        let networks = JSONValue.object([
            ("G", try NetworkRecord.encode(session.generator, prefix: "G", into: &file)),
            ("D", try NetworkRecord.encode(session.discriminator, prefix: "D", into: &file)),
        ])
        let optimizers = JSONValue.object(Player.allCases.map { ($0.rawValue, optimizerRecord(session, $0, into: &file)) })
        var tricks: [JSONValue] = []
        let players = Dictionary(uniqueKeysWithValues: Player.allCases.map { ($0, session.network($0)) })
        for hook in session.hooks {
            guard let trick = hook as? any Trick else {
                throw SessionError("a checkpoint cannot hold the training hook \(hook.name)")
            }
            let state = try trick.checkpointState(of: players, prefix: "trick.\(trick.name)", into: &file)
            tricks.append(.object([("name", .string(trick.name)), ("parameters", parametersRecord(trick.parameters)),
                                   ("state", state)]))
        }
        let rows = session.history.rows
        file.append(historyTensor, doubles: rows.flatMap(\.values), shape: [rows.count, History.columns.count])
        if let game = session.game {
            file.append(gameTensor, doubles: game.rows.flatMap { [Double($0.iteration), $0.first, $0.second, $0.firstLoss, $0.secondLoss] },
                        shape: [game.rows.count, 5])
        }
        file.metadata = [
            (Key.format, "pt"),
            (Key.version, String(formatVersion)),
            (Key.iteration, String(session.iteration)),
            (Key.configuration, session.configuration.record.serialized),
            (Key.journal, JSONValue.array(session.journal.map(\.record)).serialized),
            (Key.streams, JSONValue.object(session.streams.positions.map { ($0.name, JSONValue.number(String($0.position))) }).serialized),
            (Key.networks, networks.serialized),
            (Key.optimizers, optimizers.serialized),
            (Key.tricks, JSONValue.array(tricks).serialized),
            (Key.historyColumns, History.columns.joined(separator: ",")),
            (Key.measurements, JSONValue.array(session.history.measurements.map(measurementRecord)).serialized),
            (Key.pendingCritic, criticRecord(session.pendingCritic).serialized),
        ]
        if let points = session.dataset.filePoints?.points {
            file.metadata.append((Key.dataChecksum, dataChecksum(points)))
        }
        file.metadata.insert((Key.checksum, checksum(of: file)), at: 2)
        return file
    }

    /// Writes `session` to `path` atomically; `shouldStop` is polled between tensors (Ctrl-C), and a stop
    /// leaves the file as it was. Returns what was written.
    @discardableResult
    public static func write(_ session: Session, to path: String, shouldStop: () -> Bool = { false }) throws -> SafeTensorsFile {
        let file = try capture(session)
        try file.write(to: path, shouldStop: shouldStop)
        return file
    }

    /// The checksum over the content: every metadata entry but the checksum and every tensor (name, dtype,
    /// shape, bytes), both in name order, so a file re-written with its entries reordered still matches.
    static func checksum(of file: SafeTensorsFile) -> String {
        var crc = CRC32()
        for (key, value) in file.metadata.filter({ $0.key != Key.checksum }).sorted(by: { $0.key < $1.key }) {
            crc.update(key.utf8)
            crc.update([0])
            crc.update(value.utf8)
            crc.update([0])
        }
        for entry in file.entries.sorted(by: { $0.name < $1.name }) {
            crc.update(entry.name.utf8)
            crc.update([0])
            crc.update(entry.dtype.rawValue.utf8)
            crc.update([0])
            crc.update(entry.shape.map(String.init).joined(separator: ",").utf8)
            crc.update([0])
            entry.withBytes { crc.update($0) }
        }
        return "crc32:" + hex(crc.value)
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// The CRC-32 of a points data set's values, to notice a data file that changed since the checkpoint.
    static func dataChecksum(_ points: Tensor) -> String {
        var crc = CRC32()
        points.withUnsafeBufferPointer { crc.update(UnsafeRawBufferPointer($0)) }
        return "crc32:" + hex(crc.value)
    }

    // MARK: Reading

    /// Reads `path` and checks its format, its version and its checksum (not yet its content against a session).
    public static func read(path: String) throws -> Checkpoint {
        let limit = Int(ProcessInfo.processInfo.physicalMemory / 2)
        return try Checkpoint(try SafeTensorsFile.read(path: path, sizeLimit: limit), path: path)
    }

    /// A checkpoint from a decoded file, after checking its version and (unless told not to, as the fuzzer
    /// does to reach the checks behind it) its checksum.
    public init(_ file: SafeTensorsFile, path: String, verifyingChecksum: Bool = true) throws {
        self.file = file
        self.path = path
        guard let version = file.metadata(Key.version) else {
            throw DataFileError(path: path, "is a safetensors file but not a Gantry checkpoint (its metadata has no \(Key.version))")
        }
        guard let number = Int(version) else { throw DataFileError(path: path, "has an unreadable checkpoint version '\(version)'") }
        guard number <= Self.formatVersion else {
            throw DataFileError(path: path, "was written by a newer Gantry (checkpoint format version \(number)); "
                                + "this build reads versions \(Self.oldestReadableVersion) to \(Self.formatVersion)")
        }
        guard number >= Self.oldestReadableVersion else {
            throw DataFileError(path: path, "has checkpoint format version \(number), which no Gantry writes (this build reads versions \(Self.oldestReadableVersion) to \(Self.formatVersion))")
        }
        self.version = number
        guard verifyingChecksum else { return }
        guard let stored = file.metadata(Key.checksum) else { throw DataFileError(path: path, "has no \(Key.checksum) to check it against") }
        let computed = Self.checksum(of: file)
        guard stored == computed else {
            throw DataFileError(path: path, "is corrupt: its content does not match the checksum written with it "
                                + "(\(stored) stored, \(computed) computed); it was damaged or changed after Gantry wrote it")
        }
    }

    /// A metadata string that must be there.
    func required(_ key: String) throws -> String {
        guard let value = file.metadata(key) else { throw DataFileError(path: path, "has no \(key) in its metadata") }
        return value
    }

    /// A metadata entry holding JSON.
    func json(_ key: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(Array(try required(key).utf8)[...])
        } catch let error as JSONError {
            throw DataFileError(path: path, "has a corrupt \(key) (\(error))")
        }
    }

    /// The configuration the checkpoint declares (format 2 on).
    public func configuration() throws -> SessionConfiguration {
        try decoding(Key.configuration) { try SessionConfiguration.decode(try json(Key.configuration)) }
    }

    /// What was done to the session, in order (format 2 on): only entries a session can record, with
    /// plugins and values this build accepts.
    public func journal() throws -> [JournalEntry] {
        guard let records = try json(Key.journal).arrayValue else { throw failure("has a \(Key.journal) that is not a list") }
        return try records.enumerated().map { index, record in
            try decoding("\(Key.journal) entry \(index + 1)") { try JournalEntry.decode(record) }
        }
    }

    /// Format 1's configuration: a script of configuration commands, which the shell reads.
    public func configurationScript() throws -> String { try formatOne(required(Key.configurationScript)) }

    /// Format 1's journal: one command per line, which the shell reads.
    public func journalLines() throws -> [String] {
        guard let lines = try formatOne(json(Key.journal)).arrayValue?.map(\.stringValue), lines.allSatisfy({ $0 != nil }) else {
            throw failure("has a \(Key.journal) that is not a list of commands")
        }
        return lines.map { $0! }
    }

    private func formatOne<T>(_ value: @autoclosure () throws -> T) throws -> T {
        guard version == 1 else { throw failure("is in checkpoint format \(version), which keeps no script text") }
        return try value()
    }

    /// A record's value, its errors named after `what`.
    private func decoding<T>(_ what: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SessionError {
            throw failure("has a \(what) that \(error.description)")
        } catch let error as ParameterError {
            throw failure("has a \(what) with \(error.description)")
        }
    }

    /// The generator iteration the session had reached.
    public func iteration() throws -> Int {
        guard let iteration = Int(try required(Key.iteration)), iteration >= 0 else {
            throw DataFileError(path: path, "has an unreadable \(Key.iteration)")
        }
        return iteration
    }

    /// The saved session as a snapshot for `Session.install`, with notes for the user (a data file that
    /// changed), read from a checkpoint of format 2 on, which holds its configuration and journal as records.
    public func restore(memoryBudget: Int = TrainingFootprint.defaultBudget) throws -> (snapshot: SessionSnapshot, notes: [String]) {
        // Reading the configuration registers the definitions it carries; a file refused after that takes
        // them back, so that a refusal changes nothing in this process.
        let known = (losses: Set(Plugins.losses.names), tricks: Set(Plugins.tricks.names))
        do {
            return try restore(configuration: try configuration(), journal: try journal(), memoryBudget: memoryBudget)
        } catch {
            for name in Plugins.losses.names where !known.losses.contains(name) { Plugins.losses.unregister(named: name) }
            for name in Plugins.tricks.names where !known.tricks.contains(name) { Plugins.tricks.unregister(named: name) }
            throw error
        }
    }

    /// The saved session as a snapshot, given its configuration and journal (as the file holds them, or as
    /// the shell read them from a format-1 file's script text). The configuration makes a session without
    /// networks; every name, dtype, shape and record is checked against it, and the memory training would
    /// need against `memoryBudget`, before any layer is made. Every problem is an error naming the file,
    /// thrown before anything is installed.
    public func restore(configuration: SessionConfiguration, journal: [JournalEntry], memoryBudget: Int = TrainingFootprint.defaultBudget)
        throws -> (snapshot: SessionSnapshot, notes: [String]) {
        let fresh: Session
        do {
            fresh = try Session.configured(configuration, buildingNetworks: false, memoryBudget: memoryBudget)
        } catch {
            throw failure("has a configuration that cannot be set up: \(error)")
        }
        var tensors = TensorReader(file, path: path)
        let differences = fresh.configuration.differences(from: configuration)
        guard differences.isEmpty else {
            throw failure("has a configuration that does not rebuild as it describes itself (its "
                          + differences.joined(separator: ", ") + " came out different)")
        }
        let declarations = try trickDeclarations()
        try checkConfiguration(fresh, tricks: declarations)
        let networks = try json(Key.networks)
        guard let generatorRecords = networks["G"], let discriminatorRecords = networks["D"] else {
            throw DataFileError(path: path, "has no architecture for G and D in \(Key.networks)")
        }
        let generator = try NetworkRecord.decode(generatorRecords, prefix: "G", &tensors)
        let discriminator = try NetworkRecord.decode(discriminatorRecords, prefix: "D", &tensors)
        let hooks = try restoreTricks(declarations, [.generator: generator, .discriminator: discriminator], &tensors)
        guard generator.outputWidth(forInputWidth: fresh.noise.dimension) == fresh.dataset.dimension else {
            throw DataFileError(path: path, "G's layers do not map the noise dimension \(fresh.noise.dimension) to the data "
                                + "dimension \(fresh.dataset.dimension): " + generator.describeLayers().joined(separator: ", "))
        }
        let criticInput = hooks.reduce(fresh.dataset.dimension) { $0 * $1.discriminatorInputMultiplier }
        guard discriminator.outputWidth(forInputWidth: criticInput) == 1 else {
            throw DataFileError(path: path, "D's layers do not map its input width \(criticInput) to one score: "
                                + discriminator.describeLayers().joined(separator: ", "))
        }
        let generatorOptimizer = try restoreOptimizer(.generator, generator, fresh, &tensors)
        let discriminatorOptimizer = try restoreOptimizer(.discriminator, discriminator, fresh, &tensors)
        let iteration = try self.iteration()
        let history = try restoreHistory(iteration: iteration, &tensors)
        var game = fresh.game
        if let start = fresh.game {
            let rows = try tensors.takeRows(Self.gameTensor, columns: 5, "the toy game's record")
            do {
                game = try start.replaying(rows.map {
                    GameRow(iteration: Int(exactly: $0[0]) ?? -1, first: $0[1], second: $0[2], firstLoss: $0[3], secondLoss: $0[4])
                })
            } catch let error as SessionError {
                throw DataFileError(path: path, "has a toy game record that does not fit its game: \(error.description)")
            }
        }
        try tensors.checkAllTaken()
        var notes: [String] = []
        if let saved = file.metadata(Key.dataChecksum), let points = fresh.dataset.filePoints?.points,
           saved != Self.dataChecksum(points) {
            notes.append("the points of \(fresh.dataset.canonicalText) differ from those the checkpoint was trained on: "
                         + "training will not continue as it would have")
        }
        // The configuration (seed, data, noise, loss, models, rules, frozen players, batch) is the configured
        // session's; everything the file holds beyond it replaces the configured session's fresh values.
        var state = fresh.state
        state.streams = RandomStreams(seed: fresh.seed)
        state.streams.restore(positions: try restoreStreams())
        state.players.generator.network = generator
        state.players.generator.optimizer = generatorOptimizer
        state.players.discriminator.network = discriminator
        state.players.discriminator.optimizer = discriminatorOptimizer
        state.iteration = iteration
        state.history = history
        state.hooks = hooks
        state.game = game
        state.journal = journal
        state.pendingCritic = try restoreCritic()
        let snapshot = SessionSnapshot(state: state)
        return (snapshot, notes)
    }
}
