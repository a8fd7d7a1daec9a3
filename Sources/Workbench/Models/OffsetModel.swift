import Autodiff
import NeuralNet

/// The `offset` model plugin: a generator with one learned parameter, G(z) = (θ, z).
public final class OffsetModel: Model {
    /// θ at the start.
    public static let theta: ParameterKey<Float> = .real("theta", -100...100, default: 1, "θ at the start")

    public static let spec = PluginSpec(
        kind: .model, name: "offset", aliases: ["line-family"],
        summary: "a generator with one learned parameter: G(z) = (θ, z), the family of WGAN Example 1",
        discussion: """
            Puts a learned θ in front of the noise vector, so the data dimension must be the noise dimension             plus one. With data parallel-lines and noise uniform dim=1 lower=0 upper=1 it is the generator             family g_θ(z) = (θ, z) of Arjovsky, Chintala and Bottou (2017), Example 1, with θ trained by the             generator's optimizer: under wgan or wgan-gp θ moves towards 0; under the cross-entropy losses the             optimal discriminator gives it no gradient. Generator only; the parameter is named G.0.theta.
            """,
        parameters: [theta.spec],
        reference: "Arjovsky, Chintala & Bottou 2017, Wasserstein GAN (ICML), Example 1")

    public let parameters: ParameterValues

    /// An offset generator starting at `theta`.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// Generator only, and the data must have exactly one coordinate more than the noise.
    public func check(_ player: Player, input: Int, output: Int) throws {
        guard player == .generator else { throw SessionError("the offset model is a generator; D needs an mlp") }
        guard output == input + 1 else {
            throw SessionError("the offset generator makes (θ, z): the data dimension (\(output)) must be the noise dimension (\(input)) plus one")
        }
    }

    /// One `PrependedOffset`; it draws nothing from the stream.
    public func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        Sequential([PrependedOffset(initial: parameters[Self.theta])])
    }

    /// The one offset layer.
    public func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] { [.offset] }
}
