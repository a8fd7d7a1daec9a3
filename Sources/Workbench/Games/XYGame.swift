import Autodiff

/// The x·y game: the smallest game whose gradient descent does not find its Nash equilibrium.
public final class XYGame: Game {
    static let lr: ParameterKey<Float> = .real("lr", 1e-6...10, default: 0.1, "step size η")
    static let x = GameParameters.start("x", default: 1, "x at the start")
    static let y = GameParameters.start("y", default: 1, "y at the start")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .game, name: "xy", aliases: ["bilinear"],
        summary: "the x·y game: x minimises x·y, y maximises it (Nash equilibrium at the origin)",
        discussion: "The smallest game whose gradient descent does not find its Nash equilibrium. Simultaneous steps x ← x − η·y, y ← y + η·x multiply the distance from the origin by √(1 + η²) every step, so the players spiral outwards; alternating steps stay on a bounded orbit. consensus=γ adds γ·½‖v‖² (v: both players' gradients) to each player's objective and pulls them in; averaging=λ adds λ·(p − p̄)², p̄ the mean of the player's past values. update=extragradient (Korpelevich 1976; Gidel et al. 2019) first extrapolates both players one step, then steps from the original point with the gradients of the extrapolated one: x ← x − η(y + ηx), y ← y + η(x − ηy), which multiplies the radius by √(1 − η² + η⁴) < 1 every step, so it converges. unroll=K lets x see y unrolled K steps ahead, y_K = y + Kηx, and differentiates through the unrolling: x's gradient is y + 2Kηx, a pull towards 0 that makes simultaneous steps converge for K ≥ 1 (each step multiplies the area by 1 − (2K − 1)η²).",
        parameters: [lr.spec, x.spec, y.spec, GameParameters.update.spec, GameParameters.consensus.spec,
                     GameParameters.averaging.spec, GameParameters.unroll.spec],
        reference: "\"From GAN to WGAN\" §Hard to achieve Nash equilibrium; Mescheder et al. 2017, The Numerics of GANs")

    public static let title = "the x·y game"

    /// The settings.
    public let parameters: ParameterValues

    /// A game with validated settings.
    public init(_ parameters: ParameterValues) throws {
        try GameParameters.check(parameters, game: Self.spec.name)
        self.parameters = parameters
    }

    public var playerNames: (first: String, second: String) { (Self.x.name, Self.y.name) }
    public var startingPoint: (Float, Float) { (parameters[Self.x], parameters[Self.y]) }
    public var learningRate: Float { parameters[Self.lr] }

    /// x·y for x, −x·y for y.
    public func objectives(_ first: Tensor, _ second: Tensor, stream: RandomStream) throws -> (Tensor, Tensor) {
        let value = try first * second
        return (value, -value)
    }
}
