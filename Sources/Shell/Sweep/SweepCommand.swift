import Foundation
import Kernels
import Workbench

/// `gantry sweep …`: plan a script over a grid of settings and seeds, run its tasks on this machine, with
/// GNU parallel or as a Slurm job array, watch them, and collect their results.
enum SweepCommand {
    static let usage = """
        usage:
          gantry sweep plan FILE.gan [--grid NAME=V1,V2,…]… [--seeds 1..8] [--checkpoint-every K] --out DIR
                        expand the script over every combination of the grid's values and every seed: task 1, 2, …
                        ({NAME} in the script is replaced by each value; each filled-in script is checked first)
          gantry sweep run DIR --task N
                        run one task (again: a finished task is not run twice; a stopped one resumes from its checkpoint)
          gantry sweep launch DIR [--on local|parallel|slurm] [-j N] [--retry-failed] [--dry-run]
                                  [-S HOSTS] [--sshloginfile FILE] [--wait]
                        run the tasks not yet done: local processes (the default), GNU parallel, or a Slurm job array
                        (-j: at once; --retry-failed: also the failed and interrupted ones; --dry-run: only show
                        the commands; -S / --sshloginfile: parallel's remote machines; --wait: wait for Slurm)
          gantry sweep status DIR
                        done / running / failed / pending, with the last log lines of the failed
          gantry sweep collect DIR [--metric NAME] [--against SETTING]
                        DIR/sweep.csv and DIR/sweep.json (a row per task, mean / sd / min / max over seeds per
                        setting) and DIR/sweep.png (NAME against SETTING, mean ± sd), also drawn on the terminal
        """

    static let defaultCheckpointInterval = 100

