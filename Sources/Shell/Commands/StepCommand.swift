import Foundation
import Kernels
import Workbench

/// The `step` command.
enum StepCommand: ShellCommand {
    static let spec = CommandSpec(
        "step", summary: "train N iterations (n_critic D updates then one G update each), or one D or G update",
        discussion: "step N runs N generator iterations and prints where training stands. every=K do=\"commands\" runs the commands after every K iterations; if one of them fails, training stops there and keeps the iterations it ran (the error says at which iteration). step d runs one D update and step g one G update, printing each stage (GAN Lab style); step g completes an iteration. Ctrl-C says it is stopping at once and stops before the next D or G update: an iteration it cuts short is undone, so the session is as it was after the last whole iteration. A NaN or infinity stops training at that iteration and keeps the last good state. On a terminal one line shows the iteration, the rate, the time left and the latest losses from the start of the step, at the terminal's current width; watch=K (or watch on) also redraws the samples over D's heat map and the loss curves every K iterations.",
        positionals: [PositionalSpec("N|" + SingleUpdate.choice, "iterations (default 1), or d / g for one update", completions: SingleUpdate.completions,
                                     optional: true)],
        parameters: [every.spec, actions.spec, watch.spec],
        examples: ["step 500", "step 2000 every=500 do=\"metric modes\"", "step 5000 watch=100", "step d", "step g"])
    static let role = CommandRole.recorded

    /// One update of one player instead of whole iterations.
    enum SingleUpdate: String, CommandWord {
        case d, g
    }

    static let every: ParameterKey<Int> = .integer("every", 0...1_000_000_000, default: 0,
                                                   "run `do` after every this many iterations (0: never)")
    static let actions: ParameterKey<String> = .text("do", default: "", "commands to run every `every` iterations")
    static let watch: ParameterKey<Int> = .integer("watch", 0...1_000_000_000, default: 0,
                                                   "on a terminal, redraw a live view every this many iterations (0: as watch on|off says)")

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.step(invocation) }
}

extension Interpreter {
    /// `step [N] [every=K do="…"]`, `step d`, `step g`
    func step(_ invocation: Invocation) throws {
        if session.game != nil { return try stepGame(invocation) }
        let parameters = try invocation.commandParameters()
        if let node = invocation.positionals.first, let update = StepCommand.SingleUpdate(rawValue: node.text) {
            let player: Player = update == .d ? .discriminator : .generator
            describe(player == .discriminator ? try session.stepDiscriminator() : try session.stepGenerator())
            session.record(.update(player))
            return
        }
        var count = 1
        if let node = invocation.positionals.first {
            count = try invocation.integer(node, in: 0...Int.max, subject: "step",
                                           otherwise: "step \(node.text): expected a number of iterations, \(StepCommand.SingleUpdate.alternatives)")
        }
        let every = parameters[StepCommand.every]
        let action = parameters[StepCommand.actions]
        if every > 0 && action.isEmpty { throw invocation.failure("every=\(every) needs do=\"commands\"") }
        if !action.isEmpty && every == 0 { throw invocation.failure("do=\"…\" needs every=K") }
        try checkStepAction(action, invocation)
        try train(count, every: every, action: action, parameters, invocation)
    }

    /// Parses and checks `do=`'s commands before training starts (verbs, arguments, plugin names and their
    /// parameters, and that each may run while training), so a typo cannot waste a run.
    private func checkStepAction(_ action: String, _ invocation: Invocation) throws {
        guard !action.isEmpty else { return }
        let actionRange = invocation.valueRange(of: StepCommand.actions)
        do {
            if let problem = Self.check(action, file: "<do>").first { throw problem }
            for command in try Parser.parseScript(action, file: "<do>") {
                let spec = try CommandTable.resolve(command)
                let type = CommandTable.command(named: spec.name)!
                guard type.runsDuringTraining else {
                    throw invocation.failure("do=\"…\" cannot run \(spec.name) while training; it may run "
                                             + CommandTable.actionsAllowedDuringTraining.joined(separator: ", "), at: actionRange)
                }
                if let refusal = type.refusalDuringTraining(command.positionals.map(\.text)) {
                    throw invocation.failure(refusal, at: actionRange)
                }
                try checkPluginName(command, spec)
            }
        } catch let diagnostic as Diagnostic where diagnostic.range?.start.file == "<do>" {
            throw invocation.failure("in do=\"…\": \(diagnostic.message)", at: actionRange)
        }
    }

