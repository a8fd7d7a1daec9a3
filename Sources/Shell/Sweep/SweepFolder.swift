#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Workbench

/// A sweep's folder: the manifest, the script it was planned from, and one folder and one result per task.
///
///     DIR/manifest             the plan: grid, seeds, checkpoint interval, each task's settings and hash (JSON)
///     DIR/script.gan           the script with its {placeholders}, as planned
///     DIR/lock                 held by a launcher while it runs
///     DIR/tasks/N/             task N's working folder: log, lock, progress and latest checkpoint
///     DIR/results/N.json       task N's results, written once it finished
///     DIR/results/N.failed     why task N failed, until it is run again
struct SweepFolder {
    static let format = "gantry-sweep 1"

    let path: String
    let source: String
    let script: String
    let checkpointEvery: Int
    let grid: [SweepAxis]
    let seeds: [UInt64]
    let tasks: [SweepTask]

    var manifestPath: String { path + "/manifest" }
    var scriptPath: String { path + "/script.gan" }
    var lockPath: String { path + "/lock" }
    func taskFolder(_ id: Int) -> String { path + "/tasks/\(id)" }
    func logPath(_ id: Int) -> String { taskFolder(id) + "/log" }
    func taskLockPath(_ id: Int) -> String { taskFolder(id) + "/lock" }
    func progressPath(_ id: Int) -> String { taskFolder(id) + "/progress" }
    func resultPath(_ id: Int) -> String { path + "/results/\(id).json" }
    func failurePath(_ id: Int) -> String { path + "/results/\(id).failed" }

    /// The script task `task` runs: placeholders filled in.
    func text(of task: SweepTask) -> String { SweepPlan.substitute(script, task.settings) }

    /// Where diagnostics of task `task` point: the planned script, named with the task.
    func scriptLabel(_ task: SweepTask) -> String { "\(scriptPath) (task \(task.id))" }

    func task(_ id: Int) throws -> SweepTask {
        guard id >= 1, id <= tasks.count else {
            throw SweepError("\(path) has tasks 1 to \(tasks.count); there is no task \(id)")
        }
        return tasks[id - 1]
    }

    // MARK: Writing the plan

    /// The manifest as text: one member per line and one task per line, so it reads and diffs well.
    var manifestText: String {
        let gridValue = JSONValue.object(grid.map { ($0.name, .array($0.values.map(JSONValue.string))) })
        let header: [(String, JSONValue)] = [
            ("format", .string(Self.format)), ("source", .string(source)), ("script", .string("script.gan")),
            ("script_hash", .string(SweepPlan.hash(script: script, seed: 0))),
            ("checkpoint_every", .integer(checkpointEvery)), ("grid", gridValue),
            ("seeds", .array(seeds.map { .number(String($0)) })),
        ]
        let taskLines = tasks.map { task -> String in
            JSONValue.object([("id", .integer(task.id)), ("seed", .number(String(task.seed))),
                              ("settings", .object(task.settings.map { ($0.name, .string($0.value)) })),
                              ("hash", .string(task.hash))]).serialized
        }
        return "{\n" + header.map { "\(JSONValue.string($0.0).serialized): \($0.1.serialized),\n" }.joined()
            + "\"tasks\": [\n" + taskLines.map { "  " + $0 }.joined(separator: ",\n") + "\n]\n}\n"
    }

    /// Writes the folder of a new plan; refuses a folder that already holds another plan.
    func create() throws {
        try Self.makeFolder(path)
        if FileManager.default.fileExists(atPath: manifestPath) {
            let old = try? PointFile.readText(path: manifestPath)
            guard old == manifestText, (try? PointFile.readText(path: scriptPath)) == script else {
                throw SweepError("\(path) already holds another sweep (its manifest differs); plan into a new folder, or remove \(path) first")
            }
            return
        }
        try PointFile.writeAtomically(Array(script.utf8), to: scriptPath)
        try Self.makeFolder(path + "/tasks")
        try Self.makeFolder(path + "/results")
        // The manifest last: a folder without one is no sweep, so an interrupted plan is planned again.
        try PointFile.writeAtomically(Array(manifestText.utf8), to: manifestPath)
    }

