import Autodiff
import Kernels

/// What an expression reads while it is evaluated: its vectors, and D's input gradient at each point,
/// taken at most once per evaluation however often the expression names the point.
public final class ExpressionInputs {
    private let variables: [String: Tensor]
    private let gradientAt: (GradientPoint) throws -> Tensor
    private var gradients: [GradientPoint: Tensor] = [:]

    /// Inputs with `variables` by name and `gradient` computing ∇ₓD at a point (with the graph kept, so
    /// that a loss of it can be differentiated again).
    public init(variables: [String: Tensor], gradient: @escaping (GradientPoint) throws -> Tensor = { point in
        throw SessionError("no gradient of D is available at \(point.rawValue)")
    }) {
        self.variables = variables
        gradientAt = gradient
    }

    func variable(_ name: String) throws -> Tensor {
        guard let value = variables[name] else { throw SessionError("the expression reads \(name), which was not given") }
        return value
    }

    func gradient(_ point: GradientPoint) throws -> Tensor {
        if let known = gradients[point] { return known }
        let gradient = try gradientAt(point)
        gradients[point] = gradient
        return gradient
    }
}

/// An expression of the language made into the engine's tensor operations: evaluating it records the
/// operations like any hand-written loss, so gradients (and gradients of gradients) come from the engine.
public struct CompiledExpression {
    let root: CheckedExpression

    /// Parses, checks and compiles `text` in `scope`; errors carry their place inside `text`.
    public init(_ text: String, in scope: ExpressionScope) throws(ExpressionError) {
        root = try ExpressionChecker.check(try ExpressionParser.parse(text), in: scope)
    }

    /// The points where it takes D's input gradient, in the order it first needs them: what the memory
    /// guard counts as gradient penalties.
    public var gradientPoints: [GradientPoint] { root.gradientPoints }

    /// The variables and matrices it reads.
    public var variables: Set<String> { root.readNames }

    /// The value on `inputs`, a scalar tensor.
    public func evaluate(_ inputs: ExpressionInputs) throws -> Tensor { try Self.evaluate(root, inputs) }

    private static func evaluate(_ e: CheckedExpression, _ inputs: ExpressionInputs) throws -> Tensor {
        switch e {
        case .constant(let value): return Tensor(value)
        case .variable(let name): return try inputs.variable(name)
        case .gradientNorm(let point, let squared):
            let gradient = try inputs.gradient(point)
            // One column, like D's scores, so that norms and scores combine sample by sample.
            return try (squared ? gradient.rowSquaredNorms() : gradient.rowNorms()).reshaped([-1, 1])
        case .function(let function, let x):
            let value = try evaluate(x, inputs)
            switch function {
            case .softplus: return try value.softplus()
            case .sigmoid: return value.sigmoid()
            case .log: return value.log()
            case .exp: return value.exp()
            case .abs: return value.abs()
            case .relu: return value.relu()
            case .sqrt: return value.squareRoot()
            case .square: return value.squared()
            case .tanh: return value.tanh()
            case .cos: return value.cos()
            case .sin: return value.sin()
            case .step: return value.isGreater(than: 0)
            }
        case .matrix(let name): return try inputs.variable(name)
        case .rowReduction(let norm, let m):
            let value = try evaluate(m, inputs)
            return try norm ? value.rowNorms().reshaped([-1, 1]) : value.sum(axis: 1, keepingDimension: true)
        case .column(let m, let j):
            let value = try evaluate(m, inputs)
            guard value.rank == 2, j < value.shape[1] else {
                throw SessionError("col(…, \(j)) reads column \(j), but the samples have \(value.rank == 2 ? value.shape[1] : 1) "
                                   + "coordinates (columns count from 0)")
            }
            return try value.slice(axis: 1, j..<(j + 1))
        case .nearest(let a, let b):
            return try Self.nearestDistances(try evaluate(a, inputs), try evaluate(b, inputs))
        case .draw, .pick:
            throw SessionError("draws and pick are evaluated sample by sample, by a defined data set")
        case .reduction(let mean, let x):
            let value = try evaluate(x, inputs)
            return mean ? value.mean() : value.sum()
        case .negate(let x): return -(try evaluate(x, inputs))
        case .power(let x, let exponent):
            let value = try evaluate(x, inputs)
            switch exponent {
            case 1: return value
            case 2: return value.squared()
            default: return value.pow(exponent)
            }
        case .clamp(let x, let lower, let upper): return try evaluate(x, inputs).clamped(lower: lower, upper: upper)
        case .extremum(let maximum, let a, let b):
            let x = try evaluate(a, inputs), y = try evaluate(b, inputs)
            let xAbove = try x.isGreater(than: y)
            return try maximum ? Tensor.select(xAbove, x, y) : Tensor.select(xAbove, y, x)
        case .binary(let operation, let a, let b):
            // A number known in advance stays a Float operand, the form the built-in losses use.
            if case .constant(let c) = b {
                let x = try evaluate(a, inputs)
                switch operation {
                case "+": return x + c
                case "-": return x - c
                case "*": return x * c
                default: return x / c
                }
            }
            if case .constant(let c) = a {
                let y = try evaluate(b, inputs)
                switch operation {
                case "+": return c + y
                case "-": return c - y
                case "*": return c * y
                default: return c / y
                }
            }
            let x = try evaluate(a, inputs), y = try evaluate(b, inputs)
            switch operation {
            case "+": return try x + y
            case "-": return try x - y
            case "*": return try x * y
            default: return try x / y
            }
        }
    }

    /// The distance from each row of `a` to the nearest row of `b`, a column; a constant (nothing
    /// differentiates a metric), computed in Double by the pairwise kernel.
    static func nearestDistances(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard a.rank == 2, b.rank == 2, a.shape[1] == b.shape[1] else {
            throw SessionError("nearest(a, b) needs two sets of samples of one dimension")
        }
        let n = a.shape[0], m = b.shape[0], d = a.shape[1]
        guard n > 0, m > 0, d > 0 else { throw SessionError("nearest(a, b) needs samples in both sets") }
        let queries = a.scalars.map(Double.init), points = b.scalars.map(Double.init)
        var distances = [Double](repeating: 0, count: n)
        queries.withUnsafeBufferPointer { q in
            points.withUnsafeBufferPointer { p in
                distances.withUnsafeMutableBufferPointer { out in
                    PairwiseDistances.nearestDistances(queries: q.baseAddress!, count: n, points: p.baseAddress!, count: m,
                                                       dimension: d, into: out.baseAddress!)
                }
            }
        }
        return try Tensor(distances.map { Float($0) }, shape: [n, 1])
    }
}
