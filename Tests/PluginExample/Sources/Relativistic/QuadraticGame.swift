import Autodiff
import Workbench

/// The x·y game with a quadratic pull towards the equilibrium: x minimises μx²/2 + xy − μy²/2, y maximises
/// it. The smallest game on which simultaneous gradient descent converges for small steps and spirals out
/// for large ones, with the boundary known exactly: the game the x·y game becomes with any regularisation.
public final class QuadraticGame: Game {
    public static let mu: ParameterKey<Float> = .real("mu", 0...10, default: 0.1, "μ, the strength of each player's own quadratic term")
    public static let lr: ParameterKey<Float> = .real("lr", 1e-6...10, default: 0.1, "step size η")
    public static let x: ParameterKey<Float> = .real("x", -1e6...1e6, default: 1, "x at the start")
    public static let y: ParameterKey<Float> = .real("y", -1e6...1e6, default: 1, "y at the start")

    public static let spec = PluginSpec(
        kind: .game, name: "quadratic", aliases: ["regularized-xy"],
        summary: "x minimises μx²/2 + x·y − μy²/2, y maximises it: the x·y game with a pull to the origin",
        discussion: """
            Simultaneous steps x ← x − η(μx + y), y ← y + η(x − μy) rotate and shrink: each multiplies the \
            distance from the origin by exactly √((1 − ημ)² + η²), so they converge when η < 2μ/(1 + μ²) and \
            spiral out beyond it; μ=0 is the x·y game, step for step. The other settings are those of game xy \
            (update=alternating|extragradient, consensus=, averaging=, unroll=).
            """,
        parameters: [mu.spec, lr.spec, x.spec, y.spec, GameParameters.update.spec, GameParameters.consensus.spec,
                     GameParameters.averaging.spec, GameParameters.unroll.spec],
        reference: "Gidel et al., Negative Momentum for Improved Game Dynamics, AISTATS 2019; Mokhtari, Ozdaglar & Pattathil, "
            + "A Unified Analysis of Extra-gradient and Optimistic Gradient Methods for Saddle Point Problems, AISTATS 2020")

    public static let title = "the quadratic x·y game"

    public let parameters: ParameterValues

    public init(_ parameters: ParameterValues) throws {
        try GameParameters.check(parameters, game: Self.spec.name)
        self.parameters = parameters
    }

    public var playerNames: (first: String, second: String) { (Self.x.name, Self.y.name) }
    public var startingPoint: (Float, Float) { (parameters[Self.x], parameters[Self.y]) }
    public var learningRate: Float { parameters[Self.lr] }

    /// f for x, −f for y.
    public func objectives(_ first: Tensor, _ second: Tensor, stream: RandomStream) throws -> (Tensor, Tensor) {
        let value = try (try first * second) + (try first.squared() - second.squared()) * (parameters[Self.mu] / 2)
        return (value, -value)
    }
}
