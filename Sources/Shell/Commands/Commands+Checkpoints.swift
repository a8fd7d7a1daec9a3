import Foundation
import Workbench

extension Interpreter {
    /// The session a checkpoint holds, as a snapshot to install, with notes for the user. A checkpoint is
    /// data: its configuration and journal are values (format 1: script text, read here as values and
    /// never run), its tensors and the memory training would need (against `memoryBudget`) are checked
    /// against that configuration before anything is built.
    public static func session(from checkpoint: Checkpoint, memoryBudget: Int = TrainingFootprint.defaultBudget) throws
        -> (snapshot: SessionSnapshot, notes: [String]) {
        guard checkpoint.version == 1 else { return try checkpoint.restore(memoryBudget: memoryBudget) }
        return try checkpoint.restore(configuration: try formatOneConfiguration(of: checkpoint),
                                      journal: try formatOneJournal(of: checkpoint), memoryBudget: memoryBudget)
    }

    /// A format-1 journal's lines as entries: each must be a single command of `CommandTable.journalVerbs`
    /// as the interpreter writes it: no block, no second command, and `step` only as `step N`, `step d` or
    /// `step g` (a `do=` would run its commands when the saved script is run).
    static func formatOneJournal(of checkpoint: Checkpoint) throws -> [JournalEntry] {
        try checkpoint.journalLines().enumerated().map { index, line in
            do {
                return try journalEntry(line)
            } catch let problem as JournalText.Problem {
                // Control characters shown escaped, so the message stays one line and shows what is there.
                let shown = line.unicodeScalars.map { $0.properties.generalCategory == .control ? $0.escaped(asASCII: true) : String($0) }
                throw DataFileError(path: checkpoint.path, "checkpoint journal line \(index + 1): `\(shown.joined())` \(problem.reason)")
            }
        }
    }

    /// The entry of one format-1 journal line.
    private static func journalEntry(_ line: String) throws -> JournalEntry {
        let commands: [Command]
        do {
            commands = try Parser.parseScript(line, file: "journal")
        } catch {
            throw JournalText.Problem(reason: "does not parse (\(error.message))")
        }
        guard !line.contains(where: \.isNewline), commands.count == 1, let command = commands.first, command.block == nil,
              let spec = try? CommandTable.resolve(command), CommandTable.journalVerbs.contains(spec.name) else {
            throw JournalText.Problem(reason: "is not a configuration command; a checkpoint holds configuration only ("
                                      + CommandTable.journalVerbs.joined(separator: ", ") + ")")
        }
        return try JournalText.entry(command)
    }

    /// A format-1 configuration script as a configuration: configuration commands only, read in order over
    /// the default configuration, none of them run.
    static func formatOneConfiguration(of checkpoint: Checkpoint) throws -> SessionConfiguration {
        let script = try checkpoint.configurationScript()
        let commands: [Command]
        do {
            commands = try Parser.parseScript(script, file: "\(checkpoint.path) (configuration script)")
        } catch {
            throw DataFileError(path: checkpoint.path, "its configuration script does not parse: \(error.message)")
        }
        var configuration = try Session.configurationOnly().configuration
        for command in commands {
            let spec = try? CommandTable.resolve(command)
            guard let spec, CommandTable.configurationVerbs.contains(spec.name), command.block == nil else {
                throw DataFileError(path: checkpoint.path, "its configuration script may only configure ("
                                    + CommandTable.configurationVerbs.joined(separator: ", ") + "), but line \(command.range.start.line) is: \(command.sourceLine)")
            }
            do {
                configuration = configuration.applying(try JournalText.entry(command))
            } catch let problem as JournalText.Problem {
                throw DataFileError(path: checkpoint.path, "its configuration script fails: line \(command.range.start.line) "
                                    + "(\(command.sourceLine)) \(problem.reason)")
            }
        }
        // The script must be the configuration as the interpreter wrote it, line for line.
        let rendered = JournalText.lines(configuration).joined(separator: "\n")
        guard rendered == script else {
            let line = zip(rendered.split(separator: "\n"), script.split(separator: "\n")).first { $0 != $1 }
            throw DataFileError(path: checkpoint.path, "its configuration script does not rebuild the configuration it describes"
                                + (line.map { " ('\($0.1)' became '\($0.0)')" } ?? ""))
        }
        return configuration
    }
}
