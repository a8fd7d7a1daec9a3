import Foundation

/// Where `gradnorm` takes D's input gradient: at the real batch, the generated batch, or points drawn
/// uniformly on the segments between them (WGAN-GP's x̂ = x + ε(x̃ − x), ε from the loss's own stream).
public enum GradientPoint: String, CaseIterable, Sendable {
    case real, fake, mix
}

/// What an expression may name: the per-sample vectors it reads, the numbers its parameters stand for,
/// and whether it may take D's input gradient (`gradnorm`, only where D can be evaluated again).
public struct ExpressionScope: Sendable {
    /// The expression's role in messages ("d", "g").
    public let role: String
    /// The vectors it reads, one value per sample ("real", "fake").
    public let variables: [String]
    /// The vectors of the plugin that this role does not see, with why, for a clear refusal.
    public let unavailable: [String: String]
    /// Parameter names and the values they take in this instance.
    public let parameters: [String: Float]
    /// Whether `gradnorm(…)` is allowed.
    public let allowsGradientNorms: Bool
    /// The matrices it reads, a row per sample ("x", "xg" of a metric).
    public let matrices: [String]
    /// Whether it describes one sample at a time (a data set's coordinate): draws and `pick` are allowed,
    /// reductions over the batch are not.
    public let perSample: Bool
    /// What its value is, for messages ("a loss", "a metric").
    public let subject: String

    /// A scope from its parts.
    public init(role: String, variables: [String], unavailable: [String: String] = [:], parameters: [String: Float],
                allowsGradientNorms: Bool, matrices: [String] = [], perSample: Bool = false, subject: String = "a loss") {
        self.role = role
        self.variables = variables
        self.unavailable = unavailable
        self.parameters = parameters
        self.allowsGradientNorms = allowsGradientNorms
        self.matrices = matrices
        self.perSample = perSample
        self.subject = subject
    }
}

/// A random draw of a defined data set, made once per sample: uniform on [lower, upper), normal with a
/// mean and a standard deviation, or an integer in 0..<K with equal probabilities.
public enum Draw: Equatable, Sendable {
    case uniform(lower: Float, upper: Float)
    case normal(mean: Float, deviation: Float)
    case choice(Int)

    /// The names of the draw functions.
    static let names = ["uniform", "normal", "choice"]
}

/// What a checked expression computes: a number known before training, one number per batch, or one
/// number per sample.
enum ExpressionShape: Equatable {
    case constant, scalar, vector, matrix
}

/// The elementwise functions of one argument, each one of the engine's operations.
enum ElementwiseFunction: String, CaseIterable {
    case softplus, sigmoid, log, exp, abs, relu, sqrt, square, tanh, cos, sin, step

    /// The function on a number known in advance, in Float as the engine computes it.
    func apply(_ x: Float) -> Float {
        switch self {
        case .softplus: x > 0 ? x + Foundation.log1p(Foundation.exp(-x)) : Foundation.log1p(Foundation.exp(x))
        case .sigmoid: 1 / (1 + Foundation.exp(-x))
        case .log: Foundation.log(x)
        case .exp: Foundation.exp(x)
        case .abs: Swift.abs(x)
        case .relu: Swift.max(x, 0)
        case .sqrt: x.squareRoot()
        case .square: x * x
        case .tanh: Foundation.tanh(x)
        case .cos: Float(Foundation.cos(Double(x)))
        case .sin: Float(Foundation.sin(Double(x)))
        case .step: x > 0 ? 1 : 0
        }
    }
}

