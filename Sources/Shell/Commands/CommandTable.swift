import Workbench

/// The one table of commands: dispatch, help, completion and validation all read it.
enum CommandTable {
    /// Every command with its handler, in the order `help` lists them.
    nonisolated(unsafe) static let entries: [(spec: CommandSpec, handler: (Interpreter) -> (Invocation) throws -> Void)] = [
        (CommandSpecs.help, Interpreter.help),
        (CommandSpecs.list, Interpreter.list),
        (CommandSpecs.show, Interpreter.show),
        (CommandSpecs.seed, Interpreter.seed),
        (CommandSpecs.data, Interpreter.data),
        (CommandSpecs.noise, Interpreter.noise),
        (CommandSpecs.generator, Interpreter.model),
        (CommandSpecs.discriminator, Interpreter.model),
        (CommandSpecs.loss, Interpreter.loss),
        (CommandSpecs.optimizer, Interpreter.optimizer),
        (CommandSpecs.batch, Interpreter.batch),
        (CommandSpecs.trick, Interpreter.trick),
        (CommandSpecs.freeze, Interpreter.freeze),
        (CommandSpecs.game, Interpreter.game),
        (CommandSpecs.step, Interpreter.step),
        (CommandSpecs.metric, Interpreter.metric),
        (CommandSpecs.plot, Interpreter.plot),
        (CommandSpecs.watch, Interpreter.watch),
        (CommandSpecs.expect, Interpreter.expect),
        (CommandSpecs.snapshot, Interpreter.snapshot),
        (CommandSpecs.restore, Interpreter.restore),
        (CommandSpecs.save, Interpreter.save),
        (CommandSpecs.run, Interpreter.runScript),
        (CommandSpecs.history, Interpreter.historyCommand),
        (CommandSpecs.checkpoint, Interpreter.checkpoint),
        (CommandSpecs.export, Interpreter.export),
        (CommandSpecs.repeatBlock, Interpreter.repeatBlock),
        (CommandSpecs.seeds, Interpreter.seedsBlock),
        (CommandSpecs.echo, Interpreter.echo),
        (CommandSpecs.quit, Interpreter.quit),
    ]

    /// Every command declaration.
    static var specs: [CommandSpec] { entries.map(\.spec) }

    /// Every verb and alias.
    static var verbs: [String] { specs.flatMap { [$0.name] + $0.aliases } }

    /// The handler of a canonical verb.
    static func handler(for name: String) -> (Interpreter) -> (Invocation) throws -> Void {
        entries.first { $0.spec.name == name }!.handler
    }

    /// The declaration a verb names: exact name or alias, else a unique prefix of a name.
    static func lookup(_ verb: String) -> Result<CommandSpec, LookupFailure> {
        if let exact = specs.first(where: { $0.name == verb || $0.aliases.contains(verb) }) { return .success(exact) }
        let candidates = specs.filter { $0.name.hasPrefix(verb) || $0.aliases.contains { $0.hasPrefix(verb) } }
        if candidates.count == 1 { return .success(candidates[0]) }
        if candidates.count > 1 { return .failure(.ambiguous(candidates.map(\.name))) }
        return .failure(.unknown(suggestion: Suggestion.closest(to: verb, among: verbs)))
    }

    /// Why a verb did not resolve.
    enum LookupFailure: Error {
        case ambiguous([String])
        case unknown(suggestion: String?)
    }

    /// The declaration of a parsed command, or a diagnostic at its verb.
    static func resolve(_ command: Command) throws -> CommandSpec {
        switch lookup(command.verb) {
        case .success(let spec): return spec
        case .failure(.ambiguous(let names)):
            throw Diagnostic(severity: .error,
                             message: "'\(command.verb)' is ambiguous: it could be \(names.joined(separator: ", "))",
                             range: command.verbRange, sourceLine: command.sourceLine, notes: [])
        case .failure(.unknown(let suggestion)):
            throw Diagnostic(severity: .error,
                             message: "unknown command '\(command.verb)'" + (suggestion.map { "; did you mean '\($0)'?" } ?? "; type help for the list"),
                             range: command.verbRange, sourceLine: command.sourceLine, notes: [])
        }
    }
}
