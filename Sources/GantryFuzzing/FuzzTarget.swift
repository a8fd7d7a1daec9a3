import Workbench
import Shell

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
        }
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
            guard isSmall(try checkpoint.configurationScript()) else { return .skipped }
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

    /// Whether every number of the configuration (outside its `seed` line) is at most `largestConfiguredNumber`.
    static func isSmall(_ script: String) -> Bool {
        for line in script.split(separator: "\n") where !line.hasPrefix("seed") {
            for token in line.split(whereSeparator: { " =,[]\t".contains($0) }) {
                if let value = Double(token), value.magnitude > Double(largestConfiguredNumber) { return false }
            }
        }
        return true
    }
}
