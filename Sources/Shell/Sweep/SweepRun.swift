#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Kernels
import Workbench

/// One value an `expect` of the script read, and whether the expectation held.
struct SweepExpectation: Equatable {
    let quantity: String
    let value: Double
    let holds: Bool

    var json: JSONValue { .object([("quantity", .string(quantity)), ("value", .real(value)), ("holds", .bool(holds))]) }

    init(quantity: String, value: Double, holds: Bool) {
        self.quantity = quantity
        self.value = value
        self.holds = holds
    }

    init?(_ json: JSONValue) {
        guard let quantity = json["quantity"]?.stringValue, let value = json["value"]?.doubleValue,
              case .bool(let holds)? = json["holds"] else { return nil }
        self.init(quantity: quantity, value: value, holds: holds)
    }
}

/// Where a task stands at its latest checkpoint: the top-level command of the script it was in, the
/// iterations of that command already done, and what the script's `expect`s read before it. Written
/// atomically after the checkpoint it names, so it never points at a checkpoint that is not complete.
struct SweepProgress {
    let hash: String
    let command: Int
    let done: Int
    let iteration: Int
    let checkpoint: String
    let expectations: [SweepExpectation]
    let resumes: Int

    static func read(_ folder: SweepFolder, _ task: SweepTask) throws -> SweepProgress? {
        let path = folder.progressPath(task.id)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let value: JSONValue
        do {
            value = try JSONValue.parse(Array(try PointFile.readText(path: path).utf8)[...])
        } catch {
            throw SweepError("\(path) is damaged (\(error)); remove it to start task \(task.id) from the beginning")
        }
        guard let hash = value["hash"]?.stringValue, let command = value["command"]?.intValue, let done = value["done"]?.intValue,
              let iteration = value["iteration"]?.intValue, let checkpoint = value["checkpoint"]?.stringValue,
              let expectations = value["expectations"]?.arrayValue, let resumes = value["resumes"]?.intValue,
              !checkpoint.contains("/") else {
            throw SweepError("\(path) lacks a field; remove it to start task \(task.id) from the beginning")
        }
        guard hash == task.hash else { return nil }  // another script's progress: start again
        return SweepProgress(hash: hash, command: command, done: done, iteration: iteration, checkpoint: checkpoint,
                             expectations: expectations.compactMap(SweepExpectation.init), resumes: resumes)
    }

    func write(to path: String) throws {
        let value = JSONValue.object([("hash", .string(hash)), ("command", .integer(command)), ("done", .integer(done)),
                                      ("iteration", .integer(iteration)), ("checkpoint", .string(checkpoint)),
                                      ("expectations", .array(expectations.map(\.json))), ("resumes", .integer(resumes))])
        try PointFile.writeAtomically(Array((value.serialized + "\n").utf8), to: path)
    }
}

/// `gantry sweep run DIR --task N`: runs one task to its end, resuming from its last checkpoint.
struct SweepTaskRunner {
    let folder: SweepFolder
    let task: SweepTask

    /// The exit status a launcher reads: another process is running the task.
    static let busyStatus: Int32 = 75

