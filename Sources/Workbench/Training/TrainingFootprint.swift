import Foundation
import NeuralNet

/// The sizes that decide how much memory training needs, taken from a session's configuration and never
/// from built networks, so that a configuration can be judged before anything is allocated. Tricks adjust
/// it (`Trick.plan`): packing widens D's input, minibatch discrimination adds a kernel and pairwise
/// tensors, the EMA generator keeps a copy of G.
public struct TrainingPlan {
    /// One player's network.
    public struct Network {
        /// The MLP the configuration declares (nil for a model that is not a perceptron).
        public var spec: MLPSpec?
        /// Trainable scalars of a model that is not a perceptron (its declared layers').
        public var otherParameters = 0
        /// Trainable scalars added by tricks (minibatch discrimination's kernel).
        public var extraParameters = 0
        /// Scalars kept beside the parameters without being trained, added by tricks (spectral norm's u, v).
        public var extraBuffers = 0
        /// Floats per batch row a forward pass keeps for the backward pass, added by tricks.
        public var extraFloatsPerRow = 0
        /// Floats per batch row the declared layers of a model that is not a perceptron keep (what
        /// `DeclaredLayer.floatsPerRow` counts; convolutional feature maps are most of a DCGAN's memory).
        public var otherFloatsPerRow = 0
        /// The record types of the layers tricks put into this network, each with the parameters of the
        /// trick that puts it in: what a checkpoint's layer records are checked against.
        public var insertedLayers: [String: ParameterValues] = [:]
        /// Buffers the player's optimizer keeps per parameter (Adam 2, RMSprop 1, SGD 1 with momentum, else 0).
        public var optimizerBuffers: Int
        /// The optimizer's name, for the itemised estimate.
        public var optimizerName: String

        /// Trainable scalars.
        public var parameters: Int { (spec?.parameterCount ?? otherParameters) + extraParameters }

        /// Scalars kept with the network that are not trained: BatchNorm's running mean and variance.
        public var buffers: Int {
            guard let spec, spec.normalization == .batch else { return extraBuffers }
            return extraBuffers + 2 * spec.linearWidths.reduce(0, +)
        }

        /// The width of the input the final Linear reads (what minibatch discrimination projects).
        public var lastHiddenWidth: Int { spec?.hiddenWidths.last ?? 0 }

        /// Floats one batch row keeps through a forward pass with gradients: the input, and the output of
        /// every operation the backward pass needs (a Linear fused with the ReLU after it keeps one tensor;
        /// other activations keep their output too, normalisations their centred and scaled values,
        /// dropout its mask).
        public var floatsPerRow: Int {
            guard let spec else { return 2 + otherFloatsPerRow + extraFloatsPerRow }
            let fused: Bool
            switch spec.activation {
            case .relu, .leakyRelu: fused = spec.normalization == .none
            default: fused = false
            }
            var hidden = 0
            for (linear, width) in zip(spec.linearWidths, spec.hiddenWidths) {
                hidden += linear * (spec.normalization == .none ? 1 : 4) + (fused ? 0 : width) + (spec.dropout > 0 ? 2 * width : 0)
            }
            let output = spec.outputWidth * (spec.outputActivation == .none ? 1 : 2)
            return spec.inputWidth + hidden + output + extraFloatsPerRow
        }
    }

    /// The generator.
    public var generator: Network
    /// The discriminator (critic).
    public var discriminator: Network

