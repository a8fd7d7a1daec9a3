import Autodiff
import Foundation
import Kernels
import Workbench

extension Interpreter {
    /// `step [N] [every=K do="…"]`, `step d`, `step g`
    func step(_ invocation: Invocation) throws {
        if session.game != nil { return try stepGame(invocation) }
        let parameters = try invocation.commandParameters()
        if let node = invocation.positionals.first, node.text == "d" || node.text == "g" {
            let report = node.text == "d" ? try session.stepDiscriminator() : try session.stepGenerator()
            describe(report)
            session.journal.append("step \(node.text)")
            return
        }
        var count = 1
        if let node = invocation.positionals.first {
            count = try invocation.integer(node, in: 0...Int.max, subject: "step",
                                           otherwise: "step \(node.text): expected a number of iterations, d or g")
        }
        let every = parameters.integer("every")
        let action = parameters.text("do")
        if every > 0 && action.isEmpty { throw invocation.failure("every=\(every) needs do=\"commands\"") }
        if !action.isEmpty && every == 0 { throw invocation.failure("do=\"…\" needs every=K") }
        // The action is parsed and checked before training starts (verbs, arguments, plugin names and their
        // parameters), so a typo cannot waste a run.
        let actionRange = invocation.named.last { $0.name == "do" }?.value.range
        if !action.isEmpty {
            do {
                if let problem = Self.check(action, file: "<do>").first { throw problem }
                for command in try Parser.parseScript(action, file: "<do>") {
                    let spec = try CommandTable.resolve(command)
                    guard Self.actionsAllowedDuringTraining.contains(spec.name) else {
                        throw invocation.failure("do=\"…\" cannot run \(spec.name) while training; it may run "
                                                 + Self.actionsAllowedDuringTraining.joined(separator: ", "), at: actionRange)
                    }
                    if spec.name == "checkpoint" && command.positionals.first?.text != "save" {
                        throw invocation.failure("do=\"…\" may save checkpoints while training, not load them", at: actionRange)
                    }
                    try checkPluginName(command, spec)
                }
            } catch let diagnostic as Diagnostic where diagnostic.range?.start.file == "<do>" {
                throw invocation.failure("in do=\"…\": \(diagnostic.message)", at: actionRange)
            }
        }
        // A failing action stops training at that boundary and keeps what was trained: the iterations, the
        // journal (each completed `step K` and the action's commands that ran) and the history.
        let start = session.iteration
        let started = Date()
        var lastProgress = Date.distantPast
        var actionFailure: (error: Error, iteration: Int)?
        var trainingError: Error?
        var report = TrainingReport(iterationsRun: 0, interrupted: false)
        let frameEvery = liveViewInterval(parameters, iterations: count)
        // `watch on` already said so once; an explicit watch=K says it each time.
        if frameEvery != nil && parameters.explicitNames.contains("watch") && !environment.isTerminal && count > 0 {
            say("(no live view: output is not a terminal)")
        }
        let live = frameEvery != nil && environment.isTerminal && count > 0 ? LiveRegion(write: environment.writeTerminal) : nil
        // Whatever ends the step (the last iteration, Ctrl-C, an error), the cursor comes back.
        defer { live?.finish() }
        var lastFrame = Date.distantPast
        if environment.isTerminal && count > 0 {
            // The first iteration of a large network can take seconds: say at once that training started.
            environment.writeProgress(startingLine(of: count))
            environment.armStopNotice(true)
        }
        defer { environment.armStopNotice(false) }
        do {
            report = try session.train(iterations: count, shouldStop: { actionFailure != nil || environment.interruptRequested() }) { row in
                if refreshTerminalSize() { live?.windowResized() }
                let done = row.iteration - start
                let elapsed = Date().timeIntervalSince(started)
                if let live, let frameEvery, done % frameEvery == 0 || done == count,
                   Date().timeIntervalSince(lastFrame) >= liveViewFrameInterval || done == count {
                    lastFrame = Date()
                    lastProgress = lastFrame
                    let dashboard = Dashboard(session: session, width: environment.width, height: environment.height,
                                              style: environment.colour ? .colour : .ascii)
                    environment.armStopNotice(false)
                    live.draw(dashboard.lines() + [progressLine(done: done, of: count, row: row, elapsed: elapsed)])
                    environment.armStopNotice(true)
                } else if environment.isTerminal, Date().timeIntervalSince(lastProgress) > 0.1 || done == count {
                    lastProgress = Date()
                    environment.armStopNotice(false)
                    environment.writeProgress(progressLine(done: done, of: count, row: row, elapsed: elapsed))
                    environment.armStopNotice(true)
                }
                if every > 0 && done % every == 0 {
                    environment.armStopNotice(false)
                    if environment.isTerminal { environment.writeProgress("") }
                    live?.detach()
                    // Journal first, so a saved script replays the action at the same point.
                    session.journal.append("step \(every)")
                    do {
                        try runSource(action, file: "<do>")
                    } catch {
                        actionFailure = (error, row.iteration)
                    }
                }
            }
        } catch {
            trainingError = error
        }
        environment.armStopNotice(false)
        if environment.isTerminal { environment.writeProgress("") }
        let ran = session.iteration - start
        journalSteps(ran, every: every)
        if let actionFailure {
            let message = (actionFailure.error as? Diagnostic)?.message ?? "\(actionFailure.error)"
            throw invocation.failure("in do=\"…\" after iteration \(actionFailure.iteration): \(message); training stopped there "
                                     + "and kept its \(ran) of \(count) iterations (the session is at iteration \(session.iteration))",
                                     at: actionRange)
        }
        if let trainingError { throw invocation.failure("\(trainingError)") }
        if report.interrupted {
            let undone = report.undoneIteration.map { "; iteration \(session.iteration + 1) was stopped \($0) and undone" } ?? ""
            say("interrupted after \(ran) of \(count) iterations\(undone); the session is at iteration \(session.iteration)")
        }
        if let row = session.history.rows.last, ran > 0 { say(summaryLine(row)) }
    }

