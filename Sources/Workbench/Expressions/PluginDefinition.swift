import Foundation

/// A parameter a definition declares: `lambda=10`, or with a range and a line of help,
/// `lambda="10 in 0..1e6: weight of the penalty"`. It becomes a real parameter of the defined plugin.
public struct DefinedParameter: Equatable, Sendable {
    /// The name expressions and commands use.
    public let name: String
    /// The value when a command does not give one.
    public let defaultValue: Double
    /// The values allowed, when limited.
    public let range: ClosedRange<Double>?
    /// One line of help, when given.
    public let summary: String?

    /// The parameter `name` from its text `DEFAULT[ in LOW..HIGH][: SUMMARY]`; errors point into `text`.
    public init(name: String, text: String) throws(ExpressionError) {
        self.name = name
        var rest = Substring(text)
        if let colon = rest.firstIndex(of: ":") {
            let summary = rest[rest.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            self.summary = summary.isEmpty ? nil : summary
            rest = rest[..<colon]
        } else {
            summary = nil
        }
        func number(_ part: Substring, _ what: String) throws(ExpressionError) -> Double {
            let word = part.trimmingCharacters(in: .whitespaces)
            let offset = text.distance(from: text.startIndex, to: part.startIndex) + (part.count - part.drop { $0 == " " }.count)
            guard let value = Double(word), value.isFinite, Float(value).isFinite else {
                throw ExpressionError("\(what) '\(word)' is not a finite number", at: offset, length: max(1, word.count))
            }
            return value
        }
        if let marker = rest.range(of: " in ") {
            let bounds = rest[marker.upperBound...]
            guard let dots = bounds.range(of: "..") else {
                throw ExpressionError("a range is written LOW..HIGH", at: text.distance(from: text.startIndex, to: bounds.startIndex),
                                      length: max(1, bounds.count))
            }
            let low = try number(bounds[..<dots.lowerBound], "the low bound"), high = try number(bounds[dots.upperBound...], "the high bound")
            guard low <= high else {
                throw ExpressionError("the range \(ParameterValue.canonical(low))..\(ParameterValue.canonical(high)) is empty",
                                      at: text.distance(from: text.startIndex, to: bounds.startIndex), length: bounds.count)
            }
            range = low...high
            rest = rest[..<marker.lowerBound]
        } else {
            range = nil
        }
        defaultValue = try number(rest, "the default")
        if let range, !range.contains(defaultValue) {
            throw ExpressionError("the default \(ParameterValue.canonical(defaultValue)) is outside "
                                  + "\(ParameterValue.canonical(range.lowerBound))..\(ParameterValue.canonical(range.upperBound))",
                                  at: 0, length: rest.count)
        }
    }

    /// The text that declares it again, in canonical form.
    public var text: String {
        ParameterValue.canonical(defaultValue)
            + (range.map { " in \(ParameterValue.canonical($0.lowerBound))..\(ParameterValue.canonical($0.upperBound))" } ?? "")
            + (summary.map { ": \($0)" } ?? "")
    }
}

/// Why a definition was refused: the argument at fault (an expression's role or a parameter's name, nil
/// for the definition as a whole) and the error inside its text.
public struct DefinitionError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The `name=` argument whose value is at fault, or nil.
    public let argument: String?
    /// What is wrong and where inside the argument's value.
    public let error: ExpressionError

    init(_ argument: String?, _ error: ExpressionError) {
        self.argument = argument
        self.error = error
    }

    init(_ message: String) { self.init(nil, ExpressionError(message, at: 0)) }

    /// `ARG, column N: message`.
    public var description: String { argument.map { "\($0)=, \(error)" } ?? error.message }
}

/// What a defined loss declares it is, for what depends on the loss's family: a cross-entropy loss (D a
/// classifier: the JS estimate is recorded), a Wasserstein critic (the W estimate is recorded), or neither.
/// Nothing can tell that of an arbitrary expression, so the definition says it (`family=`).
public enum LossFamily: String, CaseIterable, Sendable {
    case crossEntropy = "cross-entropy"
    case wasserstein
    case other
}