/// An expression after its names are resolved and its shapes checked: what the compiler evaluates.
indirect enum CheckedExpression {
    case constant(Float)
    case variable(String)
    /// The per-sample norm of ∇ₓD at `point`, or (squared) its square computed without the square root.
    case gradientNorm(GradientPoint, squared: Bool)
    case function(ElementwiseFunction, CheckedExpression)
    /// `mean` (true) or `sum` (false) over the samples.
    case reduction(mean: Bool, CheckedExpression)
    case negate(CheckedExpression)
    case binary(Character, CheckedExpression, CheckedExpression)
    case power(CheckedExpression, Float)
    case clamp(CheckedExpression, lower: Float, upper: Float)
    case extremum(maximum: Bool, CheckedExpression, CheckedExpression)
    /// A matrix read by name, a row per sample.
    case matrix(String)
    /// The norm (true) or the sum (false) of each row of a matrix.
    case rowReduction(norm: Bool, CheckedExpression)
    /// One column of a matrix.
    case column(CheckedExpression, Int)
    /// The distance from each row of the first matrix to the nearest row of the second.
    case nearest(CheckedExpression, CheckedExpression)
    /// A draw written inside a data set's coordinate, and its place among them (`slot`, numbered in the
    /// order the coordinates are read, left to right).
    case draw(Draw, slot: Int)
    /// The value at position ⌊index⌋ of a list of numbers (clamped to the list).
    case pick(CheckedExpression, [Float])

    var shape: ExpressionShape {
        switch self {
        case .constant: .constant
        case .variable, .gradientNorm, .rowReduction, .column, .nearest, .draw, .pick: .vector
        case .matrix: .matrix
        case .reduction: .scalar
        case .function(_, let x), .negate(let x), .power(let x, _), .clamp(let x, _, _): x.shape
        case .binary(_, let a, let b), .extremum(_, let a, let b): Self.joined(a.shape, b.shape)
        }
    }

    static func joined(_ a: ExpressionShape, _ b: ExpressionShape) -> ExpressionShape {
        if a == .matrix || b == .matrix { return .matrix }
        if a == .vector || b == .vector { return .vector }
        if a == .scalar || b == .scalar { return .scalar }
        return .constant
    }

    /// The gradient points it reads, each once, in the order evaluation first reaches them.
    var gradientPoints: [GradientPoint] {
        var points: [GradientPoint] = []
        func visit(_ e: CheckedExpression) {
            switch e {
            case .gradientNorm(let point, _): if !points.contains(point) { points.append(point) }
            case .constant, .variable, .matrix, .draw: break
            case .function(_, let x), .reduction(_, let x), .negate(let x), .power(let x, _), .clamp(let x, _, _),
                 .rowReduction(_, let x), .column(let x, _), .pick(let x, _): visit(x)
            case .binary(_, let a, let b), .extremum(_, let a, let b), .nearest(let a, let b): visit(a); visit(b)
            }
        }
        visit(self)
        return points
    }

    /// The tree with its inline draws numbered 0, 1, … from `next` on, in the order evaluation reads
    /// them (left to right), and `next` past the last.
    func numberingDraws(from next: inout Int) -> CheckedExpression {
        switch self {
        case .draw(let draw, _):
            defer { next += 1 }
            return .draw(draw, slot: next)
        case .constant, .variable, .matrix, .gradientNorm: return self
        case .function(let f, let x): return .function(f, x.numberingDraws(from: &next))
        case .reduction(let mean, let x): return .reduction(mean: mean, x.numberingDraws(from: &next))
        case .negate(let x): return .negate(x.numberingDraws(from: &next))
        case .power(let x, let p): return .power(x.numberingDraws(from: &next), p)
        case .clamp(let x, let lower, let upper): return .clamp(x.numberingDraws(from: &next), lower: lower, upper: upper)
        case .rowReduction(let norm, let x): return .rowReduction(norm: norm, x.numberingDraws(from: &next))
        case .column(let x, let j): return .column(x.numberingDraws(from: &next), j)
        case .pick(let x, let values): return .pick(x.numberingDraws(from: &next), values)
        case .binary(let op, let a, let b):
            let first = a.numberingDraws(from: &next)
            return .binary(op, first, b.numberingDraws(from: &next))
        case .extremum(let maximum, let a, let b):
            let first = a.numberingDraws(from: &next)
            return .extremum(maximum: maximum, first, b.numberingDraws(from: &next))
        case .nearest(let a, let b):
            let first = a.numberingDraws(from: &next)
            return .nearest(first, b.numberingDraws(from: &next))
        }
    }

    /// Its direct subexpressions, left to right.
    var children: [CheckedExpression] {
        switch self {
        case .constant, .variable, .matrix, .gradientNorm, .draw: []
        case .function(_, let x), .reduction(_, let x), .negate(let x), .power(let x, _), .clamp(let x, _, _),
             .rowReduction(_, let x), .column(let x, _), .pick(let x, _): [x]
        case .binary(_, let a, let b), .extremum(_, let a, let b), .nearest(let a, let b): [a, b]
        }
    }

    /// The variables and matrices it reads.
    var readNames: Set<String> {
        switch self {
        case .variable(let name), .matrix(let name): [name]
        default: children.reduce(into: []) { $0.formUnion($1.readNames) }
        }
    }

    /// Its inline draws, by slot.
    var draws: [Draw] {
        var found: [(slot: Int, draw: Draw)] = []
        func visit(_ e: CheckedExpression) {
            switch e {
            case .draw(let draw, let slot): found.append((slot, draw))
            case .constant, .variable, .matrix, .gradientNorm: break
            case .function(_, let x), .reduction(_, let x), .negate(let x), .power(let x, _), .clamp(let x, _, _),
                 .rowReduction(_, let x), .column(let x, _), .pick(let x, _): visit(x)
            case .binary(_, let a, let b), .extremum(_, let a, let b), .nearest(let a, let b): visit(a); visit(b)
            }
        }
        visit(self)
        return found.sorted { $0.slot < $1.slot }.map(\.draw)
    }
}