    /// Throws the error the command would give for a plugin name that names no plugin (`metric modez`).
    private func checkPluginName(_ command: Command, _ spec: CommandSpec) throws {
        guard let kind = spec.pluginKind, kind != .model else { return }
        let invocation = try Invocation(command: command, spec: spec)
        guard spec.pluginPositional < invocation.positionals.count else { return }
        let specs = Self.pluginSpecs(kind)
        _ = try plugin(invocation, kind.rawValue, specs, at: spec.pluginPositional, spec: { $0 }, named: { name in
            specs.first { $0.name == name.lowercased() || $0.aliases.contains(name.lowercased()) }
        })
    }

    /// The commands `step … do="…"` may run between iterations: they measure, print, keep, or change
    /// what the next iteration uses, but never restart or rebuild the run in progress.
    static let actionsAllowedDuringTraining = ["metric", "expect", "echo", "show", "list", "help", "snapshot", "save",
                                               "history", "loss", "optimizer", "trick", "batch", "checkpoint", "export"]

    /// Records `ran` iterations in the journal. With every=K the loop journaled each completed `step K`
    /// (before the action's own lines), so only the remainder is left.
    private func journalSteps(_ ran: Int, every: Int) {
        let remainder = every > 0 ? ran % every : ran
        if remainder > 0 { session.journal.append("step \(remainder)") }
    }

    /// One line for the end of a step: where training stands.
    func summaryLine(_ row: HistoryRow) -> String {
        var parts = ["iteration \(row.iteration)", "D loss \(Tensor.format(Float(row.discriminatorLoss)))",
                     "G loss \(Tensor.format(Float(row.generatorLoss)))",
                     "|grad G| \(Tensor.format(Float(row.generatorGradientNorm)))"]
        if row.wassersteinEstimate.isFinite { parts.append("W estimate \(Tensor.format(Float(row.wassersteinEstimate)))") }
        if row.jsEstimate.isFinite { parts.append("JS estimate \(Tensor.format(Float(row.jsEstimate)))") }
        return parts.joined(separator: "  ")
    }

    /// The live view's interval for this step: `watch=K` when given (0: none), else the `watch on`
    /// setting (0 there: about 50 frames per step); nil for no live view.
    func liveViewInterval(_ parameters: ParameterValues, iterations: Int) -> Int? {
        let every = parameters.explicitNames.contains("watch") ? parameters.integer("watch") : watchEvery
        guard let every, every > 0 || !parameters.explicitNames.contains("watch") else { return nil }
        return every > 0 ? every : max(1, iterations / 50)
    }

