import Workbench

/// A word a command takes at one position from a fixed set (`trick on|off|list`, `checkpoint save|load`):
/// an enumeration whose raw values are the words, in the order usage, completion and errors list them, so
/// each word is written once.
protocol CommandWord: RawRepresentable<String>, CaseIterable {
    /// The word another spelling stands for (`g` or `generator` for `G`), or nil; usage, completion and
    /// errors show only the canonical words.
    static func alias(_ word: String) -> Self?
}

extension CommandWord {
    static func alias(_ word: String) -> Self? { nil }

    /// The canonical word or the word an alias stands for.
    static func named(_ word: String) -> Self? { Self(rawValue: word) ?? alias(word) }
    /// The words, in declaration order.
    static var words: [String] { allCases.map(\.rawValue) }

    /// "on, off or list".
    static var alternatives: String {
        let words = words
        return words.count < 2 ? words.joined() : words.dropLast().joined(separator: ", ") + " or " + words.last!
    }

    /// "save|load", as usage lines write a choice.
    static var choice: String { words.joined(separator: "|") }

    /// The word at positional `index` of a command: a missing word is an error saying what the command
    /// needs, an unknown one an error at that word listing the choices ("unknown trick action 'x'; expected
    /// on, off or list").
    static func parse(_ invocation: Invocation, at index: Int = 0, what: String) throws -> Self {
        guard index < invocation.positionals.count else {
            throw invocation.failure("\(invocation.spec.name) needs \(alternatives); usage: \(invocation.spec.usage)")
        }
        let node = invocation.positionals[index]
        guard let word = named(node.text) else {
            throw invocation.failure("unknown \(what) '\(node.text)'; expected \(alternatives)", at: node.range)
        }
        return word
    }

    /// Completion offers the words.
    static var completions: CompletionSource { .words(words) }
}

extension Player {
    /// The player a command word names: `G`, `g` or `generator`; `D`, `d`, `discriminator` or `critic`.
    init?(commandWord word: String) {
        switch word {
        case "G", "g", "generator": self = .generator
        case "D", "d", "discriminator", "critic": self = .discriminator
        default: return nil
        }
    }
}
