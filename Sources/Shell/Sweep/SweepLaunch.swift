#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Workbench

/// Who runs the tasks: Gantry's own process pool, GNU parallel, or a Slurm job array. Each runs the same
/// `gantry sweep run DIR --task N`, so a sweep may move between them and end with the same results.
enum SweepEngine: String, CaseIterable {
    case local, parallel, slurm
}

/// `gantry sweep launch DIR …`
struct SweepLauncher {
    let folder: SweepFolder
    let engine: SweepEngine
    /// Tasks at once (local processes, parallel's --jobs, Slurm's array limit).
    let jobs: Int
    let retryFailed: Bool
    let dryRun: Bool
    /// GNU parallel's -S and --sshloginfile.
    let hosts: String?
    let sshLoginFile: String?
    /// Slurm: wait until the array has left the queue.
    let wait: Bool
    let say: (String) -> Void

    /// The default of -j: the local engines use every core; a Slurm array runs at most this many tasks at once.
    static func defaultJobs(_ engine: SweepEngine) -> Int { engine == .slurm ? 16 : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// `text` quoted for a POSIX shell when it needs to be.
    static func shellQuoted(_ text: String) -> String {
        let plain = text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "/._-=:,+%@".contains($0)) }
        return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// The command that runs one task (`{}` or a shell variable in place of N for the engines).
    func taskCommand(_ task: String) -> [String] { [RunningProgram.executable, "sweep", "run", folder.path, "--task", task] }

    func run() throws -> Int32 {
        var toRun: [SweepTask] = []
        var running: [String] = [], failedKept = 0, done = 0
        for task in folder.tasks {
            switch folder.state(of: task) {
            case .done: done += 1
            case .running: running.append("task \(task.id)")
            case .failed: if retryFailed { toRun.append(task) } else { failedKept += 1 }
            case .pending: toRun.append(task)
            }
        }
        if done > 0 { say("\(done) of \(folder.tasks.count) tasks are done already") }
        if !running.isEmpty { say("\(running.count) running elsewhere, left to them: \(running.joined(separator: ", "))") }
        if failedKept > 0 { say("\(failedKept) failed or interrupted; not run again without --retry-failed") }
        guard !toRun.isEmpty else {
            say("nothing to launch")
            return failedKept > 0 ? 1 : 0
        }
        var lock: FileLock?
        if !dryRun {
            lock = try FileLock.acquire(folder.lockPath)
            guard lock != nil else {
                throw SweepError("another launcher is running this sweep (\(FileLock.holder(of: folder.lockPath) ?? "lock held")"
                                 + " holds \(folder.lockPath)); watch it with gantry sweep status \(folder.path)")
            }
        }
        defer { withExtendedLifetime(lock) {} }
        switch engine {
        case .local: return try runLocally(toRun)
        case .parallel: return try runParallel(toRun)
        case .slurm: return try submitToSlurm(toRun)
        }
    }

    // MARK: local

