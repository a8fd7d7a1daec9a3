import Autodiff

/// Puts one learned value in front of every row: z ↦ (θ, z). With z ~ U[0, 1] this is the generator family
/// g_θ(z) = (θ, z) of the Wasserstein GAN paper's Example 1, with θ trained like any weight.
public final class PrependedOffset: Layer {
    /// θ, shape [1].
    public let theta: Parameter

    /// An offset starting at `initial`.
    public init(initial: Float) { theta = Parameter(Tensor([initial])) }

    /// An offset holding `theta` (a restored parameter).
    public init(theta: Parameter) { self.theta = theta }

    /// [batch, d] → [batch, d + 1], θ in the first column.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 else { throw LayerError("PrependedOffset expects [batch, features], got \(input.shape)") }
        let column = try theta.value.reshaped(to: [1, 1]).expanded(to: [input.shape[0], 1])
        return try Tensor.concatenate([column, input], axis: 1)
    }

    /// θ, named "theta".
    public var localParameters: [(name: String, parameter: Parameter)] { [("theta", theta)] }
    /// "PrependedOffset(θ 0.5)".
    public var summary: String { "PrependedOffset(θ \(Tensor.format(theta.value.scalars[0])))" }
    /// One column more.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { inputWidth + 1 }
    /// A copy with its own θ of the same value.
    public func copy() -> any Layer { PrependedOffset(theta: theta.copy()) }
}
