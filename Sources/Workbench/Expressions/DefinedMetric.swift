import Autodiff

/// A metric defined in the language (`define metric NAME value="…" [more="…"] [PARAM=DEFAULT…]`): each
/// named expression is one value of its report, computed with the engine's operations on the n real samples
/// `x` and n generated ones `xg` the session draws for it, and on D's raw outputs on them, `real` and `fake`.
public final class DefinedMetric: Metric {
    /// What every defined metric shares; each instance's own declaration is its definition's.
    public static let spec = PluginSpec(
        kind: .metric, name: "defined-metric", summary: "a metric defined with `define metric`",
        discussion: "The one type behind every metric defined in the language; each definition is its own metric.")

    /// The definition it was made from.
    public let definition: PluginDefinition
    public let parameters: ParameterValues
    private let values: [(name: String, expression: CompiledExpression)]

    /// The metric `definition` describes, with validated `parameters`.
    public init(_ definition: PluginDefinition, _ parameters: ParameterValues) throws {
        self.definition = definition
        self.parameters = parameters
        values = try definition.expressions.map { expression in
            do throws(ExpressionError) {
                return (expression.role, try CompiledExpression(expression.text, in: definition.scope(expression.role, parameters)))
            } catch {
                throw SessionError("metric \(definition.name): with these values \(expression.role) is invalid: \(error)")
            }
        }
    }

    /// Refused: a defined metric is made from its definition, through its registry entry.
    public init(_ parameters: ParameterValues) throws {
        throw SessionError("a defined metric is made from its definition")
    }

    public var declaration: PluginSpec { definition.spec }

    /// Its `n`.
    public var sampleCount: Int { parameters.integer("n") }

    /// Every named value on the samples; D scores them only when an expression reads its outputs.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        var variables = ["x": input.real, "xg": input.generated]
        if values.contains(where: { !$0.expression.variables.isDisjoint(with: ["real", "fake"]) }) {
            guard let critic = input.critic else {
                throw MetricError("\(name): D does not score single samples here (packing is on: it sees several at once), "
                                  + "so real and fake are unknown")
            }
            variables["real"] = try critic(input.real)
            variables["fake"] = try critic(input.generated)
        }
        let inputs = ExpressionInputs(variables: variables)
        return MetricReport(metric: name, values: try values.map { value in
            do {
                guard let number = try value.expression.evaluate(inputs).scalar else {
                    throw MetricError("\(name): \(value.name) is not one number")
                }
                return (value.name, Double(number))
            } catch let error as SessionError {
                throw MetricError("\(name): \(value.name): \(error.description)")
            }
        })
    }
}
