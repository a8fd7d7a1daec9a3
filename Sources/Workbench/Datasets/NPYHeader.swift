/// The header of a NumPy `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }`.
///
/// Only the literal forms NumPy writes are understood: strings in single or double quotes, True, False,
/// None, integers, and tuples, lists and dicts of those. Failures are plain reasons, which the reader wraps
/// in a `DataFileError` naming the file.
struct NPYHeader: Equatable {
    /// The dtype string, e.g. `<f4`; nil when the dtype is structured (a list of fields).
    let descr: String?
    /// Whether the data is stored column-major.
    let fortranOrder: Bool
    /// The array's dimensions.
    let shape: [Int]

    /// A parsed Python literal.
    indirect enum Literal: Equatable {
        case string(String), integer(Int), boolean(Bool), none
        case sequence([Literal])
        case dictionary([String: Literal])
    }

    /// Why a header was refused.
    struct Failure: Error, Equatable {
        let reason: String
    }

    /// Parses and checks a header's text: a dict with 'descr', 'fortran_order' and 'shape'.
    init(parsing text: String) throws(Failure) {
        var parser = Parser(Array(text.unicodeScalars))
        guard case .dictionary(let entries) = try parser.parseDocument() else {
            throw Failure(reason: "the header is not a dict")
        }
        switch entries["descr"] {
        case .string(let value)?: descr = value
        case .sequence?: descr = nil
        case nil: throw Failure(reason: "the header has no 'descr' (dtype)")
        default: throw Failure(reason: "the header's 'descr' is neither a dtype string nor a field list")
        }
        switch entries["fortran_order"] {
        case .boolean(let value)?: fortranOrder = value
        case nil: throw Failure(reason: "the header has no 'fortran_order'")
        default: throw Failure(reason: "the header's 'fortran_order' is not True or False")
        }
        guard let shapeEntry = entries["shape"] else { throw Failure(reason: "the header has no 'shape'") }
        guard case .sequence(let dimensions) = shapeEntry else { throw Failure(reason: "the header's 'shape' is not a tuple") }
        shape = try dimensions.map { dimension throws(Failure) -> Int in
            guard case .integer(let size) = dimension, size >= 0 else {
                throw Failure(reason: "the header's 'shape' holds something other than non-negative integers")
            }
            return size
        }
    }

    /// The deepest nesting of dicts, tuples and lists a header may have. NumPy's own headers nest two
    /// levels (a shape tuple in the dict), a structured dtype a few more; the reader recurses once per level,
    /// so a limit keeps a hostile header from overflowing the stack.
    static let maximumDepth = 32

    /// A recursive-descent reader of the literal subset.
    struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0
        /// How many dicts, tuples and lists enclose the current position.
        var depth = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        /// One literal followed only by blanks.
        mutating func parseDocument() throws(Failure) -> Literal {
            let value = try parseValue()
            skipBlanks()
            guard index == scalars.count else { throw failure("unexpected text") }
            return value
        }

        mutating func skipBlanks() {
            while index < scalars.count, scalars[index] == " " || scalars[index] == "\n" || scalars[index] == "\t"
                    || scalars[index] == "\r" {
                index += 1
            }
        }

        func failure(_ what: String) -> Failure {
            Failure(reason: "the header does not parse (\(what) at character \(index + 1))")
        }

        mutating func parseValue() throws(Failure) -> Literal {
            skipBlanks()
            guard index < scalars.count else { throw failure("unexpected end") }
            switch scalars[index] {
            case "{": return try parseDictionary()
            case "(": return .sequence(try parseSequence(closing: ")"))
            case "[": return .sequence(try parseSequence(closing: "]"))
            case "'", "\"": return .string(try parseString())
            case "-", "0"..."9": return try parseInteger()
            default:
                for (word, literal) in [("True", Literal.boolean(true)), ("False", .boolean(false)), ("None", .none)]
                where scalars[index...].starts(with: word.unicodeScalars) {
                    index += word.unicodeScalars.count
                    return literal
                }
                throw failure("unexpected '\(scalars[index])'")
            }
        }

        /// One more level of nesting, refused beyond `maximumDepth`.
        mutating func enter() throws(Failure) {
            guard depth < NPYHeader.maximumDepth else { throw failure("nesting deeper than \(NPYHeader.maximumDepth) levels") }
            depth += 1
        }

        /// `{key: value, …}` with string keys and an optional trailing comma.
        mutating func parseDictionary() throws(Failure) -> Literal {
            try enter()
            defer { depth -= 1 }
            index += 1
            var entries: [String: Literal] = [:]
            while true {
                skipBlanks()
                guard index < scalars.count else { throw failure("unexpected end inside {…}") }
                if scalars[index] == "}" { index += 1; return .dictionary(entries) }
                guard scalars[index] == "'" || scalars[index] == "\"" else { throw failure("expected a quoted key") }
                let key = try parseString()
                skipBlanks()
                guard index < scalars.count, scalars[index] == ":" else { throw failure("expected ':' after '\(key)'") }
                index += 1
                entries[key] = try parseValue()
                skipBlanks()
                guard index < scalars.count else { throw failure("unexpected end inside {…}") }
                if scalars[index] == "," { index += 1 } else if scalars[index] != "}" { throw failure("expected ',' or '}'") }
            }
        }

        /// `(a, b, …)` or `[a, b, …]`, with an optional trailing comma.
        mutating func parseSequence(closing: Unicode.Scalar) throws(Failure) -> [Literal] {
            try enter()
            defer { depth -= 1 }
            index += 1
            var items: [Literal] = []
            while true {
                skipBlanks()
                guard index < scalars.count else { throw failure("unexpected end inside a tuple") }
                if scalars[index] == closing { index += 1; return items }
                items.append(try parseValue())
                skipBlanks()
                guard index < scalars.count else { throw failure("unexpected end inside a tuple") }
                if scalars[index] == "," { index += 1 } else if scalars[index] != closing { throw failure("expected ',' or '\(closing)'") }
            }
        }

        /// A quoted string without escapes (NumPy's keys and dtype strings never need them).
        mutating func parseString() throws(Failure) -> String {
            let quote = scalars[index]
            index += 1
            var text = String.UnicodeScalarView()
            while index < scalars.count && scalars[index] != quote {
                if scalars[index] == "\\" { throw failure("escapes in strings are not supported") }
                text.append(scalars[index])
                index += 1
            }
            guard index < scalars.count else { throw failure("unterminated string") }
            index += 1
            return String(text)
        }

        /// A decimal integer, optionally negative (Python 2 headers may add an `L` suffix).
        mutating func parseInteger() throws(Failure) -> Literal {
            let start = index
            if scalars[index] == "-" { index += 1 }
            while index < scalars.count, ("0"..."9").contains(scalars[index]) { index += 1 }
            let digits = String(String.UnicodeScalarView(scalars[start..<index]))
            guard let value = Int(digits) else { throw failure("bad integer '\(digits)'") }
            if index < scalars.count && scalars[index] == "L" { index += 1 }
            return .integer(value)
        }
    }
}