    /// The network of `player`.
    public func network(_ player: Player) -> Network {
        switch player {
        case .generator: generator
        case .discriminator: discriminator
        }
    }
    /// Samples per batch.
    public var batch: Int
    /// Coordinates per real sample.
    public var dataDimension: Int
    /// Coordinates per noise vector.
    public var noiseDimension: Int
    /// Samples per row of D's input (packing puts m side by side).
    public var samplesPerDiscriminatorRow = 1
    /// Gradient penalties that differentiate D twice per D update (WGAN-GP's, R1).
    public var discriminatorPenalties: Int
    /// Bytes the data set holds (the points of a file).
    public var dataBytes: Int
    /// What each trick keeps between updates (averages, pools, copies), in bytes, by name. Bytes are
    /// counted in Double: a hostile or mistaken configuration may ask for more than an Int holds.
    public var trickState: [(name: String, bytes: Double)] = []
    /// Bytes a trick adds to one D update / one G update while it runs (pairwise tensors, extra passes).
    public var trickWork: [(name: String, discriminatorUpdate: Double, generatorUpdate: Double)] = []

    /// Rows of one D call: the batch, packed.
    public var discriminatorRows: Int { (batch + samplesPerDiscriminatorRow - 1) / samplesPerDiscriminatorRow }
}

extension MLPSpec {
    /// The output width of each hidden Linear (maxout's are `pieces` times the hidden width).
    var linearWidths: [Int] {
        hiddenWidths.map { hidden in
            if case .maxout(let pieces) = activation { return hidden * pieces }
            return hidden
        }
    }
}

/// How much memory training a configuration needs, itemised: each network with its gradients and optimizer
/// state, the activations of one batch, the data set and what tricks keep. An estimate (within a factor of
/// about two of the resident memory a training step really adds), compared against the session's budget
/// before anything is allocated.
public struct TrainingFootprint: Equatable, Sendable, CustomStringConvertible {
    /// One item of the estimate.
    public struct Part: Equatable, Sendable {
        /// "G", "D", "activations", "data", or a trick's name.
        public let name: String
        public let bytes: Int
        /// What the item covers, after its size ("with adam state", "for batch 256").
        public let detail: String
        /// What to change to make the item smaller.
        public let remedy: String
    }

    /// The items, largest kinds first: G, D, activations, data, tricks.
    public let parts: [Part]

    /// The whole estimate in bytes.
    public var total: Int { parts.reduce(0) { $0 + $1.bytes } }

    /// The bytes of the item called `name`, if there is one.
    public func bytes(of name: String) -> Int? { parts.first { $0.name == name }?.bytes }

    /// Bytes per Float.
    static let float = 4.0

    /// A network's values, the values the iteration started from (kept to undo an iteration whose numbers
    /// stop being finite: updates make new tensors), one gradient, and the optimizer's buffers, old and new.
    static func networkBytes(_ network: TrainingPlan.Network) -> Double {
        float * (Double(network.parameters) * Double(3 + 2 * network.optimizerBuffers) + 2 * Double(network.buffers))
    }

