import Foundation
import Plotting
import Workbench

/// `gantry sweep status DIR`
struct SweepStatus {
    let folder: SweepFolder
    let say: (String) -> Void

    /// How many log lines a failed task shows.
    static let logLines = 5

    func run() -> Int32 {
        var done = 0, pending = 0
        var running: [String] = [], failed: [(SweepTask, String)] = []
        for task in folder.tasks {
            switch folder.state(of: task) {
            case .done: done += 1
            case .pending: pending += 1
            case .running:
                let holder = FileLock.holder(of: folder.taskLockPath(task.id)) ?? "?"
                running.append("  task \(task.id) (\(task.label)): \(holder)" + (folder.progressNote(task).map { ", \($0)" } ?? ""))
            case .failed(let reason): failed.append((task, reason))
            }
        }
        say("\(folder.path): \(folder.tasks.count) tasks: \(done) done, \(running.count) running, \(failed.count) failed, \(pending) pending")
        if let launcher = FileLock.holder(of: folder.lockPath) { say("a launcher is running: \(launcher)") }
        if !running.isEmpty { say("running:") }
        for line in running { say(line) }
        if !failed.isEmpty { say("failed (launch with --retry-failed to run them again):") }
        for (task, reason) in failed {
            say("  task \(task.id) (\(task.label)): \(reason)")
            for line in folder.logTail(task.id, count: Self.logLines) { say("    | " + line) }
        }
        return 0
    }
}

/// `gantry sweep collect DIR`: one table of the finished tasks, with mean, standard deviation, minimum
/// and maximum over the seeds of each setting, as CSV and JSON, and a plot of one quantity against one
/// setting. Only what the tasks computed goes in (no times, hosts or paths), so the same sweep run by any
/// engine collects to the same bytes.
struct SweepCollector {
    let folder: SweepFolder
    /// The quantity plotted (a column name), or the first metric.
    let metric: String?
    /// The setting on the horizontal axis, or the first of the grid.
    let against: String?
    let terminalWidth: Int
    let colour: Bool
    let say: (String) -> Void

    var csvPath: String { folder.path + "/sweep.csv" }
    var jsonPath: String { folder.path + "/sweep.json" }
    var plotPath: String { folder.path + "/sweep.png" }

    /// One finished task's numbers by column name.
    struct Row {
        let task: SweepTask
        var values: [String: Double]
        var weights: [(String, String)]
    }

    /// Summaries over the seeds of one setting.
    struct Summary {
        let settings: [SweepSetting]
        let count: Int
        let mean: [Double], sd: [Double], min: [Double], max: [Double]
    }

    static let statistics = ["mean", "sd", "min", "max"]

    func run() throws -> Int32 {
        var rows: [Row] = []
        var columns: [String] = []
        func add(_ name: String) { if !columns.contains(name) { columns.append(name) } }
        var missing: [Int] = []
        for task in folder.tasks {
            guard let result = try folder.result(of: task) else {
                missing.append(task.id)
                continue
            }
            var row = Row(task: task, values: [:], weights: [])
            for member in result["final"]?.objectValue ?? [] {
                guard let value = member.value.doubleValue else { continue }
                row.values[member.key] = value
                add(member.key)
            }
            for member in result["metrics"]?.objectValue ?? [] {
                guard let value = member.value.doubleValue else { continue }
                row.values[member.key] = value
                add(member.key)
            }
            var seen: [String: Int] = [:]
            for expectation in (result["expectations"]?.arrayValue ?? []).compactMap(SweepExpectation.init) {
                seen[expectation.quantity, default: 0] += 1
                let count = seen[expectation.quantity]!
                let name = "expect " + expectation.quantity + (count > 1 ? " #\(count)" : "")
                row.values[name] = expectation.value
                add(name)
            }
            row.weights = (result["weights"]?.objectValue ?? []).compactMap { member in member.value.stringValue.map { (member.key, $0) } }
            rows.append(row)
        }
        guard !rows.isEmpty else {
            throw SweepError("no task of \(folder.path) has finished yet; nothing to collect (see gantry sweep status \(folder.path))")
        }
        let weightNames = rows[0].weights.map { "weights_" + $0.0 }
        let summaries = summarise(rows, columns)
        try writeCSV(rows, columns, weightNames, summaries)
        try writeJSON(rows, columns, summaries)
        let settings = Set(rows.map { $0.task.settings.map(\.value) }).count
        say("collected \(rows.count) of \(folder.tasks.count) tasks (\(settings) setting\(settings == 1 ? "" : "s")) into \(csvPath) and \(jsonPath)")
        if !missing.isEmpty {
            say("not finished, so not in the tables: task\(missing.count == 1 ? "" : "s") \(SweepLauncher.arraySpec(missing))")
        }
        try plot(rows, columns, summaries)
        return 0
    }

