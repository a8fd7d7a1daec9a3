import Autodiff

/// A penalty defined in the language (`define penalty NAME d="…"`): a trick whose term is added to D's
/// loss, whatever the loss (R2, DRAGAN, a zero-centred gradient penalty). It reads what the loss reads, and
/// draws the weights of `gradnorm(mix)` from its own stream "trick.NAME", so switching it on never moves the
/// loss's draws.
public final class DefinedPenalty: StatelessTrick {
    /// What every defined penalty shares; each instance's own declaration is its definition's.
    public static let spec = PluginSpec(
        kind: .trick, name: "defined-penalty", summary: "a penalty defined with `define penalty`",
        discussion: "The one type behind every penalty defined in the language; each definition is its own trick.")

    /// The definition it was made from.
    public let definition: PluginDefinition
    public let parameters: ParameterValues
    private let term: CompiledExpression

    /// The penalty `definition` describes, with validated `parameters`.
    public init(_ definition: PluginDefinition, _ parameters: ParameterValues) throws {
        self.definition = definition
        self.parameters = parameters
        do throws(ExpressionError) {
            term = try CompiledExpression(definition.text("d"), in: definition.scope("d", parameters))
        } catch {
            throw SessionError("penalty \(definition.name): with these values d is invalid: \(error)")
        }
    }

    /// Refused: a defined penalty is made from its definition, through its registry entry.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        throw SessionError("a defined penalty is made from its definition")
    }

    /// Refused: a defined penalty is restored from its definition, through its registry entry.
    public init(restoring parameters: ParameterValues) throws {
        throw SessionError("a defined penalty is made from its definition")
    }

    public var declaration: PluginSpec { definition.spec }

    /// d on the batch D's loss sees.
    public func discriminatorLossTerm(_ input: DiscriminatorLossInput, _ context: TrainingContext) throws -> Tensor? {
        try term.evaluate(ExpressionInputs(input, stream: context.session.stream(of: name)))
    }

    /// Each point where d takes ∇ₓD differentiates D twice more in each D update.
    public func plan(_ plan: inout TrainingPlan) { plan.discriminatorPenalties += term.gradientPoints.count }
}
