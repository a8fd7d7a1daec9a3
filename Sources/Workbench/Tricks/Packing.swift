import Autodiff
import NeuralNet

/// PacGAN (Lin et al. 2018): D judges m samples at once, concatenated into one row, so a generator that
/// collapses onto a few modes produces packs that look unlike packs of real samples.
public final class PackingTrick: StatelessTrick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "packing", aliases: ["pacgan"],
        summary: "D sees m samples concatenated per row (PacGAN); rebuilds D with m times the input width",
        discussion: """
            Before D sees a batch, [batch, d] is reshaped to [batch/m, m·d]: consecutive samples form one \
            pack, real with real and generated with generated (the paper's packing of i.i.d. samples). On images \
            (rows of C×H×W in NCHW order) a pack is one image of m·C channels, the first sample's channels first, \
            as PacGAN concatenates stacked-MNIST samples along the channel axis, and a convolutional D is built \
            for m·C input channels. D is \
            rebuilt with input width m·d and fresh weights from stream init.D (its optimizer memory cleared) \
            when switched on, and again with width d when switched off. The batch size must be a multiple \
            of m. Gradients reach every sample of a pack through the reshape. Packs are scored independently, \
            so real and generated packs may still share one call of D.
            """,
        parameters: [m.spec],
        reference: "Lin, Khetan, Fanti & Oh, PacGAN: The Power of Two Samples in Generative Adversarial Networks, NeurIPS 2018")

    static let m: ParameterKey<Int> = .integer("m", 2...64, default: 2, "samples per pack (the paper uses 2–4)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Samples per pack.
    public let m: Int

    /// Refuses a batch size that m does not divide.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        try Self.checkBatch(environment.session.batchSize, parameters[Self.m])
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        m = parameters[Self.m]
    }

    /// Refuses a batch that m does not divide, with the message `trick on` shows.
    static func checkBatch(_ batch: Int, _ m: Int) throws {
        guard batch % m == 0 else {
            throw SessionError("packing m=\(m) needs a batch size divisible by \(m); the batch is \(batch)")
        }
    }

    /// [batch, d] → [batch/m, m·d]: row i holds samples m·i … m·i + m − 1, side by side.
    public static func pack(_ samples: Tensor, _ m: Int) throws -> Tensor {
        guard samples.rank == 2 else { throw SessionError("packing expects samples [batch, d], got \(samples.shape)") }
        try checkBatch(samples.shape[0], m)
        return try samples.reshaped([samples.shape[0] / m, m * samples.shape[1]])
    }

    /// D's input is m samples wide.
    public var discriminatorInputMultiplier: Int { m }

    /// Rebuilds D for packs (now that this hook is in the list, `discriminatorInputWidth` is m·d).
    public func attach(to environment: TrickEnvironment) { Self.rebuildDiscriminator(environment) }

    /// Rebuilds D for single samples (this hook has left the list).
    public func detach(from environment: TrickEnvironment) { Self.rebuildDiscriminator(environment) }

    /// A fresh D from its `mlp` parameters and stream init.D, optimizer memory cleared. Building an MLP
    /// only fails for non-positive widths, which the session's D already excludes.
    static func rebuildDiscriminator(_ environment: TrickEnvironment) { try? environment.rebuildNetwork(.discriminator) }

    /// Packs the real and the generated batch.
    public func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws
        -> (real: Tensor?, fake: Tensor) {
        (try real.map { try Self.pack($0, m) }, try Self.pack(fake, m))
    }

    /// D reads m samples per row: m times the input width, a m-th of the rows.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let m = parameters[Self.m]
        plan.discriminator.spec?.inputWidth *= m
        plan.samplesPerDiscriminatorRow *= m
    }
}