/// Resolves the names of a parsed expression against its scope and checks every call and shape; numbers
/// known in advance (literals, parameters, and what is computed from them alone) are folded to one Float.
enum ExpressionChecker {
    static let reductions = ["mean", "sum"]
    static let otherFunctions = ["min", "max", "clamp", "gradnorm", "rownorm", "rowsum", "col", "nearest", "pick"]
    static var functionNames: [String] {
        reductions + ElementwiseFunction.allCases.map(\.rawValue) + otherFunctions + Draw.names
    }
    /// Names that stand for numbers without being declared.
    static let constantNames = ["pi"]

    /// The checked expression; the result must be one number per batch that depends on the batch, or, in
    /// a per-sample scope (a data set's coordinate), one number per sample.
    static func check(_ node: ExpressionNode, in scope: ExpressionScope) throws(ExpressionError) -> CheckedExpression {
        let checked = try resolve(node, scope)
        if scope.perSample { return checked }
        switch checked.shape {
        case .matrix:
            throw ExpressionError("\(scope.role) gives a value per coordinate of each sample; \(scope.subject) is one number: "
                                  + "reduce it with mean(…) or sum(…)", at: node.offset, length: node.length)
        case .vector:
            throw ExpressionError("\(scope.role) gives one value per sample; \(scope.subject) is one number: reduce it with mean(…) or sum(…)",
                                  at: node.offset, length: node.length)
        case .constant:
            throw ExpressionError("\(scope.role) is a constant: it must depend on " + (scope.matrices + scope.variables).joined(separator: " or "),
                                  at: node.offset, length: node.length)
        case .scalar: return checked
        }
    }

    private static func resolve(_ node: ExpressionNode, _ scope: ExpressionScope) throws(ExpressionError) -> CheckedExpression {
        switch node.syntax {
        case .number(let value):
            return try folded(Float(value), node)
        case .name(let name):
            if scope.variables.contains(name) { return .variable(name) }
            if scope.matrices.contains(name) { return .matrix(name) }
            if let value = scope.parameters[name] { return .constant(value) }
            if let why = scope.unavailable[name] { throw ExpressionError(why, at: node.offset, length: node.length) }
            if name == "pi" { return .constant(Float.pi) }
            if functionNames.contains(name) {
                throw ExpressionError("\(name) is a function: write \(name)(…)", at: node.offset, length: node.length)
            }
            let known = scope.matrices + scope.variables + scope.parameters.keys.sorted()
            throw ExpressionError("unknown name '\(name)'" + hint(name, known, "; names here: " + known.joined(separator: ", ")),
                                  at: node.offset, length: node.length)
        case .negate(let operand):
            let x = try resolve(operand, scope)
            if case .constant(let value) = x { return .constant(-value) }
            return .negate(x)
        case .binary(let operation, let left, let right):
            let a = try resolve(left, scope), b = try resolve(right, scope)
            if operation == "^" {
                guard case .constant(let exponent) = b else {
                    throw ExpressionError("an exponent must be a number or a parameter", at: right.offset, length: right.length)
                }
                if case .constant(let base) = a { return try folded(Float(Foundation.pow(Double(base), Double(exponent))), node) }
                if exponent == 2, case .gradientNorm(let point, false) = a { return .gradientNorm(point, squared: true) }
                return .power(a, exponent)
            }
            if case .constant(let x) = a, case .constant(let y) = b {
                let value: Float = switch operation {
                case "+": x + y
                case "-": x - y
                case "*": x * y
                default: x / y
                }
                return try folded(value, node)
            }
            return .binary(operation, a, b)
        case .call(let name, let arguments):
            return try call(name, arguments, node, scope)
        }
    }

