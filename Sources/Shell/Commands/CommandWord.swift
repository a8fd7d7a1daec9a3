/// A word a command takes at one position from a fixed set (`trick on|off|list`, `checkpoint save|load`):
/// an enumeration whose raw values are the words, in the order usage, completion and errors list them, so
/// each word is written once.
protocol CommandWord: RawRepresentable<String>, CaseIterable {}

extension CommandWord {
    /// The words, in declaration order.
    static var words: [String] { allCases.map(\.rawValue) }

    /// "on, off or list".
    static var alternatives: String {
        let words = words
        return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    /// "save|load", as usage lines write a choice.
    static var choice: String { words.joined(separator: "|") }

    /// Completion offers the words.
    static var completions: CompletionSource { .words(words) }
}
