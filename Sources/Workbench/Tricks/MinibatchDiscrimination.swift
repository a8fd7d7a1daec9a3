import Autodiff
import NeuralNet

/// The minibatch-discrimination layer (Salimans et al. 2016, §3.2): each sample's features f ∈ ℝᴬ are
/// projected by a learned tensor T ∈ ℝ^{A×B×C} to M ∈ ℝ^{B×C}; for each of the B kernels the layer sums
/// the similarities c_b(i, j) = exp(−Σ_c |M_{i,b,c} − M_{j,b,c}|) to the other samples of the batch, adds
/// a bias, and appends these B numbers to f. A collapsed generator produces batches whose samples are
/// all alike, which these extra features expose to the rest of D.
public final class MinibatchDiscriminationLayer: Layer {
    /// T, stored as [A, B·C] so that f·T is one matrix product.
    public let kernel: Parameter
    /// The bias of the B outputs, [B] (reference init −1).
    public let bias: Parameter
    /// B, the number of kernels.
    public let kernels: Int
    /// C, the dimension of each kernel.
    public let dims: Int
    /// D's final Linear that this layer's trick replaced, kept (untrained) so `trick off` can put it
    /// back; it travels with the layer so snapshots of D restore it too.
    public let replacedFinal: Linear?

    /// A layer for A input features with T ~ N(0, 0.05²) and bias −1, drawn from `stream`.
    public init(inputs: Int, kernels: Int, dims: Int, replacing replacedFinal: Linear?, using stream: RandomStream) {
        kernel = Parameter(Tensor.randomNormal([inputs, kernels * dims], standardDeviation: 0.05, using: stream))
        bias = Parameter(Tensor.full([kernels], -1))
        self.kernels = kernels
        self.dims = dims
        self.replacedFinal = replacedFinal
    }

    /// A layer made of existing parameters (copies, tests).
    public init(kernel: Parameter, bias: Parameter, kernels: Int, dims: Int, replacing replacedFinal: Linear?) {
        self.kernel = kernel
        self.bias = bias
        self.kernels = kernels
        self.dims = dims
        self.replacedFinal = replacedFinal
    }

    /// A, the width of f.
    public var inputWidth: Int { kernel.shape[0] }

    /// concat[f, o] with o_b(i) = Σ_{j≠i} c_b(i, j) + bias_b, for f of shape [n, A]: [n, A + B].
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == inputWidth else {
            throw LayerError("MinibatchDiscrimination(\(inputWidth) → …) expects input [batch, \(inputWidth)], got \(input.shape)")
        }
        let n = input.shape[0], width = kernels * dims
        let m = try input.matmul(kernel.value)                                  // [n, B·C]
        // All pairs at once: [n, 1, B·C] − [1, n, B·C] broadcasts to [n, n, B·C].
        let difference = try m.reshaped([n, 1, width]) - m.reshaped([1, n, width])
        let distances = try difference.abs().reshaped([n, n, kernels, dims]).sum(axis: 3) // [n, n, B]
        // The self pair has distance exactly 0, so it contributes exactly exp(0) = 1 to every sum: removing
        // it is subtracting 1 (and its gradient is 0, the difference being identically zero).
        let similarity = try (-distances).exp().sum(axis: 1) - 1                // [n, B]
        return try Tensor.concatenate([input, try similarity + bias.value], axis: 1)
    }

    /// "kernel" [A, B·C] then "bias" [B].
    public var localParameters: [(name: String, parameter: Parameter)] { [("kernel", kernel), ("bias", bias)] }

    /// Each output row depends on the whole batch.
    public var isRowwise: Bool { false }
    /// Its features are similarities to the other samples of the batch.
    public var comparesSamples: Bool { true }

    /// A + B for an input of width A.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? {
        inputWidth == self.inputWidth ? inputWidth + kernels : nil
    }

    /// "MinibatchDiscrimination(64 → 64+100, kernels 100, dims 5)".
    public var summary: String {
        "MinibatchDiscrimination(\(inputWidth) → \(inputWidth)+\(kernels), kernels \(kernels), dims \(dims))"
    }

    /// A copy with its own parameters (and its own copy of the replaced Linear).
    public func copy() -> any Layer {
        MinibatchDiscriminationLayer(kernel: kernel.copy(), bias: bias.copy(), kernels: kernels, dims: dims,
                                     replacing: replacedFinal?.copy() as? Linear)
    }
}

