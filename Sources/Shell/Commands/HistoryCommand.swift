import Autodiff
import Foundation
import Workbench

/// The `history` command.
enum HistoryCommand: ShellCommand {
    static let spec = CommandSpec(
        "history", summary: "export the training record: history export FILE.csv|FILE.npy",
        discussion: "Writes one row per iteration with the columns of show history (iteration, d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js, seconds), atomically.",
        positionals: [PositionalSpec("ACTION", HistoryAction.alternatives, completions: HistoryAction.completions),
                      PositionalSpec("FILE", "a .csv or .npy file", completions: .files(extensions: ["csv", "npy"]))],
        examples: ["history export run.csv"])
    static let runsDuringTraining = true

    /// What `history` does with the record.
    enum HistoryAction: String, CommandWord {
        case export
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.historyCommand(invocation) }
}

extension Interpreter {
    /// `history export FILE.csv|FILE.npy`
    func historyCommand(_ invocation: Invocation) throws {
        guard invocation.text(0) == HistoryCommand.HistoryAction.export.rawValue else {
            throw invocation.failure("usage: history \(HistoryCommand.HistoryAction.choice) FILE.csv|FILE.npy", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else { throw invocation.failure("history export needs a file name") }
        let (columns, rows) = session.recordTable
        let table = try Tensor(rows.flatMap { $0.map(Float.init) }, shape: [rows.count, columns.count])
        do {
            if node.text.lowercased().hasSuffix(".npy") {
                try PointFile.writeNPY(table, to: node.text)
            } else if node.text.lowercased().hasSuffix(".csv") {
                try PointFile.writeCSV(table, to: node.text, header: columns)
            } else {
                throw invocation.failure("history export writes .csv or .npy files, not '\(node.text)'", at: node.range)
            }
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        say("wrote \(rows.count) rows × \(columns.count) columns to \(node.text)")
    }
}
