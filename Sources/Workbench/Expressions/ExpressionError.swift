/// Why an expression of the language was refused, with the place inside its text: `offset` counts
/// `Character`s from the first character of the expression, so the shell can draw a caret under the
/// column of the script line the expression sits in.
public struct ExpressionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong, in a sentence without the location.
    public let message: String
    /// Where the offending text starts, in `Character`s from the start of the expression.
    public let offset: Int
    /// How many `Character`s it covers (at least 1).
    public let length: Int

    /// An error at `offset` covering `length` characters.
    public init(_ message: String, at offset: Int, length: Int = 1) {
        self.message = message
        self.offset = offset
        self.length = max(1, length)
    }

    /// `column N: message`, the column 1-based within the expression.
    public var description: String { "column \(offset + 1): \(message)" }
}
