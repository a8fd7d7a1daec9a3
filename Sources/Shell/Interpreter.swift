import Autodiff
import Foundation
import Kernels
import Workbench

/// Where the shell's output goes and what kind of terminal it is (injected, so transcripts and tests see
/// exactly what a user would, with a pinned width and no colour).
public struct ShellEnvironment {
    /// Writes one line of normal output.
    public var writeOutput: (String) -> Void
    /// Writes one line of diagnostics.
    public var writeError: (String) -> Void
    /// Whether output is an interactive terminal (progress lines, timings).
    public var isTerminal: Bool
    /// Columns available for tables and plots.
    public var width: Int
    /// Whether to use ANSI colours.
    public var colour: Bool
    /// Polled at iteration boundaries: true when the user asked to stop (Ctrl-C).
    public var interruptRequested: () -> Bool
    /// Rewrites the current terminal line (progress); never called when not a terminal.
    public var writeProgress: (String) -> Void
    /// Rows of the terminal window (how tall a live view may be).
    public var height: Int
    /// Writes text to the terminal as it is (escape codes, no newline added); never called when not a
    /// terminal.
    public var writeTerminal: (String) -> Void
    /// The window's new size when it was resized since the last call, else nil: read before anything is
    /// laid out, so `width` and `height` follow the window.
    public var resizedTerminal: () -> (width: Int, height: Int)?
    /// Called with true once a progress line is under the cursor and with false before other output: while
    /// true, Ctrl-C may replace that line by the stopping notice at once, without waiting for the work to
    /// reach a point where it can stop.
    public var armStopNotice: (Bool) -> Void

    /// An environment; defaults suit tests and pipes.
    public init(writeOutput: @escaping (String) -> Void, writeError: @escaping (String) -> Void,
                isTerminal: Bool = false, width: Int = 80, colour: Bool = false,
                interruptRequested: @escaping () -> Bool = { false }, writeProgress: @escaping (String) -> Void = { _ in },
                height: Int = 24, writeTerminal: @escaping (String) -> Void = { _ in },
                resizedTerminal: @escaping () -> (width: Int, height: Int)? = { nil },
                armStopNotice: @escaping (Bool) -> Void = { _ in }) {
        self.writeOutput = writeOutput
        self.writeError = writeError
        self.isTerminal = isTerminal
        self.width = width
        self.colour = colour
        self.interruptRequested = interruptRequested
        self.writeProgress = writeProgress
        self.height = height
        self.writeTerminal = writeTerminal
        self.resizedTerminal = resizedTerminal
        self.armStopNotice = armStopNotice
    }
}

/// Runs commands of the .gan language against a session: resolves verbs, validates arguments against
/// the declared specs, applies each command entirely or not at all, and reports located diagnostics.
public final class Interpreter {
    /// The experiment the commands act on.
    public let session: Session
    /// Output and terminal facts.
    public var environment: ShellEnvironment
    /// Continue a script after an error instead of stopping (`--keep-going`).
    public var keepGoing = false
    /// Replaces the seed of every `seed` command (`--seed N`).
    public var seedOverride: UInt64?
    /// Set by `quit`.
    public internal(set) var quitRequested = false
    /// Whether `quit` and the end of input warn once before leaving a session with unsaved training (the
    /// interactive prompt; never scripts or piped input).
    public var confirmsLeavingUnsavedTraining = false
    /// The journal as the last `save` or `checkpoint save` wrote it, or as `checkpoint load` read it: what a
    /// file holds of this session.
    var savedJournal: [JournalEntry] = []
    /// The journal when leaving was last refused with a warning: asking again leaves unless more was
    /// trained since.
    var warnedJournal: [JournalEntry]?
    /// Errors and failed expectations so far (the exit status of `run` and `-e`).
    public internal(set) var failureCount = 0
    /// Failed `expect` lines so far (a claim's control must fail by them, and only by them).
    public internal(set) var failedExpectations = 0
    /// Told every value an `expect` reads and whether it held (a sweep task records them).
    var expectationObserver: ((_ quantity: String, _ value: Double, _ holds: Bool) -> Void)?
    /// The most recent report of each metric, for `expect`.
    var latestReports: [String: MetricReport] = [:]
    /// Earlier toy games of this session that took steps, most recent last, so `plot games` can draw
    /// them beside the current one (display only: not part of the session or its snapshots).
    var playedGames: [ToyGame] = []
    /// The scripts being run, outermost first, with where each was included from.
    var includeStack: [(file: String, includedAt: SourceRange?)] = []
    /// The deepest `run` nesting allowed.
    static let nestingLimit = 16
    /// The live view of `watch on`: redraw every this many iterations (0: about 50 frames per step), or
    /// nil when off.
    var watchEvery: Int?
    /// The guided tour's lesson and language while it is on.
    var tour: TourProgress?
    /// The shortest time between two frames of the live view, so a fast step cannot flood the terminal.
    var liveViewFrameInterval: TimeInterval = 0.1

