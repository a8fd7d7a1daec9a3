/// Parses the command language: `verb [positional…] [key=value…] [{ block }]`, commands separated by
/// `;` or line breaks.
///
/// The parser only checks shape; whether `loss` takes `lambda` is the command table's business.
public enum Parser {
    /// Blocks nest at most this deep; deeper input is refused rather than recursed into.
    public static let maximumBlockDepth = 32

    /// Parses `source` (numbering lines from `firstLine`, naming locations after `file`).
    ///
    /// Returns `.incomplete` when the input ends inside a string, list or block or after a trailing
    /// `\`: a REPL then asks for another line. Throws the first error in source order.
    public static func parse(_ source: String, file: String, firstLine: Int = 1) throws(Diagnostic) -> ParseOutcome {
        switch run(source, file: file, firstLine: firstLine) {
        case .success(let commands): return .complete(commands)
        case .failure(.incomplete(let what, _, _)): return .incomplete(reason: what.reason)
        case .failure(.diagnostic(let diagnostic)): throw diagnostic
        }
    }

    /// Parses a whole script (a file, or `gantry -e` text), where nothing more will come: input that
    /// ends inside a string, list or block is an error pointing at its opening token ("unterminated
    /// string starting here").
    public static func parseScript(_ source: String, file: String, firstLine: Int = 1) throws(Diagnostic) -> [Command] {
        switch run(source, file: file, firstLine: firstLine) {
        case .success(let commands): return commands
        case .failure(.incomplete(let what, let range, let line)):
            throw Diagnostic(message: what.scriptMessage, range: range, sourceLine: line)
        case .failure(.diagnostic(let diagnostic)): throw diagnostic
        }
    }

    private static func run(_ source: String, file: String, firstLine: Int) -> Result<[Command], ParseStop> {
        var parser = CommandParser(Lexer.scan(source, file: file, firstLine: firstLine))
        do throws(ParseStop) {
            return .success(try parser.commands(depth: 0, opening: nil))
        } catch {
            return .failure(error)
        }
    }
}

/// Why parsing stopped early.
private enum ParseStop: Error {
    case diagnostic(Diagnostic)
    case incomplete(Unfinished, SourceRange, sourceLine: String?)
}

/// A recursive-descent parser over the lexer's tokens. Only blocks recurse, and only
/// `Parser.maximumBlockDepth` deep; lists cannot nest.
private struct CommandParser {
    let lexed: LexedSource
    let source: SourceText
    /// The current token; never past the final `.end`.
    var index = 0

    init(_ lexed: LexedSource) {
        self.lexed = lexed
        source = lexed.source
    }

    // MARK: Grammar

    /// Commands up to the end of input (`opening == nil`) or up to the `}` matching `opening`.
    mutating func commands(depth: Int, opening: Int?) throws(ParseStop) -> [Command] {
        var result: [Command] = []
        while true {
            let token = try current()
            switch token.kind {
            case .semicolon, .newline:
                advance()  // Blank commands are skipped.
            case .end:
                guard let opening else { return result }
                throw incomplete(.block, at: opening)
            case .rightBrace:
                guard opening != nil else { throw error("unexpected '}'", at: index) }
                advance()
                return result
            default:
                result.append(try command(depth: depth))
            }
        }
    }