    /// The in-place progress line of a terminal: the session's iteration, how far the step is, the rate,
    /// the time left and the latest losses, cut to the terminal's width (a line that wrapped could no
    /// longer be rewritten in place). After Ctrl-C it says that training is stopping.
    func progressLine(done: Int, of total: Int, row: HistoryRow, elapsed: Double) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        let head = "  iteration \(row.iteration)  \(done)/\(total) "
        let tail = " \(Int(fraction * 100))%  \(rate >= 10 ? String(Int(rate)) : String(format: "%.1f", rate)) it/s"
            + "  ETA \(Self.duration(remaining))  D \(String(format: "%.3g", row.discriminatorLoss))"
            + "  G \(String(format: "%.3g", row.generatorLoss))"
        if environment.interruptRequested() { return fitted(head + " " + InterruptFlag.stoppingNotice) }
        // The bar takes what room is left, up to 24 columns.
        let barWidth = min(24, max(0, environment.width - 1 - head.count - tail.count))
        let filled = Int(fraction * Double(barWidth))
        let bar = String(repeating: environment.colour ? "━" : "#", count: filled) + String(repeating: " ", count: barWidth - filled)
        return fitted(head + bar + tail)
    }

    /// The progress line before the first iteration has ended.
    func startingLine(of total: Int) -> String {
        fitted("  iteration \(session.iteration)  0/\(total)  starting…")
    }

    /// A line cut to the terminal's width less one column (writing the last column would wrap on some
    /// terminals).
    private func fitted(_ line: String) -> String { String(line.prefix(max(environment.width - 1, 20))) }

    /// "4.2 s", "3 min 07 s", "2 h 05 min".
    static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }

    /// What one D or G update did, stage by stage.
    func describe(_ report: UpdateReport) {
        let f = { (x: Double) in Tensor.format(Float(x)) }
        if report.player == .discriminator {
            say("D update (iteration \(session.iteration + 1)):")
            say("  drew \(report.realSamples) real samples (stream data) and \(report.noiseSamples) noise vectors (stream noise); x̃ = G(z)")
            say("  mean D(x) \(f(report.realScore))  mean D(x̃) \(f(report.fakeScore))")
        } else {
            say("G update (completes iteration \(session.iteration)):")
            say("  drew \(report.noiseSamples) noise vectors (stream noise); x̃ = G(z)")
            say("  mean D(x̃) \(f(report.fakeScore))")
        }
        say("  loss \(f(report.loss))  |gradient| \(f(report.gradientNorm))  |update| \(f(report.updateNorm))")
    }

    /// `metric NAME key=value…`
    func metric(_ invocation: Invocation) throws {
        let type = try plugin(invocation, "metric", Plugins.metrics.all, spec: { $0.spec }, named: Plugins.metrics.named)
        let parameters = try ParameterValues(type.spec, assignments: invocation.assignments)
        let metric = try type.init(parameters)
        if session.game != nil {
            throw invocation.failure("a toy game is being played: metrics measure the networks' samples; game off returns to them")
        }
        let report = try session.measure(metric)
        latestReports[type.spec.name] = report
        session.journal.append((["metric", type.spec.name] + parameters.assignments(explicitOnly: true)).joined(separator: " "))
        let values = report.values.map { "\($0.name) \(Tensor.format(Float($0.value)))" }.joined(separator: "  ")
        say("\(type.spec.name): \(values)")
        for note in report.notes { say("  note: \(note)") }
    }

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
            expected = try quantity(valueNode.text, invocation, after: parameters.integer("after"), at: valueNode.range)
            expectedText += " (\(Tensor.format(Float(expected))))"
        }
        let actual = try quantity(quantityNode.text, invocation, after: parameters.integer("after"), at: quantityNode.range)
        let tolerance = parameters.real("tol")
        let holds: Bool
        switch opNode.text {
        case "<": holds = actual < expected
        case "<=": holds = actual <= expected
        case ">": holds = actual > expected
        case ">=": holds = actual >= expected
        case "==": holds = abs(actual - expected) <= tolerance
        case "!=": holds = abs(actual - expected) > tolerance
        case "~": holds = abs(actual - expected) <= tolerance
        default:
            throw invocation.failure("unknown comparison '\(opNode.text)'; expected one of < <= > >= == != ~", at: opNode.range)
        }
        let shown = "\(quantityNode.text) = \(Tensor.format(Float(actual)))"
        guard holds else {
            let within = opNode.text == "~" || opNode.text == "==" || opNode.text == "!=" ? " (tol \(Tensor.format(Float(tolerance))))" : ""
            throw invocation.failure("expectation failed: \(shown), expected \(opNode.text) \(expectedText)\(within)",
                                     at: quantityNode.range)
        }
        say("ok: \(shown) \(opNode.text) \(expectedText)")
    }

    /// The value of a quantity `expect` can check: the iteration, the last value of a recorded column, a
    /// summary of a column (COLUMN.first, .last, .min, .max, .mean, .ratio = last / first, over the iterations
    /// after `after`), METRIC.VALUE of the latest measurement, or METRIC.VALUE.SUMMARY over the measurements
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
            let metricName = Plugins.metrics.named(parts[0])?.spec.name ?? parts[0]
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
                                 + "; expect checks iteration, a recorded column (\(columns.joined(separator: ", "))), COLUMN.SUMMARY, METRIC.VALUE or METRIC.VALUE.SUMMARY (SUMMARY: first, last, min, max, mean, ratio)",
                                 at: range)
    }

    /// first, last, min, max, mean or ratio (last / first) of a series.
    private func summary(_ kind: String, of values: ArraySlice<Double>, _ what: String, _ invocation: Invocation,
                         at range: SourceRange) throws -> Double {
        switch kind {
        case "first": return values.first!
        case "last": return values.last!
        case "min": return values.min()!
        case "max": return values.max()!
        case "mean": return values.reduce(0, +) / Double(values.count)
        case "ratio": return values.last! / values.first!
        default:
            throw invocation.failure("unknown summary '\(kind)' of \(what); expected first, last, min, max, mean or ratio", at: range)
        }
    }

    /// `repeat N { … }`
    func repeatBlock(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else {
            throw invocation.failure("repeat needs a non-negative count; usage: repeat N { … }")
        }
        let count = try invocation.integer(node, in: 0...Int.max, subject: "repeat",
                                           otherwise: "repeat needs a non-negative count; usage: repeat N { … }")
        guard let block = invocation.command.block else {
            throw invocation.failure("repeat needs a block of commands in braces: repeat \(count) { … }")
        }
        for _ in 0..<count {
            if quitRequested || environment.interruptRequested() { break }
            for command in block { try perform(command) }
        }
    }
}