    private func summarise(_ rows: [Row], _ columns: [String]) -> [Summary] {
        var groups: [[SweepSetting]] = []
        for row in rows where !groups.contains(row.task.settings) { groups.append(row.task.settings) }
        return groups.map { settings in
            let members = rows.filter { $0.task.settings == settings }
            var mean: [Double] = [], sd: [Double] = [], low: [Double] = [], high: [Double] = []
            for column in columns {
                let values = members.compactMap { $0.values[column] }
                guard !values.isEmpty else {
                    mean.append(.nan); sd.append(.nan); low.append(.nan); high.append(.nan)
                    continue
                }
                // Summed in task order, so every engine gets the same bits.
                let average = values.reduce(0, +) / Double(values.count)
                mean.append(average)
                sd.append(values.count < 2 ? .nan
                          : (values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(values.count - 1)).squareRoot())
                low.append(values.contains { $0.isNaN } ? .nan : values.min()!)
                high.append(values.contains { $0.isNaN } ? .nan : values.max()!)
            }
            return Summary(settings: settings, count: members.count, mean: mean, sd: sd, min: low, max: high)
        }
    }

    /// Shortest text that reads back to the same Double; "nan" and "inf" as Swift and NumPy write them.
    static func number(_ value: Double) -> String { "\(value)" }

    static func csvField(_ text: String) -> String {
        text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
    }

    private func writeCSV(_ rows: [Row], _ columns: [String], _ weightNames: [String], _ summaries: [Summary]) throws {
        let names = folder.grid.map(\.name)
        var lines = [(["row", "task", "seed", "n"] + names + columns + weightNames).map(Self.csvField).joined(separator: ",")]
        for row in rows {
            let fields = ["task", String(row.task.id), String(row.task.seed), "1"] + row.task.settings.map(\.value)
                + columns.map { row.values[$0].map(Self.number) ?? "" } + row.weights.map(\.1)
            lines.append(fields.map(Self.csvField).joined(separator: ","))
        }
        for summary in summaries {
            for (statistic, values) in zip(Self.statistics, [summary.mean, summary.sd, summary.min, summary.max]) {
                let fields = [statistic, "", "", String(summary.count)] + summary.settings.map(\.value) + values.map(Self.number)
                    + weightNames.map { _ in "" }
                lines.append(fields.map(Self.csvField).joined(separator: ","))
            }
        }
        try PointFile.writeAtomically(Array((lines.joined(separator: "\n") + "\n").utf8), to: csvPath)
    }

    private func writeJSON(_ rows: [Row], _ columns: [String], _ summaries: [Summary]) throws {
        func settings(_ list: [SweepSetting]) -> JSONValue { .object(list.map { ($0.name, .string($0.value)) }) }
        func values(_ list: [Double]) -> JSONValue { .object(zip(columns, list).map { ($0, .real($1)) }) }
        let tasks = rows.map { row in
            JSONValue.object([("task", .integer(row.task.id)), ("seed", .number(String(row.task.seed))),
                              ("settings", settings(row.task.settings)),
                              ("values", .object(columns.compactMap { name in row.values[name].map { (name, .real($0)) } })),
                              ("weights", .object(row.weights.map { ($0.0, .string($0.1)) }))]).serialized
        }
        let groups = summaries.map { summary in
            JSONValue.object([("settings", settings(summary.settings)), ("n", .integer(summary.count)),
                              ("mean", values(summary.mean)), ("sd", values(summary.sd)),
                              ("min", values(summary.min)), ("max", values(summary.max))]).serialized
        }
        let text = "{\n\"columns\": " + JSONValue.array(columns.map(JSONValue.string)).serialized + ",\n"
            + "\"tasks\": [\n  " + tasks.joined(separator: ",\n  ") + "\n],\n"
            + "\"summary\": [\n  " + groups.joined(separator: ",\n  ") + "\n]\n}\n"
        try PointFile.writeAtomically(Array(text.utf8), to: jsonPath)
    }