/// `minibatch-discrimination`: inserts a `MinibatchDiscriminationLayer` into D just before its final
/// Linear, which becomes a new Linear(A + B → 1); `trick off` restores D as it was.
public final class MinibatchDiscrimination: StatelessTrick {
    /// The declaration: B and C.
    public static let spec = PluginSpec(
        kind: .trick, name: "minibatch-discrimination", aliases: ["minibatch", "mbd"],
        summary: "D sees how similar each sample is to the rest of its batch (B kernels of C dims)",
        discussion: """
            A layer is inserted into D just before its final Linear. With f ∈ ℝᴬ the input of that Linear \
            and T ∈ ℝ^{A×B×C} learned (init N(0, 0.05²)), Mᵢ = f(xᵢ)·T ∈ ℝ^{B×C}, \
            c_b(i, j) = exp(−Σ_c |M_{i,b,c} − M_{j,b,c}|) and o_b(i) = Σ_{j≠i} c_b(i, j) + bias_b (bias init −1); \
            the layer outputs concat[f, o] ∈ ℝ^{A+B} and the final Linear is replaced by a new \
            Linear(A + B → 1). Real and generated batches then go through D separately, so similarity is \
            measured within one kind. The new weights are drawn from the stream \
            "trick.minibatch-discrimination" and get fresh optimizer memory; `trick off` removes the layer \
            and puts D's original final Linear back. A rebuilt D gets a new layer at the next step.
            """,
        parameters: [kernels.spec, dims.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.2")

    static let kernels: ParameterKey<Int> = .integer("kernels", 1...4096, default: 100, "B, the number of kernels (reference 100)")
    static let dims: ParameterKey<Int> = .integer("dims", 1...1024, default: 5, "C, the dimension of each kernel (reference 5)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// B.
    public let kernels: Int
    /// C.
    public let dims: Int

    /// Inserts the layer into the session's D; refused when D has no final Linear after a hidden layer or
    /// already has such a layer.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(restoring: parameters)
        let session = environment.session
        if let existing = Self.layerIndex(in: session.discriminator) {
            let layer = session.discriminator.layers[existing] as! MinibatchDiscriminationLayer
            throw SessionError("minibatch-discrimination is already on (kernels=\(layer.kernels) dims=\(layer.dims)); "
                               + "switch it off first to change its parameters")
        }
        if let other = session.hooks.first(where: \.addsRowsToDiscriminatorBatch) {
            throw SessionError("minibatch-discrimination conflicts with \(other.name) in D, whose reference rows would join "
                               + "every batch's similarities; switch \(other.name) to players=G first")
        }
        try install(in: environment)
    }

    public init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        kernels = parameters[Self.kernels]
        dims = parameters[Self.dims]
    }

    /// Where D's minibatch-discrimination layer is, if it has one.
    static func layerIndex(in network: Sequential) -> Int? {
        network.layers.firstIndex { $0 is MinibatchDiscriminationLayer }
    }

    /// Replaces D's final Linear by the layer and a wider Linear.
    func install(in environment: TrickEnvironment) throws {
        let network = environment.session.discriminator
        guard let last = network.layers.lastIndex(where: { $0 is Linear }), last > 0,
              let final = network.layers[last] as? Linear, final.outputWidth == 1 else {
            throw SessionError("minibatch-discrimination needs a D with a hidden layer before a final Linear with one "
                               + "output; D is " + network.describeLayers().joined(separator: ", "))
        }
        let stream = environment.session.stream(of: Self.spec.name)
        let layer = MinibatchDiscriminationLayer(inputs: final.inputWidth, kernels: kernels, dims: dims,
                                                 replacing: final, using: stream)
        let widened = Linear(final.inputWidth + kernels, 1, using: stream)
        network.remove(at: last)
        network.insert(layer, at: last)
        network.insert(widened, at: last + 1)
        // The replaced Linear is no longer trained; its memory would otherwise linger in the optimizer.
        environment.forgetOptimizerMemory(of: final.parameters, .discriminator)
    }

    /// Puts D back as it was before the layer was inserted (its original final Linear, as trained so
    /// far before the switch-on), forgetting the optimizer memory of the removed parameters.
    public func detach(from environment: TrickEnvironment) {
        let network = environment.session.discriminator
        guard let index = Self.layerIndex(in: network) else { return }
        let layer = network.remove(at: index) as! MinibatchDiscriminationLayer
        var removed = layer.parameters
        if index < network.layers.count, network.layers[index] is Linear {
            removed += network.remove(at: index).parameters
        }
        if let original = layer.replacedFinal { network.insert(original, at: index) }
        environment.forgetOptimizerMemory(of: removed, .discriminator)
    }

    /// Inserts a layer again when D was rebuilt (new model, data dimension or seed) while the trick is on.
    public func repair(_ environment: TrickEnvironment, before update: Player) throws {
        if Self.layerIndex(in: environment.session.discriminator) == nil { try install(in: environment) }
    }

    /// The samples of a batch are compared with each other.
    public var keepsSamplesIndependent: Bool { false }

    /// Each sample's extra features are its similarities to the rest of the batch.
    public var readsDiscriminatorBatchAsAWhole: Bool { true }

    /// The kernel T (A × B·C) and the wider final Linear; each pass of D compares every pair of the batch,
    /// [n, n, B·C] differences and their absolute values, with their gradients.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let (kernels, dims) = (parameters[Self.kernels], parameters[Self.dims])
        plan.discriminator.insertedLayers[MinibatchDiscriminationRecord.type] = parameters
        plan.discriminator.extraParameters += plan.discriminator.lastHiddenWidth * kernels * dims + 2 * kernels
        let pairs = Double(plan.discriminatorRows) * Double(plan.discriminatorRows)
        let (float, projections) = (TrainingFootprint.float, Double(kernels * dims))
        // A D update passes the real and the generated batch separately, a G update the generated one.
        plan.trickWork.append((spec.name, float * pairs * (8 * projections + 6 * Double(kernels)),
                               float * pairs * (4 * projections + 3 * Double(kernels))))
    }
}

