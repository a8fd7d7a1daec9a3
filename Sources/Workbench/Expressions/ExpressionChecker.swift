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

    /// A scope from its parts.
    public init(role: String, variables: [String], unavailable: [String: String] = [:], parameters: [String: Float],
                allowsGradientNorms: Bool) {
        self.role = role
        self.variables = variables
        self.unavailable = unavailable
        self.parameters = parameters
        self.allowsGradientNorms = allowsGradientNorms
    }
}

/// What a checked expression computes: a number known before training, one number per batch, or one
/// number per sample.
enum ExpressionShape: Equatable {
    case constant, scalar, vector
}

/// The elementwise functions of one argument, each one of the engine's operations.
enum ElementwiseFunction: String, CaseIterable {
    case softplus, sigmoid, log, exp, abs, relu, sqrt, square, tanh

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

    var shape: ExpressionShape {
        switch self {
        case .constant: .constant
        case .variable, .gradientNorm: .vector
        case .reduction: .scalar
        case .function(_, let x), .negate(let x), .power(let x, _), .clamp(let x, _, _): x.shape
        case .binary(_, let a, let b), .extremum(_, let a, let b): Self.joined(a.shape, b.shape)
        }
    }

    static func joined(_ a: ExpressionShape, _ b: ExpressionShape) -> ExpressionShape {
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
            case .constant, .variable: break
            case .function(_, let x), .reduction(_, let x), .negate(let x), .power(let x, _), .clamp(let x, _, _): visit(x)
            case .binary(_, let a, let b), .extremum(_, let a, let b): visit(a); visit(b)
            }
        }
        visit(self)
        return points
    }
}

/// Resolves the names of a parsed expression against its scope and checks every call and shape; numbers
/// known in advance (literals, parameters, and what is computed from them alone) are folded to one Float.
enum ExpressionChecker {
    static let reductions = ["mean", "sum"]
    static let otherFunctions = ["min", "max", "clamp", "gradnorm"]
    static var functionNames: [String] { reductions + ElementwiseFunction.allCases.map(\.rawValue) + otherFunctions }

    /// The checked expression; the result must be one number per batch that depends on the batch.
    static func check(_ node: ExpressionNode, in scope: ExpressionScope) throws(ExpressionError) -> CheckedExpression {
        let checked = try resolve(node, scope)
        switch checked.shape {
        case .vector:
            throw ExpressionError("\(scope.role) gives one value per sample; a loss is one number: reduce it with mean(…) or sum(…)",
                                  at: node.offset, length: node.length)
        case .constant:
            throw ExpressionError("\(scope.role) is a constant: it must depend on " + scope.variables.joined(separator: " or "),
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
            if let value = scope.parameters[name] { return .constant(value) }
            if let why = scope.unavailable[name] { throw ExpressionError(why, at: node.offset, length: node.length) }
            if functionNames.contains(name) {
                throw ExpressionError("\(name) is a function: write \(name)(…)", at: node.offset, length: node.length)
            }
            let known = scope.variables + scope.parameters.keys.sorted()
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
        switch name {
        case "mean", "sum":
            try expect(1, "\(name)(x)")
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
            let suggestion = hint(name, functionNames, "; functions: " + functionNames.joined(separator: ", "))
            throw ExpressionError("unknown function '\(name)'" + suggestion, at: node.offset, length: name.count)
        }
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
