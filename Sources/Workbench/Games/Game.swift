import Autodiff

/// A two-player game over two scalars: a declared plugin giving the players' objectives, which `ToyGame`
/// plays with the engine's automatic differentiation (update order, consensus and historical averaging
/// are the same for every game, through the shared keys of `GameParameters`).
public protocol Game: Plugin, Sendable {
    /// A game with validated settings. Throws when a setting does not apply (clip without wgan, …), so a
    /// mistyped experiment never runs silently without the part it asked for.
    init(_ parameters: ParameterValues) throws
    /// What plots call it ("the x·y game").
    static var title: String { get }
    /// The names of the two players' values (x and y, theta and psi), which are also the settings that
    /// give their starting points.
    var playerNames: (first: String, second: String) { get }
    /// The players' values before the first step.
    var startingPoint: (Float, Float) { get }
    /// The step size.
    var learningRate: Float { get }
    /// Each player's objective (the first minimises its own, the second its own) at the values `first` and
    /// `second`, built from tensor operations so that every gradient comes from the engine. Randomness
    /// (instance noise) draws from `stream`.
    func objectives(_ first: Tensor, _ second: Tensor, stream: RandomStream) throws -> (Tensor, Tensor)
    /// The second player's value as the game's constraint leaves it after a step.
    func constrained(second: Float) -> Float
    /// Whether the setting called `name` means something with the others; the game's canonical text
    /// leaves out the rest.
    func applies(_ name: String) -> Bool
}

extension Game {
    /// No constraint.
    public func constrained(second: Float) -> Float { second }
    /// Every setting applies.
    public func applies(_ name: String) -> Bool { true }
}

/// The settings every game declares besides its own.
public enum GameParameters {
    /// How the two players take their turns.
    public enum Update: String, ParameterChoice {
        /// Both players step from the same point.
        case simultaneous
        /// The first player steps, then the second answers from the new point.
        case alternating
        /// Both players take a trial step from the same point, then step from the original point along their
        /// gradients at the trial point (Korpelevich's extragradient; Gidel et al. 2019).
        case extragradient
    }

    /// The turn order.
    public static let update: ParameterKey<Update> = .choice(
        "update", default: .simultaneous,
        "simultaneous: both players step from the same point; alternating: the first player (x, θ) steps, then the second answers from the new point; extragradient: both extrapolate one step, then step from where they were with the gradients found there")
    /// K of unrolled optimisation.
    public static let unroll: ParameterKey<Int> = .integer(
        "unroll", 0...100, default: 0,
        "unrolled second player: the first player's gradient sees the second unrolled this many steps ahead, differentiated through the unrolling (0: off)")
    /// γ of consensus optimisation.
    public static let consensus: ParameterKey<Double> = .real(
        "consensus", 0...1e3, default: 0, "γ of consensus optimisation (0: off)")
    /// λ of historical averaging.
    public static let averaging: ParameterKey<Float> = .real(
        "averaging", 0...1e3, default: 0, "λ of historical averaging (0: off)")

    /// Refuses settings that cannot be played together: consensus differentiates the players' gradients
    /// once more, and an unrolled gradient is already a second derivative.
    public static func check(_ parameters: ParameterValues, game: String) throws {
        if parameters[unroll] > 0 && parameters[consensus] > 0 {
            throw SessionError("game \(game): unroll= and consensus= cannot be combined (consensus would differentiate "
                               + "the unrolled gradient again, a third derivative): choose one")
        }
    }

    /// A player's starting value, named after the player.
    static func start(_ name: String, default value: Double, _ summary: String) -> ParameterKey<Float> {
        .real(name, -1e6...1e6, default: value, summary)
    }
}
