/// A located message about the user's input: an error, a warning, or a note attached to one of them.
///
/// Diagnostics are values (lldb's lesson): whoever finds a problem returns one, and only the shell
/// decides where and how to print it.
public struct Diagnostic: Error, Equatable, Sendable, CustomStringConvertible {
    /// How serious the message is; the raw value is the word printed before the message.
    public enum Severity: String, Sendable {
        /// The input cannot be run.
        case error
        /// The input runs, but probably not as meant.
        case warning
        /// More about the diagnostic it is attached to.
        case note
    }

    /// How serious the message is.
    public var severity: Severity
    /// One line saying what is wrong, without the location or the severity.
    public var message: String
    /// The offending text, if the message is about a place in the source.
    public var range: SourceRange?
    /// The full line `range` starts on, echoed under the message with a caret.
    public var sourceLine: String?
    /// Further notes, printed after the message in order (e.g. "first given here", "included from …").
    public var notes: [Diagnostic]

    /// A diagnostic from its parts; an error without location or notes by default.
    public init(severity: Severity = .error, message: String, range: SourceRange? = nil,
                sourceLine: String? = nil, notes: [Diagnostic] = []) {
        self.severity = severity
        self.message = message
        self.range = range
        self.sourceLine = sourceLine
        self.notes = notes
    }

    /// This diagnostic with "note: included from FILE:LINE" appended, as a nested `run` passes an
    /// error out to the script that ran it; applied at every level, the notes list the chain innermost
    /// first.
    public func included(from location: SourceLocation) -> Diagnostic {
        var copy = self
        copy.notes.append(Diagnostic(severity: .note, message: "included from \(location.file):\(location.line)"))
        return copy
    }

    /// The text rendering without colour.
    public var description: String { rendered() }

    /// Echoed lines longer than this are shown as a window around the caret.
    static let echoWidth = 120

    /// ```
    /// file:line:col: error: message
    ///     <the source line>
    ///     <spaces>^~~~
    /// ```
    /// then each note the same way; without a range just `error: message`. No trailing line break.
    /// With `colour`, the location and message are bold, the severity and the caret coloured (as clang
    /// does); callers pass `false` when output is not a terminal or `NO_COLOR` is set.
    public func rendered(colour: Bool = false) -> String {
        var lines: [String] = []
        render(into: &lines, colour: colour, depth: 0)
        return lines.joined(separator: "\n")
    }

    private func render(into lines: inout [String], colour: Bool, depth: Int) {
        let style = Style(enabled: colour)
        var header = ""
        if let range { header += style.bold("\(range.start):") + " " }
        header += style.severity(severity) + " " + style.bold(Token.shortened(message, limit: 1_000))
        lines.append(header)
        if let range, let sourceLine {
            let (echo, caret) = Self.echo(sourceLine, column: range.start.column, length: range.length)
            lines.append("    " + echo)
            lines.append("    " + caret.padding + style.caret(caret.marks))
        }
        // Notes are built by our own code, never from input, but the depth cap keeps even a
        // pathological chain from recursing without bound.
        guard depth < 16 else { return }
        for note in notes { note.render(into: &lines, colour: colour, depth: depth + 1) }
    }

    /// The line as shown (control characters made visible, long lines windowed) and the caret line
    /// (the whitespace before the caret, and `^~~~` spanning the range, clamped to the line).
    static func echo(_ line: String, column: Int, length: Int) -> (String, (padding: String, marks: String)) {
        let characters = Array(line)
        let start = min(max(0, column - 1), characters.count)
        var from = 0
        var to = characters.count
        if characters.count > echoWidth {
            from = max(0, min(start - echoWidth / 2, characters.count - echoWidth))
            to = min(characters.count, from + echoWidth)
        }
        var echo = from > 0 ? "…" : ""
        // Tabs are copied into the padding so the caret lines up whatever the terminal's tab stops.
        var padding = from > 0 ? " " : ""
        for (offset, character) in characters[from..<to].enumerated() {
            echo += visible(character)
            if from + offset < start { padding += character == "\t" ? "\t" : " " }
        }
        if to < characters.count { echo += "…" }
        let span = max(1, min(length, to - start))
        return (echo, (padding, "^" + String(repeating: "~", count: span - 1)))
    }

    /// A control character as its Unicode "control picture" (␀, ␇, ␛, ␡), so echoing a bad line can
    /// never ring the bell or send an escape sequence, and still takes one column.
    static func visible(_ character: Character) -> String {
        guard character != "\t", let scalar = character.unicodeScalars.first,
              scalar.properties.generalCategory == .control else { return String(character) }
        switch scalar.value {
        case 0x00...0x1F: return String(Unicode.Scalar(0x2400 + scalar.value).map(Character.init) ?? "?")
        case 0x7F: return "\u{2421}"
        default: return "\u{FFFD}"
        }
    }
}

/// ANSI styling for rendered diagnostics, or none.
private struct Style {
    let enabled: Bool

    func apply(_ code: String, _ text: String) -> String {
        enabled ? "\u{1B}[\(code)m" + text + "\u{1B}[0m" : text
    }

    func bold(_ text: String) -> String { apply("1", text) }

    func severity(_ severity: Diagnostic.Severity) -> String {
        let label = severity.rawValue + ":"
        switch severity {
        case .error: return apply("1;31", label)
        case .warning: return apply("1;35", label)
        case .note: return apply("1;36", label)
        }
    }

    func caret(_ marks: String) -> String { apply("1;32", marks) }
}
