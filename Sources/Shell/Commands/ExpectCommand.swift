import Foundation
import Kernels
import Workbench

/// The `expect` command.
enum ExpectCommand: ShellCommand {
    static let spec = CommandSpec(
        "expect", summary: "check a quantity in a script: expect QUANTITY OP VALUE [tol=…]",
        discussion: "QUANTITY is iteration, a history column of the last iteration (d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js; in a toy game x, y or theta, psi, radius and the players' objectives), a summary of a column over the iterations after `after` (grad_norm_g.first, .last, .min, .max, .mean, .ratio = last / first, .maxrise = the largest increase from one value to the next, 0 for a series that never rises) or METRIC.VALUE of the latest measurement (modes.modes, w1.w1), or METRIC.VALUE.SUMMARY over the measurements the history kept (w1.w1.ratio). VALUE is a number or another quantity. OP is one of < <= > >= == != ~ (~ means within tol). A failed expectation is an error: a script stops and exits non-zero.",
        positionals: [PositionalSpec("QUANTITY", "what to check"), PositionalSpec("OP", "comparison",
                                     completions: Comparison.completions),
                      PositionalSpec("VALUE", "the number to compare with")],
        parameters: [tol.spec, after.spec],
        examples: ["expect modes.modes >= 7", "expect js ~ 0.69 tol=0.05", "expect grad_norm_g.ratio < 1e-3 after=500",
                   "expect critic.js ~ histogram.js tol=0.01", "expect fd.fd.maxrise < 5 after=400"])
    static let runsDuringTraining = true
    static let tol: ParameterKey<Double> = .real("tol", 0...1e30, default: 0, "tolerance for ~ and ==")
    static let after: ParameterKey<Int> = .integer("after", 0...1_000_000_000, default: 0,
                                                   "summaries (COLUMN.min, …) use only the iterations after this one")

    /// How the quantity is compared with the value.
    enum Comparison: String, CommandWord {
        case less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", equal = "==", unequal = "!=", near = "~"

        /// Whether the comparison uses the tolerance.
        var usesTolerance: Bool { [.equal, .unequal, .near].contains(self) }
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.expect(invocation) }
}

extension Interpreter {
    /// `expect QUANTITY OP VALUE [tol=…]`
    func expect(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard invocation.positionals.count == 3 else {
            throw invocation.failure("expect needs QUANTITY OP VALUE; usage: \(invocation.spec.usage)")
        }
        let (quantityNode, opNode, valueNode) = (invocation.positionals[0], invocation.positionals[1], invocation.positionals[2])
        // VALUE is a number or another quantity ("expect critic.js ~ histogram.js tol=0.01").
        let expected: Double
        var expectedText = valueNode.text
        let number: Double?
        do throws(NumberError) {
            number = try NumberSyntax.real(valueNode.text)
        } catch where error.reason == .notANumber {
            number = nil
        } catch {
            throw invocation.failure("expect: \(error)", at: valueNode.range)
        }
        if let number {
            expected = number
        } else {
            expected = try quantity(valueNode.text, invocation, after: parameters[ExpectCommand.after], at: valueNode.range)
            expectedText += " (\(NumberText.format(expected)))"
        }
        let actual = try quantity(quantityNode.text, invocation, after: parameters[ExpectCommand.after], at: quantityNode.range)
        let tolerance = parameters[ExpectCommand.tol]
        let holds: Bool
        typealias Comparison = ExpectCommand.Comparison
        guard let comparison = Comparison(rawValue: opNode.text) else {
            throw invocation.failure("unknown comparison '\(opNode.text)'; expected one of \(Comparison.words.joined(separator: " "))",
                                     at: opNode.range)
        }
        switch comparison {
        case .less: holds = actual < expected
        case .lessOrEqual: holds = actual <= expected
        case .greater: holds = actual > expected
        case .greaterOrEqual: holds = actual >= expected
        case .equal, .near: holds = abs(actual - expected) <= tolerance
        case .unequal: holds = abs(actual - expected) > tolerance
        }
        expectationObserver?(quantityNode.text, actual, holds)
        let shown = "\(quantityNode.text) = \(NumberText.format(actual))"
        guard holds else {
            failedExpectations += 1
            let within = comparison.usesTolerance ? " (tol \(NumberText.format(tolerance)))" : ""
            throw invocation.failure("expectation failed: \(shown), expected \(opNode.text) \(expectedText)\(within)",
                                     at: quantityNode.range)
        }
        say("ok: \(shown) \(opNode.text) \(expectedText)")
    }

