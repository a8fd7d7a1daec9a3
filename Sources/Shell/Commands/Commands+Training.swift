import Autodiff
import Foundation
import Workbench

extension Interpreter {
    /// `step [N] [every=K do="…"]`, `step d`, `step g`
    func step(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        if let node = invocation.positionals.first, node.text == "d" || node.text == "g" {
            let report = node.text == "d" ? try session.stepDiscriminator() : try session.stepGenerator()
            describe(report)
            session.journal.append("step \(node.text)")
            return
        }
        var count = 1
        if let node = invocation.positionals.first {
            guard let value = Int(node.text), value >= 0 else {
                throw invocation.failure("step \(node.text): expected a number of iterations, d or g", at: node.range)
            }
            count = value
        }
        let every = parameters.integer("every")
        let action = parameters.text("do")
        if every > 0 && action.isEmpty { throw invocation.failure("every=\(every) needs do=\"commands\"") }
        if !action.isEmpty && every == 0 { throw invocation.failure("do=\"…\" needs every=K") }
        // The action is parsed and checked before training starts, so a typo cannot waste a run.
        let actionRange = invocation.named.last { $0.name == "do" }?.value.range
        if !action.isEmpty {
            do {
                for command in try Parser.parseScript(action, file: "<do>") {
                    let spec = try CommandTable.resolve(command)
                    guard Self.actionsAllowedDuringTraining.contains(spec.name) else {
                        throw invocation.failure("do=\"…\" cannot run \(spec.name) while training; it may run "
                                                 + Self.actionsAllowedDuringTraining.joined(separator: ", "), at: actionRange)
                    }
                    if spec.name == "checkpoint" && command.positionals.first?.text != "save" {
                        throw invocation.failure("do=\"…\" may save checkpoints while training, not load them", at: actionRange)
                    }
                }
            } catch let diagnostic as Diagnostic where diagnostic.range?.start.file == "<do>" {
                throw invocation.failure("in do=\"…\": \(diagnostic.message)", at: actionRange)
            }
        }
        // A failing action undoes the whole command (its iterations included): all or nothing.
        let before = action.isEmpty ? nil : session.makeSnapshot()
        let start = session.iteration
        let started = Date()
        var lastProgress = Date.distantPast
        var actionError: Error?
        var trainingError: Error?
        var report = TrainingReport(iterationsRun: 0, interrupted: false)
        do {
            report = try session.train(iterations: count, shouldStop: { actionError != nil || environment.interruptRequested() }) { row in
                let done = row.iteration - start
                if environment.isTerminal, Date().timeIntervalSince(lastProgress) > 0.1 || done == count {
                    lastProgress = Date()
                    environment.writeProgress(progressLine(done: done, of: count, row: row, elapsed: Date().timeIntervalSince(started)))
                }
                if every > 0 && done % every == 0 {
                    if environment.isTerminal { environment.writeProgress("") }
                    // Journal first, so a saved script replays the action at the same point.
                    session.journal.append("step \(every)")
                    do {
                        try runSource(action, file: "<do>")
                    } catch {
                        actionError = error
                    }
                }
            }
        } catch {
            trainingError = error
        }
        if environment.isTerminal { environment.writeProgress("") }
        let ran = session.iteration - start
        journalSteps(ran, every: every)
        if let actionError {
            if let before { session.install(before) }
            let message = (actionError as? Diagnostic)?.message ?? "\(actionError)"
            throw invocation.failure("in do=\"…\" after iteration \(start + (ran / max(every, 1)) * every): \(message); "
                                     + "the step was undone (the session is at iteration \(session.iteration))", at: actionRange)
        }
        if let trainingError { throw invocation.failure("\(trainingError)") }
        if report.interrupted {
            say("interrupted after \(ran) of \(count) iterations; the session is at iteration \(session.iteration)")
        }
        if let row = session.history.rows.last, ran > 0 { say(summaryLine(row)) }
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

    /// The in-place progress line of a terminal.
    func progressLine(done: Int, of total: Int, row: HistoryRow, elapsed: Double) -> String {
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        let barWidth = 24
        let filled = Int(fraction * Double(barWidth))
        let bar = String(repeating: "━", count: filled) + String(repeating: " ", count: barWidth - filled)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let remaining = rate > 0 ? Double(total - done) / rate : 0
        return "  \(done)/\(total) \(bar) \(Int(fraction * 100))%  D \(Tensor.format(Float(row.discriminatorLoss)))"
            + "  G \(Tensor.format(Float(row.generatorLoss)))  \(Int(rate)) it/s  ETA \(String(format: "%.1f", remaining)) s"
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
        let type = try plugin(invocation, "metric", MetricRegistry.all, spec: { $0.spec }, named: MetricRegistry.named)
        let parameters = try ParameterValues(type.spec, assignments: invocation.assignments)
        let metric = try type.init(parameters)
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
        guard let expected = Double(valueNode.text) else {
            throw invocation.failure("'\(valueNode.text)' is not a number", at: valueNode.range)
        }
        let actual = try quantity(quantityNode.text, invocation, at: quantityNode.range)
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
            throw invocation.failure("expectation failed: \(shown), expected \(opNode.text) \(valueNode.text)\(within)",
                                     at: quantityNode.range)
        }
        say("ok: \(shown) \(opNode.text) \(valueNode.text)")
    }

    /// The value of a quantity `expect` can check.
    func quantity(_ name: String, _ invocation: Invocation, at range: SourceRange) throws -> Double {
        if name == "iteration" { return Double(session.iteration) }
        if let series = session.history.series(name) {
            guard let last = series.last else {
                throw invocation.failure("\(name) has no value yet: no iteration has run", at: range)
            }
            return last
        }
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            let metricName = MetricRegistry.named(parts[0])?.spec.name ?? parts[0]
            guard let report = latestReports[metricName] else {
                throw invocation.failure("no measurement of \(parts[0]) yet; run metric \(parts[0]) first", at: range)
            }
            guard let value = report.value(parts[1]) else {
                throw invocation.failure("metric \(metricName) reports no '\(parts[1])'; it reports \(report.values.map(\.name).joined(separator: ", "))",
                                         at: range)
            }
            return value
        }
        let known = ["iteration"] + History.columns.filter { $0 != "seconds" }
        throw invocation.failure("unknown quantity '\(name)'" + (Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? "")
                                 + "; expect checks iteration, a history column (\(History.columns.dropFirst().filter { $0 != "seconds" }.joined(separator: ", "))) or METRIC.VALUE",
                                 at: range)
    }

    /// `repeat N { … }`
    func repeatBlock(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first, let count = Int(node.text), count >= 0 else {
            throw invocation.failure("repeat needs a non-negative count; usage: repeat N { … }",
                                     at: invocation.positionals.first?.range)
        }
        guard let block = invocation.command.block else {
            throw invocation.failure("repeat needs a block of commands in braces: repeat \(count) { … }")
        }
        for _ in 0..<count {
            if quitRequested || environment.interruptRequested() { break }
            for command in block { try perform(command) }
        }
    }
}