    /// Runs the task; returns the exit status (0 done or already done, 1 failed, 75 running elsewhere).
    func run(say: (String) -> Void) throws -> Int32 {
        try SweepFolder.makeFolder(folder.path + "/tasks")
        try SweepFolder.makeFolder(folder.path + "/results")
        try SweepFolder.makeFolder(folder.taskFolder(task.id))
        guard let lock = try FileLock.acquire(folder.taskLockPath(task.id)) else {
            say("task \(task.id): already running (\(FileLock.holder(of: folder.taskLockPath(task.id)) ?? "another process")); not started again")
            return Self.busyStatus
        }
        defer { withExtendedLifetime(lock) {} }
        if try folder.result(of: task) != nil {
            say("task \(task.id): already done (\(folder.resultPath(task.id)))")
            return 0
        }
        let log = try SweepLog(path: folder.logPath(task.id))
        let started = Date()
        let outcome = try execute(log: log)
        let seconds = Date().timeIntervalSince(started)
        switch outcome {
        case .finished(let interpreter, let expectations, let resumes):
            let result = resultRecord(interpreter.session, interpreter, expectations: expectations, seconds: seconds, resumes: resumes)
            try PointFile.writeAtomically(Array((result.serialized + "\n").utf8), to: folder.resultPath(task.id))
            // Only now is the work safe: what let it resume may go.
            try? FileManager.default.removeItem(atPath: folder.failurePath(task.id))
            removeCheckpoints(keeping: nil)
            try? FileManager.default.removeItem(atPath: folder.progressPath(task.id))
            log.write("finished task \(task.id) in \(String(format: "%.2f", seconds)) s")
            say("task \(task.id) done: \(task.label) (\(String(format: "%.2f", seconds)) s\(resumes > 0 ? ", resumed" : ""))")
            return 0
        case .failed(let reason):
            let record = JSONValue.object([("task", .integer(task.id)), ("hash", .string(task.hash)), ("error", .string(reason))])
            try PointFile.writeAtomically(Array((record.serialized + "\n").utf8), to: folder.failurePath(task.id))
            log.write("task \(task.id) failed: \(reason)")
            say("task \(task.id) FAILED: \(task.label): \(reason) (log: \(folder.logPath(task.id)))")
            return 1
        }
    }

    enum Outcome {
        case finished(Interpreter, [SweepExpectation], resumes: Int)
        case failed(String)
    }

    /// Runs the script's top-level commands from where the last checkpoint left them. A plain `step N`
    /// runs in pieces that end on multiples of the checkpoint interval (counted within the command), each
    /// followed by a checkpoint; training in pieces gives the same bits as training at once, as a
    /// checkpoint's continuation does.
    private func execute(log: SweepLog) throws -> Outcome {
        let label = folder.scriptLabel(task)
        let environment = ShellEnvironment(writeOutput: log.write, writeError: log.write)
        let interpreter = Interpreter(session: try Session(seed: task.seed), environment: environment)
        interpreter.seedOverride = task.seed
        var expectations: [SweepExpectation] = []
        interpreter.expectationObserver = { expectations.append(SweepExpectation(quantity: $0, value: $1, holds: $2)) }
        let commands: [Command]
        do { commands = try Parser.parseScript(folder.text(of: task), file: label) } catch {
            interpreter.report(error)
            return .failed(error.message)
        }
        var start = (command: 0, done: 0)
        var resumes = 0
        if let progress = try SweepProgress.read(folder, task) {
            let checkpoint = folder.taskFolder(task.id) + "/" + progress.checkpoint
            log.write("resuming task \(task.id) from \(checkpoint) (iteration \(progress.iteration))")
            guard interpreter.execute("checkpoint load " + GantryCommand.quoted(checkpoint), file: "<resume>") else {
                return .failed("its checkpoint \(checkpoint) could not be loaded (see the log); remove \(folder.progressPath(task.id)) to start again")
            }
            start = (progress.command, progress.done)
            expectations = progress.expectations
            resumes = progress.resumes + 1
        } else {
            log.write("starting task \(task.id): \(task.label), hash \(task.hash)")
        }
        var checkpointing = true
        for index in start.command..<commands.count {
            let command = commands[index]
            do {
                guard let count = Self.plainStepCount(command) else {
                    try interpreter.perform(command)
                    continue
                }
                var done = index == start.command ? start.done : 0
                while done < count {
                    let piece = min(folder.checkpointEvery - done % folder.checkpointEvery, count - done)
                    try interpreter.perform(try Self.stepCommand(piece, like: command, file: label))
                    done += piece
                    guard checkpointing else { continue }
                    do {
                        try saveCheckpoint(interpreter.session, command: index, done: done, expectations: expectations, resumes: resumes)
                    } catch let error as SweepError {
                        throw error
                    } catch {
                        // The task still runs; only resuming is lost, and the log says so.
                        log.write("note: task \(task.id) cannot be checkpointed (\(error)); if stopped, it starts again from the beginning")
                        checkpointing = false
                    }
                }
            } catch let diagnostic as Diagnostic {
                interpreter.report(diagnostic)
                // A failed expectation is an outcome of the task, recorded with its value; the script goes on.
                guard (try? CommandTable.resolve(command))?.name == "expect" else { return .failed(diagnostic.located) }
            }
        }
        return .finished(interpreter, expectations, resumes: resumes)
    }

