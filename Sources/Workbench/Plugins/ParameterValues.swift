import Foundation
import Kernels

/// Why a set of parameter assignments was refused. Messages name the plugin and the parameter.
public enum ParameterError: Error, Equatable, CustomStringConvertible {
    /// A name the plugin does not declare, with the closest declared one when it is close.
    case unknown(owner: String, name: String, suggestion: String?)
    /// A value that does not parse as the parameter's kind.
    case invalid(owner: String, name: String, value: String, expected: String)
    /// A value outside the declared range or choices.
    case outOfRange(owner: String, name: String, value: String, expected: String)
    /// A required parameter that was not given.
    case missing(owner: String, name: String, expected: String)
    /// The same parameter given twice.
    case duplicate(owner: String, name: String)
    /// A value, or one element of a list, that is spelled as a number but cannot be used as one: hexadecimal,
    /// infinite, beyond the integers or the 32-bit floats (`NumberSyntax` says why).
    case number(owner: String, name: String, value: String, problem: NumberError)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .unknown(owner, name, suggestion):
            return "unknown parameter '\(name)' for \(owner)" + (suggestion.map { "; did you mean '\($0)'?" } ?? "")
        case let .invalid(owner, name, value, expected):
            return "\(owner): \(name)=\(value) is not valid; expected \(expected)"
        case let .outOfRange(owner, name, value, expected):
            return "\(owner): \(name)=\(value) is out of range; expected \(expected)"
        case let .missing(owner, name, expected):
            return "\(owner): missing required parameter \(name) (\(expected))"
        case let .duplicate(owner, name):
            return "\(owner): parameter \(name) is given twice"
        case let .number(owner, name, value, problem):
            // A list names the element at fault after the whole value.
            return "\(owner): \(name)=" + (value == problem.text ? "\(problem)" : "\(NumberError.shown(value)): \(problem)")
        }
    }
}

/// Validated parameter values of one plugin instance, in the order its spec declares them, defaults
/// filled in.
public struct ParameterValues: Sendable, Equatable {
    /// Every declared parameter with its value, in declaration order.
    public private(set) var entries: [(name: String, value: ParameterValue)]
    /// The names that were given explicitly (the rest are defaults).
    public private(set) var explicitNames: [String]