    /// Runs `gantry sweep ARGUMENTS`; returns the exit status.
    static func main(_ arguments: [String]) -> Int32 {
        let say: (String) -> Void = { print($0); fflush(nil) }
        do {
            guard let action = arguments.first else { return GantryCommand.fail("sweep needs an action\n" + usage) }
            var options = try Options(Array(arguments.dropFirst()), action: action)
            switch action {
            case "plan": return try plan(&options, say: say)
            case "run":
                let folder = try SweepFolder.open(try options.folder())
                guard let text = options.value("--task") else { throw SweepError("sweep run needs --task N (1 to \(folder.tasks.count))") }
                let id = try options.integer("--task", text, in: 1...Int.max)
                try options.finish()
                return try SweepTaskRunner(folder: folder, task: try folder.task(id)).run(say: say)
            case "launch":
                let folder = try SweepFolder.open(try options.folder())
                let engineText = options.value("--on") ?? SweepEngine.local.rawValue
                guard let engine = SweepEngine(rawValue: engineText) else {
                    throw SweepError("--on \(engineText): the engines are \(SweepEngine.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let jobs = try options.value("-j").map { try options.integer("-j", $0, in: 1...100_000) } ?? SweepLauncher.defaultJobs(engine)
                let hosts = options.value("-S"), loginFile = options.value("--sshloginfile")
                if engine != .parallel, hosts != nil || loginFile != nil {
                    throw SweepError("-S and --sshloginfile are GNU parallel's: use them with --on parallel")
                }
                let wait = options.flag("--wait")
                if wait && engine != .slurm { throw SweepError("--wait is for --on slurm (the other engines always wait)") }
                let launcher = SweepLauncher(folder: folder, engine: engine, jobs: jobs, retryFailed: options.flag("--retry-failed"),
                                             dryRun: options.flag("--dry-run"), hosts: hosts, sshLoginFile: loginFile, wait: wait, say: say)
                try options.finish()
                return try launcher.run()
            case "status":
                let folder = try SweepFolder.open(try options.folder())
                try options.finish()
                return SweepStatus(folder: folder, say: say).run()
            case "collect":
                let folder = try SweepFolder.open(try options.folder())
                let collector = SweepCollector(folder: folder, metric: options.value("--metric"), against: options.value("--against"),
                                               terminalWidth: TerminalInfo.width, colour: TerminalInfo.colourEnabled, say: say)
                try options.finish()
                return try collector.run()
            default:
                throw SweepError("unknown sweep action '\(action)'; the actions are plan, run, launch, status, collect\n" + usage)
            }
        } catch {
            return GantryCommand.fail("sweep: \(error)")
        }
    }

    private static func plan(_ options: inout Options, say: (String) -> Void) throws -> Int32 {
        guard let file = options.positionals.first else { throw SweepError("sweep plan needs a script: gantry sweep plan FILE.gan … --out DIR") }
        guard options.positionals.count == 1 else { throw SweepError("sweep plan takes one script, not \(options.positionals.joined(separator: " "))") }
        guard let out = options.value("--out") else { throw SweepError("sweep plan needs --out DIR, the folder of the sweep") }
        let grid = try options.values("--grid").map(SweepAxis.init(argument:))
        let seeds = try options.value("--seeds").map(SweepPlan.seeds) ?? [1]
        let every = try options.value("--checkpoint-every").map { try options.integer("--checkpoint-every", $0, in: 1...1_000_000_000) }
            ?? defaultCheckpointInterval
        try options.finish()
        let script: String
        do { script = try PointFile.readText(path: file) } catch { throw SweepError("\(error)") }
        let tasks = try SweepPlan.tasks(script: script, file: file, grid: grid, seeds: seeds)
        let source = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
        let folder = SweepFolder(path: absolute(out), source: source, script: script, checkpointEvery: every, grid: grid,
                                 seeds: seeds, tasks: tasks)
        try folder.create()
        let settings = grid.reduce(1) { $0 * $1.values.count }
        say("planned \(tasks.count) task\(tasks.count == 1 ? "" : "s") in \(out): \(settings) setting\(settings == 1 ? "" : "s")"
            + (grid.isEmpty ? "" : " (" + grid.map { "\($0.name): \($0.values.count)" }.joined(separator: " × ") + ")")
            + " × \(seeds.count) seed\(seeds.count == 1 ? "" : "s"), checkpoints every \(every) iterations")
        say("run them: gantry sweep launch \(SweepLauncher.shellQuoted(out)) [--on local|parallel|slurm] [-j N]")
        return 0
    }

    /// A folder as an absolute path, without a trailing slash: the engines start tasks from other folders.
    static func absolute(_ path: String) -> String {
        var full = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        while full.count > 1 && full.hasSuffix("/") { full.removeLast() }
        return (full as NSString).standardizingPath
    }

    /// The arguments after the action: positionals and `--name value` options, each option once (except
    /// `--grid`), every one used.
    struct Options {
        static let valued: Set<String> = ["--grid", "--seeds", "--checkpoint-every", "--out", "--task", "--on", "-j", "-S",
                                          "--sshloginfile", "--metric", "--against"]
        static let flags: Set<String> = ["--retry-failed", "--dry-run", "--wait"]
        /// The options each action takes.
        static let allowed: [String: Set<String>] = [
            "plan": ["--grid", "--seeds", "--checkpoint-every", "--out"], "run": ["--task"],
            "launch": ["--on", "-j", "-S", "--sshloginfile", "--retry-failed", "--dry-run", "--wait"],
            "status": [], "collect": ["--metric", "--against"],
        ]

        var positionals: [String] = []
        private var given: [(name: String, value: String?)] = []
        private var used: Set<String> = []
        let action: String

        init(_ arguments: [String], action: String) throws {
            self.action = action
            var index = 0
            while index < arguments.count {
                let argument = arguments[index]
                if Self.valued.contains(argument) || Self.flags.contains(argument) {
                    guard Self.allowed[action]?.contains(argument) ?? true else {
                        throw SweepError("sweep \(action) takes no \(argument)")
                    }
                    if argument != "--grid", let first = given.first(where: { $0.name == argument }) {
                        throw SweepError("\(argument) is given twice\(first.value.map { " (\($0) and …)" } ?? ""); give it once")
                    }
                    if Self.valued.contains(argument) {
                        guard index + 1 < arguments.count else { throw SweepError("\(argument) needs a value") }
                        given.append((argument, arguments[index + 1]))
                        index += 1
                    } else {
                        given.append((argument, nil))
                    }
                } else if argument.hasPrefix("-") && argument.count > 1 {
                    throw SweepError("unknown option \(argument) for sweep \(action)\n" + SweepCommand.usage)
                } else {
                    positionals.append(argument)
                }
                index += 1
            }
        }

        mutating func value(_ name: String) -> String? {
            used.insert(name)
            return given.first { $0.name == name }?.value
        }

        mutating func values(_ name: String) -> [String] {
            used.insert(name)
            return given.filter { $0.name == name }.compactMap(\.value)
        }

        mutating func flag(_ name: String) -> Bool {
            used.insert(name)
            return given.contains { $0.name == name }
        }

        func integer(_ name: String, _ text: String, in range: ClosedRange<Int>) throws -> Int {
            do throws(NumberError) {
                return try NumberSyntax.integer(text, as: Int.self, in: range)
            } catch {
                throw SweepError("\(name) \(text): \(error)")
            }
        }

        /// The sweep folder, the one positional of run, launch, status and collect.
        mutating func folder() throws -> String {
            guard let first = positionals.first else { throw SweepError("sweep \(action) needs the sweep's folder: gantry sweep \(action) DIR") }
            guard positionals.count == 1 else { throw SweepError("sweep \(action) takes one folder, not \(positionals.joined(separator: " "))") }
            positionals.removeAll()
            return absolute(first)
        }

        /// Refuses arguments nothing read.
        func finish() throws {
            if let extra = positionals.dropFirst(action == "plan" ? 1 : 0).first {
                throw SweepError("unexpected argument '\(extra)' for sweep \(action)")
            }
        }
    }
}