    /// An interpreter for a session.
    public init(session: Session, environment: ShellEnvironment) {
        self.session = session
        self.environment = environment
    }

    /// Prints one line of output.
    func say(_ line: String) { environment.writeOutput(line) }

    /// Parses and runs `source`; returns whether every command succeeded. Errors are reported through the
    /// environment; in a script the first error stops the script unless `keepGoing`.
    @discardableResult
    public func execute(_ source: String, file: String) -> Bool {
        let before = failureCount
        do {
            try runSource(source, file: file)
        } catch let diagnostic as Diagnostic {
            report(diagnostic)
        } catch {
            report(Diagnostic(severity: .error, message: "\(error)", range: nil, sourceLine: nil, notes: []))
        }
        return failureCount == before
    }

    /// Parses `source` as a whole and runs it.
    func runSource(_ source: String, file: String) throws {
        try run(try Parser.parseScript(source, file: file))
    }

    /// Runs commands in order; errors are reported and counted, and stop the sequence unless `keepGoing`.
    func run(_ commands: [Command]) throws {
        for command in commands {
            if quitRequested { return }
            // After Ctrl-C nothing else runs: a long command stopped at an iteration boundary, and the
            // commands after it (in the line or the script) are dropped.
            if environment.interruptRequested() {
                throw Diagnostic(severity: .error, message: "interrupted: the remaining commands were not run",
                                 range: command.verbRange, sourceLine: command.sourceLine, notes: [])
            }
            do {
                try perform(command)
            } catch let diagnostic as Diagnostic {
                if keepGoing && includeStack.count <= 1 {
                    report(diagnostic)
                } else {
                    throw diagnostic
                }
            }
        }
    }

    /// Prints a warning, which is not a failure: the exit status and the script's progress are unchanged.
    func warn(_ diagnostic: Diagnostic) {
        for line in diagnostic.rendered(colour: environment.colour).split(separator: "\n", omittingEmptySubsequences: false) {
            environment.writeError(String(line))
        }
    }

    /// Prints a diagnostic with its include chain and counts it.
    func report(_ diagnostic: Diagnostic) {
        failureCount += 1
        for line in diagnostic.rendered(colour: environment.colour).split(separator: "\n", omittingEmptySubsequences: false) {
            environment.writeError(String(line))
        }
    }

    /// Follows a resize of the window: `environment.width` and `height` become the window's new size.
    /// Returns whether the window was resized.
    @discardableResult
    func refreshTerminalSize() -> Bool {
        guard let size = environment.resizedTerminal() else { return false }
        environment.width = size.width
        environment.height = size.height
        return true
    }

    /// Resolves and runs one command, turning any failure into a diagnostic located at the command.
    func perform(_ command: Command) throws {
        refreshTerminalSize()
        let spec = try CommandTable.resolve(command)
        let invocation = try Invocation(command: command, spec: spec)
        do {
            try CommandTable.command(named: spec.name)!.run(invocation, in: self)
        } catch let diagnostic as Diagnostic {
            throw diagnostic
        } catch let error as ParameterError {
            throw invocation.diagnostic(for: error)
        } catch {
            throw invocation.failure("\(error)")
        }
    }
}

