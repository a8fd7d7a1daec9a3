/// The declarations of the two-player toy games: what `game NAME key=value…` accepts.
public enum ToyGameSpecs {
    /// How the two players take their turns.
    static let update = ParameterSpec(
        "update", .choice(["simultaneous", "alternating"]), default: .text("simultaneous"),
        "simultaneous: both players step from the same point; alternating: the first player (x, θ) steps, then the second answers from the new point")

    /// The x·y game.
    public static let bilinear = PluginSpec(
        kind: .game, name: "xy", aliases: ["bilinear"],
        summary: "the x·y game: x minimises x·y, y maximises it (Nash equilibrium at the origin)",
        discussion: "The smallest game whose gradient descent does not find its Nash equilibrium. Simultaneous steps x ← x − η·y, y ← y + η·x multiply the distance from the origin by √(1 + η²) every step, so the players spiral outwards; alternating steps stay on a bounded orbit. consensus=γ adds γ·½‖v‖² (v: both players' gradients) to each player's objective and pulls them in; averaging=λ adds λ·(p − p̄)², p̄ the mean of the player's past values.",
        parameters: [
            ParameterSpec("lr", .real(1e-6...10), default: .real(0.1), "step size η"),
            ParameterSpec("x", .real(-1e6...1e6), default: .real(1), "x at the start"),
            ParameterSpec("y", .real(-1e6...1e6), default: .real(1), "y at the start"),
            update,
            ParameterSpec("consensus", .real(0...1e3), default: .real(0), "γ of consensus optimisation (0: off)"),
            ParameterSpec("averaging", .real(0...1e3), default: .real(0), "λ of historical averaging (0: off)"),
        ],
        reference: "\"From GAN to WGAN\" §Hard to achieve Nash equilibrium; Mescheder et al. 2017, The Numerics of GANs")

    /// The Dirac-GAN.
    public static let dirac = PluginSpec(
        kind: .game, name: "dirac", aliases: ["dirac-gan"],
        summary: "the Dirac-GAN: data δ₀, generator δ_θ, discriminator D(x) = ψ·x",
        discussion: "A GAN with one parameter per player, whose equilibrium is θ = ψ = 0. As in the paper, D maximises L(θ, ψ) = mean f(D(fake)) + mean f(−D(real)) — its D scores fake samples high — with f(t) = log σ(t) for minimax and nonsaturating (G minimises L, or −mean f(−D(fake)) when non-saturating) and f(t) = t for wgan (ψ clipped to [−clip, clip] after each D step) and wgan-gp (D adds λ·(|∇ₓD| − 1)²). Regularisers: r1=γ adds γ/2·|∇ₓD(real)|² to D's objective; noise=σ is instance noise (both players see samples of x + N(0, σ²), samples draws per step from the stream game); consensus=γ and averaging=λ as in the x·y game. Every gradient, including the penalties' gradients of gradients, comes from the engine's automatic differentiation.",
        parameters: [
            ParameterSpec("loss", .choice(["minimax", "nonsaturating", "wgan", "wgan-gp"]), default: .text("minimax"),
                          "the objective"),
            ParameterSpec("lr", .real(1e-6...10), default: .real(0.2), "step size h"),
            ParameterSpec("theta", .real(-1e6...1e6), default: .real(1), "θ (the generator's point) at the start"),
            ParameterSpec("psi", .real(-1e6...1e6), default: .real(1), "ψ (the discriminator's slope) at the start"),
            update,
            ParameterSpec("clip", .real(1e-6...1e6), default: .real(1), "wgan: |ψ| is clipped to this after each D step"),
            ParameterSpec("lambda", .real(0...1e6), default: .real(0.35), "wgan-gp: weight of the gradient penalty"),
            ParameterSpec("r1", .real(0...1e6), default: .real(0), "γ of the R1 penalty on real data (0: off)"),
            ParameterSpec("noise", .real(0...1e3), default: .real(0), "σ of instance noise (0: off)"),
            ParameterSpec("samples", .integer(1...1_000_000), default: .integer(1000), "instance noise: draws per step"),
            ParameterSpec("consensus", .real(0...1e3), default: .real(0), "γ of consensus optimisation (0: off)"),
            ParameterSpec("averaging", .real(0...1e3), default: .real(0), "λ of historical averaging (0: off)"),
        ],
        reference: "Mescheder, Geiger, Nowozin 2018, Which Training Methods for GANs do actually Converge?")

    /// Every game, in the order `list games` shows them.
    public static let all = [bilinear, dirac]

    /// The game called `name` (or one of its aliases).
    public static func named(_ name: String) -> PluginSpec? {
        all.first { $0.name == name || $0.aliases.contains(name) }
    }

    /// The parameters that only mean something with one loss, with that loss.
    static let lossOnlyParameters = ["clip": "wgan", "lambda": "wgan-gp"]

    /// The parameters that only mean something when another parameter is set.
    static let dependentParameters = ["samples": "noise"]
}