    private func runLocally(_ tasks: [SweepTask]) throws -> Int32 {
        let width = min(jobs, tasks.count)
        say("launching \(tasks.count) task\(tasks.count == 1 ? "" : "s") on \(width) local process\(width == 1 ? "" : "es"), each:")
        say("  " + taskCommand("N").map(Self.shellQuoted).joined(separator: " "))
        if dryRun {
            for task in tasks { say(taskCommand(String(task.id)).map(Self.shellQuoted).joined(separator: " ")) }
            return 0
        }
        var environment = ProcessInfo.processInfo.environment
        // Processes share the cores: one thread each unless the user chose (the bits do not depend on it).
        if environment["GANTRY_THREADS"] == nil {
            environment["GANTRY_THREADS"] = String(max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))) / width))
        }
        let environmentLines = environment.map { "\($0.key)=\($0.value)" }
        var queue = tasks[...]
        var children: [pid_t: SweepTask] = [:]
        var failed = 0
        while !queue.isEmpty || !children.isEmpty {
            while children.count < width, let task = queue.popFirst() {
                children[try Self.spawn(taskCommand(String(task.id)), environment: environmentLines)] = task
            }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid < 0 {
                if errno == EINTR { continue }
                throw SweepError("waiting for the tasks failed: \(String(cString: strerror(errno)))")
            }
            guard let task = children.removeValue(forKey: pid) else { continue }
            let signal = status & 0x7F, code = (status >> 8) & 0xFF
            if signal != 0 {
                failed += 1
                say("task \(task.id) was killed by signal \(signal); launch again with --retry-failed to resume it from its checkpoint")
            } else if code != 0 && code != SweepTaskRunner.busyStatus {
                failed += 1
            }
        }
        return summary(failed: failed)
    }

    static func spawn(_ arguments: [String], environment: [String]) throws -> pid_t {
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, arguments[0], nil, nil, argv, envp)
        guard status == 0 else { throw SweepError("cannot start \(arguments[0]): \(String(cString: strerror(status)))") }
        return pid
    }

    private func summary(failed: Int) -> Int32 {
        var counts = (done: 0, failed: 0, other: 0)
        for task in folder.tasks {
            switch folder.state(of: task) {
            case .done: counts.done += 1
            case .failed: counts.failed += 1
            default: counts.other += 1
            }
        }
        say("\(counts.done) of \(folder.tasks.count) tasks done, \(counts.failed) failed"
            + (counts.other > 0 ? ", \(counts.other) running or pending" : "")
            + (counts.failed > 0 ? "; see gantry sweep status \(folder.path)" : ""))
        return failed == 0 && counts.failed == 0 ? 0 : 1
    }

    // MARK: GNU parallel

    /// Every task is listed, in order, whatever is left to do: parallel's --resume recognises jobs by their
    /// sequence number in its job log, and a task already done returns at once.
    func parallelCommand() -> [String] {
        var command = ["parallel", "--jobs", String(jobs), "--joblog", folder.path + "/parallel.joblog",
                       retryFailed ? "--resume-failed" : "--resume"]
        if let hosts { command += ["-S", hosts] }
        if let sshLoginFile { command += ["--sshloginfile", sshLoginFile] }
        return command + taskCommand("{}") + [":::"] + folder.tasks.map { String($0.id) }
    }

    private func runParallel(_ tasks: [SweepTask]) throws -> Int32 {
        let command = parallelCommand()
        say("running \(tasks.count) task\(tasks.count == 1 ? "" : "s") with GNU parallel:")
        say("  " + command.map(Self.shellQuoted).joined(separator: " "))
        if dryRun { return 0 }
        guard let program = Self.find("parallel") else {
            throw SweepError("GNU parallel is not installed (on Debian: apt-get install parallel); the command above is what would run")
        }
        let status = try Self.runProgram(program, Array(command.dropFirst()), capture: false).status
        if status != 0 { say("parallel exited with status \(status)") }
        return summary(failed: status == 0 ? 0 : 1)
    }

    // MARK: Slurm

    /// "1-5,7,9-12": the ids as Slurm's --array takes them.
    static func arraySpec(_ ids: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        while index < ids.count {
            var end = index
            while end + 1 < ids.count && ids[end + 1] == ids[end] + 1 { end += 1 }
            parts.append(end == index ? "\(ids[index])" : "\(ids[index])-\(ids[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    func slurmScript(_ tasks: [SweepTask]) -> String {
        let quoted = Self.shellQuoted
        return """
            #!/bin/bash
            # A Slurm job array for the gantry sweep in \(folder.path): one array element per task, at most \(jobs) at once.
            # Edit the #SBATCH lines for your cluster (partition, account, time limit), then: sbatch \(folder.path)/slurm/sweep.sbatch
            # The folder must be on a file system every node sees, at the same path.
            #SBATCH --job-name=gantry-sweep
            #SBATCH --array=\(Self.arraySpec(tasks.map(\.id)))%\(jobs)
            #SBATCH --ntasks=1
            #SBATCH --cpus-per-task=1
            #SBATCH --output=\(folder.path)/slurm/task-%a.out
            export GANTRY_THREADS="${SLURM_CPUS_PER_TASK:-1}"
            exec \(quoted(RunningProgram.executable)) sweep run \(quoted(folder.path)) --task "$SLURM_ARRAY_TASK_ID"

            """
    }

    private func submitToSlurm(_ tasks: [SweepTask]) throws -> Int32 {
        let script = slurmScript(tasks)
        let path = folder.path + "/slurm/sweep.sbatch"
        let command = ["sbatch", "--parsable", path]
        if dryRun {
            say("would write \(path):")
            for line in script.split(separator: "\n", omittingEmptySubsequences: false).dropLast() { say("  " + line) }
            say("and submit it with: " + command.map(Self.shellQuoted).joined(separator: " "))
            return 0
        }
        try SweepFolder.makeFolder(folder.path + "/slurm")
        try PointFile.writeAtomically(Array(script.utf8), to: path)
        say("wrote \(path) (\(tasks.count) task\(tasks.count == 1 ? "" : "s"), at most \(jobs) at once)")
        say("submitting: " + command.map(Self.shellQuoted).joined(separator: " "))
        guard let program = Self.find("sbatch") else {
            throw SweepError("sbatch is not on PATH: this machine is not a Slurm submit host; \(path) is written, submit it from one")
        }
        let outcome = try Self.runProgram(program, Array(command.dropFirst()), capture: true)
        let reply = outcome.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard outcome.status == 0, let job = reply.split(separator: "\n").last.map({ String($0.split(separator: ";")[0]) }),
              !job.isEmpty, job.allSatisfy(\.isNumber) else {
            throw SweepError("sbatch failed (status \(outcome.status)): \(reply)")
        }
        guard wait else {
            say("submitted job array \(job); watch it with gantry sweep status \(folder.path) (or squeue -j \(job))")
            return 0
        }
        say("submitted job array \(job); waiting for it to leave the queue (squeue -h -j \(job))")
        // sbatch --wait polls with growing pauses (tens of seconds for a short array); squeue answers at once.
        guard let squeue = Self.find("squeue") else { throw SweepError("squeue is not on PATH; cannot wait for job \(job)") }
        while true {
            let queue = try Self.runProgram(squeue, ["-h", "-j", job, "-o", "%i"], capture: true)
            let listed = queue.output.trimmingCharacters(in: .whitespacesAndNewlines)
            // A finished job leaves the queue; once Slurm forgets it, squeue calls its id invalid.
            if queue.status == 0 ? listed.isEmpty : listed.contains("Invalid job id") { break }
            guard queue.status == 0 else { throw SweepError("squeue failed (status \(queue.status)): \(listed)") }
            usleep(250_000)
        }
        say("job array \(job) has finished")
        return summary(failed: 0)
    }

    // MARK: Programs

    /// The path of `name` on PATH, or nil.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    /// Runs a program to its end with the launcher's terminal (or its output captured).
    static func runProgram(_ program: String, _ arguments: [String], capture: Bool) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        if capture {
            process.standardOutput = pipe
            process.standardError = pipe
        }
        do { try process.run() } catch { throw SweepError("cannot start \(program): \(error)") }
        var output = ""
        if capture { output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self) }
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }
}