    /// One command; stops before its separator (`;`, line break, `}` or end).
    mutating func command(depth: Int) throws(ParseStop) -> Command {
        let verbIndex = index
        let verb = try current()
        try expectCommandName(verb)
        advance()
        var arguments: [Argument] = []
        var firstNaming: [String: Int] = [:]  // name → token index, for "given twice"
        var block: [Command]?
        var lastIndex = verbIndex
        parsing: while true {
            let token = try current()
            switch token.kind {
            case .semicolon, .newline, .end, .rightBrace:
                break parsing
            case .leftBrace:
                let opening = index
                guard depth < Parser.maximumBlockDepth else {
                    throw error("blocks nested too deeply (limit \(Parser.maximumBlockDepth))", at: opening)
                }
                advance()
                block = try commands(depth: depth + 1, opening: opening)
                lastIndex = index - 1
                let after = try current()
                switch after.kind {
                case .semicolon, .newline, .end, .rightBrace: break parsing
                default: throw error("expected ';' or a new line after '}', found \(after.phrase)", at: index)
                }
            case .equals:
                // `lambda=10` alone on a line: the user most likely forgot the command.
                let message = arguments.isEmpty && lastIndex == verbIndex && adjacent(verbIndex, index)
                    ? "unexpected '='; a command name comes first, as in 'loss wgan-gp lambda=10'"
                    : "unexpected '='"
                throw error(message, at: index)
            case .comma, .rightBracket:
                throw error("unexpected \(token.phrase)", at: index)
            case .word, .number, .string, .leftBracket:
                let argument = try self.argument()
                if case .named(let name, _, _) = argument.argument {
                    if let first = firstNaming[name] {
                        let note = Diagnostic(severity: .note, message: "first given here",
                                              range: lexed.tokens[first].range,
                                              sourceLine: source.lineText(at: lexed.tokens[first].range.start))
                        throw error("parameter \(Token.shortened(name)) given twice", at: argument.nameIndex,
                                    notes: [note])
                    }
                    firstNaming[name] = argument.nameIndex
                }
                arguments.append(argument.argument)
                lastIndex = index - 1
            }
        }
        let verbToken = lexed.tokens[verbIndex]
        return Command(verb: verbToken.text, verbRange: verbToken.range, arguments: arguments, block: block,
                       range: range(from: verbIndex, through: lastIndex),
                       sourceLine: source.lineText(at: verbToken.range.start) ?? "")
    }

    func expectCommandName(_ token: Token) throws(ParseStop) {
        switch token.kind {
        case .word: return
        case .equals, .comma, .rightBracket, .rightBrace:
            throw error("unexpected \(token.phrase)", at: index)
        case .leftBrace:
            let note = Diagnostic(severity: .note,
                                  message: "a block opens on the line of its command, as in 'repeat 3 { step 100 }'")
            throw error("expected a command name, found '{'", at: index, notes: [note])
        default:
            throw error("expected a command name, found \(token.phrase)", at: index)
        }
    }

    /// `value` or `name=value` (spaces around `=` tolerated).
    mutating func argument() throws(ParseStop) -> (argument: Argument, nameIndex: Int) {
        let firstIndex = index
        let first = try value()
        guard try current().kind == .equals else { return (.positional(first), firstIndex) }
        let equals = index
        guard case .word(let name) = first.value else {
            let what = lexed.tokens[firstIndex].kind == .leftBracket || index - firstIndex > 1
                ? "list \(Token.shortened(first.text))" : lexed.tokens[firstIndex].phrase
            throw error("a parameter name must be a word, found \(what)", at: firstIndex, through: index - 1)
        }
        advance()
        let next = try current()
        switch next.kind {
        case .word, .number, .string, .leftBracket:
            let given = try value()
            return (.named(name: name, nameRange: first.range, value: given), firstIndex)
        case .semicolon, .newline, .end, .rightBrace, .leftBrace:
            throw error("missing value after '\(Token.shortened(name))='", at: equals)
        case .equals, .comma, .rightBracket:
            throw error("unexpected \(next.phrase)", at: index)
        }
    }

