import Foundation
import Autodiff

/// A data set defined in the language (`define data NAME k="choice(8)" x="…" y="…"`): each sample draws
/// its named draws once, shared by its coordinates, and the draws written inside the coordinates, then
/// computes every coordinate in Float, one operation at a time as the built-in data sets do.
///
/// Stream order for a batch of n samples, all from the data stream: each named draw in the order written,
/// n values each (`choice(K)` one `nextInt(below: K)` per sample, `uniform` one `nextUniform()`, `normal`
/// n standard normals of `Tensor.randomNormal`); then the normals written inside the coordinates, as one
/// [n, count] `Tensor.randomNormal` row by row; then the inline uniforms, then the inline choices, likewise
/// row by row. So `k="choice(8)" x="…+0.02*normal()" y="…+0.02*normal()"` draws as the built-in mixtures do:
/// the component of every row, then the noise.
public final class DefinedData: Dataset {
    /// What every defined data set shares; each instance's own declaration is its definition's.
    public static let spec = PluginSpec(
        kind: .dataset, name: "defined-data", summary: "a data set defined with `define data`",
        discussion: "The one type behind every data set defined in the language; each definition is its own data set.")

    /// The definition it was made from.
    public let definition: PluginDefinition
    public let parameters: ParameterValues
    private let named: [(name: String, draw: Draw)]
    private let coordinates: [CheckedExpression]
    private let inline: [Draw]
    /// The modes the definition declares.
    public let modes: ModeLayout?

    /// The data set `definition` describes, with validated `parameters`.
    public init(_ definition: PluginDefinition, _ parameters: ParameterValues) throws {
        self.definition = definition
        self.parameters = parameters
        var named: [(String, Draw)] = [], coordinates: [CheckedExpression] = []
        var slot = 0
        for expression in definition.expressions {
            let checked: CheckedExpression
            do throws(ExpressionError) {
                checked = try definition.compiledCoordinateOrDraw(expression, parameters)
            } catch {
                throw SessionError("data \(definition.name): with these values \(expression.role) is invalid: \(error)")
            }
            if PluginDefinition.isCoordinate(expression.role) {
                coordinates.append(checked.numberingDraws(from: &slot))
            } else if case .draw(let draw, _) = checked {
                named.append((expression.role, draw))
            }
        }
        self.named = named
        self.coordinates = coordinates
        let inline = coordinates.flatMap(\.draws)
        self.inline = inline
        modes = definition.modes.flatMap { declared in
            guard let index = named.firstIndex(where: { $0.0 == declared.draw }), case .choice(let count) = named[index].1 else { return nil }
            // Each centre: the draw at j, every inline normal at its mean.
            let means = inline.map { draw -> Float in if case .normal(let mean, _) = draw { mean } else { .nan } }
            let centres = (0..<count).map { j in
                coordinates.map { Self.value($0, row: 0, [declared.draw: [Float(j)]], means, means.count) }
            }
            return ModeLayout(centres: centres, standardDeviation: Float(declared.deviation))
        }
    }

    /// Refused: a defined data set is made from its definition, through its registry entry.
    public init(_ parameters: ParameterValues) throws {
        throw SessionError("a defined data set is made from its definition")
    }

    public var declaration: PluginSpec { definition.spec }

    /// One per coordinate.
    public var dimension: Int { coordinates.count }

    /// `count` samples, [count, dimension], drawn in the documented order.
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        precondition(count >= 0, "cannot draw \(count) samples")
        var values: [String: [Float]] = [:]
        for (name, draw) in named {
            switch draw {
            case .choice(let k): values[name] = (0..<count).map { _ in Float(stream.nextInt(below: k)) }
            case .uniform(let lower, let upper): values[name] = (0..<count).map { _ in lower + (upper - lower) * stream.nextUniform() }
            case .normal(let mean, let deviation):
                values[name] = Tensor.randomNormal([count], using: stream).scalars.map { mean + deviation * $0 }
            }
        }
        // Inline draws: a [count, slots] table filled kind by kind, each kind row by row.
        let slots = inline.count
        var table = [Float](repeating: 0, count: count * slots)
        let normalSlots = inline.indices.filter { if case .normal = inline[$0] { true } else { false } }
        let uniformSlots = inline.indices.filter { if case .uniform = inline[$0] { true } else { false } }
        let choiceSlots = inline.indices.filter { if case .choice = inline[$0] { true } else { false } }
        if !normalSlots.isEmpty {
            let z = Tensor.randomNormal([count, normalSlots.count], using: stream).scalars
            for row in 0..<count {
                for (column, slot) in normalSlots.enumerated() {
                    guard case .normal(let mean, let deviation) = inline[slot] else { continue }
                    table[row * slots + slot] = mean + deviation * z[row * normalSlots.count + column]
                }
            }
        }
        for row in 0..<count {
            for slot in uniformSlots {
                guard case .uniform(let lower, let upper) = inline[slot] else { continue }
                table[row * slots + slot] = lower + (upper - lower) * stream.nextUniform()
            }
        }
        for row in 0..<count {
            for slot in choiceSlots {
                guard case .choice(let k) = inline[slot] else { continue }
                table[row * slots + slot] = Float(stream.nextInt(below: k))
            }
        }
        let d = dimension
        return SampleBuffer.matrix(rows: count, columns: d) { out in
            for row in 0..<count {
                for (column, coordinate) in coordinates.enumerated() {
                    out[row * d + column] = Self.value(coordinate, row: row, values, table, slots)
                }
            }
        }
    }

    /// A coordinate of sample `row`, in Float, operation by operation.
    private static func value(_ e: CheckedExpression, row: Int, _ named: [String: [Float]], _ table: [Float], _ slots: Int) -> Float {
        func at(_ e: CheckedExpression) -> Float { value(e, row: row, named, table, slots) }
        switch e {
        case .constant(let c): return c
        case .variable(let name): return named[name]?[row] ?? .nan
        case .draw(_, let slot): return table[row * slots + slot]
        case .function(let function, let x): return function.apply(at(x))
        case .negate(let x): return -at(x)
        case .power(let x, let p):
            let base = at(x)
            return p == 1 ? base : p == 2 ? base * base : Float(Foundation.pow(Double(base), Double(p)))
        case .clamp(let x, let lower, let upper): return Swift.min(Swift.max(at(x), lower), upper)
        case .extremum(let maximum, let a, let b):
            let x = at(a), y = at(b)
            return maximum ? (x > y ? x : y) : (x > y ? y : x)
        case .pick(let index, let values):
            let i = at(index)
            guard i.isFinite else { return .nan }
            return values[Swift.min(Swift.max(Int(i.rounded(.down)), 0), values.count - 1)]
        case .binary(let operation, let a, let b):
            let x = at(a), y = at(b)
            switch operation {
            case "+": return x + y
            case "-": return x - y
            case "*": return x * y
            default: return x / y
            }
        case .reduction, .gradientNorm, .matrix, .rowReduction, .column, .nearest:
            // The checker refuses these in a coordinate.
            return .nan
        }
    }
}
