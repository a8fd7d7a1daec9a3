/// What a token is, as far as the grammar cares.
public enum TokenKind: Equatable, Sendable {
    /// A bare word: a verb, a name, a path (`wgan-gp`, `../x/y.csv`), or a comparison operator
    /// (`<`, `<=`, `>`, `>=`, `==`, `!=`) for `expect`.
    case word
    /// A word spelled as a decimal number (`3`, `-0.5`, `.5`, `1e-4`; see `NumberSyntax`). Whether it fits
    /// where it is used (an integer, a 32-bit float, a range) is checked by whatever reads it.
    case number
    /// A double-quoted string; `Token.value` holds it unescaped.
    case string
    /// `=` between a parameter name and its value.
    case equals
    /// `,` between list elements.
    case comma
    /// `;` between commands.
    case semicolon
    /// `[` opening a list.
    case leftBracket
    /// `]` closing a list.
    case rightBracket
    /// `{` opening a block.
    case leftBrace
    /// `}` closing a block.
    case rightBrace
    /// A line break (not one escaped by a trailing `\`).
    case newline
    /// The end of the input; every token list ends with exactly one.
    case end
}

/// One lexical unit with its place in the source.
public struct Token: Equatable, Sendable {
    /// What the token is.
    public let kind: TokenKind
    /// The token as written, quotes and escapes included (`"a\tb"`); empty for `.end`.
    public let text: String
    /// The token's meaning: a string's contents unescaped, otherwise the same as `text`.
    public let value: String
    /// Where the token is.
    public let range: SourceRange

    /// A token from its parts.
    public init(kind: TokenKind, text: String, value: String, range: SourceRange) {
        self.kind = kind
        self.text = text
        self.value = value
        self.range = range
    }

    /// The token named for a message: `number 3`, `string "x"`, `'='`, `end of line`.
    var phrase: String {
        switch kind {
        case .word: return "'\(Self.shortened(text))'"
        case .number: return "number \(Self.shortened(text))"
        case .string: return "string \(Self.shortened(text))"
        case .newline: return "end of line"
        case .end: return "end of input"
        default: return "'\(text)'"
        }
    }

    /// `text` cut to a length that fits a one-line message, with line breaks and other control
    /// characters spelled out, so a message never spills over lines or moves the terminal's cursor.
    static func shortened(_ text: String, limit: Int = 40) -> String {
        var result = ""
        var count = 0
        for character in text {
            if count == limit {
                result += "…"
                break
            }
            count += 1
            switch character {
            case "\n", "\r\n": result += "\\n"
            case "\t": result += "\\t"
            default:
                if let scalar = character.unicodeScalars.first, scalar.properties.generalCategory == .control {
                    result += scalar.codePointName
                } else {
                    result.append(character)
                }
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    /// `U+0007`: the conventional name of a code point, for characters that cannot be shown.
    var codePointName: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
