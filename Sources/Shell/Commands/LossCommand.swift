import Foundation
import Workbench

/// The `loss` command.
enum LossCommand: ShellCommand {
    static let spec = CommandSpec(
        "loss", summary: "switch the GAN objective, keeping weights and optimizer memory",
        discussion: "Switching the loss of a live session keeps both networks and both optimizers as they are, and never changes which data and noise batches training draws, so runs before and after the switch compare fairly.",
        positionals: [PositionalSpec("NAME", "the loss", completions: .plugins(.loss))],
        pluginKind: .loss, examples: ["loss wgan-gp lambda=0.1", "loss minimax"])
    static let role = CommandRole.configuration
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.loss(invocation) }
}

extension Interpreter {
    /// `loss NAME key=value…`
    func loss(_ invocation: Invocation) throws {
        let entry = try plugin(invocation, "loss", Plugins.losses.all, spec: { $0.spec }, named: Plugins.losses.named)
        let loss = try entry.make(try ParameterValues(entry.spec, assignments: invocation.assignments))
        try session.setLoss(loss)
        session.record(.loss(PluginSetting(loss)))
        if !loss.readsLabelTargets, let trick = session.hooks.first(where: \.needsCrossEntropyLoss) {
            say("note: \(trick.name) is on but \(entry.spec.name) has no real/fake targets: it has no effect "
                + "until a cross-entropy loss (minimax, nonsaturating) is back")
        }
    }
}
