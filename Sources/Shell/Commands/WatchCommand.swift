import Foundation
import Plotting
import Workbench

/// The `watch` command.
enum WatchCommand: ShellCommand {
    static let spec = CommandSpec(
        "watch", summary: "show a live view while step trains on a terminal: watch on [every=K] | watch off",
        discussion: "With watch on, step N on a terminal redraws a compact view in place every K iterations (every=0: about 50 times per step, at most ten frames a second): the samples over D's heat map (a grid of G's images of one fixed batch of noise when the data are images), sparklines of both losses, and the progress line; step N watch=K does it for one step. Ctrl-C stops before the next D or G update with the session consistent (an iteration cut short is undone) and the terminal restored (cursor shown, colours reset). The view follows the window when it is resized. Output that is not a terminal gets no live view. watch alone says whether it is on.",
        positionals: [PositionalSpec(WatchSwitch.choice, "switch the live view \(WatchSwitch.alternatives)", completions: WatchSwitch.completions,
                                     optional: true)],
        parameters: [every.spec],
        examples: ["watch on", "watch on every=200", "watch off"])

    static let every: ParameterKey<Int> = .integer("every", 0...1_000_000_000, default: 0,
                                                   "redraw every this many iterations (0: about 50 times per step)")

    /// Whether the live view is on.
    enum WatchSwitch: String, CommandWord {
        case on, off
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.watch(invocation) }
}

extension Interpreter {
    /// `watch [on [every=K] | off]`
    func watch(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard let word = invocation.text(0) else {
            say(watchEvery.map { "watch is on (\(watchDescription($0)))" } ?? "watch is off")
            return
        }
        switch WatchCommand.WatchSwitch(rawValue: word) {
        case .on:
            watchEvery = parameters[WatchCommand.every]
            say("watch on: step redraws a live view \(watchDescription(watchEvery!))"
                + (environment.isTerminal ? "" : "; output is not a terminal, so there is no live view here"))
        case .off:
            if invocation.named.first != nil { throw invocation.failure("watch off takes no every=", at: invocation.named[0].nameRange) }
            watchEvery = nil
            say("watch off")
        case nil:
            throw invocation.failure("watch takes \(WatchCommand.WatchSwitch.alternatives), not '\(word)'", at: invocation.positionals[0].range)
        }
    }

    func watchDescription(_ every: Int) -> String {
        every == 0 ? "about 50 times per step" : "every \(every) iteration\(every == 1 ? "" : "s")"
    }
}
