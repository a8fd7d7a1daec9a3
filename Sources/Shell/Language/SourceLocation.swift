/// A place in a script or in typed input: the file name, a 1-based line and a 1-based column.
///
/// Columns count `Character`s (what a reader sees as one letter), not bytes or Unicode scalars, so a
/// caret drawn under `café` or `σ=0.01` lands under the letter the user means.
public struct SourceLocation: Equatable, Sendable, CustomStringConvertible {
    /// The file name as the user gave it (`run.gan`, `<stdin>`, `<command line>`).
    public let file: String
    /// The 1-based line number.
    public let line: Int
    /// The 1-based column, counted in `Character`s.
    public let column: Int

    /// A location from its parts.
    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, the form compilers print and editors jump to.
    public var description: String { "\(file):\(line):\(column)" }
}

/// A stretch of source text: where it starts and how many `Character`s it covers.
///
/// A range may run over line ends (a string or a block spanning lines); renderers clamp it to the
/// first line.
public struct SourceRange: Equatable, Sendable {
    /// The first character of the range.
    public let start: SourceLocation
    /// The number of characters covered, at least 1 (an empty range could not be underlined).
    public let length: Int

    /// A range from its start and length; a length below 1 becomes 1.
    public init(start: SourceLocation, length: Int) {
        self.start = start
        self.length = max(1, length)
    }
}

/// The text being lexed, indexed once so that every later question (which line and column is this
/// scalar on, what is the text of line 7) is answered without rescanning.
///
/// The lexer walks Unicode scalars (each a whole code point: Swift strings are always valid Unicode,
/// so there is no invalid UTF-8 to meet), while locations count `Character`s; this table maps one to
/// the other.
struct SourceText: Sendable {
    /// Lines longer than this are refused: a runaway line (a binary file, a pasted data dump) would
    /// otherwise be echoed whole in a diagnostic.
    static let maximumLineLength = 100_000

    let file: String
    let firstLine: Int
    /// The input's scalars, without a leading byte-order mark.
    let scalars: [Unicode.Scalar]
    /// For each scalar, the index of the `Character` it belongs to (scalars of one grapheme share it).
    private let characterIndex: [Int]
    /// The number of `Character`s in the input.
    let characterCount: Int
    /// The character index at which each line starts; never empty.
    private let lineStarts: [Int]
    /// The text of each line, without its line break (and without the `\r` of a CRLF).
    private let lineTexts: [String]
    /// The first scalar that lies beyond `maximumLineLength` on its line, if any.
    let overlongScalar: Int?

    init(_ source: String, file: String, firstLine: Int) {
        self.file = file
        self.firstLine = firstLine
        // A BOM is an encoding artefact, not text: editors do not show it, so columns must not count it.
        var body = Substring(source)
        if body.unicodeScalars.first == "\u{FEFF}" { body = Substring(body.unicodeScalars.dropFirst()) }

        var scalars: [Unicode.Scalar] = []
        var characterIndex: [Int] = []
        scalars.reserveCapacity(body.unicodeScalars.count)
        characterIndex.reserveCapacity(body.unicodeScalars.count)
        var lineStarts = [0]
        var lineScalarStarts = [0]
        var overlong: Int?
        var character = 0
        var lineStart = 0
        for grapheme in body {
            // A line feed is always a grapheme of its own or the end of "\r\n" (Unicode's rules GB3–GB5).
            let endsLine = grapheme.unicodeScalars.contains("\n")
            if overlong == nil, !endsLine, character - lineStart >= Self.maximumLineLength {
                overlong = scalars.count
            }
            for scalar in grapheme.unicodeScalars {
                scalars.append(scalar)
                characterIndex.append(character)
            }
            character += 1
            if endsLine {
                lineStart = character
                lineStarts.append(character)
                lineScalarStarts.append(scalars.count)
            }
        }
        var lineTexts: [String] = []
        lineTexts.reserveCapacity(lineStarts.count)
        for (number, from) in lineScalarStarts.enumerated() {
            var to = number + 1 < lineScalarStarts.count ? lineScalarStarts[number + 1] : scalars.count
            if to > from, scalars[to - 1] == "\n" {
                to -= 1
                if to > from, scalars[to - 1] == "\r" { to -= 1 }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[from..<to])
            lineTexts.append(String(view))
        }
        self.scalars = scalars
        self.characterIndex = characterIndex
        self.characterCount = character
        self.lineStarts = lineStarts
        self.lineTexts = lineTexts
        self.overlongScalar = overlong
    }

    /// The character index of scalar `index`; the end of input for an index past the last scalar.
    func characterOffset(ofScalar index: Int) -> Int {
        index >= 0 && index < characterIndex.count ? characterIndex[index] : characterCount
    }

    /// The character offset just after the scalars `from..<to` (at least one past `from`'s character).
    func characterEnd(ofScalars from: Int, _ to: Int) -> Int {
        to > from ? characterOffset(ofScalar: to - 1) + 1 : characterOffset(ofScalar: from) + 1
    }

    /// The 0-based line holding character `offset` (the last line for the end of input).
    private func lineIndex(ofCharacter offset: Int) -> Int {
        // Binary search for the last line start at or before `offset`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// The location of character `offset`.
    func location(ofCharacter offset: Int) -> SourceLocation {
        let line = lineIndex(ofCharacter: offset)
        return SourceLocation(file: file, line: firstLine + line, column: offset - lineStarts[line] + 1)
    }

    /// The range of characters `from..<to`.
    func range(fromCharacter from: Int, toCharacter to: Int) -> SourceRange {
        SourceRange(start: location(ofCharacter: from), length: to - from)
    }

    /// The range covered by the scalars `from..<to` (one character when the span is empty).
    func range(ofScalars from: Int, _ to: Int) -> SourceRange {
        let start = characterOffset(ofScalar: from)
        return range(fromCharacter: start, toCharacter: characterEnd(ofScalars: from, to))
    }

    /// The text of the line a location (from this text) is on, if it is one of ours.
    func lineText(at location: SourceLocation) -> String? {
        let index = location.line - firstLine
        return index >= 0 && index < lineTexts.count ? lineTexts[index] : nil
    }

    /// An error at `range`, echoing the line the range starts on.
    func error(_ message: String, at range: SourceRange, notes: [Diagnostic] = []) -> Diagnostic {
        Diagnostic(severity: .error, message: message, range: range, sourceLine: lineText(at: range.start),
                   notes: notes)
    }
}