    // MARK: The plot

    private func plot(_ rows: [Row], _ columns: [String], _ summaries: [Summary]) throws {
        let quantity: String
        if let metric {
            guard columns.contains(metric) else {
                throw SweepError("--metric \(metric): the tasks recorded no such quantity; they recorded \(columns.joined(separator: ", "))")
            }
            quantity = metric
        } else {
            let final = Set(History.columns)
            quantity = columns.first { !final.contains($0) && !$0.hasPrefix("expect ") } ?? columns.first { $0 != "iteration" } ?? "iteration"
        }
        guard let axis = against.map({ name in folder.grid.first { $0.name == name } }) ?? folder.grid.first else {
            if let against { throw SweepError("--against \(against): the grid has no setting \(against) (it has \(folder.grid.map(\.name).joined(separator: ", ")))") }
            say("no plot: the sweep has no grid setting to plot against (only seeds)")
            return
        }
        guard let column = columns.firstIndex(of: quantity) else { return }
        let numbers = axis.values.map { Double($0) }
        let numeric = numbers.allSatisfy { $0?.isFinite == true }
        let position: (String) -> Double = { value in
            numeric ? Double(value)! : Double(axis.values.firstIndex(of: value) ?? 0)
        }
        let logarithmic = numeric && numbers.allSatisfy { $0! > 0 } && (numbers.map { $0! }.max()! / numbers.map { $0! }.min()! >= 20)
        // One line per combination of the other settings, the means joined, each with its ± sd bar.
        var lines: [[SweepSetting]: [Summary]] = [:]
        var order: [[SweepSetting]] = []
        for summary in summaries {
            let others = summary.settings.filter { $0.name != axis.name }
            if lines[others] == nil { order.append(others) }
            lines[others, default: []].append(summary)
        }
        var layers: [Layer] = []
        for (index, others) in order.enumerated() {
            let points = lines[others]!.compactMap { summary -> (Point, Double)? in
                guard let value = summary.settings.first(where: { $0.name == axis.name })?.value else { return nil }
                return (Point(position(value), summary.mean[column]), summary.sd[column])
            }.sorted { $0.0.x < $1.0.x }
            let shown = points.filter { $0.0.y.isFinite }
            guard !shown.isEmpty else { continue }
            let bars = shown.filter { $0.1.isFinite }.map { [Point($0.0.x, $0.0.y - $0.1), Point($0.0.x, $0.0.y + $0.1)] }
            let name = others.isEmpty ? "mean +/- sd" : others.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            let colour = Palette.series(index)
            layers.append(.lines(LineSeries(name, colour: colour, marker: "*", paths: [shown.map(\.0)] + bars)))
            layers.append(.points(PointSeries("", colour: colour, marker: "*", points: shown.map(\.0))))
        }
        guard !layers.isEmpty else {
            say("no plot: \(quantity) has no finite value")
            return
        }
        let seeds = Set(rows.map(\.task.seed)).count
        // "+/-": the pictures' bitmap font has ASCII only.
        let canvas = Canvas(title: "\(quantity) against \(axis.name): mean +/- sd over \(seeds) seed\(seeds == 1 ? "" : "s")",
                            xAxis: Axis(axis.name + (numeric ? "" : " (" + axis.values.joined(separator: ", ") + ")"),
                                        scale: logarithmic ? .logarithmic : .linear),
                            yAxis: Axis(quantity), layers: layers)
        try PointFile.writeAtomically(PNGRenderer(width: 800, height: 480).render(canvas), to: plotPath)
        say("wrote \(plotPath) (\(quantity) against \(axis.name))")
        let width = max(40, min(terminalWidth, 100))
        for line in TerminalRenderer(width: width, height: TerminalRenderer.defaultHeight(forWidth: width) / 2 + 4,
                                     style: colour ? .colour : .ascii).render(canvas) { say(line) }
    }
}
