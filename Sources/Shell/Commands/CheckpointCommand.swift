import Foundation
import Workbench

/// The `checkpoint` command.
enum CheckpointCommand: ShellCommand {
    static let spec = CommandSpec(
        "checkpoint", summary: "save the whole session to a safetensors file, or load one: checkpoint save|load FILE",
        discussion: "checkpoint save FILE writes the weights, optimizer memory, random-stream positions, history, tricks' state, the configuration and the journal (as JSON records) into one safetensors file (PyTorch, NumPy and JAX read it with the safetensors package; the networks' tensors are named as nn.Sequential names them: G.0.weight, D.2.bias), atomically; Ctrl-C during the write leaves the file as it was. checkpoint load FILE reads the configuration without building anything, checks every tensor and record against it and the memory training it would need against what is allowed, and only then replaces the session, which continues exactly as the saved one would have. A checkpoint is data: its journal may hold only configuration, tricks, plain steps and metrics, and loading it runs no command. Checkpoints of the previous format (1, whose configuration was script text) still load. A damaged, truncated, foreign or contradictory file is refused with the reason, and the session stays as it was. Named snapshots are kept.",
        positionals: [PositionalSpec("ACTION", CheckpointAction.alternatives, completions: CheckpointAction.completions),
                      PositionalSpec("FILE", "a .safetensors file", completions: .files(extensions: ["safetensors"]))],
        examples: ["checkpoint save run.safetensors", "checkpoint load run.safetensors"])
    static let runsDuringTraining = true

    /// What `checkpoint` does with its file.
    enum CheckpointAction: String, CommandWord {
        case save, load
    }

    /// Loading would replace the session being trained; saving keeps it.
    static func refusalDuringTraining(_ positionals: [String]) -> String? {
        positionals.first == CheckpointAction.save.rawValue ? nil : "do=\"…\" may save checkpoints while training, not load them"
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.checkpoint(invocation) }
}

extension Interpreter {
    /// `checkpoint save FILE`, `checkpoint load FILE`
    func checkpoint(_ invocation: Invocation) throws {
        typealias Action = CheckpointCommand.CheckpointAction
        guard let actionNode = invocation.positionals.first, let action = Action(rawValue: actionNode.text) else {
            throw invocation.failure("usage: checkpoint \(Action.choice) FILE", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else {
            throw invocation.failure("checkpoint \(action.rawValue) needs a file name; usage: checkpoint \(action.rawValue) FILE")
        }
        if action == .save {
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
    func loadCheckpoint(_ node: ValueNode, _ invocation: Invocation) throws {
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
}
