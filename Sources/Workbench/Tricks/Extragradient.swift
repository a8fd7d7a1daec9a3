import NeuralNet

/// Extragradient (Korpelevich 1976; Gidel et al. 2019): every iteration first extrapolates both players
/// with the session's ordinary updates, then updates them from where they were with the gradients found at
/// the extrapolated point; rotation around the equilibrium, which makes plain gradient play cycle or
/// diverge, is damped.
public final class ExtragradientTrick: StatelessTrick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "extragradient", aliases: ["extra-adam"],
        summary: "extragradient: each iteration extrapolates both players, then updates them from where they were with the gradients found there",
        discussion: """
            One iteration (what step counts, and one history row) runs the session's ordinary iteration \
            twice: the first, the extrapolation, moves D (critic_steps updates) and then G from (θ, φ) to \
            (θ', φ') on batches of its own; the second computes the same updates at (θ', φ'), and each \
            player's change in it is applied to where the player was before the extrapolation: θ ← θ + \
            (θ'' − θ'). With plain SGD this is exactly θ ← θ − η∇L(θ', φ'). Both half-steps go through the \
            player's optimizer and update its memory (moments and step count), as the paper's Extra-Adam \
            does (Gidel et al., Algorithm 4), so Adam counts two steps per iteration. Weight clipping (loss \
            wgan) projects again after the final step. The history row is the second half's, and every \
            iteration draws twice the data and noise an ordinary one draws. Refused with tricks that \
            accumulate something at every update (historical averaging, EMA of G, replay buffer: the \
            extrapolation would leave its trace in them); step d and step g are refused while it is on \
            (half an extragradient iteration is no iteration). In the toy games it is update=extragradient.
            """,
        parameters: [],
        reference: "Gidel, Berard, Vignoud, Vincent & Lacoste-Julien, A Variational Inequality Perspective on Generative Adversarial Networks, ICLR 2019")

    /// The parameters it was made with (none).
    public let parameters: ParameterValues

    /// Refuses the tricks whose state an extrapolation would move.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        if let other = environment.session.hooks.first(where: { $0.accumulatesOverUpdates && $0.name != Self.spec.name }) {
            throw SessionError(Self.refusal(besides: other.name))
        }
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) { self.parameters = parameters }

    /// Why a trick that accumulates over updates cannot run with extragradient.
    public static func refusal(besides other: String) -> String {
        "extragradient undoes its extrapolation, but trick \(other) keeps something from every update and would keep the "
            + "extrapolation's too: switch it off first"
    }

    /// Two iterations' work per iteration.
    public var extrapolatesIterations: Bool { true }
}