    /// N when `command` is `step N` and nothing else.
    static func plainStepCount(_ command: Command) -> Int? {
        guard command.block == nil, command.arguments.count == 1, let node = command.positionals.first,
              (try? CommandTable.resolve(command))?.name == "step" else { return nil }
        return try? NumberSyntax.integer(node.text, as: Int.self, in: 1...Int.max)
    }

    /// `step N` located where the original step is, so a diagnostic points into the script.
    static func stepCommand(_ count: Int, like original: Command, file: String) throws -> Command {
        try Parser.parseScript("step \(count)", file: file, firstLine: original.verbRange.start.line)[0]
    }

    /// A checkpoint named by its iteration, then the progress naming it, then the older checkpoint goes: a
    /// kill at any moment leaves a progress file whose checkpoint is complete.
    private func saveCheckpoint(_ session: Session, command: Int, done: Int, expectations: [SweepExpectation], resumes: Int) throws {
        let name = "checkpoint-\(session.iteration).safetensors"
        _ = try Checkpoint.write(session, to: folder.taskFolder(task.id) + "/" + name)
        let progress = SweepProgress(hash: task.hash, command: command, done: done, iteration: session.iteration,
                                     checkpoint: name, expectations: expectations, resumes: resumes)
        do {
            try progress.write(to: folder.progressPath(task.id))
        } catch {
            throw SweepError("task \(task.id): cannot record its progress: \(error)")
        }
        removeCheckpoints(keeping: name)
    }

    private func removeCheckpoints(keeping kept: String?) {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.taskFolder(task.id))) ?? []
        for name in names where name.hasPrefix("checkpoint-") && name.hasSuffix(".safetensors") && name != kept {
            try? FileManager.default.removeItem(atPath: folder.taskFolder(task.id) + "/" + name)
        }
    }

    /// What collect reads: the settings, the last history row, the latest value of every metric, every
    /// expectation, a hash of each network's weights; the time and resumptions, which collect leaves out.
    private func resultRecord(_ session: Session, _ interpreter: Interpreter, expectations: [SweepExpectation],
                              seconds: Double, resumes: Int) -> JSONValue {
        var final: [(String, JSONValue)] = [("iteration", .integer(session.iteration))]
        if let row = session.history.rows.last {
            for (name, value) in zip(History.columns, row.values).dropFirst() where name != "seconds" { final.append((name, .real(value))) }
        }
        var metrics: [(key: String, value: JSONValue)] = []
        for measurement in session.history.measurements {
            for value in measurement.report.values {
                let name = measurement.report.metric + "." + value.name
                metrics.removeAll { $0.key == name }
                metrics.append((name, .real(value.value)))
            }
        }
        let weights = Player.allCases.map { player in
            (player.rawValue, JSONValue.string(interpreter.weightHash(session.network(player).parameters.map(\.value))))
        }
        return .object([
            ("task", .integer(task.id)), ("hash", .string(task.hash)), ("seed", .number(String(task.seed))),
            ("settings", .object(task.settings.map { ($0.name, .string($0.value)) })),
            ("final", .object(final)), ("metrics", .object(metrics)),
            ("expectations", .array(expectations.map(\.json))), ("weights", .object(weights)),
            ("seconds", .real(seconds)), ("resumed", .integer(resumes)),
        ])
    }
}

/// A task's log: appended to, line by line, so a resumed task keeps what the interrupted one wrote.
final class SweepLog {
    private let handle: FileHandle

    init(path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SweepError("cannot open the log \(path): \(String(cString: strerror(errno)))") }
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    }

    func write(_ line: String) { handle.write(Data((line + "\n").utf8)) }
}

extension Diagnostic {
    /// "file:line:col: message", one line, for a failure record.
    var located: String {
        rendered().split(separator: "\n").first.map(String.init) ?? message
    }
}
