import Autodiff
import Foundation
import Workbench

#if !compiler(>=6.0)
#error("build this plugin with the Swift compiler that built gantry (6.0 or later)")
#endif

/// The relativistic average GAN loss (RaGAN): D judges whether a real sample is more realistic than the
/// average generated one, and the other way round; G plays the same game with the roles swapped, so its
/// gradient also pushes the real samples' relative score down.
public final class RelativisticAverageLoss: Loss {
    public static let spec = PluginSpec(
        kind: .loss, name: "ragan", aliases: ["relativistic-average"],
        summary: "relativistic average GAN: D scores real against the average fake, and fake against the average real",
        discussion: """
            With C the critic's raw output, D minimises −E_r[log σ(C(x_r) − E_f C(x_f))] − E_f[log(1 − σ(C(x_f) − E_r C(x_r)))] \
            and G minimises the same with real and fake swapped: −E_f[log σ(C(x_f) − E_r C(x_r))] − \
            E_r[log(1 − σ(C(x_r) − E_f C(x_f)))]. G's update draws a real batch of its own from the data stream.
            """,
        parameters: LossParameters.common(criticSteps: 1),
        reference: "Jolicoeur-Martineau, The relativistic discriminator: a key element missing from standard GAN, ICLR 2019 (arXiv 2018)")
    public let parameters: ParameterValues
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// −E[log σ(a − E b)] − E[log(1 − σ(b − E a))], written with softplus: −log σ(u) = softplus(−u) and
    /// −log(1 − σ(u)) = softplus(u).
    static func relativistic(_ a: Tensor, _ b: Tensor) throws -> Tensor {
        try (-(try a - b.mean())).softplus().mean() + (try b - a.mean()).softplus().mean()
    }

    public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        try withR1(try Self.relativistic(input.realScores, input.fakeScores), input)
    }
    public var generatorReadsRealScores: Bool { true }
    public func generatorLoss(fakeScores: Tensor, realScores: Tensor) throws -> Tensor {
        try Self.relativistic(fakeScores, realScores)
    }
    /// Without real scores the relative terms are undefined: the training step always gives them.
    public func generatorLoss(fakeScores: Tensor) throws -> Tensor {
        throw SessionError("ragan's generator loss needs D's scores on a real batch")
    }
    public var isCrossEntropy: Bool { false }
    public var estimatesWasserstein: Bool { false }
}

/// Top-k training: G learns only from the k generated samples D scores highest, as the others' gradients
/// point away from the data. k starts at the batch size and decays geometrically per iteration to a floor.
public final class TopKTrick: StatelessTrick {
    public static let gamma: ParameterKey<Double> = .real("gamma", 0...1, default: 0.99, "k's decay per iteration (the paper: 0.99 per epoch)")
    public static let floor: ParameterKey<Double> = .real("floor", 0...1, default: 0.5, "the smallest k, as a fraction of the batch (ν)")
    public static let spec = PluginSpec(
        kind: .trick, name: "top-k", aliases: ["topk"],
        summary: "top-k training: G's loss uses only the k fakes D scores highest, k decaying from the batch to a floor",
        discussion: """
            At iteration t, k = max(⌈ν·B⌉, ⌊B·γ^t⌋) with B the batch size; G's loss is the loss's generator loss \
            of D's scores on those k samples (ties broken by position). D's update is unchanged.
            """,
        parameters: [gamma.spec, floor.spec],
        reference: "Sinha, Zhao, Goyal, Raffel & Odena, Top-k Training of GANs: Improving GAN Performance by Throwing Away Bad Samples, NeurIPS 2020")
    public let parameters: ParameterValues
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        guard !environment.session.loss.generatorReadsRealScores else {
            throw SessionError("top-k selects among generated samples only; the loss \(environment.session.loss.name) reads real ones too")
        }
        self.init(restoring: parameters)
    }
    public init(restoring parameters: ParameterValues) { self.parameters = parameters }

    /// k at iteration `iteration` for a batch of `batch` samples.
    public func k(iteration: Int, batch: Int) -> Int {
        let floor = Int((parameters[Self.floor] * Double(batch)).rounded(.up))
        let decayed = Int((Double(batch) * pow(parameters[Self.gamma], Double(iteration))).rounded(.down))
        return min(batch, max(1, floor, decayed))
    }

    public func generatorObjective(fake: Tensor, fakeScores: Tensor, _ context: TrainingContext) throws -> Tensor? {
        let scores = fakeScores.scalars
        let k = k(iteration: context.iteration, batch: scores.count)
        let chosen = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(k).sorted()
        let rows = try chosen.map { try fakeScores.slice(axis: 0, $0..<($0 + 1)) }
        return try context.session.loss.generatorLoss(fakeScores: try Tensor.concatenate(rows, axis: 0))
    }
}

@_cdecl("gantry_plugin_api_version")
public func gantryPluginAPIVersion() -> Int32 { PluginLibraryContents.apiVersion }

@_cdecl("gantry_plugin_contents")
public func gantryPluginContents() -> UnsafeMutableRawPointer {
    PluginLibraryContents(losses: [RelativisticAverageLoss.self], tricks: [TopKTrick.self], datasets: [TwoMoons.self],
                          noise: [TruncatedNormalNoise.self], metrics: [NearestNeighbourAccuracy.self], models: [OrthogonalMLP.self],
                          optimizers: [OptimisticRule.self], games: [QuadraticGame.self]).retained()
}
