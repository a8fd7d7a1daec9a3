import Autodiff
import NeuralNet

/// The `gaussian` model plugin: a generator whose distribution is known, G(z) = μ + σ·z on the line.
public final class GaussianModel: Model {
    static let mu: ParameterKey<Float> = .real("mu", -1e6...1e6, default: 0, "the mean: G's bias at the start")
    static let sigma: ParameterKey<Float> = .real("sigma", 1e-6...1e6, default: 1, "the scale: G's weight at the start")

    public static let spec = PluginSpec(
        kind: .model, name: "gaussian", aliases: ["fixed-gaussian"],
        summary: "a generator that is a known distribution: G(z) = μ + σ·z, N(μ, σ²) under normal noise",
        discussion: """
            One Linear layer 1 → 1 whose weight starts at sigma and whose bias starts at mu, so that with noise \
            normal dim=1 G generates N(mu, sigma²) (with uniform noise, a uniform distribution). Its density \
            p_g is then known at every iteration (from the layer's current weight and bias and the noise's \
            density), which is what the optimal discriminator D*(x) = p_r/(p_r + p_g) needs: freeze G to keep \
            it the given distribution while D trains. One-dimensional data and noise only; the parameters are \
            named G.0.weight and G.0.bias.
            """,
        parameters: [mu.spec, sigma.spec],
        reference: "Goodfellow et al. 2014, Generative Adversarial Nets (NeurIPS), Proposition 1: the optimal discriminator")

    public let parameters: ParameterValues

    /// A generator N(mu, sigma²) under normal noise.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// Generator only, from one noise coordinate to one data coordinate.
    public func check(_ player: Player, input: Int, output: Int) throws {
        guard player == .generator else { throw SessionError("the gaussian model is a generator; D needs an mlp") }
        guard input == 1, output == 1 else {
            throw SessionError("the gaussian generator maps one noise coordinate to one data coordinate: it needs noise dim=1 (now \(input)) and one-dimensional data (now \(output))")
        }
    }

    /// One Linear layer holding σ and μ; it draws nothing from the stream.
    public func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        Sequential([Linear(weight: Parameter(try Tensor([parameters[Self.sigma]], shape: [1, 1])),
                           bias: Parameter(Tensor([parameters[Self.mu]])), initialization: .pytorch)])
    }

    /// One Linear layer 1 → 1.
    public func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] { [.linear(inputs: 1, outputs: 1)] }

    /// p_g(x) = p_z((x − b)/w)/|w| for the layer's current weight w and bias b.
    public func generatedDensity(of network: Sequential, noise: any NoiseDistribution) -> ((Double) -> Double)? {
        guard let layer = network.layers.first as? Linear, network.layers.count == 1, noise.density(at: 0) != nil else { return nil }
        let w = Double(layer.weight.value.scalars[0]), b = Double(layer.bias?.value.scalars[0] ?? 0)
        guard w != 0 else { return nil }
        return { x in noise.density(at: (x - b) / w)! / abs(w) }
    }
}
