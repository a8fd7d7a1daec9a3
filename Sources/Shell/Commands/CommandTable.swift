import Foundation
import Workbench

/// What a command is to the rest of the shell: recorded in a checkpoint's configuration, recorded in the
/// journal as something done to the session, or an action the journal does not keep.
enum CommandRole {
    /// Configures the session and does nothing else: what a configuration holds (and a format-1 checkpoint's script).
    case configuration
    /// Trains, measures or switches a trick: the journal records it, so `save` and checkpoints replay it.
    case recorded
    /// Prints, writes files, keeps snapshots, runs scripts: never recorded.
    case action
}

/// One command of the .gan language, declared once: its declaration (read by dispatch, help, completion
/// and validation), its traits, and what it does. Adding a command is one such type and one line in
/// `CommandTable.builtIn`.
protocol ShellCommand {
    /// The declaration.
    static var spec: CommandSpec { get }
    /// What it is to the journal and to checkpoints; `.action` unless declared.
    static var role: CommandRole { get }
    /// Whether `step … do="…"` may run it between iterations: it measures, prints, keeps, or changes what
    /// the next iteration uses, but never restarts or rebuilds the run in progress.
    static var runsDuringTraining: Bool { get }
    /// Why this use of it (its positional words) may not run during training although the command may,
    /// or nil.
    static func refusalDuringTraining(_ positionals: [String]) -> String?
    /// Runs it: validates everything before it changes anything.
    static func run(_ invocation: Invocation, in shell: Interpreter) throws
}

extension ShellCommand {
    static var role: CommandRole { .action }
    static var runsDuringTraining: Bool { false }
    static func refusalDuringTraining(_ positionals: [String]) -> String? { nil }
}

/// Why a command could not be registered.
struct CommandRegistrationError: Error, Equatable, CustomStringConvertible {
    let description: String
}

/// The commands, in the order `help` lists them: the built-in ones, then those registered at run time.
final class CommandRegistry: @unchecked Sendable {
    // Entries are metatypes (immutable); the lock only keeps a reader from seeing a half-changed array.
    private let lock = NSLock()
    private var entries: [any ShellCommand.Type]
    private let builtInCount: Int

    init(_ builtIn: [any ShellCommand.Type]) {
        entries = builtIn
        builtInCount = builtIn.count
    }

    /// Every command, in listing order.
    var all: [any ShellCommand.Type] { lock.withLock { entries } }

    /// Adds a command after the others; refused when its name or an alias is already a verb.
    func register(_ command: any ShellCommand.Type) throws {
        try lock.withLock {
            let taken = Set(entries.flatMap { [$0.spec.name] + $0.spec.aliases })
            if let clash = ([command.spec.name] + command.spec.aliases).first(where: taken.contains) {
                throw CommandRegistrationError(description: "a command called '\(clash)' is already registered")
            }
            entries.append(command)
        }
    }

    /// Removes a command `register` added, so a test leaves the registry as it found it; built-in commands
    /// stay. Whether one was removed.
    @discardableResult
    func unregister(named name: String) -> Bool {
        lock.withLock {
            guard let index = entries.indices.dropFirst(builtInCount).first(where: { entries[$0].spec.name == name }) else {
                return false
            }
            entries.remove(at: index)
            return true
        }
    }
}

/// The one table of commands: dispatch, help, completion and validation all read it.
enum CommandTable {
    /// Every command, in the order `help` lists them.
    static let registry = CommandRegistry([
        HelpCommand.self,
        ListCommand.self,
        ShowCommand.self,
        SeedCommand.self,
        DataCommand.self,
        NoiseCommand.self,
        GeneratorCommand.self,
        DiscriminatorCommand.self,
        LossCommand.self,
        DefineCommand.self,
        OptimizerCommand.self,
        BatchCommand.self,
        TrickCommand.self,
        FreezeCommand.self,
        GameCommand.self,
        StepCommand.self,
        MetricCommand.self,
        PlotCommand.self,
        WatchCommand.self,
        ExpectCommand.self,
        SnapshotCommand.self,
        RestoreCommand.self,
        SaveCommand.self,
        RunCommand.self,
        HistoryCommand.self,
        CheckpointCommand.self,
        ExportCommand.self,
        DivergenceCommand.self,
        EMDCommand.self,
        OptimalDiscriminatorCommand.self,
        ProfileCommand.self,
        RepeatCommand.self,
        SeedsCommand.self,
        EchoCommand.self,
        TourCommand.self,
        QuitCommand.self,
        PluginCommand.self,
        ClassifierCommand.self,
    ])

    /// Every command.
    static var commands: [any ShellCommand.Type] { registry.all }

    /// Every command declaration.
    static var specs: [CommandSpec] { commands.map { $0.spec } }

    /// The command of a canonical verb.
    static func command(named name: String) -> (any ShellCommand.Type)? { commands.first { $0.spec.name == name } }

    /// The canonical verbs of the commands with `role`, in listing order.
    static func verbs(_ role: CommandRole) -> [String] { commands.filter { $0.role == role }.map { $0.spec.name } }

    /// The commands a format-1 checkpoint's configuration script may hold: they configure a session and do nothing
    /// else, so loading a file can never write files or run other scripts.
    static var configurationVerbs: [String] { verbs(.configuration) }

    /// The commands a checkpoint's journal may hold: those the interpreter itself journals. `save` writes
    /// the journal out and `run` replays it, so anything else a file put there would run on the user's
    /// behalf.
    static var journalVerbs: [String] { configurationVerbs + verbs(.recorded) }

    /// The commands `step … do="…"` may run between iterations.
    static var actionsAllowedDuringTraining: [String] { commands.filter { $0.runsDuringTraining }.map { $0.spec.name } }

    /// Every verb and alias.
    static var verbs: [String] { specs.flatMap { [$0.name] + $0.aliases } }

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