    /// Estimates the footprint of `plan`.
    public init(_ plan: TrainingPlan) {
        let float = Self.float
        let (g, d) = (plan.generator, plan.discriminator)
        let (rows, batch) = (Double(plan.discriminatorRows), Double(plan.batch))
        let (generatorFloats, discriminatorFloats) = (Double(g.floatsPerRow), Double(d.floatsPerRow))
        // A D update runs D on the real and the generated batch with gradients: what the forward pass keeps,
        // and as much again for the gradients of the activations while the backward pass runs (together
        // about two and a half floats per float kept, as measured), plus, for each gradient penalty,
        // another pass of D whose gradient is kept as a graph and differentiated again. A G update runs G
        // and then D on the generated batch.
        let plainPass = 2.5 * float
        let discriminatorUpdate = plainPass * Double(2 + plan.discriminatorPenalties) * rows * discriminatorFloats
            + plan.trickWork.reduce(0) { $0 + $1.discriminatorUpdate }
        let generatorUpdate = plainPass * (batch * generatorFloats + rows * discriminatorFloats)
            + plan.trickWork.reduce(0) { $0 + $1.generatorUpdate }
        let batches = float * batch * Double(plan.dataDimension + plan.noiseDimension)
        let activations = max(discriminatorUpdate, generatorUpdate) + batches
        // Tricks whose work is a good part of the activations are named with it.
        let work = plan.trickWork.map { (name: $0.name, bytes: discriminatorUpdate >= generatorUpdate ? $0.discriminatorUpdate : $0.generatorUpdate) }
        let named = work.filter { $0.bytes * 10 >= activations }.sorted { $0.bytes > $1.bytes }
        let activationDetail = "for batch \(plan.batch)"
            + (named.isEmpty ? "" : " including " + named.map { "\($0.name) \(Self.format(Self.clamped($0.bytes)))" }.joined(separator: " and "))
        func optimizerDetail(_ network: TrainingPlan.Network) -> String {
            network.optimizerBuffers == 0 ? "" : "with \(network.optimizerName) state"
        }
        let sameOptimizer = optimizerDetail(g) == optimizerDetail(d)
        var parts = [
            Part(name: "G", bytes: Self.clamped(Self.networkBytes(g)), detail: sameOptimizer ? "" : optimizerDetail(g),
                 remedy: "use smaller layers"),
            Part(name: "D", bytes: Self.clamped(Self.networkBytes(d)), detail: optimizerDetail(d), remedy: "use smaller layers"),
            Part(name: "activations", bytes: Self.clamped(activations), detail: activationDetail, remedy: "use a smaller batch"),
            Part(name: "data", bytes: plan.dataBytes, detail: "", remedy: "use a smaller data set"),
        ]
        for (name, bytes) in plan.trickState {
            parts.append(Part(name: name, bytes: Self.clamped(bytes), detail: "", remedy: "make \(name) smaller or leave it off"))
        }
        self.parts = parts
    }

    /// Bytes as an Int, at most 2⁶⁰ (about an exabyte, so that sums of parts cannot overflow).
    static func clamped(_ bytes: Double) -> Int { bytes < 0x1p60 ? Int(bytes.rounded(.up)) : 1 << 60 }

    /// "about 9.6 GB (G 3.2 GB, D 3.2 GB with adam state, activations 2.4 GB for batch 256)": the networks
    /// and the activations always, other items when they are at least a hundredth of the whole.
    public var description: String {
        let total = self.total
        let shown = parts.filter { ["G", "D", "activations"].contains($0.name) || ($0.bytes > 0 && $0.bytes * 100 >= total) }
        let items = shown.map { part in
            ([part.name, Self.format(part.bytes)] + (part.detail.isEmpty ? [] : [part.detail])).joined(separator: " ")
        }
        return "about \(Self.format(total)) (" + items.joined(separator: ", ") + ")"
    }

    /// What to change, from the two largest items: "use smaller layers or a smaller batch".
    public var remedy: String {
        var remedies: [String] = []
        for part in parts.sorted(by: { $0.bytes > $1.bytes }) where remedies.count < 2 && !remedies.contains(part.remedy) {
            remedies.append(part.remedy)
        }
        guard remedies.count == 2 else { return remedies.first ?? "" }
        let (first, second) = (remedies[0], remedies[1])
        return first + " or " + (first.hasPrefix("use ") && second.hasPrefix("use ") ? String(second.dropFirst(4)) : second)
    }

    /// Bytes in decimal units, two significant digits below 10: "9.6 GB", "420 MB", "12 KB", "900 bytes".
    public static func format(_ bytes: Int) -> String {
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "KB")]
        for (size, unit) in units where Double(bytes) >= size {
            let value = Double(bytes) / size
            let text = value < 10 ? String(format: "%.1f", value) : String(format: "%.0f", value)
            return (text.hasSuffix(".0") ? String(text.dropLast(2)) : text) + " " + unit
        }
        return "\(bytes) bytes"
    }

    /// The budget of a session that is not given one: half of this machine's memory (as every other limit
    /// Gantry sets on what it reads or builds).
    public static let defaultBudget = Int(ProcessInfo.processInfo.physicalMemory / 2)
}

/// Training would need more memory than the session allows: refused before anything is allocated.
public struct MemoryBudgetError: Error, Equatable, CustomStringConvertible {
    /// The estimate of the configuration that was refused.
    public let footprint: TrainingFootprint
    /// The budget it exceeds, in bytes.
    public let budget: Int