/// What a defined data set declares of its modes (`modes="k: 0.01"`): the named `choice(K)` draw that picks
/// a sample's mode and the standard deviation around each mode, so that `metric modes` can score it. The
/// centre of mode j is the sample with the draw at j and every normal written in a coordinate at its mean.
public struct ModeDeclaration: Equatable, Sendable {
    /// The named draw that picks the mode.
    public let draw: String
    /// The standard deviation of every mode.
    public let deviation: Double

    /// The declaration from its text `DRAW: DEVIATION`; errors point into `text`.
    public init(text: String) throws(ExpressionError) {
        guard let colon = text.firstIndex(of: ":") else {
            throw ExpressionError("modes are declared as DRAW: DEVIATION (modes=\"k: 0.01\"): the choice draw and the spread of each mode",
                                  at: 0, length: max(1, text.count))
        }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        let rest = text[text.index(after: colon)...]
        let number = rest.trimmingCharacters(in: .whitespaces)
        let offset = text.distance(from: text.startIndex, to: rest.startIndex) + (rest.count - rest.drop { $0 == " " }.count)
        guard let value = Double(number), value.isFinite, value > 0, Float(value).isNormal else {
            throw ExpressionError("the deviation '\(number)' is not a positive number", at: offset, length: max(1, number.count))
        }
        draw = name
        deviation = value
    }

    /// The text that declares it again.
    public var text: String { "\(draw): \(ParameterValue.canonical(deviation))" }
}

/// A plugin written in the language: its kind, its name, its expressions by role and its parameters, and
/// where it was defined. A definition is data (a checkpoint keeps it as a record) and becomes a registry
/// entry like any built-in plugin (`register`): help, completion, validation, `list`, `save` and
/// checkpoints read it through the registry.
///
/// Losses can be defined: `d` is D's loss and `g` G's, of `real` and `fake`, D's raw outputs on the real
/// and the generated batch (one value per sample); `gradnorm(real|fake|mix)` in `d` is the per-sample norm
/// of ∇ₓD. A defined loss also has the parameters every built-in loss has (`critic_steps`, `r1`); the
/// definition may set their defaults.
public struct PluginDefinition: Equatable, Sendable {
    /// An expression of the definition and the role it plays ("d", "g").
    public struct Expression: Equatable, Sendable {
        public let role: String
        public let text: String
    }

    /// The kinds that can be defined, and each kind's roles in the order they are written. A penalty is a
    /// trick whose term is added to D's loss.
    /// A metric has `value` and any number of further named values; a data set has its coordinates and
    /// its named draws (see `isExpression`).
    public static let roles: [PluginKind: [String]] = [.loss: ["d", "g"], .trick: ["d"], .metric: ["value"], .dataset: []]

    /// The word `define` takes for each kind that can be defined, in the order help lists them.
    public static let words: [(word: String, kind: PluginKind)] = [("loss", .loss), ("penalty", .trick), ("metric", .metric),
                                                                   ("data", .dataset)]

    /// The names of a data set's coordinates, in order: x, y, z, or x1, x2, … for any dimension.
    static func isCoordinate(_ name: String) -> Bool {
        if ["x", "y", "z"].contains(name) { return true }
        guard name.count >= 2, name.first == "x", let index = Int(name.dropFirst()), index >= 1 else { return false }
        return String(index) == name.dropFirst()
    }

    /// Whether the `name=` argument of a `define` of `kind` is an expression (or a draw) rather than a
    /// parameter: a role of a loss or penalty always is; for a metric `value` is, and so is any other
    /// argument that is not a parameter's number; for a data set every coordinate is, and so is any other
    /// argument that is not a number (a named draw).
    public static func isExpression(_ kind: PluginKind, _ name: String, _ text: String) -> Bool {
        switch kind {
        case .metric where name == "value": return true
        case .dataset where isCoordinate(name): return true
        case .dataset where name == modesArgument: return false
        case .metric, .dataset: return (try? DefinedParameter(name: name, text: text)) == nil
        default: return roles.values.contains { $0.contains(name) }
        }
    }

