import Autodiff
import Foundation
import Workbench

extension Interpreter {
    /// The commands a checkpoint's configuration script may hold: they configure a session and do nothing
    /// else, so loading a file can never write files or run other scripts.
    static let configurationVerbs = ["seed", "data", "noise", "generator", "discriminator", "loss", "optimizer", "batch",
                                     "freeze", "game"]

    /// The commands a checkpoint's journal may hold: those the interpreter itself journals (configuration,
    /// tricks, plain steps and metrics). `save` writes the journal out and `run` replays it, so anything else
    /// a file put there would run on the user's behalf.
    static let journalVerbs = configurationVerbs + ["trick", "step", "metric"]

    /// `checkpoint save FILE`, `checkpoint load FILE`
    func checkpoint(_ invocation: Invocation) throws {
        guard let action = invocation.positionals.first, ["save", "load"].contains(action.text) else {
            throw invocation.failure("usage: checkpoint save|load FILE", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else {
            throw invocation.failure("checkpoint \(action.text) needs a file name; usage: checkpoint \(action.text) FILE")
        }
        if action.text == "save" {
            let file: SafeTensorsFile
            do {
                file = try Checkpoint.write(session, to: node.text, shouldStop: environment.interruptRequested)
            } catch {
                throw invocation.failure("\(error)", at: node.range)
            }
            markSaved()
            let bytes = file.entries.reduce(0) { $0 + $1.byteCount }
            say("wrote iteration \(session.iteration)\(gameStepNote) to \(node.text) (\(file.entries.count) tensors, \(bytes) bytes of data)")
        } else {
            try loadCheckpoint(node, invocation)
        }
    }

    /// Reads a checkpoint, rebuilds its configuration in a fresh session from its script, checks everything
    /// against it, and only then replaces the session.
    private func loadCheckpoint(_ node: ValueNode, _ invocation: Invocation) throws {
        let path = node.text
        let restored: (snapshot: SessionSnapshot, notes: [String])
        do {
            restored = try Self.session(from: try Checkpoint.read(path: path), memoryBudget: session.memoryBudget)
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        session.install(restored.snapshot)
        markSaved()
        // `expect` reads the latest report of each metric: those of the loaded history.
        latestReports = [:]
        for measurement in session.history.measurements { latestReports[measurement.report.metric] = measurement.report }
        let tricks = session.hooks.map(\.name)
        say("loaded iteration \(session.iteration)\(gameStepNote) from \(path) (seed \(session.seed)"
            + (tricks.isEmpty ? ")" : "; tricks: " + tricks.joined(separator: ", ") + ")"))
        for note in restored.notes { say("note: " + note) }
    }

    /// The session a checkpoint holds, as a snapshot to install, with notes for the user. A checkpoint is
    /// data: its journal must hold only commands the interpreter journals, its configuration is recorded
    /// from its script without building a network, and its tensors and the memory training would need
    /// (against `memoryBudget`) are checked against that configuration before anything is built.
    public static func session(from checkpoint: Checkpoint, memoryBudget: Int = TrainingFootprint.defaultBudget) throws
        -> (snapshot: SessionSnapshot, notes: [String]) {
        try checkJournal(of: checkpoint)
        return try checkpoint.snapshot(configuredBy: try rebuildConfiguration(of: checkpoint, memoryBudget: memoryBudget))
    }

    /// Refuses a journal line that is not a single command of `journalVerbs` as the interpreter writes it:
    /// no block, no second command, and `step` only as `step N`, `step d` or `step g` (a `do=` would run
    /// its commands when the saved script is run).
    static func checkJournal(of checkpoint: Checkpoint) throws {
        for (index, line) in try checkpoint.journal().enumerated() {
            if let reason = journalProblem(line) {
                // Control characters shown escaped, so the message stays one line and shows what is there.
                let shown = line.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
                throw DataFileError(path: checkpoint.path, "checkpoint journal line \(index + 1): `\(shown.joined())` \(reason)")
            }
        }
    }

    /// Why `line` cannot be a line of a journal, or nil when it can.
    private static func journalProblem(_ line: String) -> String? {
        let commands: [Command]
        do {
            commands = try Parser.parseScript(line, file: "journal")
        } catch {
            return "does not parse (\(error.message))"
        }
        guard !line.contains(where: \.isNewline), commands.count == 1, let command = commands.first, command.block == nil,
              let spec = try? CommandTable.resolve(command), journalVerbs.contains(spec.name) else {
            return "is not a configuration command; a checkpoint holds configuration only (\(journalVerbs.joined(separator: ", ")))"
        }
        let positionals = command.positionals.map(\.text)
        switch spec.name {
        case "step":
            guard command.arguments.count == 1, let count = positionals.first,
                  ["d", "g"].contains(count) || Int(count).map({ $0 >= 0 }) == true else {
                return "is not a plain step; a checkpoint's journal holds only step N, step d and step g"
            }
        case "trick":
            guard let action = positionals.first, ["on", "off"].contains(action) else { return "is not a trick switched on or off" }
        default: break
        }
        return nil
    }

    /// A session that recorded the checkpoint's configuration script, which may only configure, without
    /// building its networks.
    static func rebuildConfiguration(of checkpoint: Checkpoint, memoryBudget: Int) throws -> Session {
        let script = try checkpoint.configurationScript()
        let file = "\(checkpoint.path) (configuration script)"
        do {
            for command in try Parser.parseScript(script, file: file) {
                let spec = try CommandTable.resolve(command)
                guard configurationVerbs.contains(spec.name), command.block == nil else {
                    throw DataFileError(path: checkpoint.path, "its configuration script may only configure ("
                                        + configurationVerbs.joined(separator: ", ") + "), but line \(command.range.start.line) is: \(command.sourceLine)")
                }
            }
        } catch let diagnostic as Diagnostic {
            throw DataFileError(path: checkpoint.path, "its configuration script does not parse: \(diagnostic.message)")
        }
        var errors: [String] = []
        let fresh = try Session.configurationOnly()
        fresh.memoryBudget = memoryBudget
        let rebuild = Interpreter(session: fresh, environment: ShellEnvironment(writeOutput: { _ in }, writeError: { errors.append($0) }))
        guard rebuild.execute(script, file: file) else {
            throw DataFileError(path: checkpoint.path, "its configuration script fails: " + (errors.first ?? "an error"))
        }
        return fresh
    }

    /// `export samples FILE.csv|FILE.npy n=…`
    func export(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard invocation.text(0) == "samples" else {
            throw invocation.failure("usage: export samples FILE.csv|FILE.npy n=…", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else { throw invocation.failure("export samples needs a file name") }
        let lowercased = node.text.lowercased()
        guard lowercased.hasSuffix(".csv") || lowercased.hasSuffix(".npy") else {
            throw invocation.failure("export writes .csv or .npy files, not '\(node.text)'", at: node.range)
        }
        let count = parameters.integer("n")
        // Refused before any allocation: G's activations for all n samples at once (forward only, a generous
        // 4 copies of every layer) must fit in half of the memory.
        let (input, output) = session.widths(.generator)
        let hidden = session.model(.generator).perceptron(input: input, output: output)?.hiddenWidths ?? []
        let widths = hidden + [session.dataset.dimension, session.noise.dimension]
        let bytes = Double(count) * Double(widths.reduce(0, +)) * 4 * 4
        let available = Double(ProcessInfo.processInfo.physicalMemory) / 2
        guard bytes <= available else {
            throw invocation.failure("export of \(count) samples would need about \(Tensor.format(Float(bytes / 1e9))) GB; "
                                     + "this machine allows \(Tensor.format(Float(available / 1e9))) GB",
                                     at: invocation.named.last { $0.name == "n" }?.value.range)
        }
        let samples = try session.generate(count, using: RandomStream(seed: session.seed, name: "export"))
        do {
            if lowercased.hasSuffix(".npy") {
                try PointFile.writeNPY(samples, to: node.text)
            } else {
                try PointFile.writeCSV(samples, to: node.text)
            }
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        say("wrote \(count) samples × \(samples.shape[1]) columns to \(node.text)")
    }
}