extension MinibatchDiscrimination: InsertsLayers {
    static var insertedLayers: [any InsertedLayerRecord.Type] { [MinibatchDiscriminationRecord.self] }
}

/// A `MinibatchDiscriminationLayer` in a checkpoint: its kernel T and bias, and the final Linear it replaced
/// (under `extra.`), so that `trick off` can put that Linear back after a restore.
enum MinibatchDiscriminationRecord: InsertedLayerRecord {
    static let type = "MinibatchDiscrimination"

    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue? {
        guard let layer = layer as? MinibatchDiscriminationLayer else { return nil }
        var replaced = JSONValue.null
        if let original = layer.replacedFinal {
            for (name, parameter) in original.namedParameters(prefix: "extra.\(path).replaced") { file.append(name, parameter.value) }
            replaced = try NetworkRecord.record(original, path: "extra.\(path).replaced", into: &file)
        }
        return .object([("type", .string(type)), ("kernels", .integer(layer.kernels)), ("dims", .integer(layer.dims)),
                        ("replaced", replaced)])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let (kernels, dims) = (try fields.integer("kernels", in: 1...1_000_000), try fields.integer("dims", in: 1...1_000_000))
        let kernel = try tensors.take("\(path).kernel", rank: 2, "the kernel T at \(path)")
        guard kernel.shape[1] == kernels * dims else {
            throw fields.failure("a kernel of shape \(kernel.shape) for \(kernels) kernels of \(dims) dims")
        }
        let bias = try tensors.take("\(path).bias", shape: [kernels], "the minibatch-discrimination bias at \(path)")
        var replaced: Linear?
        if let original = fields.record["replaced"], original != .null {
            replaced = try NetworkRecord.linear(NetworkRecord.Fields(record: original, path: path, reader: tensors),
                                                path: "extra.\(path).replaced", &tensors)
        }
        return MinibatchDiscriminationLayer(kernel: Parameter(kernel), bias: Parameter(bias), kernels: kernels, dims: dims,
                                            replacing: replaced)
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, trick: ParameterValues, _ walk: inout ArchitectureWalk) throws {
        let (kernels, dims) = (try fields.integer("kernels", in: 1...1_000_000), try fields.integer("dims", in: 1...1_000_000))
        let declared = (kernels: trick[MinibatchDiscrimination.kernels], dims: trick[MinibatchDiscrimination.dims])
        guard kernels == declared.kernels, dims == declared.dims else {
            throw walk.failure("layer \(path) has \(kernels) kernels of \(dims) dims, but the checkpoint's tricks "
                               + "declare \(declared.kernels) of \(declared.dims)")
        }
        // It stands for D's final Linear, which it keeps, and puts a wider one after itself.
        let (finalLinear, isLast) = (DeclaredLayer.linear(inputs: walk.width, outputs: 1), walk.isAtLastDeclaredLayer)
        guard case .linear(let inputs, _) = try walk.take(path, type, matching: { $0 == finalLinear && isLast }) else { return }
        try walk.expect("\(path).kernel", [inputs, kernels * dims], "the kernel T at \(path)")
        try walk.expect("\(path).bias", [kernels], "the minibatch-discrimination bias at \(path)")
        try walk.expect("extra.\(path).replaced.weight", [1, inputs], "the weight of Linear extra.\(path).replaced")
        try walk.expect("extra.\(path).replaced.bias", [1], "the bias of Linear extra.\(path).replaced")
        walk.declareNext(.linear(inputs: inputs + kernels, outputs: 1))
        walk.width = inputs + kernels
    }
}
