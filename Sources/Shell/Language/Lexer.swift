import Kernels

/// Something left open at the end of the input: more lines may finish it.
public enum Unfinished: Equatable, Sendable {
    /// A string whose closing `"` has not come.
    case string
    /// A `[` list without its `]`.
    case list
    /// A `{` block without its `}`.
    case block
    /// A `\` at the very end, asking for the next line.
    case lineContinuation

    /// A short phrase for a REPL's continuation prompt or status.
    public var reason: String {
        switch self {
        case .string: return "unterminated string"
        case .list: return "unclosed '['"
        case .block: return "unclosed '{'"
        case .lineContinuation: return "line continuation"
        }
    }

    /// The error when a whole script ends this way; it points at the opening token.
    public var scriptMessage: String {
        switch self {
        case .string: return "unterminated string starting here"
        case .list: return "unclosed '[' starting here"
        case .block: return "unclosed '{' starting here"
        case .lineContinuation: return "line continuation '\\' at end of input"
        }
    }
}

/// The lexer's result: the tokens it could read and how the input ended.
public struct LexedSource: Sendable {
    /// How lexing stopped.
    public enum Ending: Equatable, Sendable {
        /// At the end of the input, with nothing open.
        case complete
        /// At the end of the input inside a string or after a line continuation; `range` is the `"`
        /// or the `\`.
        case incomplete(Unfinished, range: SourceRange)
        /// At a lexical error; the tokens before it are kept so that an earlier syntax error can be
        /// reported first.
        case error(Diagnostic)
    }

    /// The tokens read, always ending with one `.end` token (placed where lexing stopped).
    public let tokens: [Token]
    /// How the input ended.
    public let ending: Ending
    /// The character offset where each token starts and ends: the parser needs them to tell `1,2`
    /// (one list) from `1, 2` and to measure multi-line ranges.
    let starts: [Int]
    let ends: [Int]
    /// The indexed source, for locations and line texts.
    let source: SourceText
}

/// Turns source text into tokens.
///
/// The lexer never throws: it returns what it read plus the reason it stopped, so that the parser can
/// report errors in source order and tell "incomplete" (a REPL asks for another line) from "wrong".
public enum Lexer {
    /// Reads `source`, numbering lines from `firstLine`, naming locations after `file`.
    public static func scan(_ source: String, file: String, firstLine: Int = 1) -> LexedSource {
        var scanner = Scanner(SourceText(source, file: file, firstLine: firstLine))
        return scanner.run()
    }

    /// Whether `text` can be written without quotes and read back as itself: one run of word characters.
    static func isBareWord(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy(Scanner.isWordScalar)
    }
}

/// Why the scanner stopped before the end of the input.
private enum ScanStop: Error {
    case incomplete(Unfinished, scalar: Int)
    case error(Diagnostic)
}

/// The lexer's state: a position in the scalars and the tokens so far.
private struct Scanner {
    let text: SourceText
    let scalars: [Unicode.Scalar]
    /// Scanning never goes past this index: the input's end, or the first scalar of an overlong line.
    let limit: Int
    var index = 0
    var tokens: [Token] = []
    var starts: [Int] = []
    var ends: [Int] = []

    init(_ text: SourceText) {
        self.text = text
        scalars = text.scalars
        limit = text.overlongScalar ?? text.scalars.count
    }

    mutating func run() -> LexedSource {
        let ending: LexedSource.Ending
        var stoppedAt = limit
        do throws(ScanStop) {
            try scanAll()
            ending = .complete
        } catch {
            switch error {
            case .incomplete(let what, let scalar):
                ending = .incomplete(what, range: text.range(ofScalars: scalar, scalar + 1))
            case .error(let diagnostic):
                ending = .error(diagnostic)
                stoppedAt = index
            }
        }
        let offset = text.characterOffset(ofScalar: stoppedAt)
        appendToken(.end, text: "", value: "", characters: offset, offset + 1)
        return LexedSource(tokens: tokens, ending: ending, starts: starts, ends: ends, source: text)
    }