    /// A word, number or string, a bare list `a,b,c` (no spaces), or a bracketed list `[a, b]`.
    mutating func value() throws(ParseStop) -> ValueNode {
        let firstIndex = index
        if try current().kind == .leftBracket { return try bracketedList() }
        let first = try element()
        guard try current().kind == .comma, adjacent(index - 1, index) else {
            return ValueNode(value: first, range: lexed.tokens[firstIndex].range)
        }
        var elements = [first]
        while try current().kind == .comma, adjacent(index - 1, index) {
            let comma = index
            advance()
            let next = try current()
            switch next.kind {
            case .word, .number, .string:
                guard adjacent(comma, index) else {
                    throw error("a list without brackets cannot contain spaces; write 1,2 or [1, 2]", at: comma)
                }
                elements.append(try element())
            case .leftBracket:
                throw error("lists cannot be nested", at: index)
            default:
                throw error("missing list element after ','", at: comma)
            }
        }
        return ValueNode(value: .list(elements), range: range(from: firstIndex, through: index - 1))
    }

    /// `[a, b, c]`: line breaks and comments allowed inside, a trailing comma allowed.
    mutating func bracketedList() throws(ParseStop) -> ValueNode {
        let opening = index
        advance()
        var elements: [Value] = []
        while true {
            try skipNewlines(inListOpenedAt: opening)
            let token = try current()
            switch token.kind {
            case .rightBracket:
                advance()
                if try current().kind == .comma, adjacent(index - 1, index) {
                    throw error("lists cannot be nested", at: index)
                }
                return ValueNode(value: .list(elements), range: range(from: opening, through: index - 1))
            case .word, .number, .string:
                elements.append(try element())
                try skipNewlines(inListOpenedAt: opening)
                let after = try current()
                switch after.kind {
                case .comma: advance()
                case .rightBracket: continue
                case .leftBracket: throw error("lists cannot be nested", at: index)
                default: throw error("expected ',' or ']' in list, found \(after.phrase)", at: index)
                }
            case .leftBracket:
                throw error("lists cannot be nested", at: index)
            case .comma:
                throw error("unexpected ','", at: index)
            default:
                throw error("expected a list element or ']', found \(token.phrase)", at: index)
            }
        }
    }

    /// A word, number or string token as a value.
    mutating func element() throws(ParseStop) -> Value {
        let token = try current()
        advance()
        switch token.kind {
        case .number: return .number(Double(token.text) ?? 0, text: token.text)  // The lexer checked the spelling.
        case .string: return .string(token.value)
        default: return .word(token.text)
        }
    }

    mutating func skipNewlines(inListOpenedAt opening: Int) throws(ParseStop) {
        while true {
            let token = try current()
            if token.kind == .end { throw incomplete(.list, at: opening) }
            guard token.kind == .newline else { return }
            advance()
        }
    }

    // MARK: Tokens

    /// The current token. At the final `.end`, a lexer stop (an error, or input ending inside a string
    /// or after `\`) is raised here, so it takes precedence over any error the missing text would cause.
    func current() throws(ParseStop) -> Token {
        let token = lexed.tokens[min(index, lexed.tokens.count - 1)]
        if token.kind == .end {
            switch lexed.ending {
            case .complete: break
            case .incomplete(let what, let range):
                throw .incomplete(what, range, sourceLine: source.lineText(at: range.start))
            case .error(let diagnostic): throw .diagnostic(diagnostic)
            }
        }
        return token
    }

    mutating func advance() {
        if index < lexed.tokens.count - 1 { index += 1 }
    }

    /// Whether token `second` starts exactly where token `first` ends (no space, comment or line break).
    func adjacent(_ first: Int, _ second: Int) -> Bool {
        first >= 0 && second < lexed.starts.count && lexed.ends[first] == lexed.starts[second]
    }

    func range(from first: Int, through last: Int) -> SourceRange {
        source.range(fromCharacter: lexed.starts[first], toCharacter: lexed.ends[max(first, last)])
    }

    func error(_ message: String, at first: Int, through last: Int? = nil, notes: [Diagnostic] = []) -> ParseStop {
        .diagnostic(source.error(message, at: range(from: first, through: last ?? first), notes: notes))
    }

    func incomplete(_ what: Unfinished, at token: Int) -> ParseStop {
        let range = lexed.tokens[token].range
        return .incomplete(what, range, sourceLine: source.lineText(at: range.start))
    }
}