    /// The value of a quantity `expect` can check: the iteration, the last value of a recorded column, a
    /// summary of a column (COLUMN.first, .last, .min, .max, .mean, .ratio = last / first, .maxrise, over the
    /// iterations after `after`), METRIC.VALUE of the latest measurement, or METRIC.VALUE.SUMMARY over the measurements
    /// the history kept.
    func quantity(_ name: String, _ invocation: Invocation, after: Int, at range: SourceRange) throws -> Double {
        if name == "iteration" { return Double(session.game?.rows.count ?? session.iteration) }
        func values(_ series: [Double], _ column: String) throws -> ArraySlice<Double> {
            let kept = series.dropFirst(after)
            guard !kept.isEmpty else {
                throw invocation.failure(series.isEmpty ? "\(column) has no value yet: no iteration has run"
                                                        : "\(column) has no value after iteration \(after)", at: range)
            }
            return kept
        }
        if let series = session.recordSeries(name) { return try values(series, name).last! }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 2, let series = session.recordSeries(parts[0]) {
            return try summary(parts[1], of: try values(series, parts[0]), parts[0], invocation, at: range)
        }
        if parts.count == 2 || parts.count == 3 {
            // A command's own figures (divergence, emd) are kept under its name, which may also be a metric's alias.
            let metricName = latestReports[parts[0]]?.value(parts[1]) != nil && parts.count == 2 ? parts[0]
                : Plugins.metrics.named(parts[0])?.spec.name ?? parts[0]
            guard let report = latestReports[metricName] else {
                throw invocation.failure("no measurement of \(parts[0]) yet; run metric \(parts[0]) first", at: range)
            }
            guard let value = report.value(parts[1]) else {
                throw invocation.failure("metric \(metricName) reports no '\(parts[1])'; it reports \(report.values.map(\.name).joined(separator: ", "))",
                                         at: range)
            }
            if parts.count == 2 { return value }
            let series = session.history.measurements.filter { $0.report.metric == metricName && $0.iteration > after }
                .compactMap { $0.report.value(parts[1]) }
            guard !series.isEmpty else {
                throw invocation.failure("the history keeps no measurement of \(parts[0]).\(parts[1])"
                                         + (after > 0 ? " after iteration \(after)" : ""), at: range)
            }
            return try summary(parts[2], of: series[...], "\(parts[0]).\(parts[1])", invocation, at: range)
        }
        let columns = session.recordTable.columns.dropFirst().filter { $0 != "seconds" }
        throw invocation.failure("unknown quantity '\(name)'" + (Suggestion.closest(to: name, among: ["iteration"] + columns).map { "; did you mean '\($0)'?" } ?? "")
                                 + "; expect checks iteration, a recorded column (\(columns.joined(separator: ", "))), COLUMN.SUMMARY, METRIC.VALUE or METRIC.VALUE.SUMMARY (SUMMARY: first, last, min, max, mean, ratio, maxrise)",
                                 at: range)
    }

    /// first, last, min, max, mean, ratio (last / first) or maxrise of a series. maxrise, the largest step up
    /// between consecutive values, tells a course that falls steadily from one that falls on average but
    /// jumps back up on the way, which first, last and ratio cannot.
    func summary(_ kind: String, of values: ArraySlice<Double>, _ what: String, _ invocation: Invocation,
                         at range: SourceRange) throws -> Double {
        switch kind {
        case "first": return values.first!
        case "last": return values.last!
        case "min": return values.min()!
        case "max": return values.max()!
        case "mean": return values.reduce(0, +) / Double(values.count)
        case "ratio": return values.last! / values.first!
        case "maxrise": return zip(values, values.dropFirst()).map { $1 - $0 }.reduce(0, max)
        default:
            throw invocation.failure("unknown summary '\(kind)' of \(what); expected first, last, min, max, mean, ratio or maxrise", at: range)
        }
    }
}