    /// Trains `count` iterations, running `action` after every `every`, showing progress on a terminal. A
    /// failing action stops training at that boundary and keeps what was trained: the iterations, the
    /// journal (each completed `step K` and the action's commands that ran) and the history.
    private func train(_ count: Int, every: Int, action: String, _ parameters: ParameterValues, _ invocation: Invocation) throws {
        let start = session.iteration
        var actionFailure: (error: Error, iteration: Int)?
        var trainingError: Error?
        var report = TrainingReport(iterationsRun: 0, interrupted: false)
        let frameEvery = liveViewInterval(parameters, iterations: count)
        // `watch on` already said so once; an explicit watch=K says it each time.
        if frameEvery != nil && parameters.explicitNames.contains(StepCommand.watch.name) && !environment.isTerminal && count > 0 {
            say("(no live view: output is not a terminal)")
        }
        let display = StepDisplay(shell: self, count: count, frameEvery: environment.isTerminal && count > 0 ? frameEvery : nil)
        // Whatever ends the step (the last iteration, Ctrl-C, an error), the cursor comes back.
        defer { display.live?.finish() }
        if environment.isTerminal && count > 0 {
            // The first iteration of a large network can take seconds: say at once that training started.
            environment.writeProgress(startingLine(of: count))
            environment.armStopNotice(true)
        }
        defer { environment.armStopNotice(false) }
        do {
            report = try session.train(iterations: count, shouldStop: { actionFailure != nil || environment.interruptRequested() }) { row in
                let done = row.iteration - start
                display.show(row, done: done)
                if every > 0 && done % every == 0 {
                    environment.armStopNotice(false)
                    if environment.isTerminal { environment.writeProgress("") }
                    display.live?.detach()
                    // Journal first, so a saved script replays the action at the same point.
                    session.record(.steps(every))
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
                                     at: invocation.valueRange(of: StepCommand.actions))
        }
        if let trainingError { throw invocation.failure("\(trainingError)") }
        if report.interrupted {
            let undone = report.undoneIteration.map { "; iteration \(session.iteration + 1) was stopped \($0) and undone" } ?? ""
            say("interrupted after \(ran) of \(count) iterations\(undone); the session is at iteration \(session.iteration)")
        }
        if let row = session.history.rows.last, ran > 0 { say(summaryLine(row)) }
    }
}

/// What a terminal shows while `step` trains: the progress line, and the live view every `frameEvery`
/// iterations (no faster than `liveViewFrameInterval`).
private final class StepDisplay {
    let shell: Interpreter
    let count: Int
    let frameEvery: Int?
    let live: LiveRegion?
    let started = Date()
    var lastProgress = Date.distantPast
    var lastFrame = Date.distantPast

    init(shell: Interpreter, count: Int, frameEvery: Int?) {
        self.shell = shell
        self.count = count
        self.frameEvery = frameEvery
        live = frameEvery != nil ? LiveRegion(write: shell.environment.writeTerminal) : nil
    }

    /// Redraws after the iteration of `row`, the `done`-th of the step.
    func show(_ row: HistoryRow, done: Int) {
        let environment = shell.environment
        if shell.refreshTerminalSize() { live?.windowResized() }
        let elapsed = Date().timeIntervalSince(started)
        if let live, let frameEvery, done % frameEvery == 0 || done == count,
           Date().timeIntervalSince(lastFrame) >= shell.liveViewFrameInterval || done == count {
            lastFrame = Date()
            lastProgress = lastFrame
            let dashboard = Dashboard(session: shell.session, width: environment.width, height: environment.height,
                                      style: environment.colour ? .colour : .ascii, imageStyle: shell.imageCellStyle)
            environment.armStopNotice(false)
            live.draw(dashboard.lines() + [shell.progressLine(done: done, of: count, row: row, elapsed: elapsed)])
            environment.armStopNotice(true)
        } else if environment.isTerminal, Date().timeIntervalSince(lastProgress) > 0.1 || done == count {
            lastProgress = Date()
            environment.armStopNotice(false)
            environment.writeProgress(shell.progressLine(done: done, of: count, row: row, elapsed: elapsed))
            environment.armStopNotice(true)
        }
    }
}
