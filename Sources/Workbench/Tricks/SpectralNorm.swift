import Autodiff
import NeuralNet

/// A Linear layer whose weight is divided by an estimate of its largest singular value (Miyato et al. 2018):
/// y = x·(W/σ)ᵀ + b with σ = uᵀWv. The wrapper shares the Linear's parameter objects, so the optimizer's
/// memory and the parameter paths ("0.weight") stay as they were; u and v are buffers ("weight_u",
/// "weight_v", PyTorch's names), so snapshots, rollbacks and checkpoints keep them with the weights.
public final class SpectralNormLinear: Layer {
    /// The wrapped layer (its weight is the unnormalised W).
    public let linear: Linear
    /// The left singular vector estimate u ∈ ℝ^out (unit length), carried from one power iteration to the next.
    public let u: Parameter
    /// The right singular vector estimate v ∈ ℝ^in of the last power iteration.
    public let v: Parameter

    /// Wraps `linear` with a given unit vector u₀; v starts as Wᵀu₀/‖Wᵀu₀‖ so σ is defined before the
    /// first power iteration.
    public init(_ linear: Linear, u initial: Tensor) throws {
        self.linear = linear
        let u0 = try Self.normalised(initial)
        u = Parameter(u0)
        v = Parameter(try withoutGradients {
            try Self.normalised(try linear.weight.value.detached().matmul(try u0.reshaped([linear.outputWidth, 1]),
                                                                           transposeSelf: true).reshaped([linear.inputWidth]))
        })
    }

    /// Wraps `linear` with u₀ ~ N(0, I) from `stream`, normalised (as torch.nn.utils.spectral_norm).
    public convenience init(_ linear: Linear, using stream: RandomStream) throws {
        try self.init(linear, u: Tensor.randomNormal([linear.outputWidth], using: stream))
    }

    private init(copying other: SpectralNormLinear) {
        linear = other.linear.copy() as! Linear
        u = other.u.copy()
        v = other.v.copy()
    }

    /// x / max(‖x‖, 1e-12), PyTorch's `normalize` (the floor keeps a zero weight from dividing by zero).
    static func normalised(_ x: Tensor) throws -> Tensor {
        let norm = Float(x.squaredNorm().squareRoot())
        return x / Swift.max(norm, 1e-12)
    }

    /// One power iteration with W treated as a constant: v = Wᵀu/‖Wᵀu‖, then u = Wv/‖Wv‖.
    public func powerIterate() throws {
        try withoutGradients {
            let w = linear.weight.value.detached()
            let (outputs, inputs) = (linear.outputWidth, linear.inputWidth)
            let newV = try Self.normalised(try w.matmul(try u.value.detached().reshaped([outputs, 1]), transposeSelf: true)
                .reshaped([inputs]))
            let newU = try Self.normalised(try w.matmul(try newV.reshaped([inputs, 1])).reshaped([outputs]))
            v.value = newV.requiringGradient()
            u.value = newU.requiringGradient()
        }
    }

    /// σ = uᵀWv, differentiable in W (u and v are constants, as in the paper and PyTorch).
    public func sigma() throws -> Tensor {
        let (outputs, inputs) = (linear.outputWidth, linear.inputWidth)
        let wv = try linear.weight.value.matmul(try v.value.detached().reshaped([inputs, 1]))
        return (try u.value.detached().reshaped([outputs, 1]) * wv).sum()
    }

    /// x·(W/σ)ᵀ + b: gradients reach W both directly and through σ.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == linear.inputWidth else {
            throw LayerError("\(summary) expects input [batch, \(linear.inputWidth)], got \(input.shape)")
        }
        let normalisedWeight = try linear.weight.value / (try sigma())
        let product = try input.matmul(normalisedWeight, transposeOther: true)
        guard let bias = linear.bias else { return product }
        return try product + bias.value
    }

    /// The Linear's own "weight" and "bias": paths and optimizer memory do not change when wrapping.
    public var localParameters: [(name: String, parameter: Parameter)] { linear.localParameters }
    /// u and v under PyTorch's names.
    public var localBuffers: [(name: String, parameter: Parameter)] { [("weight_u", u), ("weight_v", v)] }
    /// "SpectralNorm(Linear(2 → 128, init pytorch))".
    public var summary: String { "SpectralNorm(\(linear.summary))" }
    /// The Linear's output width.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { linear.outputWidth(forInputWidth: inputWidth) }
    /// A copy with its own weight, bias, u and v.
    public func copy() -> any Layer { SpectralNormLinear(copying: self) }
}

