import Autodiff
import NeuralNet

/// Consensus optimisation (Mescheder, Nowozin & Geiger 2017): both players also descend on the squared norm
/// of the game's gradient field, which damps the rotation around the equilibrium that makes simultaneous
/// gradient play cycle.
public final class ConsensusTrick: StatelessTrick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "consensus",
        summary: "consensus optimisation: both players add γ·½(‖∇_θ L_G‖² + ‖∇_φ L_D‖²) to their loss",
        discussion: """
            The regulariser R = ½(‖∇_θ L_G‖² + ‖∇_φ L_D‖²) (θ G's weights, φ D's) is added, times gamma, to \
            both players' losses, so each update follows −∇(L + γR) for its own weights (the paper's \
            consensus step). R needs the players' gradients as differentiable functions: each D and G update \
            evaluates both losses once more on a batch of its own (real samples and noise from stream \
            trick.consensus, so training's data and noise batches are unchanged) and differentiates twice. \
            Refused with losses that carry their own gradient penalty (wgan-gp, r1 > 0: third derivatives) \
            and with networks that use batch statistics or dropout (the extra pass would change them).
            """,
        parameters: [gamma.spec],
        reference: "Mescheder, Nowozin & Geiger, The Numerics of GANs, NeurIPS 2017")

    static let gamma: ParameterKey<Float> = .real("gamma", 0...1000, default: 0.1, "weight γ of the regulariser")

    /// The parameters it was made with.
    public let parameters: ParameterValues

    /// Refuses what the regulariser cannot be differentiated through.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        try Self.check(environment.session)
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) { self.parameters = parameters }

    /// Refuses gradient-penalty losses and networks with batch statistics or dropout; checked again at
    /// every update, since `loss` and `generator`/`discriminator` commands do not consult tricks.
    static func check(_ session: SessionView) throws {
        try session.refuseHigherDerivatives("consensus differentiates the players' gradients again",
                                            passes: "consensus evaluates both networks once more per update", change: "with that pass")
    }

    /// R = ½(Σ‖∂L_G/∂θ‖² + Σ‖∂L_D/∂φ‖²), differentiable in both players' weights.
    public static func regulariser(generatorLoss: Tensor, generatorWeights: [Tensor],
                                   discriminatorLoss: Tensor, discriminatorWeights: [Tensor]) throws -> Tensor {
        let g = try gradients(of: generatorLoss, wrt: generatorWeights, createGraph: true)
        let d = try gradients(of: discriminatorLoss, wrt: discriminatorWeights, createGraph: true)
        var total = Tensor(0)
        for gradient in g + d { total = try total + gradient.squared().sum() }
        return total * 0.5
    }

    /// γ·R on a fresh batch: both losses as the session defines them, evaluated with gradients to both players.
    func penalty(_ context: TrainingContext) throws -> Tensor {
        let session = context.session
        try Self.check(session)
        let stream = session.stream(of: Self.spec.name)
        var real = session.dataset.sample(session.batchSize, using: stream)
        let z = session.noise.sample(session.batchSize, using: stream)
        var fake = try session.generator.forward(z, ForwardContext(training: true))
        // D may read m samples per row (a trick's discriminatorInputMultiplier): consecutive samples side by
        // side, as D's input expects.
        let m = session.discriminatorInputWidth / session.dataset.dimension
        if m > 1 {
            real = try real.reshaped([real.shape[0] / m, m * real.shape[1]])
            fake = try fake.reshaped([fake.shape[0] / m, m * fake.shape[1]])
        }
        let network = session.discriminator
        let critic: (Tensor) throws -> Tensor = { try network.forward($0, ForwardContext(training: true)) }
        let fakeScores = try critic(fake)
        let discriminatorLoss = try session.loss.discriminatorLoss(DiscriminatorLossInput(
            realScores: try critic(real), fakeScores: fakeScores, real: real, fake: fake, critic: critic, stream: stream))
        let generatorLoss = try session.loss.generatorLoss(fakeScores: fakeScores)
        let r = try Self.regulariser(
            generatorLoss: generatorLoss, generatorWeights: session.generator.parameters.map(\.value),
            discriminatorLoss: discriminatorLoss, discriminatorWeights: network.parameters.map(\.value))
        return r * parameters[Self.gamma]
    }

    /// γ·R for D's update.
    public func discriminatorPenalty(_ context: TrainingContext) throws -> Tensor? { try penalty(context) }

    /// γ·R for G's update.
    public func generatorPenalty(_ context: TrainingContext) throws -> Tensor? { try penalty(context) }

    /// Each update evaluates both losses once more on a batch of its own and differentiates them twice:
    /// about three plain passes through G and D (real and generated), and the players' gradients as graphs.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let float = TrainingFootprint.float
        let rows = Double(plan.batch * plan.generator.floatsPerRow + 2 * plan.discriminatorRows * plan.discriminator.floatsPerRow)
        let passes = 3 * 2 * float * rows
        let gradients = 3 * float * Double(plan.generator.parameters + plan.discriminator.parameters)
        plan.trickWork.append((spec.name, passes + gradients, passes + gradients))
    }
}
