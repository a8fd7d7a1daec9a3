import Autodiff
import NeuralNet

/// Unrolled GANs (Metz, Poole, Pfau & Sohl-Dickstein 2017): G's update is taken against D as it would be
/// K updates later, and differentiated through those updates, so G is penalised for moves that D's next
/// updates would punish (hopping to another mode) and mode collapse is damped.
public final class UnrolledGANTrick: StatelessTrick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "unrolled-gan", aliases: ["unrolled"],
        summary: "unrolled D: G's loss uses D after K more updates, differentiated through them",
        discussion: """
            At each G update, D's weights φ are unrolled K steps: φ_{k+1} = φ_k − lr·∇_φ L_D(φ_k) on a \
            real batch and a generated batch G(z) of the trick's own (stream trick.unrolled-gan, so \
            training's batches are unchanged); G's loss is then the session's loss of D_{φ_K} on its batch, \
            and its gradient goes through all K updates (second derivatives), as in the paper's \
            experiments: through=false drops that term (the first-order variant, G against the unrolled D as \
            a fixed network). The unrolled steps are plain gradient steps with rate lr (the paper unrolls \
            with D's own optimizer, Adam); D itself is then trained as usual, the unrolled weights are \
            discarded. Each G update costs about 2K + 1 passes through D and K through G more. Refused with \
            losses that carry their own gradient penalty (wgan-gp, r1 > 0: third derivatives) and with \
            networks that use batch statistics or dropout (the extra passes would change them). In the toy \
            games it is unroll=K.
            """,
        parameters: [steps.spec, lr.spec, through.spec],
        reference: "Metz, Poole, Pfau & Sohl-Dickstein, Unrolled Generative Adversarial Networks, ICLR 2017")

    static let steps: ParameterKey<Int> = .integer("steps", 1...100, default: 5, "K, the D updates unrolled")
    static let lr: ParameterKey<Float> = .real("lr", 0...100, default: 1e-2, "the rate of the unrolled gradient steps")
    static let through: ParameterKey<Bool> = .boolean(
        "through", default: true, "differentiate G's loss through the unrolled updates (false: the first-order variant)")

    /// The parameters it was made with.
    public let parameters: ParameterValues

    /// Refuses what the unrolling cannot be differentiated through.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        try Self.check(environment.session)
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) { self.parameters = parameters }

    /// Refuses gradient-penalty losses and networks with batch statistics or dropout; checked again at
    /// every update, since `loss` and `generator`/`discriminator` commands do not consult tricks.
    static func check(_ session: SessionView) throws {
        try session.refuseHigherDerivatives("unrolled-gan differentiates D's updates",
                                            passes: "unrolled-gan runs both networks K more times per G update", change: "with those passes")
    }

    /// G's loss against D unrolled K steps.
    public func generatorObjective(fake: Tensor, fakeScores: Tensor, _ context: TrainingContext) throws -> Tensor? {
        let session = context.session
        try Self.check(session)
        let stream = session.stream(of: Self.spec.name)
        let network = session.discriminator
        let weights = network.parameters
        let original = weights.map(\.value)
        defer { for (parameter, value) in zip(weights, original) { parameter.value = value } }
        let (rate, differentiate) = (parameters[Self.lr], parameters[Self.through])
        let forward = ForwardContext(training: true)
        let critic: (Tensor) throws -> Tensor = { try network.forward($0, forward) }
        for _ in 0..<parameters[Self.steps] {
            // Each φ_k enters the next loss through a leaf of its value, so ∇_φ L_D(φ_k) is a gradient with
            // respect to leaves, while (leaf − leaf.detached()), zero, keeps φ_k's dependence on G.
            let leaves = weights.map { $0.value.detached().requiringGradient() }
            for (parameter, leaf) in zip(weights, leaves) {
                parameter.value = differentiate ? try parameter.value + (leaf - leaf.detached()) : leaf
            }
            var real = session.dataset.sample(session.batchSize, using: stream)
            let z = session.noise.sample(session.batchSize, using: stream)
            var generated = try session.generator.forward(z, ForwardContext(training: true))
            // D may read m samples per row (packing): consecutive samples side by side, as D's input expects.
            let m = session.discriminatorInputWidth / session.dataset.dimension
            if m > 1 {
                real = try real.reshaped([real.shape[0] / m, m * real.shape[1]])
                generated = try generated.reshaped([generated.shape[0] / m, m * generated.shape[1]])
            }
            let unrolledFake = differentiate ? generated : generated.detached()
            let lossInput = DiscriminatorLossInput(
                realScores: try critic(real), fakeScores: try critic(unrolledFake), real: real, fake: unrolledFake,
                critic: critic, stream: stream)
            let slopes = try gradients(of: try session.loss.discriminatorLoss(lossInput), wrt: leaves, createGraph: differentiate)
            for (parameter, slope) in zip(weights, slopes) {
                parameter.value = try parameter.value - slope * rate
                if !differentiate { parameter.value = parameter.value.detached() }
            }
        }
        return try session.loss.generatorLoss(fakeScores: try critic(fake))
    }

    /// Per G update: K unrolled D updates, each a forward and backward pass through D on two batches and a
    /// forward pass through G, kept as graphs for the second derivative.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let float = TrainingFootprint.float
        let k = Double(parameters[steps])
        let rows = Double(plan.batch * plan.generator.floatsPerRow + 2 * plan.discriminatorRows * plan.discriminator.floatsPerRow)
        let passes = 3 * k * float * rows
        let gradients = 2 * k * float * Double(plan.discriminator.parameters)
        plan.trickWork.append((spec.name, passes + gradients, passes + gradients))
    }
}