    /// The argument that declares a loss's family.
    public static let familyArgument = "family"
    /// The argument that declares a data set's modes.
    public static let modesArgument = "modes"

    /// The word for what this definition makes ("loss", "penalty").
    public var word: String { Self.words.first { $0.kind == kind }?.word ?? kind.rawValue }

    /// What the plugin is.
    public let kind: PluginKind
    /// Its canonical name.
    public let name: String
    /// Its expressions, in the order of `roles`.
    public let expressions: [Expression]
    /// The parameters it declares, in the order given.
    public let parameters: [DefinedParameter]
    /// Where it was defined ("run.gan:3"); not part of what the definition is.
    public let origin: String
    /// What a loss declares it is (`other` for every other kind).
    public let family: LossFamily
    /// What a data set declares of its modes, if anything.
    public let modes: ModeDeclaration?
    /// The parameters of the plugin: those declared, then those of its kind it did not redeclare.
    public let parameterSpecs: [ParameterSpec]

    /// A definition, checked: a definable kind, a plugin name, every role given, parameter names that
    /// clash with nothing, and every expression valid with the default values.
    public init(kind: PluginKind, name: String, expressions: [(role: String, text: String)],
                parameters: [DefinedParameter], family: LossFamily = .other, modes: ModeDeclaration? = nil,
                origin: String) throws(DefinitionError) {
        guard let roles = Self.roles[kind], let word = Self.words.first(where: { $0.kind == kind })?.word else {
            throw DefinitionError("a \(kind.rawValue) cannot be defined in the language; definable: "
                                  + Self.words.map(\.word).joined(separator: ", "))
        }
        guard let first = name.first, first.isASCII, first.isLetter,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw DefinitionError("'\(name)' cannot name a \(word): use letters, digits, - and _, starting with a letter")
        }
        guard family == .other || kind == .loss else {
            throw DefinitionError(Self.familyArgument, ExpressionError("only a loss declares a family", at: 0))
        }
        guard modes == nil || kind == .dataset else {
            throw DefinitionError(Self.modesArgument, ExpressionError("only a data set declares modes", at: 0))
        }
        // Losses and penalties keep the names they reserved before metrics and data sets could be defined, so
        // that their definitions written then still read.
        let legacy = ["mean", "sum", "softplus", "sigmoid", "log", "exp", "abs", "relu", "sqrt", "square", "tanh",
                      "min", "max", "clamp", "gradnorm"]
        let reserved = Set(roles + Self.variables(kind) + GradientPoint.allCases.map(\.rawValue)
                           + (kind == .loss || kind == .trick ? legacy + [Self.familyArgument]
                              : ExpressionChecker.functionNames + ExpressionChecker.constantNames + ["x", "xg", "y", "z", Self.modesArgument]))
        func validName(_ name: String) -> Bool {
            name.first.map(ExpressionLexer.isNameStart) == true
                && name.allSatisfy { ExpressionLexer.isNameStart($0) || ($0.isASCII && $0.isNumber) }
        }
        var ordered: [Expression] = []
        switch kind {
        case .metric:
            guard let value = expressions.first(where: { $0.role == "value" }) else {
                throw DefinitionError("a metric needs value=\"…\" (and may name more values: spread=\"…\"); value= is missing")
            }
            ordered.append(Expression(role: "value", text: value.text))
            for given in expressions where given.role != "value" {
                guard validName(given.role), !reserved.contains(given.role), !ordered.contains(where: { $0.role == given.role }) else {
                    throw DefinitionError(given.role, ExpressionError("'\(given.role)' cannot name a value of a metric", at: 0))
                }
                ordered.append(Expression(role: given.role, text: given.text))
            }
        case .dataset:
            let coordinates = expressions.filter { Self.isCoordinate($0.role) }
            guard !coordinates.isEmpty else {
                throw DefinitionError("a data set needs its coordinates: x=\"…\" y=\"…\" (x, y, z, or x1, x2, … for more)")
            }
            let names = coordinates.map(\.role)
            let lettered = names.allSatisfy { ["x", "y", "z"].contains($0) }
            let expected = lettered ? Array(["x", "y", "z"].prefix(names.count)) : (1...names.count).map { "x\($0)" }
            guard Set(names) == Set(expected), names.count == expected.count else {
                let mixed = names.contains { ["x", "y", "z"].contains($0) } && !lettered
                let missing = expected.first { !names.contains($0) } ?? expected[0]
                throw DefinitionError("the coordinates are x, y, z in order or x1, x2, … without a gap: "
                                      + names.joined(separator: ", ") + (mixed ? " mixes the two" : " lacks \(missing)"))
            }
            for given in expressions where !Self.isCoordinate(given.role) {
                guard validName(given.role), !reserved.contains(given.role), !ordered.contains(where: { $0.role == given.role }) else {
                    throw DefinitionError(given.role, ExpressionError("'\(given.role)' cannot name a draw", at: 0))
                }
                ordered.append(Expression(role: given.role, text: given.text))
            }
            for name in expected { ordered.append(Expression(role: name, text: coordinates.first { $0.role == name }!.text)) }
        default:
            for given in expressions where !roles.contains(given.role) {
                throw DefinitionError(given.role, ExpressionError("a \(word) has no expression \(given.role)=; it has "
                                                                  + roles.map { "\($0)=" }.joined(separator: " "), at: 0))
            }
            for role in roles {
                guard let given = expressions.first(where: { $0.role == role }) else {
                    throw DefinitionError("a \(word) needs " + roles.map { "\($0)=\"…\"" }.joined(separator: " ")
                                          + "; \(role)= is missing")
                }
                ordered.append(Expression(role: role, text: given.text))
            }
        }
        var seen: Set<String> = []
        for parameter in parameters {
            let valid = validName(parameter.name)
            guard valid, !reserved.contains(parameter.name), !ordered.contains(where: { $0.role == parameter.name }),
                  seen.insert(parameter.name).inserted else {
                throw DefinitionError(parameter.name, ExpressionError(
                    valid ? "'\(parameter.name)' is taken: parameters need names of their own"
                          : "'\(parameter.name)' cannot name a parameter: use letters, digits and _", at: 0))
            }
        }
        self.kind = kind
        self.name = name
        self.expressions = ordered
        self.parameters = parameters
        self.origin = origin
        self.family = family
        self.modes = modes
        parameterSpecs = try Self.parameterSpecs(kind, parameters)
        guard let defaults = try? ParameterValues(PluginSpec(kind: kind, name: name, summary: "", discussion: "", parameters: parameterSpecs)) else {
            throw DefinitionError("the defaults of \(name) are not valid values of its parameters")
        }
        var checked: [String: CheckedExpression] = [:]
        for expression in ordered {
            do throws(ExpressionError) {
                if kind == .dataset {
                    checked[expression.role] = try compiledCoordinateOrDraw(expression, defaults)
                } else {
                    _ = try CompiledExpression(expression.text, in: scope(expression.role, defaults))
                }
            } catch {
                throw DefinitionError(expression.role, error)
            }
        }
        if let modes {
            guard case .draw(.choice, _)? = checked[modes.draw], !Self.isCoordinate(modes.draw) else {
                throw DefinitionError(Self.modesArgument, ExpressionError("\(modes.draw) is not a named choice(K) draw of \(name)", at: 0,
                                                                          length: max(1, modes.draw.count)))
            }
            for expression in ordered where Self.isCoordinate(expression.role) {
                let coordinate = checked[expression.role]!
                let others = coordinate.readNames.subtracting([modes.draw])
                let inline = coordinate.draws.contains { if case .normal = $0 { false } else { true } }
                guard others.isEmpty, !inline else {
                    throw DefinitionError(Self.modesArgument, ExpressionError(
                        "\(expression.role) draws more than \(modes.draw) and normal noise, so its modes are not Gaussians around centres",
                        at: 0, length: max(1, modes.draw.count)))
                }
            }
        }
    }

    /// A data set's coordinate, checked; or its named draw, which must be one draw call.
    func compiledCoordinateOrDraw(_ expression: Expression, _ values: ParameterValues) throws(ExpressionError) -> CheckedExpression {
        let node = try ExpressionParser.parse(expression.text)
        let checked = try ExpressionChecker.check(node, in: scope(expression.role, values))
        if !Self.isCoordinate(expression.role) {
            guard case .draw = checked else {
                throw ExpressionError("a named draw is one of uniform(), uniform(low, high), normal(), normal(mean, deviation), "
                                      + "choice(K); a number declares a parameter", at: node.offset, length: node.length)
            }
        }
        return checked
    }

    /// The named draws of a data set, in the order they are drawn.
    var drawNames: [String] { kind == .dataset ? expressions.map(\.role).filter { !Self.isCoordinate($0) } : [] }

    /// Equal kind, name, expressions and parameters, wherever each was defined.
    public static func == (lhs: PluginDefinition, rhs: PluginDefinition) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.expressions == rhs.expressions && lhs.parameters == rhs.parameters
            && lhs.family == rhs.family && lhs.modes == rhs.modes
    }

    /// The vectors the expressions of `kind` read.
    static func variables(_ kind: PluginKind) -> [String] { kind == .dataset ? [] : ["real", "fake"] }

    /// The samples a metric's `n` draws per set by default.
    static let metricSampleCount: ParameterKey<Int> = .integer("n", 1...1_000_000, default: 1000, "samples per set")

    private static func parameterSpecs(_ kind: PluginKind, _ declared: [DefinedParameter]) throws(DefinitionError) -> [ParameterSpec] {
        var specs: [ParameterSpec] = []
        // What every loss takes; a penalty has only what it declares.
        var common = kind == .loss ? LossParameters.common(criticSteps: 1) : kind == .metric ? [metricSampleCount.spec] : []
        for parameter in declared {
            if let index = common.firstIndex(where: { $0.name == parameter.name }) {
                // A definition may change the default of a parameter every loss has, within its kind.
                let shared = common.remove(at: index)
                let value: ParameterValue
                switch shared.kind {
                case .integer(let range):
                    guard parameter.defaultValue == parameter.defaultValue.rounded(),
                          let whole = Int(exactly: parameter.defaultValue), range?.contains(whole) ?? true else {
                        throw DefinitionError(parameter.name, ExpressionError("\(parameter.name) is \(shared.kindDescription)", at: 0))
                    }
                    value = .integer(whole)
                case .real(let range):
                    guard range?.contains(parameter.defaultValue) ?? true else {
                        throw DefinitionError(parameter.name, ExpressionError("\(parameter.name) is \(shared.kindDescription)", at: 0))
                    }
                    value = .real(parameter.defaultValue)
                default:
                    value = .real(parameter.defaultValue)
                }
                specs.append(ParameterSpec(shared.name, shared.kind, default: value, parameter.summary ?? shared.summary))
            } else {
                specs.append(ParameterSpec(parameter.name, .real(parameter.range), default: .real(parameter.defaultValue),
                                           parameter.summary ?? "a parameter of this definition"))
            }
        }
        return specs + common
    }

    /// What the expression of `role` may name, its parameters taking `values`.
    public func scope(_ role: String, _ values: ParameterValues) -> ExpressionScope {
        var numbers: [String: Float] = [:]
        for parameter in parameters { numbers[parameter.name] = Float(values.real(parameter.name)) }
        if kind == .metric {
            return ExpressionScope(role: role, variables: ["real", "fake"], parameters: numbers, allowsGradientNorms: false,
                                   matrices: ["x", "xg"], subject: "a metric")
        }
        if kind == .dataset {
            let draws = Self.isCoordinate(role) ? drawNames : []
            var unavailable: [String: String] = [:]
            for name in expressions.map(\.role) where Self.isCoordinate(name) {
                unavailable[name] = "\(name) is a coordinate of the sample: coordinates cannot read each other; "
                    + "draw a named value (t=\"uniform()\") and use it in both"
            }
            for name in ["x", "xg", "real", "fake"] where unavailable[name] == nil {
                unavailable[name] = "\(name) is not available in data: a data set draws its samples from its draws alone"
            }
            return ExpressionScope(role: role, variables: draws, unavailable: unavailable, parameters: numbers,
                                   allowsGradientNorms: false, perSample: true, subject: "a coordinate")
        }
        if role == "g" {
            return ExpressionScope(role: role, variables: ["fake"],
                                   unavailable: ["real": "real is not available in g: G's loss sees only D's outputs on generated samples"],
                                   parameters: numbers, allowsGradientNorms: false)
        }
        return ExpressionScope(role: role, variables: Self.variables(kind), parameters: numbers, allowsGradientNorms: true)
    }

    /// The expression of `role`.
    public func text(_ role: String) -> String { expressions.first { $0.role == role }?.text ?? "" }

    /// The declaration: its parameters, its expressions as its discussion, and where it was defined.
    public var spec: PluginSpec {
        let written = expressions.map { "\($0.role) = \($0.text)" }.joined(separator: "; ")
        let terms = "real and fake are D's raw outputs on the real and the generated batch (one value per sample) and "
            + "gradnorm(real|fake|mix) is the per-sample norm of D's input gradient"
        let discussion: String
        switch kind {
        case .loss:
            let declared = switch family {
            case .crossEntropy: " It declares itself a cross-entropy loss: the JS estimate is recorded."
            case .wasserstein: " It declares itself a Wasserstein critic: the W estimate is recorded."
            case .other: ""
            }
            discussion = "Defined in the language. D minimises d and G minimises g, where \(terms).\(declared) \(written)."
        case .metric:
            discussion = "Defined in the language: measured on n fresh real samples x and n generated ones xg (a row per "
                + "sample) and D's raw outputs on them, real and fake; each named expression is one value. \(written)."
        case .dataset:
            discussion = "Defined in the language: each sample draws its named draws once (in the order written, from "
                + "the data stream), then the draws written inside its coordinates, and computes its coordinates. \(written)."
        default:
            discussion = "Defined in the language: d is added to D's loss, whatever the loss, where \(terms); gradnorm(mix) draws "
                + "from the stream trick.\(name). \(written)."
        }
        return PluginSpec(kind: kind, name: name, summary: "defined \(word): " + written, discussion: discussion,
                          parameters: parameterSpecs, reference: "define \(word) \(name), at \(origin)")
    }

    /// The definition registered under its name, if any: a built-in's entry has none.
    private var registered: (found: Bool, definition: PluginDefinition?) {
        switch kind {
        case .trick:
            let entry = Plugins.tricks.named(name)
            return (entry != nil, entry?.definition)
        case .metric:
            let entry = Plugins.metrics.named(name)
            return (entry != nil, entry?.definition)
        case .dataset:
            let entry = Plugins.datasets.named(name)
            return (entry != nil, entry?.definition)
        default:
            let entry = Plugins.losses.named(name)
            return (entry != nil, entry?.definition)
        }
    }

    /// The definition of the plugin `entry` sets or switches on, when it is a defined one.
    static func needed(by entry: JournalEntry) -> PluginDefinition? {
        switch entry {
        case .loss(let setting): Plugins.losses.named(setting.name)?.definition
        case .trickOn(let setting): Plugins.tricks.named(setting.name)?.definition
        case .metric(let setting): Plugins.metrics.named(setting.name)?.definition
        case .dataset(let setting): Plugins.datasets.named(setting.name)?.definition
        default: nil
        }
    }

    /// Adds the definition's entry to the registry of its kind.
    private func add() throws {
        switch kind {
        case .trick:
            try Plugins.tricks.register(TrickEntry(
                spec: spec, implementation: DefinedPenalty.self, definition: self,
                make: { parameters, _ in try DefinedPenalty(self, parameters) },
                restore: { parameters, _, _, _, _ in try DefinedPenalty(self, parameters) },
                plan: { plan, parameters in
                    if let penalty = try? DefinedPenalty(self, parameters) { penalty.plan(&plan) }
                }))
        case .metric:
            try Plugins.metrics.register(PluginEntry(spec: spec, implementation: DefinedMetric.self, definition: self) {
                try DefinedMetric(self, $0)
            })
        case .dataset:
            try Plugins.datasets.register(PluginEntry(spec: spec, implementation: DefinedData.self, definition: self) {
                try DefinedData(self, $0)
            })
        default:
            try Plugins.losses.register(PluginEntry(spec: spec, implementation: DefinedLoss.self, definition: self) {
                try DefinedLoss(self, $0)
            })
        }
    }

    /// Makes the definition a plugin of its kind, as if built in. Defining the same again (a script run
    /// twice) changes nothing; a different definition of a defined name is refused, since sessions, scripts
    /// and checkpoints made with the first must keep meaning what they meant; so is a built-in's name.
    public func register() throws {
        let known = registered
        if known.found {
            guard let definition = known.definition else {
                let what = kind == .dataset ? "data set" : kind.rawValue
                if let owner = Plugins.spec(kind, named: name), let library = PluginLibraries.library(providing: kind, named: owner.name) {
                    throw SessionError("\(name) is a \(what) of the plugin library \(library.path); a definition needs a name of its own")
                }
                throw SessionError("\(name) is a built-in \(what); a definition needs a name of its own")
            }
            guard definition == self else {
                throw SessionError("\(word) \(definition.name) is already defined (at \(definition.origin)) differently; "
                                   + "a definition cannot change: give this one a new name")
            }
            return
        }
        try add()
    }

    /// `register`, for a definition read from a checkpoint: a clash is the file's, and said so.
    func registerAsRead() throws {
        if let known = registered.definition, known != self {
            throw SessionError("defines \(word) \(name) other than this process does (at \(known.origin)); "
                               + "a definition cannot change")
        }
        try register()
    }

    // MARK: Records

    /// The definition as a checkpoint record.
    var record: JSONValue {
        .object([
            ("kind", .string(kind.rawValue)), ("name", .string(name)),
            ("expressions", .object(expressions.map { ($0.role, .string($0.text)) })),
            ("parameters", .object(parameters.map { ($0.name, .string($0.text)) })),
            ("origin", .string(origin)),
        ] + (family == .other ? [] : [("family", .string(family.rawValue))])
          + (modes.map { [("modes", .string($0.text))] } ?? []))
    }

    /// The definition a record describes, checked as `define` checks it.
    static func decode(_ record: JSONValue) throws -> PluginDefinition {
        guard let kindWord = record["kind"]?.stringValue, let kind = PluginKind(rawValue: kindWord),
              let name = record["name"]?.stringValue, let expressions = record["expressions"]?.objectValue,
              let parameters = record["parameters"]?.objectValue, let origin = record["origin"]?.stringValue else {
            throw SessionError("a definition record needs a kind, a name, expressions, parameters and an origin")
        }
        var family = LossFamily.other
        if let declared = record["family"] {
            guard let word = declared.stringValue, let known = LossFamily(rawValue: word) else {
                throw SessionError("definition \(name) has a family that is none of "
                                   + LossFamily.allCases.map(\.rawValue).joined(separator: ", "))
            }
            family = known
        }
        var modes: ModeDeclaration?
        if let declared = record["modes"] {
            guard let text = declared.stringValue else { throw SessionError("definition \(name) has modes that are not text") }
            do throws(ExpressionError) {
                modes = try ModeDeclaration(text: text)
            } catch {
                throw SessionError("defines \(kind.rawValue) \(name) wrongly: modes=, \(error)")
            }
        }
        func text(_ value: JSONValue, _ key: String) throws -> String {
            guard let text = value.stringValue else { throw SessionError("definition \(name) has a non-text \(key)") }
            return text
        }
        do {
            return try PluginDefinition(
                kind: kind, name: name, expressions: try expressions.map { (role: $0.0, text: try text($0.1, $0.0)) },
                parameters: try parameters.map { key, value in
                    let given = try text(value, key)
                    do throws(ExpressionError) {
                        return try DefinedParameter(name: key, text: given)
                    } catch {
                        throw DefinitionError(key, error)
                    }
                }, family: family, modes: modes, origin: origin)
        } catch let error as DefinitionError {
            throw SessionError("defines \(kind.rawValue) \(name) wrongly: \(error)")
        } catch let error as ExpressionError {
            throw SessionError("defines \(kind.rawValue) \(name) wrongly: \(error)")
        }
    }
}