    static func makeFolder(_ path: String) throws {
        var info = stat()
        if stat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else { throw SweepError("\(path) exists and is not a folder") }
            return
        }
        guard mkdir(path, 0o777) == 0 || errno == EEXIST else {
            throw SweepError("cannot create the folder \(path): \(String(cString: strerror(errno)))")
        }
    }

    // MARK: Reading the plan

    /// Reads DIR/manifest and DIR/script.gan and checks that they still agree: every task's hash is
    /// computed again from the script and its settings, so an edited script or manifest is refused
    /// before anything runs.
    static func open(_ path: String) throws -> SweepFolder {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw SweepError("no sweep folder \(path): \(String(cString: strerror(errno))) (make one with gantry sweep plan FILE.gan … --out \(path))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw SweepError("\(path) is not a folder; a sweep is a folder made by gantry sweep plan") }
        let manifestPath = path + "/manifest"
        guard FileManager.default.fileExists(atPath: manifestPath) else {
            throw SweepError("\(path) has no manifest: it is not a sweep folder (or its plan was interrupted; plan it again)")
        }
        let text: String
        do { text = try PointFile.readText(path: manifestPath) } catch { throw SweepError("\(error)") }
        let manifest: JSONValue
        do throws(JSONError) {
            manifest = try JSONValue.parse(Array(text.utf8)[...])
        } catch {
            throw SweepError("\(manifestPath) is not valid JSON (\(error)); it was damaged or edited: plan the sweep again")
        }
        func bad(_ what: String) -> SweepError { SweepError("\(manifestPath): \(what); it was damaged or edited: plan the sweep again") }
        guard manifest["format"]?.stringValue == format else {
            throw bad("it is not a \(format) manifest (format \(manifest["format"]?.serialized ?? "missing"))")
        }
        guard let source = manifest["source"]?.stringValue, let every = manifest["checkpoint_every"]?.intValue, every >= 1,
              let scriptHash = manifest["script_hash"]?.stringValue,
              let gridMembers = manifest["grid"]?.objectValue, let seedValues = manifest["seeds"]?.arrayValue,
              let taskValues = manifest["tasks"]?.arrayValue else {
            throw bad("a field is missing or of the wrong kind (source, script_hash, checkpoint_every, grid, seeds, tasks)")
        }
        let grid = try gridMembers.map { member -> SweepAxis in
            guard let values = member.value.arrayValue?.compactMap(\.stringValue) else { throw bad("grid \(member.key) is not a list of values") }
            return SweepAxis(name: member.key, values: values)
        }
        let seeds = try seedValues.map { value -> UInt64 in
            guard case .number(let text) = value, let seed = UInt64(text) else { throw bad("a seed is not a whole number") }
            return seed
        }
        var tasks: [SweepTask] = []
        for value in taskValues {
            guard let id = value["id"]?.intValue, case .number(let seedText)? = value["seed"], let seed = UInt64(seedText),
                  let settings = value["settings"]?.objectValue, let hash = value["hash"]?.stringValue else {
                throw bad("task \(tasks.count + 1) lacks an id, seed, settings or hash")
            }
            guard id == tasks.count + 1 else { throw bad("task \(tasks.count + 1) has the id \(id)") }
            tasks.append(SweepTask(id: id, seed: seed, settings: try settings.map {
                guard let text = $0.value.stringValue else { throw bad("task \(id)'s setting \($0.key) is not text") }
                return SweepSetting(name: $0.key, value: text)
            }, hash: hash))
        }
        let scriptPath = path + "/script.gan"
        let script: String
        do { script = try PointFile.readText(path: scriptPath) } catch { throw SweepError("the sweep's script is unreadable: \(error)") }
        guard SweepPlan.hash(script: script, seed: 0) == scriptHash else {
            throw SweepError("\(scriptPath) was changed after the sweep was planned (its hash is \(SweepPlan.hash(script: script, seed: 0)), "
                             + "the manifest says \(scriptHash)); nothing was run. Plan the changed script into a new folder, "
                             + "so results of two scripts are never mixed")
        }
        let folder = SweepFolder(path: path, source: source, script: script, checkpointEvery: every, grid: grid, seeds: seeds, tasks: tasks)
        for task in tasks {
            let expected = SweepPlan.hash(script: folder.text(of: task), seed: task.seed)
            guard expected == task.hash else {
                throw SweepError("\(manifestPath): task \(task.id) (\(task.label)) has the hash \(task.hash), but its settings and "
                                 + "the script give \(expected): the manifest was edited; nothing was run. Plan the sweep again")
            }
        }
        return folder
    }

    // MARK: Task states

    /// What is known of a task from its files (and its lock).
    enum TaskState: Equatable {
        case done
        case running
        /// Failed with the reason, or was stopped mid-way (no result, no one running it).
        case failed(String)
        case pending
    }

    func state(of task: SweepTask) -> TaskState {
        if (try? result(of: task)) != nil { return .done }
        if let holder = FileLock.holder(of: taskLockPath(task.id)) { _ = holder; return .running }
        if let text = try? PointFile.readText(path: failurePath(task.id)),
           let record = try? JSONValue.parse(Array(text.utf8)[...]), let reason = record["error"]?.stringValue {
            return .failed(reason)
        }
        if FileManager.default.fileExists(atPath: logPath(task.id)) {
            return .failed("interrupted: it started but did not finish" + (progressNote(task).map { " (\($0))" } ?? ""))
        }
        return .pending
    }

    /// "checkpoint at iteration 150" when a task has one.
    func progressNote(_ task: SweepTask) -> String? {
        guard let progress = try? SweepProgress.read(self, task) else { return nil }
        return "checkpoint at iteration \(progress.iteration)"
    }

    /// A finished task's results, or nil when it has none; results of another script or seed are refused.
    func result(of task: SweepTask) throws -> JSONValue? {
        let path = resultPath(task.id)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text: String
        do { text = try PointFile.readText(path: path) } catch { throw SweepError("\(error)") }
        let value: JSONValue
        do throws(JSONError) { value = try JSONValue.parse(Array(text.utf8)[...]) } catch {
            throw SweepError("\(path) is damaged (\(error)); remove it to run task \(task.id) again")
        }
        guard value["hash"]?.stringValue == task.hash else {
            throw SweepError("\(path) holds results of another script or seed (hash \(value["hash"]?.stringValue ?? "none"), "
                             + "task \(task.id) has \(task.hash)); move it away to run the task again")
        }
        return value
    }

    /// The last `count` lines of task `id`'s log.
    func logTail(_ id: Int, count: Int) -> [String] {
        guard let text = try? PointFile.readText(path: logPath(id)) else { return [] }
        return Array(text.split(separator: "\n").suffix(count).map(String.init))
    }
}

/// An advisory write lock on a file (POSIX record locks: they are released when the process ends, however
/// it ends, and they work on network file systems), holding the holder's host and pid as its text.
final class FileLock {
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Takes the lock, or returns nil when another process holds it.
    static func acquire(_ path: String) throws -> FileLock? {
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw SweepError("cannot open the lock file \(path): \(String(cString: strerror(errno)))") }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        guard fcntl(descriptor, F_SETLK, &lock) == 0 else {
            close(descriptor)
            return nil
        }
        let owner = "\(ProcessInfo.processInfo.hostName) pid \(getpid())\n"
        _ = ftruncate(descriptor, 0)
        _ = owner.withCString { pwrite(descriptor, $0, strlen($0), 0) }
        return FileLock(descriptor: descriptor)
    }

    /// Who holds the lock at `path` ("host pid 123"), or nil when no one does.
    static func holder(of path: String) -> String? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        guard fcntl(descriptor, F_GETLK, &lock) == 0, lock.l_type != Int16(F_UNLCK) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        let text = count > 0 ? String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) : ""
        return text.isEmpty ? "pid \(lock.l_pid)" : text
    }
}
