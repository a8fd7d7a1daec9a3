import Autodiff
import NeuralNet

/// The `dcgan` model plugin: convolutional networks for image data (Radford et al. 2016), sized from the
/// data's image layout. G projects the noise with a Linear to a small image of many channels and doubles its
/// side with each stride-2 transposed convolution; D halves the side with each stride-2 convolution and
/// scores the last feature map with a Linear.
public final class DCGANModel: Model {
    /// The normalisation after the hidden layers, as users name it.
    public enum ImageNormalization: String, ParameterChoice {
        case batch, none
    }

    /// The weight initialisation, as users name it.
    public enum WeightInitialization: String, ParameterChoice {
        case pytorch, normal
    }

    /// Channels of D's first convolution and of G's last hidden layer; they double at each stage inwards.
    public static let width: ParameterKey<Int> = .integer("width", 1...1024, default: 64, "channels of the outermost hidden layer (doubled at each stage)")
    /// Stride-2 stages: each halves (D) or doubles (G) the image's side.
    public static let depth: ParameterKey<Int> = .integer("depth", 1...5, default: 2, "stride-2 convolutions (each halves or doubles the side)")
    /// Normalisation of the hidden layers.
    public static let norm: ParameterKey<ImageNormalization> = .choice(
        "norm", default: .batch, "batch: BatchNorm after G's hidden layers and D's inner convolutions; none")
    /// Negative slope of D's leaky ReLUs.
    public static let slope: ParameterKey<Float> = .real("slope", 0...1, default: 0.2, "negative slope of D's leaky ReLUs")
    /// Weight initialisation.
    public static let initialization: ParameterKey<WeightInitialization> = .choice(
        "init", default: .pytorch, "pytorch (each module's default) or normal (N(0, std²), biases 0, as in the DCGAN paper)")
    /// σ of init=normal.
    public static let std: ParameterKey<Float> = .real("std", 0...10, default: 0.02, "σ of init=normal")

    public static let spec = PluginSpec(
        kind: .model, name: "dcgan",
        summary: "convolutional G and D for images: stride-2 (transposed) convolutions, kernel 4, padding 1",
        discussion: """
            Sized from the data's image layout C×H×W (H and W divisible by 2^depth; 8, 16, 28 and 32 with the \
            default depth 2), which the data set must have. With s = H/2^depth, t = W/2^depth and \
            c = width·2^(depth−1): G is Linear(noise → c·s·t) → [BatchNorm] → ReLU → Unflatten(c×s×t), then \
            depth ConvTranspose2d(kernel 4, stride 2, padding 1) halving the channels (the last one to C), each \
            but the last followed by [BatchNorm2d] → ReLU, then Tanh. D is depth Conv2d(kernel 4, stride 2, \
            padding 1) from C (times the packing) to width, 2·width, …, c channels, each followed by \
            [BatchNorm2d, except after the first] → LeakyReLU(slope), then Flatten → Linear(c·s·t → 1). norm \
            applies to the player it is given for. G is designed for z ∈ R¹⁰⁰: while the noise has not been chosen \
            (`noise …`), `generator dcgan` makes it `normal dim=100`, and says so. Rows stay flat [batch, C·H·W] in NCHW order throughout (each \
            image layer reads them by its layout), so Unflatten and Flatten pass them through unchanged: they are \
            there so that parameters are numbered as in PyTorch's nn.Sequential of the same modules (G.0.weight, \
            G.4.weight, …) and state dicts move between the two without renaming. Issue 18's \
            dcgan-small benchmark is `data uniform-images size=28`, `noise normal dim=100`, `generator dcgan`, \
            `critic dcgan norm=none`, `loss nonsaturating`, `optimizer both adam lr=2e-4 beta1=0.5 beta2=0.999`, \
            `batch 64`; dcgan-wgangp is the same with `loss wgan-gp lambda=10 critic_steps=5` and `optimizer \
            both adam lr=1e-4 beta1=0.5 beta2=0.9` (scripts/benchmarks/dcgan-*.gan).
            """,
        parameters: [width.spec, depth.spec, norm.spec, slope.spec, initialization.spec, std.spec],
        reference: "Radford, Metz & Chintala 2016, Unsupervised Representation Learning with Deep Convolutional GANs (ICLR)")

    public let parameters: ParameterValues

    /// A DCGAN of these parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// The paper's z ∈ R¹⁰⁰ (and issue 18's benchmarks').
    public var latentDimension: Int? { 100 }

    private var initialization: Initialization {
        switch parameters[Self.initialization] {
        case .pytorch: .pytorch
        case .normal: .normal(standardDeviation: parameters[Self.std])
        }
    }

