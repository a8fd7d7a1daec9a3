import Foundation
import Workbench

/// The `data` command.
enum DataCommand: ShellCommand {
    static let spec = CommandSpec(
        "data", aliases: ["dataset"], summary: "choose the real data set",
        discussion: "A data set with a different dimension rebuilds G and D with fresh weights (and says so); otherwise the networks and their training are kept.",
        positionals: [PositionalSpec("NAME", "the data set", completions: .plugins(.dataset))],
        pluginKind: .dataset, examples: ["data ring8", "data grid25 sigma=0.05", "data points file=train.csv"])
    static let role = CommandRole.configuration

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.data(invocation) }
}

extension Interpreter {
    /// `data NAME key=value…`
    func data(_ invocation: Invocation) throws {
        let type = try plugin(invocation, "data set", Plugins.datasets.all, spec: { $0.spec }, named: Plugins.datasets.named)
        let dataset: any Dataset
        do {
            dataset = try type.make(try ParameterValues(type.spec, assignments: invocation.assignments))
        } catch let error as DataFileError {
            throw invocation.failure("\(error)", at: invocation.named.last { $0.value.text == error.path }?.value.range)
        }
        let note = try session.setDataset(dataset)
        if let (file, points) = dataset.filePoints {
            say("read \(points.shape[0]) rows × \(points.shape[1]) columns from \(file)")
        }
        if let note { say("note: " + note) }
        session.record(.dataset(PluginSetting(dataset)))
    }
}