/// One command with its arguments sorted into positionals and key=value pairs.
struct Invocation {
    let command: Command
    let spec: CommandSpec
    let positionals: [ValueNode]
    let named: [(name: String, nameRange: SourceRange, value: ValueNode)]

    init(command: Command, spec: CommandSpec) throws {
        self.command = command
        self.spec = spec
        var positionals: [ValueNode] = []
        var named: [(String, SourceRange, ValueNode)] = []
        for argument in command.arguments {
            switch argument {
            case .positional(let value): positionals.append(value)
            case .named(let name, let range, let value): named.append((name, range, value))
            }
        }
        self.positionals = positionals
        self.named = named
        let allowed = spec.positionals.count
        if positionals.count > allowed && spec.positionals.last?.variadic != true {
            let extra = positionals[allowed]
            throw Diagnostic(severity: .error,
                             message: "\(spec.name) takes at most \(allowed) positional argument\(allowed == 1 ? "" : "s"); usage: \(spec.usage)",
                             range: extra.range, sourceLine: command.sourceLine, notes: [])
        }
        if spec.pluginKind == nil && spec.parameters.isEmpty && spec.ownNamedArguments == nil, let first = named.first {
            throw Diagnostic(severity: .error, message: "\(spec.name) takes no key=value parameters; usage: \(spec.usage)",
                             range: first.1, sourceLine: command.sourceLine, notes: [])
        }
    }

    /// The text of positional `index`, if given.
    func text(_ index: Int) -> String? { index < positionals.count ? positionals[index].text : nil }

    /// Positional `node` as a whole number of type `T` within `range`, read by `NumberSyntax`. A word that
    /// is no number at all gets the message `otherwise`; a number that cannot be used says why, after
    /// `subject` ("step 99999999999999999999 is too large: at most 9223372036854775807").
    func integer<T: FixedWidthInteger>(_ node: ValueNode, in range: ClosedRange<T>, subject: String,
                                       otherwise: String) throws -> T {
        do throws(NumberError) {
            return try NumberSyntax.integer(node.text, as: T.self, in: range)
        } catch {
            throw failure(error.reason == .notANumber ? otherwise : "\(subject) \(error)", at: node.range)
        }
    }

    /// The key=value pairs as text, for plugin validation.
    var assignments: [(name: String, value: String)] { named.map { ($0.name, $0.value.text) } }

    /// A warning located at `range` (the whole command when nil): the command did what it was asked.
    func warning(_ message: String, at range: SourceRange? = nil) -> Diagnostic {
        Diagnostic(severity: .warning, message: message, range: range ?? command.verbRange, sourceLine: command.sourceLine,
                   notes: [])
    }

    /// An error located at `range` (the whole command when nil).
    func failure(_ message: String, at range: SourceRange? = nil) -> Diagnostic {
        Diagnostic(severity: .error, message: message, range: range ?? command.verbRange, sourceLine: command.sourceLine,
                   notes: [])
    }

    /// A parameter error located at the offending key or value.
    func diagnostic(for error: ParameterError) -> Diagnostic {
        let name: String
        var onValue = true
        switch error {
        case .unknown(_, let n, _): name = n; onValue = false
        case .invalid(_, let n, _, _), .outOfRange(_, let n, _, _): name = n
        case .duplicate(_, let n): name = n; onValue = false
        case .number(_, let n, _, _): name = n
        case .missing: return failure(error.description)
        }
        guard let argument = named.last(where: { $0.name == name }) else { return failure(error.description) }
        return failure(error.description, at: onValue ? argument.value.range : argument.nameRange)
    }

    /// Where the value of `key` was given (the last time, when given more than once), or nil.
    func valueRange<Value>(of key: ParameterKey<Value>) -> SourceRange? { named.last { $0.name == key.name }?.value.range }

    /// Command-level parameters, validated against the command's declarations.
    func commandParameters() throws -> ParameterValues {
        try ParameterValues(owner: "command \(spec.name)", parameters: spec.parameters, assignments: assignments)
    }
}
