import Kernels
import Workbench

/// The `seeds` command.
enum SeedsCommand: ShellCommand {
    static let spec = CommandSpec(
        "seeds", summary: "run a block once per seed and average its measurements: seeds 1,2,3 { … }",
        discussion: "Before each run of the block the session starts over with that seed (as the seed command: fresh weights, streams and history; the configuration and tricks are kept). After the last seed, every metric the block measured under every seed is printed as its mean and per-seed values, and expect METRIC.VALUE checks the mean. The seeds are used as written, also under gantry --seed. Afterwards the session is put back exactly as it was before the block (weights, history, iteration, what save would write), and a line says so; snapshots taken inside the block are kept.",
        positionals: [PositionalSpec("SEEDS", "a comma-separated list of seeds")],
        examples: ["seeds 1,2,3 { step 2000; metric modes }"])

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.seedsBlock(invocation) }
}

extension Interpreter {
    /// `seeds 1,2,3 { … }`: the block once per seed, from a fresh start each time, then the mean of every
    /// metric the block measured. The session is put back as it was before the block (however the block
    /// ends), so a trained session is never replaced by the last seed's run.
    func seedsBlock(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else {
            throw invocation.failure("seeds needs a list of seeds; usage: seeds 1,2,3 { … }")
        }
        var seeds: [UInt64] = []
        for element in node.text.split(separator: ",", omittingEmptySubsequences: false) {
            do throws(NumberError) {
                seeds.append(try NumberSyntax.integer(element, as: UInt64.self))
            } catch {
                throw invocation.failure("seeds \(node.text): " + (error.reason == .notANumber
                    ? "expected a comma-separated list of non-negative integers" : "\(error)"), at: node.range)
            }
        }
        guard let block = invocation.command.block else {
            throw invocation.failure("seeds needs a block of commands in braces: seeds \(node.text) { … }")
        }
        let before = session.makeSnapshot()
        defer {
            // Named snapshots taken inside the block are kept: installing a state leaves them alone.
            session.install(before)
            say("seeds: the session is back as it was before the block (iteration \(session.iteration)\(gameStepNote), seed \(session.seed))")
        }
        var measured: [(seed: UInt64, reports: [String: MetricReport])] = []
        for seed in seeds {
            if quitRequested || environment.interruptRequested() { break }
            try session.reseed(seed)
            say("== seed \(seed)")
            let kept = latestReports
            latestReports = [:]
            defer { latestReports = kept.merging(latestReports) { $1 } }
            for command in block { try perform(command) }
            measured.append((seed, latestReports))
        }
        guard measured.count > 1 else { return }
        let names = measured[0].reports.keys.sorted().filter { name in measured.allSatisfy { $0.reports[name] != nil } }
        let list = measured.map { String($0.seed) }.joined(separator: ",")
        for name in names {
            let reports = measured.map { $0.reports[name]! }
            say("\(name) over seeds \(list) (mean, then each seed):")
            var means: [(name: String, value: Double)] = []
            for (index, entry) in reports[0].values.enumerated() {
                let values = reports.map { $0.values.indices.contains(index) ? $0.values[index].value : .nan }
                let mean = values.reduce(0, +) / Double(values.count)
                means.append((entry.name, mean))
                say("  \(entry.name) \(NumberText.format(mean))  (" + values.map { NumberText.format($0) }.joined(separator: ", ") + ")")
            }
            latestReports[name] = MetricReport(metric: name, values: means, notes: ["mean over seeds \(list)"])
        }
    }
}
