import Foundation
import Workbench

extension Interpreter {
    /// The session a checkpoint holds, as a snapshot to install, with notes for the user. A checkpoint is
    /// data: its journal must hold only commands the interpreter journals, its configuration is recorded
    /// from its script without building a network, and its tensors and the memory training would need
    /// (against `memoryBudget`) are checked against that configuration before anything is built.
    public static func session(from checkpoint: Checkpoint, memoryBudget: Int = TrainingFootprint.defaultBudget) throws
        -> (snapshot: SessionSnapshot, notes: [String]) {
        try checkJournal(of: checkpoint)
        return try checkpoint.snapshot(configuredBy: try rebuildConfiguration(of: checkpoint, memoryBudget: memoryBudget))
    }

    /// Refuses a journal line that is not a single command of `CommandTable.journalVerbs` as the interpreter writes it:
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
              let spec = try? CommandTable.resolve(command), CommandTable.journalVerbs.contains(spec.name) else {
            return "is not a configuration command; a checkpoint holds configuration only (\(CommandTable.journalVerbs.joined(separator: ", ")))"
        }
        return CommandTable.command(named: spec.name)!.journalProblem(command)
    }

    /// A session that recorded the checkpoint's configuration script, which may only configure, without
    /// building its networks.
    static func rebuildConfiguration(of checkpoint: Checkpoint, memoryBudget: Int) throws -> Session {
        let script = try checkpoint.configurationScript()
        let file = "\(checkpoint.path) (configuration script)"
        do {
            for command in try Parser.parseScript(script, file: file) {
                let spec = try CommandTable.resolve(command)
                guard CommandTable.configurationVerbs.contains(spec.name), command.block == nil else {
                    throw DataFileError(path: checkpoint.path, "its configuration script may only configure ("
                                        + CommandTable.configurationVerbs.joined(separator: ", ") + "), but line \(command.range.start.line) is: \(command.sourceLine)")
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

}
