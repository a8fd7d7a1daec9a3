/// One token of an expression, with where it is written (in `Character`s from the expression's start).
struct ExpressionToken: Equatable {
    enum Kind: Equatable {
        /// A decimal number.
        case number(Double)
        /// A variable, parameter or function name.
        case name(String)
        /// One of `+ - * / ^ ( ) ,`.
        case symbol(Character)
        /// The end of the text.
        case end
    }

    let kind: Kind
    let offset: Int
    let length: Int
}

/// Splits an expression into tokens: numbers (`2`, `0.5`, `1e-3`), names (letters, digits, `_`), the
/// operators `+ - * / ^`, parentheses and commas; spaces separate and are otherwise ignored.
enum ExpressionLexer {
    static let symbols: Set<Character> = ["+", "-", "*", "/", "^", "(", ")", ","]

    static func tokens(_ text: String) throws(ExpressionError) -> [ExpressionToken] {
        let characters = Array(text)
        var tokens: [ExpressionToken] = []
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character.isWhitespace {
                index += 1
            } else if symbols.contains(character) {
                tokens.append(ExpressionToken(kind: .symbol(character), offset: index, length: 1))
                index += 1
            } else if character.isASCII && (character.isNumber || character == ".") {
                let start = index
                index = numberEnd(characters, from: index)
                let spelling = String(characters[start..<index])
                guard let value = Double(spelling), value.isFinite else {
                    throw ExpressionError("'\(spelling)' is not a number", at: start, length: index - start)
                }
                tokens.append(ExpressionToken(kind: .number(value), offset: start, length: index - start))
            } else if isNameStart(character) {
                let start = index
                while index < characters.count, isNameStart(characters[index]) || (characters[index].isASCII && characters[index].isNumber) {
                    index += 1
                }
                tokens.append(ExpressionToken(kind: .name(String(characters[start..<index])), offset: start, length: index - start))
            } else {
                throw ExpressionError("unexpected character '\(character)'", at: index)
            }
        }
        tokens.append(ExpressionToken(kind: .end, offset: characters.count, length: 1))
        return tokens
    }

    static func isNameStart(_ character: Character) -> Bool {
        character == "_" || (character.isASCII && character.isLetter)
    }

    /// The end of the number starting at `start`: digits, one point, and an exponent `e[+-]digits` when
    /// digits follow the `e` (so `2e` is the number 2 followed by the name `e`).
    private static func numberEnd(_ characters: [Character], from start: Int) -> Int {
        func isDigit(_ index: Int) -> Bool { index < characters.count && characters[index].isASCII && characters[index].isNumber }
        var index = start
        while isDigit(index) { index += 1 }
        if index < characters.count, characters[index] == "." {
            index += 1
            while isDigit(index) { index += 1 }
        }
        if index < characters.count, characters[index] == "e" || characters[index] == "E" {
            var exponent = index + 1
            if exponent < characters.count, characters[exponent] == "+" || characters[exponent] == "-" { exponent += 1 }
            if isDigit(exponent) {
                index = exponent
                while isDigit(index) { index += 1 }
            }
        }
        return index
    }
}