/// Spectral normalisation of every Linear in D (Miyato et al. 2018): bounds each layer's Lipschitz constant
/// by 1 with one power iteration per D update.
public final class SpectralNormTrick: StatelessTrick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "spectral-norm", aliases: ["sn"],
        summary: "divide every weight matrix of D by its largest singular value (one power iteration per D update)",
        discussion: """
            Each Linear of D is wrapped: y = x·(W/σ)ᵀ + b, σ = uᵀWv. Before each D update one power iteration \
            runs with W constant: v = Wᵀu/‖Wᵀu‖, u = Wv/‖Wv‖; u persists between updates (initialised N(0, I) \
            from stream trick.spectral-norm and normalised), so the estimate converges as W changes slowly. \
            Gradients flow through W/σ, with u and v constants. The weights and the optimizer memory are kept \
            when switching on or off (D's effective weights change, since W/σ replaces W); u and v are buffers \
            that snapshots keep. show models shows the wrapped layers; when D is rebuilt while the trick is on \
            (packing, a new model or data dimension, a new seed), its new Linears are wrapped at the next D \
            update. Bias is not normalised, as in the paper.
            """,
        reference: "Miyato et al., Spectral Normalization for Generative Adversarial Networks, ICLR 2018")

    /// The parameters it was made with (none).
    public let parameters: ParameterValues

    /// Refuses a D without a Linear layer (nothing to normalise).
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        let network = environment.session.discriminator
        guard Self.linearIndices(network) != [] || !Self.wrapped(network).isEmpty else {
            throw SessionError("spectral-norm normalises D's Linear layers, but D has none")
        }
        try Self.refuseConvolutions(network)
        self.init(restoring: parameters)
    }

    public init(restoring parameters: ParameterValues) { self.parameters = parameters }

    /// Refuses a D with convolutions: their weights would stay unnormalised, so D would not be what the trick says.
    static func refuseConvolutions(_ network: Sequential) throws {
        if let convolution = network.layers.first(where: { $0 is Conv2d || $0 is ConvTranspose2d }) {
            throw SessionError("spectral-norm normalises D's Linear layers, and D has convolutions (\(convolution.summary)) "
                               + "whose weights it would leave unnormalised; use it with a D of Linear layers (critic mlp …)")
        }
    }

    /// The positions of D's bare Linear layers.
    static func linearIndices(_ network: Sequential) -> [Int] {
        network.layers.indices.filter { network.layers[$0] is Linear }
    }

    /// D's wrapped layers, in order.
    static func wrapped(_ network: Sequential) -> [SpectralNormLinear] {
        network.layers.compactMap { $0 as? SpectralNormLinear }
    }

    /// Wraps every bare Linear of D (all of them on `trick on`; after a rebuild of D, the new ones).
    func wrapLinears(of session: SessionView) throws {
        let network = session.discriminator
        try Self.refuseConvolutions(network)
        for index in Self.linearIndices(network) {
            let linear = network.remove(at: index) as! Linear
            network.insert(try SpectralNormLinear(linear, using: session.stream(of: Self.spec.name)), at: index)
        }
    }

    /// Wraps D's Linears.
    public func attach(to environment: TrickEnvironment) {
        // Wrapping builds u from a normal draw and v from one matrix product of shapes the Linear has:
        // nothing here can throw for a Linear that works.
        try? wrapLinears(of: environment.session)
    }

    /// Puts the bare Linears back (same parameter objects: weights and memory are kept).
    public func detach(from environment: TrickEnvironment) {
        let network = environment.session.discriminator
        for index in network.layers.indices {
            guard let wrapper = network.layers[index] as? SpectralNormLinear else { continue }
            network.remove(at: index)
            network.insert(wrapper.linear, at: index)
        }
    }

    /// Wraps the Linears of a D rebuilt while the trick was on, at the next D update.
    public func repair(_ environment: TrickEnvironment, before update: Player) throws {
        if update == .discriminator { try wrapLinears(of: environment.session) }
    }

    /// One power iteration per D update (the D update is the only call with a real batch), before D's
    /// forward pass, as PyTorch updates u before computing W/σ.
    public func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws
        -> (real: Tensor?, fake: Tensor) {
        guard real != nil else { return (real, fake) }
        for layer in Self.wrapped(context.session.discriminator) { try layer.powerIterate() }
        return (real, fake)
    }

    /// u and v per Linear; every pass of D makes W/σ and its gradient.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        plan.discriminator.insertedLayers[SpectralNormRecord.type] = parameters
        if let spec = plan.discriminator.spec {
            // Each Linear's u (its outputs) and v (its inputs): at most twice every width once.
            plan.discriminator.extraBuffers += 2 * (spec.inputWidth + spec.linearWidths.reduce(0, +) + spec.outputWidth)
        }
        let copies = TrainingFootprint.float * 6 * Double(plan.discriminator.parameters)
        plan.trickWork.append((spec.name, copies, copies))
    }
}

extension SpectralNormTrick: InsertsLayers {
    static var insertedLayers: [any InsertedLayerRecord.Type] { [SpectralNormRecord.self] }
}

/// A `SpectralNormLinear` in a checkpoint: the Linear's record and tensors, and u and v beside them.
enum SpectralNormRecord: InsertedLayerRecord {
    static let type = "SpectralNorm"

    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue? {
        guard let wrapped = layer as? SpectralNormLinear else { return nil }
        return .object([("type", .string(type)), ("bias", .bool(wrapped.linear.bias != nil)),
                        ("init", .string(wrapped.linear.initialization.description))])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let linear = try NetworkRecord.linear(fields, path: path, &tensors)
        let u = try tensors.take("\(path).weight_u", shape: [linear.outputWidth], "the spectral norm's u at \(path)")
        let v = try tensors.take("\(path).weight_v", shape: [linear.inputWidth], "the spectral norm's v at \(path)")
        let wrapped = try SpectralNormLinear(linear, u: u)
        // u and v go in exactly as saved (the initialiser normalises u and derives v from it).
        wrapped.u.value = u.requiringGradient()
        wrapped.v.value = v.requiringGradient()
        return wrapped
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, trick: ParameterValues, _ walk: inout ArchitectureWalk) throws {
        guard let (inputs, outputs) = try walk.checkLinear(fields, path: path, type: type) else { return }
        try walk.expect("\(path).weight_u", [outputs], "the spectral norm's u at \(path)")
        try walk.expect("\(path).weight_v", [inputs], "the spectral norm's v at \(path)")
    }
}
