import Foundation
import Kernels
import Workbench

/// The `metric` command.
enum MetricCommand: ShellCommand {
    static let spec = CommandSpec(
        "metric", summary: "measure generated samples against real ones",
        discussion: "Draws real and generated samples from a stream of its own, started afresh from the seed, the iteration and the metric with its parameters: measuring the same state twice gives the same numbers, and measuring never changes training. Prints the metric's values; expect can then check them.",
        positionals: [PositionalSpec("NAME", "the metric", completions: .plugins(.metric))],
        pluginKind: .metric, examples: ["metric modes", "metric w1 n=1000"])
    static let role = CommandRole.recorded
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.metric(invocation) }
}

extension Interpreter {
    /// `metric NAME key=value…`
    func metric(_ invocation: Invocation) throws {
        let type = try plugin(invocation, "metric", Plugins.metrics.all, spec: { $0.spec }, named: Plugins.metrics.named)
        let parameters = try ParameterValues(type.spec, assignments: invocation.assignments)
        let metric: any Metric
        do {
            metric = try type.make(parameters)
        } catch let error as DataFileError {
            // A metric that reads a file (a classifier) is refused at the value that names it.
            throw invocation.failure("\(error)", at: invocation.named.last { $0.value.text == error.path }?.value.range)
        }
        if session.game != nil {
            throw invocation.failure("a toy game is being played: metrics measure the networks' samples; game off returns to them")
        }
        let report = try session.measure(metric)
        latestReports[type.spec.name] = report
        session.record(.metric(PluginSetting(statingGiven: metric)))
        let values = report.values.map { "\($0.name) \(NumberText.format($0.value))" }.joined(separator: "  ")
        say("\(type.spec.name): \(values)")
        for note in report.notes { say("  note: \(note)") }
    }
}
