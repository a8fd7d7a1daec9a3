import Foundation
import Workbench

/// The `emd` command: the earth mover's distance between two histograms, with the plan that attains it.
enum EMDCommand: ShellCommand {
    static let spec = CommandSpec(
        "emd", aliases: ["earth-movers"], summary: "the earth mover's distance between two histograms, and which dirt moves where",
        discussion: "p and q are histograms over the same bins 1, 2, …, n, given as lists of masses (whole or real, not negative, with equal totals); moving one unit of dirt from bin i to bin j costs |i − j|. Prints the distance, the plan as a table (mass moved from each bin of p to each bin of q; on a line, moving the dirt in order is optimal), and the dirt carried from each bin to the next when p is levelled into q bin by bin, δ_k = δ_{k−1} + p_k − q_k, whose Σ|δ_k| is the distance (the worked example of \"From GAN to WGAN\": p = 3,2,1,4 and q = 1,2,4,3 give 5). expect reads emd.distance.",
        parameters: [p.spec, q.spec],
        examples: ["emd p=3,2,1,4 q=1,2,4,3", "emd p=0.5,0.5 q=0,1"])

    static let p: ParameterKey<[Double]> = .reals("p", nil, default: nil, "the masses of the first histogram, bin by bin")
    static let q: ParameterKey<[Double]> = .reals("q", nil, default: nil, "the masses of the second histogram, bin by bin")

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.emd(invocation) }
}

extension Interpreter {
    /// `emd p=… q=…`
    func emd(_ invocation: Invocation) throws {
        if let extra = invocation.positionals.first { throw invocation.failure("emd takes no words, only p=… q=…", at: extra.range) }
        let parameters = try invocation.commandParameters()
        let plan: EarthMoversPlan
        do {
            plan = try EarthMoversPlan(p: parameters[EMDCommand.p], q: parameters[EMDCommand.q])
        } catch let error as SessionError {
            // A refusal about one histogram points at its list; one about both (their totals, their lengths) at q.
            let key = error.description.hasPrefix("p has mass") ? EMDCommand.p : EMDCommand.q
            throw invocation.failure("emd: \(error.description)", at: invocation.valueRange(of: key))
        }
        latestReports["emd"] = MetricReport(metric: "emd", values: [("distance", plan.distance), ("total", plan.total)])
        let bins = parameters[EMDCommand.p].count
        let units = plan.total == 1 ? "1 unit" : "\(NumberText.format(plan.total)) units"
        say("emd: distance \(NumberText.format(plan.distance))  (\(units) of dirt in \(bins) bin\(bins == 1 ? "" : "s"); moving a unit from bin i to bin j costs |i − j|)")
        let header = ["from bin", "to bin", "mass", "distance", "cost"]
        let rows = plan.moves.map { move in
            [String(move.from), String(move.to), NumberText.format(move.mass), String(abs(move.from - move.to)), NumberText.format(move.cost)]
        }
        let widths = header.indices.map { column in ([header[column]] + rows.map { $0[column] }).map(\.count).max()! }
        for line in [header] + rows {
            say("  " + line.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: "  "))
        }
        if !plan.carried.isEmpty {
            let carried = plan.carried.map(NumberText.format).joined(separator: ", ")
            let sum = plan.carried.reduce(0) { $0 + abs($1) }
            say("  carried from bin k to bin k + 1, δ_k = δ_{k−1} + p_k − q_k: \(carried); Σ|δ_k| = \(NumberText.format(sum))")
        }
    }
}