    // MARK: Scanning

    mutating func scanAll() throws(ScanStop) {
        while index < limit {
            let scalar = scalars[index]
            switch scalar {
            case " ", "\t":
                index += 1
            case "\r" where index + 1 < scalars.count && scalars[index + 1] == "\n":
                index += 1  // CRLF files read like LF files; the "\n" makes the newline token.
            case "\n":
                emit(.newline, from: index, to: index + 1)
            case "#":
                // Comments (transcript `#>` / `#!` lines too) may hold anything up to the line break.
                while index < limit, scalars[index] != "\n" { index += 1 }
            case "\\":
                try lineContinuation()
            case "\"":
                try string()
            case "=":
                // `==` is a comparison for `expect`; a single `=` joins a name to its value.
                if index + 1 < limit, scalars[index + 1] == "=" {
                    emit(.word, from: index, to: index + 2)
                } else {
                    emit(.equals, from: index, to: index + 1)
                }
            case "<", ">", "!":
                try comparison()
            case ",": emit(.comma, from: index, to: index + 1)
            case ";": emit(.semicolon, from: index, to: index + 1)
            case "[": emit(.leftBracket, from: index, to: index + 1)
            case "]": emit(.rightBracket, from: index, to: index + 1)
            case "{": emit(.leftBrace, from: index, to: index + 1)
            case "}": emit(.rightBrace, from: index, to: index + 1)
            default:
                if Self.isWordScalar(scalar) {
                    try word()
                } else {
                    throw unexpected(at: index)
                }
            }
        }
        if limit < scalars.count { throw overlong() }
    }

    /// A `\` must be the last thing on its line (spaces aside): the next line then continues this one.
    mutating func lineContinuation() throws(ScanStop) {
        let backslash = index
        var next = index + 1
        while next < limit, scalars[next] == " " || scalars[next] == "\t"
            || (scalars[next] == "\r" && next + 1 < scalars.count && scalars[next + 1] == "\n") {
            next += 1
        }
        if next >= limit {
            if limit < scalars.count { index = limit; throw overlong() }
            throw .incomplete(.lineContinuation, scalar: backslash)
        }
        guard scalars[next] == "\n" else {
            index = backslash
            throw error("a line continuation '\\' must be the last character on its line",
                        from: backslash, to: backslash + 1)
        }
        index = next + 1
    }

    /// `"…"` with the escapes `\" \\ \n \t`; raw line breaks are kept (a string may span lines).
    mutating func string() throws(ScanStop) {
        let open = index
        var value = String.UnicodeScalarView()
        var position = index + 1
        while true {
            guard position < limit else {
                index = position
                if limit < scalars.count { throw overlong() }
                throw .incomplete(.string, scalar: open)
            }
            let scalar = scalars[position]
            if scalar == "\"" {
                index = position + 1
                var view = String.UnicodeScalarView()
                view.append(contentsOf: scalars[open..<index])
                appendToken(.string, text: String(view), value: String(value),
                            characters: text.characterOffset(ofScalar: open),
                            text.characterEnd(ofScalars: open, index))
                return
            }
            if scalar == "\\" {
                guard position + 1 < limit else {
                    index = position + 1
                    if limit < scalars.count { throw overlong() }
                    throw .incomplete(.string, scalar: open)
                }
                let escaped = scalars[position + 1]
                switch escaped {
                case "\"", "\\": value.append(escaped)
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "\n", "\r":
                    index = position
                    throw error("a string cannot be continued with '\\'; write \\n for a line break",
                                from: position, to: position + 1)
                default:
                    index = position
                    if Self.isControl(escaped) { index = position + 1; throw controlCharacter(at: position + 1) }
                    throw error("unknown escape sequence '\\\(escaped)' in string; use \\\" \\\\ \\n or \\t",
                                from: position, to: position + 2)
                }
                position += 2
                continue
            }
            if scalar == "\r", position + 1 < scalars.count, scalars[position + 1] == "\n" {
                position += 1  // A CRLF inside a string means the same line break as an LF.
                continue
            }
            if Self.isControl(scalar), scalar != "\t", scalar != "\n" {
                index = position
                throw controlCharacter(at: position)
            }
            value.append(scalar)
            position += 1
        }
    }