    /// "training would need about 9.6 GB (G 3.2 GB, D 3.2 GB with adam state, activations 2.4 GB for batch
    /// 256), more than the 6 GB allowed; use smaller layers or a smaller batch".
    public var description: String {
        "training would need \(footprint), more than the \(TrainingFootprint.format(budget)) allowed; \(footprint.remedy)"
    }
}

extension Session {
    /// The plan of the current configuration with the plans of `tricks` (the session's own by default) in their order.
    func trainingPlan(tricks: [(inout TrainingPlan) -> Void]? = nil) -> TrainingPlan {
        func network(_ player: Player, input: Int, output: Int) -> TrainingPlan.Network {
            let optimizer = rule(player).makeOptimizer()
            let architecture = model(player)
            let spec = architecture.perceptron(input: input, output: output)
            let declared = spec == nil ? architecture.declaredLayers(player, input: input, output: output, image: imageShape(player)) : []
            var network = TrainingPlan.Network(spec: spec, otherParameters: declared.reduce(0) { $0 + $1.parameterCount },
                                               optimizerBuffers: optimizer.bufferNames.count, optimizerName: optimizer.name)
            // Image networks only: the one-layer models' estimates (a few floats per row) stay as they were.
            if declared.contains(where: \.isImageLayer) { network.otherFloatsPerRow = DeclaredLayer.floatsPerRow(of: declared, input: input) }
            return network
        }
        var plan = TrainingPlan(
            generator: network(.generator, input: noise.dimension, output: dataset.dimension),
            discriminator: network(.discriminator, input: dataset.dimension, output: 1),
            batch: batchSize, dataDimension: dataset.dimension, noiseDimension: noise.dimension,
            discriminatorPenalties: loss.gradientPenalties,
            dataBytes: (dataset.filePoints?.points.elementCount ?? 0) * MemoryLayout<Float>.size)
        for trickPlan in tricks ?? activeTrickPlans.map(\.plan) { trickPlan(&plan) }
        return plan
    }

    /// The plans of the tricks switched on, by name, in their order.
    private var activeTrickPlans: [(name: String, plan: (inout TrainingPlan) -> Void)] {
        hooks.compactMap { hook in (hook as? any Trick).map { trick in (trick.name, { trick.plan(&$0) }) } }
    }

    /// What training the current configuration needs in memory.
    public var trainingFootprint: TrainingFootprint { TrainingFootprint(trainingPlan()) }

    /// Throws `MemoryBudgetError` when training the current configuration would need more than
    /// `memoryBudget`; `step` asks before every call that trains. With `before` (the footprint before a
    /// change), only a change that makes the footprint larger is refused, so a session already over its
    /// budget can always be made smaller.
    public func checkMemoryBudget(comparedTo before: TrainingFootprint? = nil) throws {
        let footprint = trainingFootprint
        guard footprint.total > memoryBudget else { return }
        if let before, footprint.total <= before.total { return }
        throw MemoryBudgetError(footprint: footprint, budget: memoryBudget)
    }

    /// Refuses switching on `trick` with `parameters` (in place of a trick of the same name) when training
    /// would then need more than `memoryBudget`: asked before the trick is made, since some tricks change
    /// the networks as they are made.
    public func checkMemoryBudget(switchingOn trick: TrickEntry, _ parameters: ParameterValues) throws {
        var tricks = activeTrickPlans
        tricks.removeAll { $0.name == trick.spec.name }
        tricks.append((trick.spec.name, { trick.plan(&$0, parameters) }))
        let footprint = TrainingFootprint(trainingPlan(tricks: tricks.map(\.plan)))
        guard footprint.total > memoryBudget, footprint.total > trainingFootprint.total else { return }
        throw MemoryBudgetError(footprint: footprint, budget: memoryBudget)
    }
}
