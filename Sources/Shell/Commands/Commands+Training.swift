import Foundation
import Kernels
import Workbench

extension Interpreter {

    /// Throws the error the command would give for a plugin name that names no plugin (`metric modez`).
    func checkPluginName(_ command: Command, _ spec: CommandSpec) throws {
        guard let kind = spec.pluginKind, kind != .model else { return }
        let invocation = try Invocation(command: command, spec: spec)
        guard spec.pluginPositional < invocation.positionals.count else { return }
        let specs = Self.pluginSpecs(kind)
        _ = try plugin(invocation, kind.rawValue, specs, at: spec.pluginPositional, spec: { $0 }, named: { name in
            specs.first { $0.name == name.lowercased() || $0.aliases.contains(name.lowercased()) }
        })
    }

    /// Records `ran` iterations in the journal. With every=K the loop journaled each completed `step K`
    /// (before the action's own lines), so only the remainder is left.
    func journalSteps(_ ran: Int, every: Int) {
        let remainder = every > 0 ? ran % every : ran
        if remainder > 0 { session.record(.steps(remainder)) }
    }

    /// One line for the end of a step: where training stands.
    func summaryLine(_ row: HistoryRow) -> String {
        var parts = ["iteration \(row.iteration)", "D loss \(NumberText.format(row.discriminatorLoss))",
                     "G loss \(NumberText.format(row.generatorLoss))",
                     "|grad G| \(NumberText.format(row.generatorGradientNorm))"]
        if row.wassersteinEstimate.isFinite { parts.append("W estimate \(NumberText.format(row.wassersteinEstimate))") }
        if row.jsEstimate.isFinite { parts.append("JS estimate \(NumberText.format(row.jsEstimate))") }
        return parts.joined(separator: "  ")
    }

    /// The live view's interval for this step: `watch=K` when given (0: none), else the `watch on`
    /// setting (0 there: about 50 frames per step); nil for no live view.
    func liveViewInterval(_ parameters: ParameterValues, iterations: Int) -> Int? {
        let every = parameters.explicitNames.contains(StepCommand.watch.name) ? parameters[StepCommand.watch] : watchEvery
        guard let every, every > 0 || !parameters.explicitNames.contains(StepCommand.watch.name) else { return nil }
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
        let f = { (x: Double) in NumberText.format(x) }
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

}
