import Autodiff

extension ExpressionInputs {
    /// What an expression of D's loss reads: D's outputs as `real` and `fake`, and ∇ₓD at the real batch,
    /// the generated one, or (mix) points between them whose weights are drawn from `stream` as WGAN-GP draws them.
    convenience init(_ input: DiscriminatorLossInput, stream: RandomStream) {
        self.init(variables: ["real": input.realScores, "fake": input.fakeScores]) { point in
            let at: Tensor
            switch point {
            case .real: at = input.real.detached().requiringGradient()
            case .fake: at = input.fake.detached().requiringGradient()
            case .mix:
                let epsilon = Tensor.randomUniform([input.real.shape[0], 1], using: stream)
                let real = input.real.detached(), fake = input.fake.detached()
                at = try (real + (try epsilon * (try fake - real))).requiringGradient()
            }
            let scores = try input.critic(at)
            return try gradients(of: scores.sum(), wrt: [at], createGraph: true)[0]
        }
    }
}

/// A loss defined in the language (`define loss NAME d="…" g="…"`): its expressions compiled to the
/// engine's operations with this instance's parameter values. Like a built-in it takes `critic_steps` and
/// `r1`. Its family is what the definition declares (`family=`): a cross-entropy loss has the JS estimate
/// recorded, a Wasserstein one the W estimate. Label smoothing never applies: d reads no targets.
public final class DefinedLoss: Loss {
    /// What every defined loss shares; each instance's own declaration is its definition's.
    public static let spec = PluginSpec(
        kind: .loss, name: "defined-loss", summary: "a loss defined with `define loss`",
        discussion: "The one type behind every loss defined in the language; each definition is its own plugin.")

    /// The definition it was made from.
    public let definition: PluginDefinition
    public let parameters: ParameterValues
    private let discriminator: CompiledExpression
    private let generator: CompiledExpression

    /// The loss `definition` describes, with validated `parameters`; a value that makes an expression
    /// invalid (a clamp bound above the other) is refused, naming the expression.
    public init(_ definition: PluginDefinition, _ parameters: ParameterValues) throws {
        self.definition = definition
        self.parameters = parameters
        func compiled(_ role: String) throws -> CompiledExpression {
            do throws(ExpressionError) {
                return try CompiledExpression(definition.text(role), in: definition.scope(role, parameters))
            } catch {
                throw SessionError("loss \(definition.name): with these values \(role) is invalid: \(error)")
            }
        }
        discriminator = try compiled("d")
        generator = try compiled("g")
    }

    /// Refused: a defined loss is made from its definition, through its registry entry.
    public init(_ parameters: ParameterValues) throws {
        throw SessionError("a defined loss is made from its definition")
    }

    public var declaration: PluginSpec { definition.spec }

    /// d on the batch (plus R1 when on). ∇ₓD is taken once per point however often d names it; at mix,
    /// the interpolation weights are drawn from the loss's stream as WGAN-GP draws them.
    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        try withR1(try discriminator.evaluate(ExpressionInputs(input, stream: input.stream)), input)
    }

    /// g on D's outputs on a generated batch.
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor {
        try generator.evaluate(ExpressionInputs(variables: ["fake": fakeScores]))
    }

    /// Each point where d takes ∇ₓD, and R1's when it is on.
    public var gradientPenalties: Int { discriminator.gradientPoints.count + (hasR1 ? 1 : 0) }

    public var isCrossEntropy: Bool { definition.family == .crossEntropy }
    public var estimatesWasserstein: Bool { definition.family == .wasserstein }
    public var readsLabelTargets: Bool { false }
}
