import Autodiff

/// How a loss plays the Dirac-GAN (Mescheder, Geiger & Nowozin 2018): data δ₀, generator δ_θ and a linear
/// D(x) = ψ·x. As in the paper, D maximises L(θ, ψ) = mean f(D(fake)) + mean f(−D(real)) — its D scores fake
/// samples high — less the loss's penalty, and G minimises L, or −mean f(−D(fake)) when the loss is
/// non-saturating. A loss that declares its form can be played there (`game dirac loss=NAME`).
public struct DiracGameForm: Sendable {
    /// f, applied elementwise to D's scores.
    public let f: @Sendable (Tensor) throws -> Tensor
    /// Whether G minimises −mean f(−D(fake)) instead of L.
    public let nonSaturating: Bool
    /// The form in a few words, for the game's help ("f(t) = log σ(t)").
    public let summary: String
    /// Settings of the game that mean something only with this loss, with the game's defaults (its own
    /// defaults suit networks, not a game over two scalars).
    public let settings: [ParameterSpec]
    /// A term D adds to the objective it minimises, from θ (a variable), D and the game's settings.
    public let penalty: (@Sendable (_ theta: Tensor, _ critic: (Tensor) throws -> Tensor,
                                    _ settings: ParameterValues) throws -> Tensor)?
    /// ψ as D's constraint leaves it after each step, from the game's settings.
    public let constraint: (@Sendable (_ psi: Float, _ settings: ParameterValues) -> Float)?

    /// A form; `settings` are the parameters that `penalty` and `constraint` read.
    public init(f: @escaping @Sendable (Tensor) throws -> Tensor, nonSaturating: Bool = false, summary: String,
                settings: [ParameterSpec] = [],
                penalty: (@Sendable (Tensor, (Tensor) throws -> Tensor, ParameterValues) throws -> Tensor)? = nil,
                constraint: (@Sendable (Float, ParameterValues) -> Float)? = nil) {
        self.f = f
        self.nonSaturating = nonSaturating
        self.summary = summary
        self.settings = settings
        self.penalty = penalty
        self.constraint = constraint
    }
}