    /// The layers for a player, or why there are none.
    func plan(_ player: Player, input: Int, output: Int, image: ImageShape?) throws -> [DeclaredLayer] {
        guard let image else {
            throw SessionError("dcgan builds convolutional networks for images, and the data are not images "
                               + "(samples of \(player == .generator ? output : input) values); choose an image data set first, "
                               + "such as data uniform-images")
        }
        let (depth, width) = (parameters[Self.depth], parameters[Self.width])
        let scale = 1 << depth
        guard image.height % scale == 0 && image.width % scale == 0 else {
            throw SessionError("dcgan with depth=\(depth) halves the image's side \(depth) times, so the side must be divisible by "
                               + "\(scale); the data's images are \(image.height)×\(image.width): choose depth="
                               + "\(Self.largestDepth(image)) or a data set of another size")
        }
        let inner = ImageShape(channels: width << (depth - 1), height: image.height / scale, width: image.width / scale)
        let batch = parameters[Self.norm] == .batch
        var layers: [DeclaredLayer] = []
        switch player {
        case .generator:
            layers.append(.linear(inputs: input, outputs: inner.elementCount))
            if batch { layers.append(.batchNorm(inner.elementCount)) }
            layers.append(.activation("ReLU", setting: nil))
            layers.append(.reshape(.unflatten, inner))
            var current = inner
            for stage in 0..<depth {
                let last = stage == depth - 1
                let settings = try ConvolutionSettings(transposed: true, input: current, outChannels: last ? image.channels : current.channels / 2,
                                                       kernel: 4, stride: 2, padding: 1)
                layers.append(.convolution(settings))
                current = settings.output
                if !last {
                    if batch { layers.append(.batchNorm2d(current)) }
                    layers.append(.activation("ReLU", setting: nil))
                }
            }
            layers.append(.activation("Tanh", setting: nil))
        case .discriminator:
            var current = image
            for stage in 0..<depth {
                let settings = try ConvolutionSettings(transposed: false, input: current, outChannels: width << stage,
                                                       kernel: 4, stride: 2, padding: 1)
                layers.append(.convolution(settings))
                current = settings.output
                if batch && stage > 0 { layers.append(.batchNorm2d(current)) }
                layers.append(.activation("LeakyReLU", setting: ("slope", parameters[Self.slope])))
            }
            layers.append(.reshape(.flatten, current))
            layers.append(.linear(inputs: current.elementCount, outputs: output))
        }
        return layers
    }

    /// The deepest stack an image allows (at least 1, even when that does not fit either).
    private static func largestDepth(_ image: ImageShape) -> Int {
        var depth = 0
        while depth < 5 && image.height % (2 << depth) == 0 && image.width % (2 << depth) == 0 { depth += 1 }
        return max(depth, 1)
    }

    /// Refuses data that are not images, or images whose side the stages cannot halve.
    public func check(_ player: Player, input: Int, output: Int, image: ImageShape?) throws {
        _ = try plan(player, input: input, output: output, image: image)
    }

    /// Without a layout there is nothing to build: the refusal of `check(_:input:output:image:)`.
    public func check(_ player: Player, input: Int, output: Int) throws {
        try check(player, input: input, output: output, image: nil)
    }

    /// The networks of `plan`, weights drawn layer by layer from `stream`.
    public func build(_ player: Player, input: Int, output: Int, image: ImageShape?, using stream: RandomStream) throws -> Sequential {
        let initialization = initialization
        return Sequential(try plan(player, input: input, output: output, image: image).map { layer -> any Layer in
            switch layer {
            case .linear(let inputs, let outputs): return Linear(inputs, outputs, initialization: initialization, using: stream)
            case .batchNorm(let features): return BatchNorm(features)
            case .batchNorm2d(let image): return BatchNorm2d(image)
            case .convolution(let settings) where settings.transposed:
                return ConvTranspose2d(settings, initialization: initialization, using: stream)
            case .convolution(let settings): return Conv2d(settings, initialization: initialization, using: stream)
            case .reshape(let direction, let image): return Reshape(direction, image)
            case .activation("ReLU", _): return ReLU()
            case .activation("Tanh", _): return Tanh()
            case .activation("LeakyReLU", let setting?): return LeakyReLU(slope: setting.value)
            default: throw SessionError("dcgan does not build \(layer.description)")
            }
        })
    }

    /// Without a layout there is nothing to build: the refusal of `check(_:input:output:image:)`.
    public func build(_ player: Player, input: Int, output: Int, using stream: RandomStream) throws -> Sequential {
        try build(player, input: input, output: output, image: nil, using: stream)
    }

    /// The layers `build` makes (none when it would refuse).
    public func declaredLayers(_ player: Player, input: Int, output: Int, image: ImageShape?) -> [DeclaredLayer] {
        (try? plan(player, input: input, output: output, image: image)) ?? []
    }

    /// None: the layers depend on the player and the image layout.
    public func declaredLayers(input: Int, output: Int) -> [DeclaredLayer] { [] }
}
