import Foundation
import Workbench

/// The `trick` command.
enum TrickCommand: ShellCommand {
    static let spec = CommandSpec(
        "trick", summary: "switch a training trick on or off, or list them",
        discussion: "The remedies of \"From GAN to WGAN\" (feature matching, minibatch discrimination, historical averaging, one-sided label smoothing, virtual batch normalisation, instance noise) are tricks; the seventh, the Wasserstein distance, is a loss: see help wgan and help wgan-gp.",
        positionals: [PositionalSpec("ACTION", TrickAction.alternatives, completions: TrickAction.completions),
                      PositionalSpec("NAME", "the trick", completions: .plugins(.trick), optional: true)],
        pluginKind: .trick, pluginPositional: 1, examples: ["trick list", "trick on label-smoothing alpha=0.9"])
    static let role = CommandRole.recorded
    static let runsDuringTraining = true

    /// What `trick` does with a trick.
    enum TrickAction: String, CommandWord {
        case on, off, list
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.trick(invocation) }
}

extension Interpreter {
    /// `trick on NAME key=value…`, `trick off NAME`, `trick list`
    func trick(_ invocation: Invocation) throws {
        let action = try TrickCommand.TrickAction.parse(invocation, what: "trick action")
        switch action {
        case .list:
            listTricks()
        case .on, .off:
            guard let nameNode = invocation.positionals.dropFirst().first else {
                throw invocation.failure("trick \(action.rawValue) needs a trick name; see trick list")
            }
            if action == .off {
                let name = Plugins.tricks.named(nameNode.text)?.spec.name ?? nameNode.text
                guard session.removeHook(named: name) else {
                    throw invocation.failure("trick \(nameNode.text) is not on", at: nameNode.range)
                }
                session.record(.trickOff(name))
                return
            }
            let entry = try plugin(invocation, "trick", Plugins.tricks.all, at: 1, spec: { $0.spec }, named: Plugins.tricks.named)
            let parameters = try ParameterValues(entry.spec, assignments: invocation.assignments)
            // Asked before the trick is made: some tricks change the networks as they are made.
            try session.checkMemoryBudget(switchingOn: entry, parameters)
            let trick = try entry.make(parameters, environment: session.trickEnvironment)
            session.removeHook(named: entry.spec.name)
            session.addHook(trick)
            session.record(.trickOn(PluginSetting(trick)))
            for other in session.hooks where other !== trick {
                if let caveat = trick.caveat(besides: other) ?? other.caveat(besides: trick) {
                    warn(invocation.warning(caveat, at: invocation.positionals.dropFirst().first?.range))
                }
            }
        }
    }

    /// The tricks that exist and which are on, with the pointer to the Wasserstein losses.
    func listTricks() {
        if Plugins.tricks.all.isEmpty {
            say("no trick plugins are registered in this build")
        }
        sayColumns(Plugins.tricks.all.map { type in
            ((session.hooks.contains { $0.name == type.spec.name } ? "on  " : "    ") + type.spec.name, type.spec.summary)
        })
        sayParagraph("the Wasserstein remedy is a loss: loss wgan (clipping) or loss wgan-gp (gradient penalty)")
    }
}