    private static func call(_ name: String, _ arguments: [ExpressionNode], _ node: ExpressionNode,
                             _ scope: ExpressionScope) throws(ExpressionError) -> CheckedExpression {
        func expect(_ count: Int, _ usage: String) throws(ExpressionError) {
            guard arguments.count == count else {
                throw ExpressionError("\(name) takes \(count) argument\(count == 1 ? "" : "s") (\(usage)), not \(arguments.count)",
                                      at: node.offset, length: node.length)
            }
        }
        func constant(_ argument: ExpressionNode, _ what: String) throws(ExpressionError) -> Float {
            guard case .constant(let value) = try resolve(argument, scope) else {
                throw ExpressionError("\(what) of \(name) must be a number or a parameter", at: argument.offset, length: argument.length)
            }
            return value
        }
        if let function = ElementwiseFunction(rawValue: name) {
            try expect(1, "\(name)(x)")
            let x = try resolve(arguments[0], scope)
            if case .constant(let value) = x { return try folded(function.apply(value), node) }
            if function == .square, case .gradientNorm(let point, false) = x { return .gradientNorm(point, squared: true) }
            return .function(function, x)
        }
        func matrix(_ argument: ExpressionNode) throws(ExpressionError) -> CheckedExpression {
            let m = try resolve(argument, scope)
            guard m.shape == .matrix else {
                let names = scope.matrices.isEmpty ? "" : " (" + scope.matrices.joined(separator: ", ") + ")"
                throw ExpressionError("\(name) takes a matrix, a row per sample\(names)", at: argument.offset, length: argument.length)
            }
            return m
        }
        if Draw.names.contains(name) || name == "pick", !scope.perSample {
            throw ExpressionError("\(name) draws or picks per sample: only define data has it", at: node.offset, length: name.count)
        }
        switch name {
        case "uniform", "normal":
            guard arguments.count == 0 || arguments.count == 2 else {
                let usage = name == "uniform" ? "uniform() or uniform(low, high)" : "normal() or normal(mean, deviation)"
                throw ExpressionError("\(name) takes 0 or 2 arguments (\(usage)), not \(arguments.count)", at: node.offset, length: node.length)
            }
            if name == "uniform" {
                guard arguments.count == 2 else { return .draw(.uniform(lower: 0, upper: 1), slot: -1) }
                let lower = try constant(arguments[0], "the low end"), upper = try constant(arguments[1], "the high end")
                guard lower <= upper else {
                    throw ExpressionError("uniform's low end is above its high end", at: arguments[0].offset,
                                          length: arguments[1].end - arguments[0].offset)
                }
                return .draw(.uniform(lower: lower, upper: upper), slot: -1)
            }
            guard arguments.count == 2 else { return .draw(.normal(mean: 0, deviation: 1), slot: -1) }
            let mean = try constant(arguments[0], "the mean"), deviation = try constant(arguments[1], "the deviation")
            guard deviation >= 0 else {
                throw ExpressionError("normal's deviation must not be negative", at: arguments[1].offset, length: arguments[1].length)
            }
            return .draw(.normal(mean: mean, deviation: deviation), slot: -1)
        case "choice":
            try expect(1, "choice(K)")
            let count = try constant(arguments[0], "the count")
            guard count >= 1, count <= 16_777_216, count == count.rounded() else {
                throw ExpressionError("choice(K) needs a whole K from 1 to \(1 << 24)", at: arguments[0].offset, length: arguments[0].length)
            }
            return .draw(.choice(Int(count)), slot: -1)
        case "pick":
            guard arguments.count >= 2 else {
                throw ExpressionError("pick takes an index and at least one value (pick(i, a, b, …)), not \(arguments.count) argument\(arguments.count == 1 ? "" : "s")",
                                      at: node.offset, length: node.length)
            }
            let index = try resolve(arguments[0], scope)
            var values: [Float] = []
            for argument in arguments.dropFirst() { values.append(try constant(argument, "a value")) }
            if case .constant(let i) = index { return .constant(values[Swift.min(Swift.max(Int(i.rounded(.down)), 0), values.count - 1)]) }
            return .pick(index, values)
        case "rownorm", "rowsum":
            try expect(1, "\(name)(m)")
            return .rowReduction(norm: name == "rownorm", try matrix(arguments[0]))
        case "col":
            try expect(2, "col(m, j)")
            let m = try matrix(arguments[0])
            let j = try constant(arguments[1], "the column")
            guard j >= 0, j < 1_048_576, j == j.rounded() else {
                throw ExpressionError("a column is a whole number from 0", at: arguments[1].offset, length: arguments[1].length)
            }
            return .column(m, Int(j))
        case "nearest":
            try expect(2, "nearest(a, b)")
            let a = try matrix(arguments[0])
            return .nearest(a, try matrix(arguments[1]))
        case "mean", "sum":
            try expect(1, "\(name)(x)")
            if scope.perSample {
                throw ExpressionError("\(name) is not available here: each sample is drawn on its own", at: node.offset, length: name.count)
            }
            let x = try resolve(arguments[0], scope)
            if case .constant = x { return x }
            return .reduction(mean: name == "mean", x)
        case "min", "max":
            try expect(2, "\(name)(a, b)")
            let a = try resolve(arguments[0], scope), b = try resolve(arguments[1], scope)
            if case .constant(let x) = a, case .constant(let y) = b { return .constant(name == "max" ? Swift.max(x, y) : Swift.min(x, y)) }
            return .extremum(maximum: name == "max", a, b)
        case "clamp":
            try expect(3, "clamp(x, low, high)")
            let x = try resolve(arguments[0], scope)
            let lower = try constant(arguments[1], "the low bound"), upper = try constant(arguments[2], "the high bound")
            guard lower <= upper else {
                throw ExpressionError("clamp's low bound \(ParameterValue.canonical(Double(lower))) is above its high bound "
                                      + "\(ParameterValue.canonical(Double(upper)))",
                                      at: arguments[1].offset, length: arguments[2].end - arguments[1].offset)
            }
            if case .constant(let value) = x { return .constant(Swift.min(Swift.max(value, lower), upper)) }
            return .clamp(x, lower: lower, upper: upper)
        case "gradnorm":
            try expect(1, "gradnorm(real|fake|mix)")
            guard scope.allowsGradientNorms else {
                throw ExpressionError("gradnorm is not available in \(scope.role): only D's loss can evaluate D again",
                                      at: node.offset, length: node.length)
            }
            let argument = arguments[0]
            guard case .name(let word) = argument.syntax, let point = GradientPoint(rawValue: word) else {
                throw ExpressionError("gradnorm takes real, fake or mix (the points where ∇ₓD is taken)",
                                      at: argument.offset, length: argument.length)
            }
            return .gradientNorm(point, squared: false)
        default:
            let known = available(in: scope)
            let suggestion = hint(name, known, "; functions: " + known.joined(separator: ", "))
            throw ExpressionError("unknown function '\(name)'" + suggestion, at: node.offset, length: name.count)
        }
    }

    /// The functions an expression in `scope` may call.
    static func available(in scope: ExpressionScope) -> [String] {
        (scope.perSample ? [] : reductions) + ElementwiseFunction.allCases.map(\.rawValue) + ["min", "max", "clamp"]
            + (scope.allowsGradientNorms ? ["gradnorm"] : [])
            + (scope.matrices.isEmpty ? [] : ["rownorm", "rowsum", "col", "nearest"])
            + (scope.perSample ? ["pick"] + Draw.names : [])
    }

    /// A number known in advance, refused when it is not finite (the engine trains in Float).
    private static func folded(_ value: Float, _ node: ExpressionNode) throws(ExpressionError) -> CheckedExpression {
        guard value.isFinite else {
            throw ExpressionError("this is \(value) before any sample is seen: not a finite number", at: node.offset, length: node.length)
        }
        return .constant(value)
    }

    private static func hint(_ name: String, _ candidates: [String], _ otherwise: String) -> String {
        Suggestion.closest(to: name, among: candidates).map { "; did you mean '\($0)'?" } ?? otherwise
    }
}
