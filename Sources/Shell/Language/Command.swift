/// An argument's value as written, before any command decides what it means.
///
/// The parser does not know parameter kinds (that is the command table's job), so it keeps each value's
/// spelling: `1e-4` stays `1e-4` in `save`d scripts, and a word like `on` is left for the command to read.
public enum Value: Equatable, Sendable {
    /// A bare word (`ring8`, `wgan-gp`, `../data/x.csv`).
    case word(String)
    /// A decimal number's nearest `Double` (infinite when it overflows) and its spelling
    /// (`.number(0.0001, text: "1e-4")`). Commands read the spelling with `NumberSyntax`, which refuses
    /// what they cannot use.
    case number(Double, text: String)
    /// The unescaped contents of a double-quoted string.
    case string(String)
    /// `128,128` or `[128, 128]`; elements are never lists themselves.
    case list([Value])

    /// The value as one string: a list's elements joined by commas, a string without its quotes.
    public var text: String {
        switch self {
        case .word(let word): return word
        case .number(_, let text): return text
        case .string(let string): return string
        case .list(let elements): return elements.map(\.text).joined(separator: ",")
        }
    }
}

/// A value with the place it was written, so that a command rejecting it can point at it.
public struct ValueNode: Equatable, Sendable {
    /// The value.
    public let value: Value
    /// Where the value is written (for a list, from its first to its last character).
    public let range: SourceRange

    /// A node from its parts.
    public init(value: Value, range: SourceRange) {
        self.value = value
        self.range = range
    }

    /// The value as one string, e.g. `128,128`, `1e-4`, or a string without its quotes.
    public var text: String { value.text }
}

/// One argument of a command: `positional` or `name=value`.
public enum Argument: Equatable, Sendable {
    /// An argument given by position.
    case positional(ValueNode)
    /// A `name=value` argument, with the place of the name for "unknown parameter" errors.
    case named(name: String, nameRange: SourceRange, value: ValueNode)
}

/// One parsed command: `verb [positional…] [key=value…] [{ block }]`.
public struct Command: Equatable, Sendable {
    /// The command name as written (prefix resolution happens later, in the command table).
    public let verb: String
    /// Where the command name is.
    public let verbRange: SourceRange
    /// The arguments in the order written; positionals and named arguments may mix.
    public let arguments: [Argument]
    /// The body of `verb … { … }`, or `nil` when the command has no block (`{ }` gives `[]`).
    public let block: [Command]?
    /// From the first character of the verb to the last of the command (its `}` if it has a block).
    public let range: SourceRange
    /// The whole line the command starts on, without its line break, for diagnostics' carets.
    public let sourceLine: String

    /// A command from its parts.
    public init(verb: String, verbRange: SourceRange, arguments: [Argument], block: [Command]?,
                range: SourceRange, sourceLine: String) {
        self.verb = verb
        self.verbRange = verbRange
        self.arguments = arguments
        self.block = block
        self.range = range
        self.sourceLine = sourceLine
    }

    /// The positional arguments, in order.
    public var positionals: [ValueNode] {
        arguments.compactMap { argument in
            if case .positional(let node) = argument { return node }
            return nil
        }
    }

    /// The value given for parameter `name`, if any (the parser guarantees at most one).
    public func value(named name: String) -> ValueNode? {
        for case let .named(given, _, value) in arguments where given == name { return value }
        return nil
    }
}

/// What parsing a piece of input gave.
public enum ParseOutcome: Equatable, Sendable {
    /// Every command of the input (blank commands and comments skipped).
    case complete([Command])
    /// The input stops inside a string, a list, a block or after a line continuation: a REPL shows a
    /// continuation prompt and parses again with the next line appended. `reason` says what is open
    /// (`unterminated string`, `unclosed '['`, `unclosed '{'`, `line continuation`).
    case incomplete(reason: String)
}