    /// Equality of names and values.
    public static func == (lhs: ParameterValues, rhs: ParameterValues) -> Bool {
        lhs.entries.count == rhs.entries.count
            && zip(lhs.entries, rhs.entries).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// The value of `name`, which must be declared.
    public subscript(name: String) -> ParameterValue {
        guard let entry = entries.first(where: { $0.name == name }) else {
            preconditionFailure("parameter '\(name)' is not declared")
        }
        return entry.value
    }

    /// A real parameter (an integer value is widened).
    public func real(_ name: String) -> Double {
        switch self[name] {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: preconditionFailure("parameter '\(name)' is not a number")
        }
    }

    /// A real parameter as Float.
    public func float(_ name: String) -> Float { Float(real(name)) }

    /// An integer parameter.
    public func integer(_ name: String) -> Int {
        guard case .integer(let value) = self[name] else { preconditionFailure("parameter '\(name)' is not an integer") }
        return value
    }

    /// A boolean parameter.
    public func boolean(_ name: String) -> Bool {
        guard case .boolean(let value) = self[name] else { preconditionFailure("parameter '\(name)' is not a boolean") }
        return value
    }

    /// A text or choice parameter.
    public func text(_ name: String) -> String {
        guard case .text(let value) = self[name] else { preconditionFailure("parameter '\(name)' is not text") }
        return value
    }

    /// An integer-list parameter.
    public func integers(_ name: String) -> [Int] {
        guard case .integerList(let value) = self[name] else { preconditionFailure("parameter '\(name)' is not a list") }
        return value
    }

    /// A real-list parameter (an integer list is widened).
    public func reals(_ name: String) -> [Double] {
        switch self[name] {
        case .realList(let value): return value
        case .integerList(let value): return value.map(Double.init)
        default: preconditionFailure("parameter '\(name)' is not a list")
        }
    }

    /// `name=value` for every parameter, or only those given explicitly, in declaration order. An empty list
    /// is written `[]`: `name=` alone does not parse, so the text could not be read back.
    public func assignments(explicitOnly: Bool = false) -> [String] {
        entries.filter { !explicitOnly || explicitNames.contains($0.name) }.map { entry in
            let text = entry.value.description
            return "\(entry.name)=" + (text.isEmpty ? "[]" : text)
        }
    }

    /// The same values with those of `names` that are declared marked as given, in declaration order.
    func stating(_ names: [String]) -> ParameterValues {
        var copy = self
        copy.explicitNames = entries.map(\.name).filter(names.contains)
        return copy
    }

    /// Values from text assignments (`lambda=0.1`), checked against `spec` and completed with defaults.
    public init(_ spec: PluginSpec, assignments: [(name: String, value: String)]) throws {
        try self.init(owner: "\(spec.kind.rawValue) \(spec.name)", parameters: spec.parameters, assignments: assignments)
    }

    /// Values given as typed values, checked against `spec` and completed with defaults.
    public init(_ spec: PluginSpec, values: [(String, ParameterValue)] = []) throws {
        try self.init(owner: "\(spec.kind.rawValue) \(spec.name)", parameters: spec.parameters, values: values)
    }

    /// Values from text assignments checked against a list of declarations; `owner` names them in
    /// messages ("command step").
    public init(owner: String, parameters declared: [ParameterSpec], assignments: [(name: String, value: String)]) throws {
        var typed: [(String, ParameterValue)] = []
        for (name, text) in assignments {
            guard let parameter = declared.first(where: { $0.name == name }) else {
                throw ParameterError.unknown(owner: owner, name: name,
                                             suggestion: Suggestion.closest(to: name, among: declared.map(\.name)))
            }
            typed.append((name, try ParameterValues.parse(text, as: parameter, owner: owner)))
        }
        try self.init(owner: owner, parameters: declared, values: typed)
    }

    /// Typed values checked against a list of declarations and completed with defaults.
    public init(owner: String, parameters declared: [ParameterSpec], values: [(String, ParameterValue)]) throws {
        var given: [String: ParameterValue] = [:]
        var order: [String] = []
        for (name, value) in values {
            guard let parameter = declared.first(where: { $0.name == name }) else {
                throw ParameterError.unknown(owner: owner, name: name,
                                             suggestion: Suggestion.closest(to: name, among: declared.map(\.name)))
            }
            guard given[name] == nil else { throw ParameterError.duplicate(owner: owner, name: name) }
            given[name] = try ParameterValues.check(value, against: parameter, owner: owner)
            order.append(name)
        }
        entries = try declared.map { parameter in
            if let value = given[parameter.name] { return (parameter.name, value) }
            guard let fallback = parameter.defaultValue else {
                throw ParameterError.missing(owner: owner, name: parameter.name, expected: parameter.kindDescription)
            }
            return (parameter.name, fallback)
        }
        explicitNames = declared.map(\.name).filter { order.contains($0) }
    }

    /// Parses the text of one assignment as the parameter's kind; numbers are read by `NumberSyntax`.
    static func parse(_ text: String, as parameter: ParameterSpec, owner: String) throws -> ParameterValue {
        let invalid = ParameterError.invalid(owner: owner, name: parameter.name, value: text, expected: parameter.kindDescription)
        // Words and fractions get the kind the parameter expects; a number that cannot be used says why.
        func refusal(_ problem: NumberError) -> ParameterError {
            switch problem.reason {
            case .notANumber, .notWhole: return invalid
            case .tooLarge, .tooSmall:
                switch parameter.kind {
                case .integer(.some), .integerList(.some):
                    return .outOfRange(owner: owner, name: parameter.name, value: text, expected: parameter.kindDescription)
                default: break
                }
            default: break
            }
            return .number(owner: owner, name: parameter.name, value: text, problem: problem)
        }
        func elements() -> [String] {
            let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
            return trimmed.isEmpty ? [] : trimmed.split(separator: ",", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
        switch parameter.kind {
        case .boolean:
            switch text.lowercased() {
            case "true", "on", "yes", "1": return .boolean(true)
            case "false", "off", "no", "0": return .boolean(false)
            default: throw invalid
            }
        case .choice, .text:
            return try check(.text(text), against: parameter, owner: owner)
        case .integer, .real, .integerList, .realList:
            break
        }
        let value: ParameterValue
        do throws(NumberError) {
            switch parameter.kind {
            case .integer:
                value = .integer(try NumberSyntax.integer(text, as: Int.self))
            case .integerList:
                var values: [Int] = []
                for element in elements() { values.append(try NumberSyntax.integer(element, as: Int.self)) }
                value = .integerList(values)
            case .realList:
                var values: [Double] = []
                for element in elements() { values.append(try NumberSyntax.real(element)) }
                value = .realList(values)
            default:
                value = .real(try NumberSyntax.real(text))
            }
        } catch {
            throw refusal(error)
        }
        return try check(value, against: parameter, owner: owner)
    }

    /// Checks a typed value's kind and range.
    static func check(_ value: ParameterValue, against parameter: ParameterSpec, owner: String) throws -> ParameterValue {
        let outOfRange = ParameterError.outOfRange(owner: owner, name: parameter.name, value: value.description,
                                                   expected: parameter.kindDescription)
        let invalid = ParameterError.invalid(owner: owner, name: parameter.name, value: value.description,
                                             expected: parameter.kindDescription)
        switch (parameter.kind, value) {
        case (.integer(let range), .integer(let v)):
            if let range, !range.contains(v) { throw outOfRange }
            return value
        case (.real(let range), .real(let v)):
            if let range, !range.contains(v) { throw outOfRange }
            return value
        case (.real(let range), .integer(let v)):
            if let range, !range.contains(Double(v)) { throw outOfRange }
            return .real(Double(v))
        case (.boolean, .boolean), (.text, .text):
            return value
        case (.choice(let words), .text(let word)):
            guard words.contains(word) else {
                if let close = Suggestion.closest(to: word, among: words) {
                    throw ParameterError.invalid(owner: owner, name: parameter.name, value: word,
                                                 expected: parameter.kindDescription + " (did you mean '\(close)'?)")
                }
                throw outOfRange
            }
            return value
        case (.integerList(let range), .integerList(let values)):
            if let range, !values.allSatisfy(range.contains) { throw outOfRange }
            return value
        case (.realList(let range), .realList(let values)):
            if let range, !values.allSatisfy(range.contains) { throw outOfRange }
            return value
        case (.realList(let range), .integerList(let values)):
            if let range, !values.allSatisfy({ range.contains(Double($0)) }) { throw outOfRange }
            return .realList(values.map(Double.init))
        default:
            throw invalid
        }
    }
}

/// "Did you mean …?": the candidate nearest to a misspelt word.
public enum Suggestion {
    /// The candidate with the smallest edit distance to `word`, if it is within a third of the word's
    /// length (at least 1, at most 3) or `word` is a prefix of exactly one candidate.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let prefixed = candidates.filter { $0.hasPrefix(word) }
        if prefixed.count == 1 && !word.isEmpty { return prefixed[0] }
        let limit = Swift.min(3, Swift.max(1, word.count / 3))
        var best: (String, Int)?
        for candidate in candidates {
            let distance = editDistance(word, candidate)
            if distance <= limit && (best == nil || distance < best!.1) { best = (candidate, distance) }
        }
        return best?.0
    }

    /// Damerau–Levenshtein distance (optimal string alignment): insertions, deletions, substitutions and
    /// swaps of neighbours each cost 1.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                table[i][j] = Swift.min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] {
                    table[i][j] = Swift.min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[x.count][y.count]
    }
}
