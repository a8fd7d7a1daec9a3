import Foundation

/// The kind of value a parameter takes, with its valid range or choices.
public enum ParameterKind: Sendable, Equatable {
    /// An integer, optionally within a closed range.
    case integer(ClosedRange<Int>?)
    /// A real number, optionally within a closed range.
    case real(ClosedRange<Double>?)
    /// true or false (also written on/off, yes/no, 1/0).
    case boolean
    /// One of a fixed set of words.
    case choice([String])
    /// Free text: a file path, a layer name.
    case text
    /// A list of integers, such as hidden widths `128,128`.
    case integerList(ClosedRange<Int>?)
    /// A list of real numbers, such as mixture means `-2,0,2`.
    case realList(ClosedRange<Double>?)
}

/// A parameter's value after validation.
public enum ParameterValue: Sendable, Equatable, CustomStringConvertible {
    /// An integer.
    case integer(Int)
    /// A real number.
    case real(Double)
    /// A truth value.
    case boolean(Bool)
    /// A word or free text.
    case text(String)
    /// A list of integers.
    case integerList([Int])
    /// A list of reals.
    case realList([Double])

    /// The canonical spelling `save` writes: integers plainly, reals in shortest round-trip form,
    /// booleans as true/false, lists comma-separated, text quoted when it contains spaces or quotes.
    public var description: String {
        switch self {
        case .integer(let value): return String(value)
        case .real(let value): return ParameterValue.canonical(value)
        case .boolean(let value): return value ? "true" : "false"
        case .integerList(let values): return values.map(String.init).joined(separator: ",")
        case .realList(let values): return values.map(ParameterValue.canonical).joined(separator: ",")
        case .text(let value):
            let plain = !value.isEmpty && value.allSatisfy { !$0.isWhitespace && $0 != "\"" && $0 != "#" && $0 != ";" }
            return plain ? value : "\"" + value.replacingOccurrences(of: "\\", with: "\\\\")
                .replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
    }

    /// A real in the shortest form that reads back to the same Double ("0.1", "1e-05", "2").
    static func canonical(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return "\(value)"
    }
}

/// One parameter of a command or plugin: name, kind, default and documentation, declared once and read by
/// validation, help, completion and `save`.
public struct ParameterSpec: Sendable {
    /// The name users write before `=`.
    public let name: String
    /// What values it takes.
    public let kind: ParameterKind
    /// The value when not given; nil makes the parameter required.
    public let defaultValue: ParameterValue?
    /// One line of documentation.
    public let summary: String

    /// A parameter declaration.
    public init(_ name: String, _ kind: ParameterKind, default defaultValue: ParameterValue?, _ summary: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.summary = summary
    }

    /// The kind in words, for help and error messages: "real in [0, 1]", "one of linear|none".
    public var kindDescription: String {
        switch kind {
        case .integer(let range?): return "integer in [\(range.lowerBound), \(range.upperBound)]"
        case .integer(nil): return "integer"
        case .real(let range?):
            return "real in [\(ParameterValue.canonical(range.lowerBound)), \(ParameterValue.canonical(range.upperBound))]"
        case .real(nil): return "real"
        case .boolean: return "true|false"
        case .choice(let words): return "one of " + words.joined(separator: "|")
        case .text: return "text"
        case .integerList(let range?): return "list of integers in [\(range.lowerBound), \(range.upperBound)]"
        case .integerList(nil): return "list of integers"
        case .realList(let range?):
            return "list of reals in [\(ParameterValue.canonical(range.lowerBound)), \(ParameterValue.canonical(range.upperBound))]"
        case .realList(nil): return "list of reals"
        }
    }
}

/// The kinds of plugin the workbench has.
public enum PluginKind: String, Sendable, CaseIterable {
    /// A source of real samples.
    case dataset
    /// A distribution of the generator's input.
    case noise
    /// A generator or discriminator architecture.
    case model
    /// A GAN objective.
    case loss
    /// A training trick.
    case trick
    /// A measurement of samples or of training.
    case metric
    /// A parameter update rule.
    case optimizer
    /// A two-player toy game (x·y, Dirac-GAN) played instead of the networks.
    case game

    /// The kind in the plural, as lists and the README title it ("noise distributions").
    public var plural: String {
        switch self {
        case .dataset: "data sets"
        case .noise: "noise distributions"
        case .model: "models"
        case .loss: "losses"
        case .trick: "tricks"
        case .metric: "metrics"
        case .optimizer: "optimizers"
        case .game: "games"
        }
    }

    /// The words `list WORD` accepts for the kind, the first one shown in help.
    public var listWords: [String] {
        switch self {
        case .dataset: ["data", "datasets"]
        case .noise: ["noise"]
        default: [plural, rawValue]
        }
    }
}

/// A plugin's declaration: name, aliases, summary, discussion, parameters and the paper it comes from.
public struct PluginSpec: Sendable {
    /// Which registry it belongs to.
    public let kind: PluginKind
    /// The canonical name.
    public let name: String
    /// Other names that resolve to it.
    public let aliases: [String]
    /// One line for lists.
    public let summary: String
    /// A paragraph for `help`.
    public let discussion: String
    /// Its parameters, in the order `save` writes them.
    public let parameters: [ParameterSpec]
    /// The paper or source it follows, when there is one.
    public let reference: String?
    /// The remedy of "From GAN to WGAN" it implements, in a word or two ("Wasserstein"), when it is one:
    /// help names the other plugins that implement the same remedy.
    public let remedy: String?

    /// A plugin declaration.
    public init(kind: PluginKind, name: String, aliases: [String] = [], summary: String, discussion: String,
                parameters: [ParameterSpec] = [], reference: String? = nil, remedy: String? = nil) {
        self.kind = kind
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.discussion = discussion
        self.parameters = parameters
        self.reference = reference
        self.remedy = remedy
    }

    /// The parameter called `name`, if declared.
    public func parameter(_ name: String) -> ParameterSpec? { parameters.first { $0.name == name } }
}
