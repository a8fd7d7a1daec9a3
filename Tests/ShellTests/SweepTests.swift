import XCTest
import Foundation
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// `gantry sweep`: plans checked against the parameters' ranges, tasks that resume bit for bit after a
/// SIGKILL, the three engines (a local pool, GNU parallel, a real single-node Slurm cluster) collecting the
/// same bytes, and every kind of bad input refused with its reason. Each task trains a tiny GAN for a few
/// dozen iterations, so the whole suite costs seconds of CPU.
final class SweepTests: XCTestCase {
    /// The package's root (scripts/slurm-cluster lives there).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// 2 learning rates × 2 losses × 3 seeds = 12 tasks of 30 iterations, checkpointed every 8.
    static let toy = """
        # The sweep tests' toy: a tiny GAN on ring8.
        data ring8
        generator mlp hidden=8
        critic mlp hidden=8
        optimizer both adam lr={lr} beta1=0.5
        loss {loss}
        step 20
        metric modes n=500
        expect modes.modes >= 1
        step 10
        """
    static let toyGrid = ["--grid", "lr=1e-3,3e-3", "--grid", "loss=nonsaturating,lsgan", "--seeds", "1..3", "--checkpoint-every", "8"]

    var folder = ""

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("sweep")
        try Self.toy.write(toFile: folder + "/toy.gan", atomically: true, encoding: .utf8)
    }

    override func tearDown() { ScratchFolder.remove(folder) }

    @discardableResult
    func gantry(_ arguments: [String], environment: [String: String?] = [:]) throws -> (status: Int32, output: String) {
        var changes: [String: String?] = ["GANTRY_THREADS": nil]
        for (name, value) in environment { changes[name] = value }
        return try ProductProcess.run("gantry", arguments, in: URL(fileURLWithPath: folder), environment: changes)
    }

    func plan(_ name: String, script: String = "toy.gan", _ options: [String] = SweepTests.toyGrid) throws -> String {
        let run = try gantry(["sweep", "plan", script] + options + ["--out", name])
        XCTAssertEqual(run.status, 0, run.output)
        return folder + "/" + name
    }

    func json(_ path: String) throws -> [String: Any] {
        try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    // MARK: Planning

    func testPlanExpandsTheGridAndRefusesAValueOutsideItsParameterRange() throws {
        let planned = try gantry(["sweep", "plan", "toy.gan"] + Self.toyGrid + ["--out", "s"])
        XCTAssertEqual(planned.output, """
            planned 12 tasks in s: 4 settings (lr: 2 × loss: 2) × 3 seeds, checkpoints every 8 iterations
            run them: gantry sweep launch s [--on local|parallel|slurm] [-j N]

            """)
        let manifest = try json(folder + "/s/manifest")
        let tasks = try XCTUnwrap(manifest["tasks"] as? [[String: Any]])
        XCTAssertEqual(tasks.count, 12)
        XCTAssertEqual(tasks[4]["settings"] as? [String: String], ["lr": "1e-3", "loss": "lsgan"])
        XCTAssertEqual(tasks[4]["seed"] as? Int, 2)
        XCTAssertEqual(Set(tasks.compactMap { $0["hash"] as? String }).count, 12, "every task's script and seed hash apart")
        XCTAssertEqual(try read(folder + "/s/script.gan"), Self.toy)

        // lr is declared in [0, 10]: -1 is refused at plan time, with the tasks it would have made and the place.
        let refused = try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1e-3,-1", "--grid", "loss=lsgan", "--seeds", "1..3", "--out", "bad"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertEqual(refused.output, """
            gantry: sweep: nothing was planned: lr=-1 loss=lsgan (tasks 4–6) does not fit:
            toy.gan:5:24: error: optimizer adam: lr=-1 is out of range; expected real in [0, 10]
                optimizer both adam lr=-1 beta1=0.5
                                       ^~

            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/bad"), "a refused plan writes nothing")
        // Control: the same grid within the range plans.
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1e-3,10", "--grid", "loss=lsgan", "--out", "good"]).status, 0)

        let unknownLoss = try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1e-3", "--grid", "loss=wgn", "--out", "bad"])
        XCTAssertTrue(unknownLoss.output.contains("loss=wgn (task 1) does not fit:\ntoy.gan:6:6: error: unknown loss 'wgn'; did you mean 'wgan'?"),
                      unknownLoss.output)
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1e-3", "--out", "bad"]).output,
                       "gantry: sweep: toy.gan:6: the placeholder {loss} has no values: add --grid loss=V1,V2,…\n")
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1e-3", "--grid", "loss=ns", "--grid", "beta=1", "--out", "bad"]).output,
                       "gantry: sweep: --grid beta: toy.gan has no placeholder {beta}; the script takes a setting where it writes {beta}\n")
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1e-3,,2", "--grid", "loss=ns", "--out", "bad"]).output,
                       "gantry: sweep: --grid lr: value 2 is empty; write the values separated by commas, as lr=1e-4,3e-4\n")
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1", "--grid", "loss=ns", "--seeds", "5..2", "--out", "bad"]).output,
                       "gantry: sweep: --seeds 5..2: the range is empty (5 is above 2)\n")
        // Planning the same again into the same folder changes nothing; another plan there is refused.
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan"] + Self.toyGrid + ["--out", "s"]).status, 0)
        XCTAssertEqual(try gantry(["sweep", "plan", "toy.gan", "--grid", "lr=1", "--grid", "loss=ns", "--out", "s"]).output,
                       "gantry: sweep: \(folder)/s already holds another sweep (its manifest differs); plan into a new folder, or remove \(folder)/s first\n")
    }

    // MARK: The engines

    /// The 12-task sweep on the local pool, on GNU parallel and on a single-node Slurm cluster started here:
    /// the collected tables are the same bytes, and a task's weights are those of a bare `gantry run`.
    func testEveryEngineCollectsTheSameTables() throws {
        let local = try plan("local"), parallel = try plan("parallel"), slurm = try plan("slurm")
        let localRun = try gantry(["sweep", "launch", local, "--on", "local", "-j", "2"])
        XCTAssertEqual(localRun.status, 0, localRun.output)
        XCTAssertTrue(localRun.output.hasSuffix("12 of 12 tasks done, 0 failed\n"), localRun.output)
        let parallelRun = try gantry(["sweep", "launch", parallel, "--on", "parallel", "-j", "2"])
        XCTAssertEqual(parallelRun.status, 0, parallelRun.output)
        XCTAssertTrue(parallelRun.output.contains("parallel --jobs 2 --joblog \(parallel)/parallel.joblog --resume "), parallelRun.output)

        let cluster = folder + "/c"
        let start = try ProductProcess.runShell([Self.root.path + "/scripts/slurm-cluster", "start", cluster])
        defer { _ = try? ProductProcess.runShell([Self.root.path + "/scripts/slurm-cluster", "stop", cluster]) }
        guard start.status == 0 else {
            return XCTFail("could not start a single-node Slurm cluster with scripts/slurm-cluster (the Slurm test cannot run): \(start.output)")
        }
        let slurmRun = try gantry(["sweep", "launch", slurm, "--on", "slurm", "-j", "2", "--wait"],
                                  environment: ["SLURM_CONF": cluster + "/slurm.conf"])
        XCTAssertEqual(slurmRun.status, 0, slurmRun.output)
        XCTAssertTrue(slurmRun.output.contains("submitting: sbatch --parsable \(slurm)/slurm/sweep.sbatch"),
                      slurmRun.output)
        XCTAssertTrue(try read(slurm + "/slurm/sweep.sbatch").contains("#SBATCH --array=1-12%2\n"))
        XCTAssertTrue(try read(slurm + "/slurm/task-12.out").hasPrefix("task 12 done: lr=3e-3 loss=lsgan seed 3"))

        for sweep in [local, parallel, slurm] {
            let collected = try gantry(["sweep", "collect", sweep])
            XCTAssertEqual(collected.status, 0, collected.output)
            let lines = collected.output.split(separator: "\n").map(String.init)
            XCTAssertEqual(lines.prefix(3).map { $0.trimmingCharacters(in: .whitespaces) },
                           ["collected 12 of 12 tasks (4 settings) into \(sweep)/sweep.csv and \(sweep)/sweep.json",
                            "wrote \(sweep)/sweep.png (modes.modes against lr)",
                            "modes.modes against lr: mean +/- sd over 3 seeds"], collected.output)
            XCTAssertEqual(lines.last, "** loss=nonsaturating   ** loss=lsgan", "the legend under the terminal plot")
        }
        let csv = try read(local + "/sweep.csv")
        for other in [parallel, slurm] {
            XCTAssertEqual(try read(other + "/sweep.csv"), csv, other)
            XCTAssertEqual(try read(other + "/sweep.json"), try read(local + "/sweep.json"), other)
        }
        let lines = csv.split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 12 + 4 * 4, "a header, 12 tasks, mean/sd/min/max for each of 4 settings")
        XCTAssertEqual(lines[0], "row,task,seed,n,lr,loss,iteration,d_loss,g_loss,d_real,d_fake,grad_norm_g,grad_norm_d,wasserstein,js,"
                       + "modes.modes,modes.modes_total,modes.high_quality,modes.reverse_kl,expect modes.modes,weights_G,weights_D")
        // The summary is computed from the rows: the mean of g_loss over task 4–6's seeds.
        let rows = lines.map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let gLoss = rows[0].firstIndex(of: "g_loss")!
        let seeds = rows[4...6].map { Double($0[gLoss])! }
        let mean = try XCTUnwrap(rows.first { $0[0] == "mean" && $0[4] == "1e-3" && $0[5] == "lsgan" })
        XCTAssertEqual(Double(mean[gLoss]), seeds.reduce(0, +) / 3)
        XCTAssertTrue(FileManager.default.fileExists(atPath: local + "/sweep.png"))

        // Task 5 (lr=1e-3, lsgan, seed 2) against a bare run of its script: the same weights. Control: seed 3.
        let bare = Self.toy.replacingOccurrences(of: "{lr}", with: "1e-3").replacingOccurrences(of: "{loss}", with: "lsgan")
            + "\nshow weights\n"
        try bare.write(toFile: folder + "/bare.gan", atomically: true, encoding: .utf8)
        let weights = rows[5][rows[0].firstIndex(of: "weights_G")!]
        XCTAssertTrue(try gantry(["--seed", "2", "--keep-going", "run", "bare.gan"]).output.contains("G: 42 parameters, hash \(weights)\n"))
        XCTAssertFalse(try gantry(["--seed", "3", "--keep-going", "run", "bare.gan"]).output.contains("hash \(weights)"))
    }

    // MARK: Faults

    /// 400 iterations checkpointed every 20: killed with SIGKILL once a checkpoint exists, then run again,
    /// it resumes from that checkpoint and ends with the uninterrupted run's numbers and weights.
    func testATaskKilledMidRunResumesToTheSameBits() throws {
        let script = """
            data ring8
            generator mlp hidden=16
            critic mlp hidden=16
            optimizer both adam lr={lr} beta1=0.5
            step 200
            metric modes n=500
            expect modes.modes >= 0
            step 200
            """
        try script.write(toFile: folder + "/long.gan", atomically: true, encoding: .utf8)
        let options = ["--grid", "lr=1e-3", "--seeds", "7", "--checkpoint-every", "20"]
        let whole = try plan("whole", script: "long.gan", options), killed = try plan("killed", script: "long.gan", options)
        XCTAssertEqual(try gantry(["sweep", "run", whole, "--task", "1"]).status, 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry")))
        process.arguments = ["sweep", "run", killed, "--task", "1"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let progress = killed + "/tasks/1/progress"
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: progress) && Date() < deadline { usleep(2_000) }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal, "the task was killed before it finished")
        XCTAssertFalse(FileManager.default.fileExists(atPath: killed + "/results/1.json"))
        let status = try gantry(["sweep", "status", killed]).output
        XCTAssertTrue(status.hasPrefix("\(killed): 1 tasks: 0 done, 0 running, 1 failed, 0 pending\n"), status)
        XCTAssertTrue(status.contains("task 1 (lr=1e-3 seed 7): interrupted: it started but did not finish (checkpoint at iteration "), status)

        let again = try gantry(["sweep", "run", killed, "--task", "1"])
        XCTAssertEqual(again.status, 0, again.output)
        XCTAssertTrue(again.output.hasSuffix(", resumed)\n"), again.output)
        let resumed = try json(killed + "/results/1.json"), reference = try json(whole + "/results/1.json")
        XCTAssertEqual(resumed["resumed"] as? Int, 1)
        XCTAssertEqual(reference["resumed"] as? Int, 0)
        for part in ["final", "metrics", "expectations", "weights"] {
            XCTAssertEqual(resumed[part] as? NSObject, reference[part] as? NSObject, part)
        }
        XCTAssertTrue(try read(killed + "/tasks/1/log").contains("resuming task 1 from \(killed)/tasks/1/checkpoint-"))
        // Done is done: a third run does nothing.
        XCTAssertEqual(try gantry(["sweep", "run", killed, "--task", "1"]).output, "task 1: already done (\(killed)/results/1.json)\n")
    }

    /// A launcher and its tasks killed together (a node that dies): a plain launch leaves the interrupted
    /// tasks alone, --retry-failed resumes them, and no task finishes twice.
    func testAKilledLauncherThenRetryFailedCompletesWithNoTaskRunTwice() throws {
        try Self.toy.replacingOccurrences(of: "step 20", with: "step 150").write(toFile: folder + "/longer.gan", atomically: true, encoding: .utf8)
        let options = ["--grid", "lr=1e-3,3e-3", "--grid", "loss=lsgan", "--seeds", "1..3", "--checkpoint-every", "10"]
        let sweep = try plan("s", script: "longer.gan", options)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry")))
        process.arguments = ["sweep", "launch", sweep, "-j", "2"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        func files(_ folder: String) -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] }
        // Killed once a task is done and another has a checkpoint but no result yet.
        func midway() -> Bool {
            let done = Set(files(sweep + "/results").filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) })
            // Early in its 160 iterations, so it cannot finish before it is killed.
            return done.count >= 1 && files(sweep + "/tasks").contains { id in
                guard !done.contains(id), let data = FileManager.default.contents(atPath: sweep + "/tasks/\(id)/progress"),
                      let progress = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return false }
                return (progress["iteration"] as? Int ?? 1000) <= 60
            }
        }
        while !midway() && Date() < deadline { usleep(1_000) }
        // Every task process (the pid holding its lock) and the launcher, as a node that dies; the tasks
        // once more after, in case the launcher started one as it died.
        func killTasks() {
            for id in 1...6 {
                let descriptor = open(sweep + "/tasks/\(id)/lock", O_RDONLY)
                guard descriptor >= 0 else { continue }
                var probe = flock()
                probe.l_type = Int16(F_WRLCK)
                if fcntl(descriptor, F_GETLK, &probe) == 0, probe.l_type != Int16(F_UNLCK) { kill(probe.l_pid, SIGKILL) }
                close(descriptor)
            }
        }
        kill(process.processIdentifier, SIGKILL)
        killTasks()
        process.waitUntilExit()
        usleep(200_000)
        killTasks()
        usleep(100_000)
        let status = try gantry(["sweep", "status", sweep]).output
        XCTAssertFalse(status.contains(" 6 done"), status)
        XCTAssertTrue(status.contains(": interrupted: it started but did not finish (checkpoint at iteration "), status)
        // The results written before the kill: a task that finished is never run again, so they stay these
        // very files (an atomic write would make a new one).
        var before: [String: (inode: UInt64, text: String)] = [:]
        for name in files(sweep + "/results") where name.hasSuffix(".json") {
            let path = sweep + "/results/" + name
            before[name] = ((try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value ?? 0,
                            try read(path))
        }
        XCTAssertFalse(before.isEmpty)

        let plain = try gantry(["sweep", "launch", sweep, "-j", "2"])
        XCTAssertTrue(plain.output.contains("failed or interrupted; not run again without --retry-failed"), plain.output)
        XCTAssertEqual(plain.status, 1)
        let retried = try gantry(["sweep", "launch", sweep, "-j", "2", "--retry-failed"])
        XCTAssertEqual(retried.status, 0, retried.output)
        XCTAssertTrue(retried.output.hasSuffix("6 of 6 tasks done, 0 failed\n"), retried.output)
        for (name, kept) in before {
            let path = sweep + "/results/" + name
            XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? NSNumber)?.uint64Value, kept.inode, name)
            XCTAssertEqual(try read(path), kept.text, name)
        }
        for id in 1...6 {
            let log = try read(sweep + "/tasks/\(id)/log")
            XCTAssertLessThanOrEqual(log.components(separatedBy: "\nfinished task \(id) in ").count - 1, 1, "task \(id) finished once:\n\(log)")
        }
        let collected = try gantry(["sweep", "collect", sweep])
        XCTAssertEqual(collected.status, 0, collected.output)
        // The same numbers as an uninterrupted sweep.
        let reference = try plan("reference", script: "longer.gan", options)
        XCTAssertEqual(try gantry(["sweep", "launch", reference, "-j", "2"]).status, 0)
        XCTAssertEqual(try gantry(["sweep", "collect", reference]).status, 0)
        XCTAssertEqual(try read(sweep + "/sweep.csv"), try read(reference + "/sweep.csv"))
    }

    func testBadFoldersLocksAndEditsAreRefusedWithTheirReason() throws {
        XCTAssertEqual(try gantry(["sweep", "status", "missing"]).output,
                       "gantry: sweep: no sweep folder \(folder)/missing: No such file or directory (make one with gantry sweep plan FILE.gan … --out \(folder)/missing)\n")
        try FileManager.default.createDirectory(atPath: folder + "/empty", withIntermediateDirectories: true)
        XCTAssertEqual(try gantry(["sweep", "launch", "empty"]).output,
                       "gantry: sweep: \(folder)/empty has no manifest: it is not a sweep folder (or its plan was interrupted; plan it again)\n")
        let sweep = try plan("s")
        XCTAssertEqual(try gantry(["sweep", "run", sweep, "--task", "13"]).output, "gantry: sweep: \(sweep) has tasks 1 to 12; there is no task 13\n")
        XCTAssertEqual(try gantry(["sweep", "launch", sweep, "--on", "pbs"]).output, "gantry: sweep: --on pbs: the engines are local, parallel, slurm\n")
        XCTAssertEqual(try gantry(["sweep", "launch", sweep, "-j", "2", "-j", "3"]).output, "gantry: sweep: -j is given twice (2 and …); give it once\n")

        // A launcher holds DIR/lock while it runs: a second one is refused and runs nothing.
        let lock = open(sweep + "/lock", O_RDWR | O_CREAT, 0o644)
        var hold = flock()
        hold.l_type = Int16(F_WRLCK)
        XCTAssertEqual(fcntl(lock, F_SETLK, &hold), 0)
        _ = "tester pid 1\n".withCString { write(lock, $0, strlen($0)) }
        let second = try gantry(["sweep", "launch", sweep])
        XCTAssertEqual(second.status, 64)
        XCTAssertTrue(second.output.hasSuffix("gantry: sweep: another launcher is running this sweep (tester pid 1 holds \(sweep)/lock); watch it with gantry sweep status \(sweep)\n"),
                      second.output)
        XCTAssertTrue(try gantry(["sweep", "status", sweep]).output.contains("a launcher is running: tester pid 1\n"))
        close(lock)
        // A task's lock: one process runs a task at a time.
        try FileManager.default.createDirectory(atPath: sweep + "/tasks/3", withIntermediateDirectories: true)
        let taskLock = open(sweep + "/tasks/3/lock", O_RDWR | O_CREAT, 0o644)
        XCTAssertEqual(fcntl(taskLock, F_SETLK, &hold), 0)
        let busy = try gantry(["sweep", "run", sweep, "--task", "3"])
        XCTAssertEqual(busy.status, 75)
        XCTAssertTrue(busy.output.hasPrefix("task 3: already running ("), busy.output)
        close(taskLock)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sweep + "/results/3.json"))

        // An edited script: refused before anything runs.
        let script = try read(sweep + "/script.gan")
        try (script + "step 5\n").write(toFile: sweep + "/script.gan", atomically: true, encoding: .utf8)
        let edited = try gantry(["sweep", "run", sweep, "--task", "1"])
        XCTAssertEqual(edited.status, 64)
        XCTAssertTrue(edited.output.hasPrefix("gantry: sweep: \(sweep)/script.gan was changed after the sweep was planned (its hash is "), edited.output)
        XCTAssertTrue(edited.output.hasSuffix("nothing was run. Plan the changed script into a new folder, so results of two scripts are never mixed\n"))
        try script.write(toFile: sweep + "/script.gan", atomically: true, encoding: .utf8)
        // An edited manifest: a task's settings no longer give its hash.
        let manifest = try read(sweep + "/manifest")
        try manifest.replacingOccurrences(of: "\"id\":2,\"seed\":2,\"settings\":{\"lr\":\"1e-3\"", with: "\"id\":2,\"seed\":2,\"settings\":{\"lr\":\"5e-3\"")
            .write(toFile: sweep + "/manifest", atomically: true, encoding: .utf8)
        let tampered = try gantry(["sweep", "launch", sweep])
        XCTAssertEqual(tampered.status, 64)
        XCTAssertTrue(tampered.output.hasPrefix("gantry: sweep: \(sweep)/manifest: task 2 (lr=5e-3 loss=nonsaturating seed 2) has the hash "), tampered.output)
        try "{\"format\": \"gantry-sweep 1\"".write(toFile: sweep + "/manifest", atomically: true, encoding: .utf8)
        XCTAssertTrue(try gantry(["sweep", "status", sweep]).output.hasPrefix("gantry: sweep: \(sweep)/manifest is not valid JSON (byte "))
        try manifest.write(toFile: sweep + "/manifest", atomically: true, encoding: .utf8)
        XCTAssertEqual(try gantry(["sweep", "status", sweep]).output, "\(sweep): 12 tasks: 0 done, 0 running, 0 failed, 12 pending\n")
    }

    /// A task whose script fails when it runs (a data file that is not there) is recorded as failed with
    /// the error, shown by status with its log, left alone by a plain launch and run again with --retry-failed.
    func testAFailedTaskIsShownWithItsLogAndRunAgainOnlyWhenAsked() throws {
        try "1,2\n3,4\n".write(toFile: folder + "/points.csv", atomically: true, encoding: .utf8)
        try "data points file={file}\ngenerator mlp hidden=4\ncritic mlp hidden=4\nstep 3\n"
            .write(toFile: folder + "/data.gan", atomically: true, encoding: .utf8)
        let sweep = try plan("s", script: "data.gan", ["--grid", "file=\(folder)/points.csv,\(folder)/missing.csv"])
        let first = try gantry(["sweep", "launch", sweep, "-j", "1"])
        XCTAssertEqual(first.status, 1)
        XCTAssertTrue(first.output.contains("task 2 FAILED: file=\(folder)/missing.csv seed 1: \(sweep)/script.gan (task 2):1:18: error: "), first.output)
        XCTAssertTrue(first.output.hasSuffix("1 of 2 tasks done, 1 failed; see gantry sweep status \(sweep)\n"), first.output)
        let status = try gantry(["sweep", "status", sweep]).output.split(separator: "\n").map(String.init)
        XCTAssertEqual(status[0], "\(sweep): 2 tasks: 1 done, 0 running, 1 failed, 0 pending")
        XCTAssertEqual(status[1], "failed (launch with --retry-failed to run them again):")
        XCTAssertTrue(status[2].hasPrefix("  task 2 (file=\(folder)/missing.csv seed 1): \(sweep)/script.gan (task 2):1:18: error: "), status[2])
        XCTAssertTrue(status.last?.hasPrefix("    | task 2 failed: ") == true, status.joined(separator: "\n"))
        let plain = try gantry(["sweep", "launch", sweep])
        XCTAssertEqual(plain.output, "1 of 2 tasks are done already\n1 failed or interrupted; not run again without --retry-failed\nnothing to launch\n")
        try FileManager.default.copyItem(atPath: folder + "/points.csv", toPath: folder + "/missing.csv")
        let retried = try gantry(["sweep", "launch", sweep, "--retry-failed"])
        XCTAssertEqual(retried.status, 0, retried.output)
        XCTAssertEqual(try gantry(["sweep", "status", sweep]).output, "\(sweep): 2 tasks: 2 done, 0 running, 0 failed, 0 pending\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sweep + "/results/2.failed"))
    }

    /// A full disk: a checkpoint that cannot be written leaves the task running (only resuming is lost), a result
    /// that cannot be written leaves no result and no temporary file, and the task run again once there is room
    /// resumes from its last complete checkpoint and ends with the bits of an uninterrupted run.
    func testAFullDiskLosesNothingAndTheTaskEndsTheSameOnceThereIsRoom() throws {
        let full = try SweepFolder.open(try plan("full")), clear = try SweepFolder.open(try plan("clear"))
        let task = try full.task(1)
        func summary(_ result: JSONValue?) -> [String?] {
            ["final", "metrics", "expectations", "weights"].map { result?[$0]?.serialized }
        }
        defer { PointFile.simulatedFreeSpace.store(-1, ordering: .relaxed) }
        // Room for the first checkpoint and its progress (about 9 KB) and nothing after.
        PointFile.simulatedFreeSpace.store(12_000, ordering: .relaxed)
        XCTAssertThrowsError(try SweepTaskRunner(folder: full, task: task).run(say: { _ in })) { error in
            XCTAssertEqual("\(error)", "\(full.resultPath(1)): cannot write: No space left on device")
        }
        PointFile.simulatedFreeSpace.store(-1, ordering: .relaxed)
        XCTAssertNil(try full.result(of: task))
        let left = try FileManager.default.subpathsOfDirectory(atPath: full.path).filter { !$0.hasSuffix("lock") }.sorted()
        XCTAssertEqual(left, ["manifest", "results", "script.gan", "tasks", "tasks/1", "tasks/1/checkpoint-8.safetensors",
                              "tasks/1/log", "tasks/1/progress"], "only complete files are left")
        let log = try read(full.logPath(1))
        XCTAssertTrue(log.contains("cannot be checkpointed"), log)
        XCTAssertEqual(try SweepTaskRunner(folder: full, task: task).run(say: { _ in }), 0)
        XCTAssertEqual(try full.result(of: task)?["resumed"], .number("1"))
        XCTAssertEqual(try SweepTaskRunner(folder: clear, task: try clear.task(1)).run(say: { _ in }), 0)
        XCTAssertEqual(summary(try full.result(of: task)), summary(try clear.result(of: try clear.task(1))))
        XCTAssertNotNil(summary(try full.result(of: task))[3])
    }

    // MARK: What the user reads

    /// The commands each engine would run, as `--dry-run` shows them for the user to adapt.
    func testDryRunsShowTheCommandsEachEngineRuns() throws {
        let sweep = try plan("s")
        let gantryPath = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        func shown(_ engine: [String]) throws -> String {
            let run = try gantry(["sweep", "launch", sweep, "--dry-run"] + engine)
            XCTAssertEqual(run.status, 0, run.output)
            let real = URL(fileURLWithPath: gantryPath).resolvingSymlinksInPath().path
            return run.output.replacingOccurrences(of: real, with: "GANTRY").replacingOccurrences(of: sweep, with: "DIR")
        }
        XCTAssertEqual(try shown(["--on", "parallel", "-j", "4", "-S", ":,node2"]), """
            running 12 tasks with GNU parallel:
              parallel --jobs 4 --joblog DIR/parallel.joblog --resume -S :,node2 GANTRY sweep run DIR --task '{}' ::: 1 2 3 4 5 6 7 8 9 10 11 12

            """)
        XCTAssertEqual(try shown(["--on", "slurm", "-j", "3"]), """
            would write DIR/slurm/sweep.sbatch:
              #!/bin/bash
              # A Slurm job array for the gantry sweep in DIR: one array element per task, at most 3 at once.
              # Edit the #SBATCH lines for your cluster (partition, account, time limit), then: sbatch DIR/slurm/sweep.sbatch
              # The folder must be on a file system every node sees, at the same path.
              #SBATCH --job-name=gantry-sweep
              #SBATCH --array=1-12%3
              #SBATCH --ntasks=1
              #SBATCH --cpus-per-task=1
              #SBATCH --output=DIR/slurm/task-%a.out
              export GANTRY_THREADS="${SLURM_CPUS_PER_TASK:-1}"
              exec GANTRY sweep run DIR --task "$SLURM_ARRAY_TASK_ID"
            and submit it with: sbatch --parsable DIR/slurm/sweep.sbatch

            """)
        XCTAssertEqual(try shown(["-j", "2"]).split(separator: "\n").prefix(3).joined(separator: "\n"), """
            launching 12 tasks on 2 local processes, each:
              GANTRY sweep run DIR --task N
            GANTRY sweep run DIR --task 1
            """)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sweep + "/slurm"), "a dry run writes nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: sweep + "/tasks/1/log"), "a dry run runs nothing")
    }
}

extension ProductProcess {
    /// Runs a script to its end, its output and errors together in a file. Not through a pipe: the daemons
    /// a script starts outlive it, and a reader waiting for the end of a pipe they inherited would wait as
    /// long as they run.
    static func runShell(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-shell-\(getpid())-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard spawned == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: arguments[0]]) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return ((status >> 8) & 0xFF | (status & 0x7F == 0 ? 0 : 128), output)
    }
}
