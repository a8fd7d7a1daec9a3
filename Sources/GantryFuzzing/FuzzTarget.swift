import Workbench
import Shell
import Inflate
import Plotting

/// What the fuzzer feeds: one input format and the code that reads it.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// `.gan` script text through the lexer, the parser and the checks of every command's arguments
    /// (`Interpreter.check`), with each diagnostic rendered (caret lines included). Nothing is run.
    case script
    /// Checkpoint bytes through the safetensors reader, the checksum, the version check and — with the
    /// checksum check bypassed, so mutated files get that far — the rebuild of the configuration and the
    /// check of every tensor and record; a checkpoint that loads is installed, trained one iteration and
    /// saved again in memory.
    case checkpoint
    /// NumPy `.npy` bytes through the reader of data files, as a file named `.npy`: the preamble, the header
    /// (the Python-literal parser, with its depth limit), the dtype, the shape and the data. Input that is
    /// not gzip data is also read compressed, so edits of the header reach the reading of a header from the
    /// first inflated bytes and the decompression bounded by its declared size.
    case npy
    /// Bytes through the whole reader of data files without the file system (`PointFile.decode`): as an IDX
    /// file by name (gzip-compressed or not), then under a name that leaves the format to the content (the
    /// `.npy` magic, an IDX header, otherwise CSV text). Input that is not gzip data is also read
    /// compressed, as for `npy`.
    case idx

    /// How one input ended: read and accepted, refused with an error, or left out (see `checkpoint`).
    public enum Outcome: Sendable {
        /// Read without error.
        case accepted
        /// Refused with an error message (what bad input must get).
        case rejected
        /// Not run past the format: its configuration asks for networks or batches larger than the fuzzer
        /// lets an input allocate.
        case skipped
    }

    /// Runs one input. A crash or trap here is a bug; every other outcome is fine.
    public func run(_ bytes: [UInt8]) -> Outcome {
        switch self {
        case .script: return Self.runScript(bytes)
        case .checkpoint: return Self.runCheckpoint(bytes)
        case .npy: return Self.runDataFile(bytes, names: ["fuzz.npy"])
        case .idx: return Self.runDataFile(bytes, names: ["fuzz-idx3-ubyte", "fuzz.data"])
        }
    }

    /// The tokens the mutator inserts for this target's format.
    public var dictionary: [[UInt8]] {
        switch self {
        case .script: return Mutator.scriptTokens.map { Array($0.utf8) }
        case .checkpoint: return Mutator.checkpointTokens.map { Array($0.utf8) }
        case .npy: return Mutator.npyTokens.map { Array($0.utf8) }
        case .idx: return Mutator.idxTokens
        }
    }

    /// The header length the mutator keeps consistent for this target's format.
    public var framing: Mutator.Framing {
        switch self {
        case .checkpoint: return .safetensors
        case .npy: return .npy
        case .script, .idx: return .none
        }
    }

    /// The most a data file input may decompress to: mutated gzip data that is not IDX or `.npy` (whose
    /// headers bound it) stops here rather than at half the machine's memory.
    static let dataFileLimit = 1 << 24

    private static func runDataFile(_ bytes: [UInt8], names: [String]) -> Outcome {
        var inputs = names.map { (bytes, $0) }
        if !Gzip.isCompressed(bytes) { inputs += names.map { (gzip(bytes), $0 + ".gz") } }
        var outcome = Outcome.rejected
        for (input, name) in inputs {
            do {
                _ = try PointFile.decode(input, path: name, limit: dataFileLimit)
                outcome = .accepted
            } catch {
                _ = "\(error)"
            }
        }
        return outcome
    }

    /// `bytes` as a gzip member (RFC 1952): a minimal header, DEFLATE data with back-references, the
    /// CRC-32 and the length.
    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        let crc = CRC32.checksum(of: bytes), length = UInt32(truncatingIfNeeded: bytes.count)
        return [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF] + Deflate.deflate(bytes)
            + (0..<4).map { UInt8(truncatingIfNeeded: crc >> (8 * $0)) } + (0..<4).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
    }

    private static func runScript(_ bytes: [UInt8]) -> Outcome {
        // Scripts are read as UTF-8 (`run` refuses anything else), so that is all the parser ever sees.
        guard let text = String(validating: bytes, as: UTF8.self) else { return .rejected }
        let diagnostics = Interpreter.check(text, file: "fuzz.gan")
        for diagnostic in diagnostics { _ = diagnostic.rendered(colour: true) }
        return diagnostics.isEmpty ? .accepted : .rejected
    }

    /// The largest number a checkpoint's configuration may hold (outside `seed`) for the fuzzer to rebuild
    /// it: widths and batches up to this keep one input within milliseconds and megabytes.
    static let largestConfiguredNumber = 256

    private static func runCheckpoint(_ bytes: [UInt8]) -> Outcome {
        let path = "fuzz.safetensors"
        do {
            let file = try SafeTensorsFile.decode(bytes, path: path)
            _ = try? Checkpoint(file, path: path)  // the checksum check, which nearly every mutation fails
            let checkpoint = try Checkpoint(file, path: path, verifyingChecksum: false)
            let small = checkpoint.version == 1 ? isSmall(try checkpoint.configurationScript()) : isSmall(try checkpoint.configuration())
            guard small else { return .skipped }
            let (snapshot, _) = try Interpreter.session(from: checkpoint)
            let session = try Session()
            session.install(snapshot)
            _ = try? session.train(iterations: 1)
            _ = try Checkpoint.capture(session)
            return .accepted
        } catch {
            _ = "\(error)"
            return .rejected
        }
    }

    /// Whether every number of the configuration (outside its seed) is at most `largestConfiguredNumber`.
    static func isSmall(_ configuration: SessionConfiguration) -> Bool {
        let settings = [configuration.dataset, configuration.noise, configuration.loss]
            + Player.allCases.flatMap { [configuration.models[$0], configuration.optimizers[$0]] } + [configuration.game].compactMap { $0 }
        let numbers = settings.flatMap(\.parameters.entries).flatMap { entry -> [Double] in
            switch entry.value {
            case .integer(let value): [Double(value)]
            case .real(let value): [value]
            case .integerList(let values): values.map(Double.init)
            case .realList(let values): values
            default: []
            }
        }
        return configuration.batchSize <= largestConfiguredNumber && numbers.allSatisfy { $0.magnitude <= Double(largestConfiguredNumber) }
    }

    /// Whether every number of a format-1 configuration script (outside its `seed` line) is at most `largestConfiguredNumber`.
    static func isSmall(_ script: String) -> Bool {
        for line in script.split(separator: "\n") where !line.hasPrefix("seed") {
            for token in line.split(whereSeparator: { " =,[]\t".contains($0) }) {
                if let value = Double(token), value.magnitude > Double(largestConfiguredNumber) { return false }
            }
        }
        return true
    }
}