    /// `<`, `<=`, `>`, `>=`, `!=`: words of their own, so `expect modes >= 6` reads naturally.
    mutating func comparison() throws(ScanStop) {
        let first = scalars[index]
        let followedByEquals = index + 1 < limit && scalars[index + 1] == "="
        if followedByEquals {
            emit(.word, from: index, to: index + 2)
        } else if first == "!" {
            throw unexpected(at: index)
        } else {
            emit(.word, from: index, to: index + 1)
        }
    }

    /// A run of word characters; a number if it spells one as `NumberSyntax` reads numbers. Whether the
    /// number fits where it is used (an integer, a 32-bit float, a range) is for its reader to say, so
    /// `1e400` is a number token here and refused, with the reason, by whatever reads it.
    mutating func word() throws(ScanStop) {
        let start = index
        var end = index
        while end < limit, Self.isWordScalar(scalars[end]) { end += 1 }
        emit(NumberSyntax.isDecimal(scalars[start..<end]) ? .number : .word, from: start, to: end)
    }

    // MARK: Token output

    /// Appends a token made of the scalars `from..<to` (text and value alike) and moves past it.
    mutating func emit(_ kind: TokenKind, from: Int, to: Int) {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[from..<to])
        let written = String(view)
        appendToken(kind, text: written, value: written, characters: text.characterOffset(ofScalar: from),
                    text.characterEnd(ofScalars: from, to))
        index = to
    }

    mutating func appendToken(_ kind: TokenKind, text written: String, value: String, characters start: Int,
                              _ end: Int) {
        tokens.append(Token(kind: kind, text: written, value: value,
                            range: text.range(fromCharacter: start, toCharacter: end)))
        starts.append(start)
        ends.append(end)
    }

    // MARK: Errors

    func error(_ message: String, from: Int, to: Int) -> ScanStop {
        .error(text.error(message, at: text.range(ofScalars: from, to)))
    }

    func controlCharacter(at position: Int) -> ScanStop {
        error("control character \(scalars[position].codePointName) is not allowed", from: position, to: position + 1)
    }

    func overlong() -> ScanStop {
        error("line too long (more than \(SourceText.maximumLineLength) characters)", from: limit, to: limit + 1)
    }

    /// A character that starts no token: named by code point when it would be invisible.
    func unexpected(at position: Int) -> ScanStop {
        let scalar = scalars[position]
        if Self.isControl(scalar) { return controlCharacter(at: position) }
        if scalar == "'" {
            return error("unexpected character \"'\"; strings are written in double quotes", from: position,
                         to: position + 1)
        }
        let shown: String
        switch scalar.properties.generalCategory {
        case .spaceSeparator, .lineSeparator, .paragraphSeparator, .format, .privateUse, .unassigned,
             .surrogate, .nonspacingMark, .enclosingMark, .spacingMark:
            shown = scalar.codePointName
        default:
            shown = "'\(scalar)'"
        }
        return error("unexpected character \(shown)", from: position, to: position + 1)
    }

    // MARK: Character classes

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }

    /// Letters, digits, `_ - . / : + * ~ ?`, and non-ASCII letters, marks and digits (so `σ`, `café`
    /// written with a combining accent, and `データ` are words, and `?` is the alias of `help`).
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-", ".", "/", ":", "+", "*", "~", "?": return true
            default: return false
            }
        }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark, .decimalNumber: return true
        default: return properties.isAlphabetic
        }
    }
}
