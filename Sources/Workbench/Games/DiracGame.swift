import Autodiff

/// The Dirac-GAN: a GAN with one parameter per player, played with any loss that declares its
/// `diracForm`.
public final class DiracGame: Game {
    static let lr: ParameterKey<Float> = .real("lr", 1e-6...10, default: 0.2, "step size h")
    static let theta = GameParameters.start("theta", default: 1, "θ (the generator's point) at the start")
    static let psi = GameParameters.start("psi", default: 1, "ψ (the discriminator's slope) at the start")
    static let r1: ParameterKey<Float> = .real("r1", 0...1e6, default: 0, "γ of the R1 penalty on real data (0: off)")
    /// A Double, so that `samples=` applies with a σ too small for a Float, as it always did.
    static let noise: ParameterKey<Double> = .real("noise", 0...1e3, default: 0, "σ of instance noise (0: off)")
    static let samples: ParameterKey<Int> = .integer(
        "samples", 1...1_000_000, default: 1000, "instance noise: draws per step")

    /// The losses that can be played here, in listing order.
    static var losses: [PluginEntry<any Loss>] { Plugins.losses.all.filter { $0.diracForm != nil } }

    /// The objective: one of the playable losses, by canonical name, the first by default.
    static var loss: ParameterKey<String> {
        let names = losses.map { $0.spec.name }
        let first: ParameterValue? = names.first.map { .text($0) }
        return ParameterKey<String>(ParameterSpec("loss", .choice(names), default: first, "the objective"))
    }

    /// The settings that only some losses read, each with the losses that declare it, in listing order.
    static var lossSettings: [(setting: ParameterSpec, losses: [String])] {
        var settings: [(setting: ParameterSpec, losses: [String])] = []
        for type in losses {
            for setting in type.diracForm?.settings ?? [] {
                if let index = settings.firstIndex(where: { $0.setting.name == setting.name }) {
                    settings[index].losses.append(type.spec.name)
                } else {
                    settings.append((setting, [type.spec.name]))
                }
            }
        }
        return settings
    }

    /// The declaration, derived from the losses registered now (a loss registered later that declares its
    /// form is playable too).
    public static var spec: PluginSpec {
        let forms = losses.map { "loss=\($0.spec.name): \($0.diracForm?.summary ?? "")" }.joined(separator: "; ")
        return PluginSpec(
            kind: .game, name: "dirac", aliases: ["dirac-gan"],
            summary: "the Dirac-GAN: data δ₀, generator δ_θ, discriminator D(x) = ψ·x",
            discussion: "A GAN with one parameter per player, whose equilibrium is θ = ψ = 0. As in the paper, D maximises L(θ, ψ) = mean f(D(fake)) + mean f(−D(real)) — its D scores fake samples high — and G minimises L, or −mean f(−D(fake)) when non-saturating. The objectives: \(forms). Regularisers: r1=γ adds γ/2·|∇ₓD(real)|² to D's objective; noise=σ is instance noise (both players see samples of x + N(0, σ²), samples draws per step from the stream game); consensus=γ, averaging=λ, update=extragradient and unroll=K (θ's gradient sees ψ unrolled K steps ahead, Metz et al. 2017) as in the x·y game. Every gradient, including the penalties' gradients of gradients, comes from the engine's automatic differentiation.",
            parameters: [loss.spec, lr.spec, theta.spec, psi.spec, GameParameters.update.spec]
                + lossSettings.map(\.setting)
                + [r1.spec, noise.spec, samples.spec, GameParameters.consensus.spec, GameParameters.averaging.spec,
                   GameParameters.unroll.spec],
            reference: "Mescheder, Geiger, Nowozin 2018, Which Training Methods for GANs do actually Converge?")
    }

    public static let title = "the Dirac-GAN"

    /// The settings.
    public let parameters: ParameterValues
    /// How the chosen loss plays.
    let form: DiracGameForm
    /// The losses that declare each loss-only setting.
    private let settingOwners: [String: [String]]

    /// Refuses settings that the chosen loss does not read, and `samples` without instance noise.
    public init(_ parameters: ParameterValues) throws {
        try GameParameters.check(parameters, game: Self.spec.name)
        self.parameters = parameters
        let lossName = parameters[Self.loss]
        guard let form = Plugins.losses.named(lossName)?.diracForm else {
            throw SessionError("game dirac: loss \(lossName) has no Dirac-GAN form")
        }
        self.form = form
        settingOwners = Dictionary(uniqueKeysWithValues: Self.lossSettings.map { ($0.setting.name, $0.losses) })
        for name in parameters.explicitNames {
            if let owners = settingOwners[name], !owners.contains(lossName) {
                let required = owners.map { "loss=\($0)" }.joined(separator: " or ")
                throw SessionError("game dirac: \(name)= applies to \(required) only (this game has loss=\(lossName))")
            }
            if name == Self.samples.name && parameters[Self.noise] == 0 {
                throw SessionError("game dirac: \(name)= applies only with \(Self.noise.name)= above 0")
            }
        }
    }

    public var playerNames: (first: String, second: String) { (Self.theta.name, Self.psi.name) }
    public var startingPoint: (Float, Float) { (parameters[Self.theta], parameters[Self.psi]) }
    public var learningRate: Float { parameters[Self.lr] }

    /// A loss's settings apply with that loss, `samples` with instance noise.
    public func applies(_ name: String) -> Bool {
        if let owners = settingOwners[name], !owners.contains(parameters[Self.loss]) { return false }
        if name == Self.samples.name && parameters[Self.noise] == 0 { return false }
        return true
    }

    /// D's constraint from the loss (wgan's clipping).
    public func constrained(second: Float) -> Float {
        form.constraint.map { $0(second, parameters) } ?? second
    }

    /// G's and D's objectives: fake samples at θ, real samples at 0, D(x) = ψ·x; instance noise moves both.
    public func objectives(_ first: Tensor, _ second: Tensor, stream: RandomStream) throws -> (Tensor, Tensor) {
        let sigma = Float(parameters[Self.noise])
        var fake = first
        var real = Tensor(0)
        if sigma > 0 {
            let count = parameters[Self.samples]
            fake = try first + Tensor.randomNormal([count], standardDeviation: sigma, using: stream)
            real = Tensor.randomNormal([count], standardDeviation: sigma, using: stream)
        }
        let realScores = try second * real
        let fakeScores = try second * fake
        let value = try (try form.f(fakeScores)).mean() + (try form.f(-realScores)).mean()
        var discriminatorObjective = -value
        let generatorObjective = form.nonSaturating ? -(try form.f(-fakeScores)).mean() : value
        if let penalty = form.penalty {
            discriminatorObjective = try discriminatorObjective + (try penalty(first, { try second * $0 }, parameters))
        }
        let gamma = parameters[Self.r1]
        if gamma > 0 {
            let point = Tensor(0).requiringGradient()
            let slope = try gradients(of: try second * point, wrt: [point], createGraph: true)[0]
            discriminatorObjective = try discriminatorObjective + slope.squared() * (gamma / 2)
        }
        return (generatorObjective, discriminatorObjective)
    }
}
