import Autodiff
import NeuralNet

/// Virtual batch normalisation (Salimans et al. 2016, §3.5) of [N_ref + n, F] inputs whose first N_ref
/// rows are the reference batch (put there by `VirtualBatchNormReference`). μ_r, ν_r are the reference
/// rows' mean and mean of squares per feature; reference rows are normalised with them alone, and each
/// other row x with μ = w·x + (1 − w)·μ_r, ν = w·x² + (1 − w)·ν_r, w = 1/(N_ref + 1):
/// out = γ·(x − μ)/√(ε + ν − μ²) + β. μ_r and ν_r are computed from the current weights on every pass,
/// and gradients flow through them.
public final class VirtualBatchNorm: Layer {
    /// γ, [F] (init 1, or the replaced BatchNorm's scale).
    public let scale: Parameter
    /// β, [F] (init 0, or the replaced BatchNorm's shift).
    public let shift: Parameter
    /// N_ref, the reference rows at the top of every input.
    public let referenceCount: Int
    /// ε.
    public let epsilon: Float
    /// The BatchNorm this layer replaced, kept so `trick off` can put it back; nil when inserted.
    public let replaced: BatchNorm?

    /// A layer of `features` features for inputs with `referenceCount` reference rows on top.
    public init(features: Int, referenceCount: Int, epsilon: Float = 1e-5, replacing replaced: BatchNorm?) {
        scale = Parameter(replaced?.scale.value ?? Tensor.ones([features]))
        shift = Parameter(replaced?.shift.value ?? Tensor.zeros([features]))
        self.referenceCount = referenceCount
        self.epsilon = epsilon
        self.replaced = replaced
    }

    private init(copying other: VirtualBatchNorm) {
        scale = other.scale.copy()
        shift = other.shift.copy()
        referenceCount = other.referenceCount
        epsilon = other.epsilon
        replaced = other.replaced?.copy() as? BatchNorm
    }

    /// The number of features.
    public var features: Int { scale.shape[0] }

    /// Normalises the reference rows by their own statistics and every other row by the mix above.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == features && input.shape[0] >= referenceCount else {
            throw LayerError("VirtualBatchNorm(\(features), reference \(referenceCount)) expects "
                             + "[\(referenceCount) + batch, \(features)], got \(input.shape)")
        }
        let rows = input.shape[0]
        let reference = try input.slice(axis: 0, 0..<referenceCount)
        let meanR = try reference.mean(axis: 0)
        let squareR = try reference.squared().mean(axis: 0)
        let referenceOut = try (reference - meanR) / (squareR - meanR.squared() + epsilon).squareRoot()
        var parts = [referenceOut]
        if rows > referenceCount {
            let x = try input.slice(axis: 0, referenceCount..<rows)
            let w = 1 / Float(referenceCount + 1)
            let mean = try x * w + meanR * (1 - w)
            let square = try x.squared() * w + squareR * (1 - w)
            parts.append(try (x - mean) / (square - mean.squared() + epsilon).squareRoot())
        }
        return try Tensor.concatenate(parts, axis: 0) * scale.value + shift.value
    }

    /// "weight" (γ) then "bias" (β), as BatchNorm names them.
    public var localParameters: [(name: String, parameter: Parameter)] { [("weight", scale), ("bias", shift)] }
    /// Every row depends on the reference rows.
    public var isRowwise: Bool { false }
    /// "VirtualBatchNorm(16, reference 64)".
    public var summary: String {
        "VirtualBatchNorm(\(features), reference \(referenceCount)\(replaced == nil ? "" : ", replaces BatchNorm"))"
    }
    /// A copy with its own parameters.
    public func copy() -> any Layer { VirtualBatchNorm(copying: self) }
}

/// A virtual batch normalisation layer, of features or of image channels: what `trick off` takes out again.
protocol VirtualNormalization: Layer {
    /// The batch normalisation this layer replaced, given the scale and shift trained since; nil when the
    /// layer was inserted.
    func restoringReplaced() -> (any Layer)?
}

extension VirtualBatchNorm: VirtualNormalization {
    /// The BatchNorm with the scale and shift trained since, its running statistics untouched.
    func restoringReplaced() -> (any Layer)? {
        guard let replaced else { return nil }
        replaced.scale.value = scale.value
        replaced.shift.value = shift.value
        return replaced
    }
}

/// Puts the fixed reference input (z_ref for G, x_ref for D) on top of every batch, so each
/// `VirtualBatchNorm` further in finds the reference batch's activations under the current weights.
public final class VirtualBatchNormReference: Layer {
    /// The reference input, [N_ref, width] (a constant).
    public let rows: Tensor

    /// A layer prepending `rows`.
    public init(_ rows: Tensor) { self.rows = rows.detached() }

    /// concat[reference; input] along the batch.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == rows.shape[1] else {
            throw LayerError("VirtualBatchNormReference(\(rows.shape[0]) × \(rows.shape[1])) expects [batch, \(rows.shape[1])], got \(input.shape)")
        }
        return try Tensor.concatenate([rows, input], axis: 0)
    }
    /// Not row-wise: it adds rows.
    public var isRowwise: Bool { false }
    /// "VBNReference(64 rows)".
    public var summary: String { "VBNReference(\(rows.shape[0]) rows of \(rows.shape[1]))" }
    /// Only its width when it matches.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { inputWidth == rows.shape[1] ? inputWidth : nil }
    /// The rows are immutable, so a copy may share them.
    public func copy() -> any Layer { VirtualBatchNormReference(rows) }
}

/// Drops the reference rows again at the end of the network.
public final class VirtualBatchNormStrip: Layer {
    /// N_ref.
    public let referenceCount: Int
    /// A layer dropping the first `referenceCount` rows.
    public init(_ referenceCount: Int) { self.referenceCount = referenceCount }
    /// input[N_ref...].
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[0] >= referenceCount else {
            throw LayerError("VBNStrip(\(referenceCount) rows) expects at least \(referenceCount) rows, got \(input.shape)")
        }
        return try input.slice(axis: 0, referenceCount..<input.shape[0])
    }
    /// Not row-wise: it removes rows.
    public var isRowwise: Bool { false }
    /// "VBNStrip(64 rows)".
    public var summary: String { "VBNStrip(\(referenceCount) rows)" }
    /// Stateless.
    public func copy() -> any Layer { VirtualBatchNormStrip(referenceCount) }
}

/// `vbn`: virtual batch normalisation in G (and optionally D).
public final class VirtualBatchNormalization: StatelessTrick {
    /// The declaration: the players and the reference batch size.
    public static let spec = PluginSpec(
        kind: .trick, name: "vbn", aliases: ["virtual-batch-norm", "virtual-batch-normalization"],
        summary: "virtual batch normalisation: normalise with a fixed reference batch instead of the current one",
        discussion: """
            Each BatchNorm of the network is replaced by a VirtualBatchNorm and each BatchNorm2d by a \
            VirtualBatchNorm2d (keeping their γ and β); a network without either gets a VirtualBatchNorm after \
            every hidden Linear and a VirtualBatchNorm2d after every hidden convolution (before its \
            activation). A \
            reference input — z_ref for G, drawn once from the noise distribution when the trick is \
            switched on; x_ref for D, real samples drawn once — is put on top of every batch by a \
            VBNReference layer and removed at the end by a VBNStrip layer, so each VirtualBatchNorm sees \
            the reference batch's activations under the current weights: μ_r and ν_r (per-feature mean and \
            mean of squares) are recomputed every step and gradients flow through them. The reference \
            rows are normalised with μ_r, ν_r alone; every other x with μ = w·x + (1 − w)·μ_r, \
            ν = w·x² + (1 − w)·ν_r, w = 1/(N_ref + 1), out = γ·(x − μ)/√(ε + ν − μ²) + β, ε = 1e-5. On \
            images the statistics are per channel: μ_r, ν_r over the reference batch's N_ref·H·W values, and \
            x, x² become the image's own channel mean and mean of squares over its H·W values. Draws \
            come from the stream "trick.vbn". A network with layer normalisation is refused, and so is VBN \
            in D together with feature-matching or minibatch-discrimination (they would see the reference \
            rows). `trick off` restores the BatchNorms and BatchNorm2ds (with the trained γ, β) or removes the inserted \
            layers. A rebuilt network gets the layers again at the next update.
            """,
        parameters: [players.spec, reference.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.5")

    /// The networks that get VBN.
    enum Networks: String, ParameterChoice {
        case G, both

        /// The players, in `Player.allCases` order.
        var players: [Player] { self == .both ? [.generator, .discriminator] : [.generator] }
    }

    static let players: ParameterKey<Networks> = .choice("players", default: .G, "G (the paper) or both G and D")
    static let reference: ParameterKey<Int> = .integer("reference", 2...4096, default: 64, "N_ref, the size of the reference batch")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The networks that get VBN.
    public let players: [Player]
    /// N_ref.
    public let referenceCount: Int

    /// Installs VBN in the chosen networks, after checking every conflict first.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        self.init(restoring: parameters)
        for player in players { try check(player, environment.session) }
        for player in players where !Self.isInstalled(in: environment.session.network(player)) { try install(player, environment) }
    }

    public init(restoring parameters: ParameterValues) {
        self.parameters = parameters
        players = parameters[Self.players].players
        referenceCount = parameters[Self.reference]
    }

    /// Whether `network` already has VBN.
    static func isInstalled(in network: Sequential) -> Bool {
        network.layers.contains { $0 is VirtualBatchNormReference }
    }

    /// Throws when VBN cannot go into `player`'s network.
    func check(_ player: Player, _ session: SessionView) throws {
        let network = session.network(player), label = player.rawValue
        if Self.isInstalled(in: network) {
            throw SessionError("vbn is already on in \(label); switch it off first to change its parameters")
        }
        if network.layers.contains(where: { $0 is LayerNorm }) {
            throw SessionError("vbn replaces batch normalisation, and \(label) uses layer normalisation; "
                               + "rebuild \(label) with norm=none or norm=batch first")
        }
        if player == .discriminator {
            for other in session.hooks where other.readsDiscriminatorBatchAsAWhole {
                throw SessionError("vbn in D conflicts with \(other.name), which would treat the reference rows as "
                                   + "part of the batch; use players=G or switch \(other.name) off")
            }
        }
    }

    /// The virtual form of a batch normalisation layer (of features or of image channels), or nil.
    func virtualForm(of layer: any Layer) -> (any Layer)? {
        switch layer {
        case let norm as BatchNorm: VirtualBatchNorm(features: norm.features, referenceCount: referenceCount, replacing: norm)
        case let norm as BatchNorm2d: VirtualBatchNorm2d(norm.image, referenceCount: referenceCount, replacing: norm)
        default: nil
        }
    }

    /// The virtual batch normalisation that follows a weighted layer in a network without normalisation:
    /// of the features a Linear makes, of the channels of the images a convolution makes; nil after anything else.
    func virtualNormalization(after layer: any Layer) -> (any Layer)? {
        switch layer {
        case let linear as Linear: VirtualBatchNorm(features: linear.outputWidth, referenceCount: referenceCount, replacing: nil)
        case let convolution as Conv2d: VirtualBatchNorm2d(convolution.settings.output, referenceCount: referenceCount, replacing: nil)
        case let convolution as ConvTranspose2d:
            VirtualBatchNorm2d(convolution.settings.output, referenceCount: referenceCount, replacing: nil)
        default: nil
        }
    }

    /// Replaces the batch normalisations (or follows each hidden weighted layer) with VBN, between a
    /// reference and a strip layer.
    func install(_ player: Player, _ environment: TrickEnvironment) throws {
        let session = environment.session
        let network = session.network(player)
        let stream = session.stream(of: Self.spec.name)
        let rows = player == .generator
            ? session.noise.sample(referenceCount, using: stream)
            : session.dataset.sample(referenceCount, using: stream)
        let normalizations = network.layers.indices.filter { virtualForm(of: network.layers[$0]) != nil }
        // From the end backwards so earlier indices stay valid.
        if normalizations.isEmpty {
            // The output layer (the last one with weights) is followed by none.
            let last = network.layers.lastIndex { virtualNormalization(after: $0) != nil }
            for index in network.layers.indices.reversed() where index != last {
                guard let norm = virtualNormalization(after: network.layers[index]) else { continue }
                network.insert(norm, at: index + 1)
            }
        } else {
            for index in normalizations.reversed() {
                let batchNorm = network.remove(at: index)
                network.insert(virtualForm(of: batchNorm)!, at: index)
                environment.forgetOptimizerMemory(of: batchNorm.parameters, player)
            }
        }
        network.insert(VirtualBatchNormReference(rows), at: 0)
        network.insert(VirtualBatchNormStrip(referenceCount), at: network.layers.count)
    }

    /// Takes VBN out of every network again.
    public func detach(from environment: TrickEnvironment) {
        for player in players {
            let network = environment.session.network(player)
            guard Self.isInstalled(in: network) else { continue }
            var forgotten: [Parameter] = []
            for index in network.layers.indices.reversed() {
                switch network.layers[index] {
                case is VirtualBatchNormReference, is VirtualBatchNormStrip:
                    network.remove(at: index)
                case let vbn as any VirtualNormalization:
                    network.remove(at: index)
                    forgotten += vbn.parameters
                    // The batch normalisation comes back with the affine part VBN trained.
                    if let batchNorm = vbn.restoringReplaced() { network.insert(batchNorm, at: index) }
                default: break
                }
            }
            environment.forgetOptimizerMemory(of: forgotten, player)
        }
    }

    /// Installs VBN again in a network that was rebuilt while the trick was on.
    public func repair(_ environment: TrickEnvironment, before update: Player) throws {
        for player in players where !Self.isInstalled(in: environment.session.network(player)) {
            try install(player, environment)
        }
    }

    /// The reference rows go through D with every batch when D has VBN.
    public var addsRowsToDiscriminatorBatch: Bool { players.contains(.discriminator) }

    /// The reference rows, and per row the dozen tensors of each VirtualBatchNorm (about six hidden widths); in an
    /// image network, the reference rows' own pass through every layer.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        let reference = parameters[Self.reference]
        var rows = reference * plan.noiseDimension
        for kind in Self.insertedLayers { plan.generator.insertedLayers[kind.type] = parameters }
        // An image network's reference rows go through every layer with each batch: their share per batch row.
        func referenceShare(_ network: TrainingPlan.Network, batchRows: Int) -> Int {
            network.spec == nil ? (network.otherFloatsPerRow * reference + batchRows - 1) / max(batchRows, 1) : 0
        }
        plan.generator.extraFloatsPerRow += 6 * (plan.generator.spec?.linearWidths.reduce(0, +) ?? 0)
            + referenceShare(plan.generator, batchRows: plan.batch)
        if parameters[Self.players] == .both {
            rows += reference * plan.dataDimension * plan.samplesPerDiscriminatorRow
            for kind in Self.insertedLayers { plan.discriminator.insertedLayers[kind.type] = parameters }
            plan.discriminator.extraFloatsPerRow += 6 * (plan.discriminator.spec?.linearWidths.reduce(0, +) ?? 0)
                + referenceShare(plan.discriminator, batchRows: plan.discriminatorRows)
        }
        plan.trickState.append((spec.name, TrainingFootprint.float * Double(rows)))
    }
}

extension VirtualBatchNormalization: InsertsLayers {
    static var insertedLayers: [any InsertedLayerRecord.Type] {
        [VirtualBatchNormRecord.self, VirtualBatchNorm2dRecord.self, VBNReferenceRecord.self, VBNStripRecord.self]
    }

    /// The reference rows the trick declares.
    static func referenceRows(_ trick: ParameterValues) -> Int { trick[reference] }
}

/// A `VirtualBatchNorm` in a checkpoint: its scale and shift, and the BatchNorm it replaced (under `extra.`).
enum VirtualBatchNormRecord: InsertedLayerRecord {
    static let type = "VirtualBatchNorm"

    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue? {
        guard let layer = layer as? VirtualBatchNorm else { return nil }
        let replaced = try VirtualBatchNormRecord.recordReplaced(layer.replaced, path: path, into: &file)
        return .object([("type", .string(type)), ("reference", .integer(layer.referenceCount)),
                        ("epsilon", .number("\(layer.epsilon)")), ("replaced", replaced)])
    }

    /// The batch normalisation a virtual one replaced, its tensors under `extra.PATH.replaced` (so `trick off`
    /// after a load puts back its running statistics too); null when the layer was inserted.
    static func recordReplaced(_ original: (any Layer)?, path: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        guard let original else { return .null }
        let prefix = "extra.\(path).replaced"
        for (name, parameter) in original.namedParameters(prefix: prefix) + original.namedBuffers(prefix: prefix) {
            file.append(name, parameter.value)
        }
        return try NetworkRecord.record(original, path: prefix, into: &file)
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let scale = try tensors.take("\(path).weight", rank: 1, "the scale of VirtualBatchNorm \(path)")
        let shift = try tensors.take("\(path).bias", shape: scale.shape.dimensions, "the shift of VirtualBatchNorm \(path)")
        var replaced: BatchNorm?
        if let original = fields.record["replaced"], original != .null {
            replaced = try NetworkRecord.batchNorm(NetworkRecord.Fields(record: original, path: path, reader: tensors),
                                                   path: "extra.\(path).replaced", &tensors)
        }
        let norm = VirtualBatchNorm(features: scale.shape[0], referenceCount: try fields.integer("reference", in: 0...1_000_000),
                                    epsilon: try fields.float("epsilon"), replacing: replaced)
        norm.scale.value = scale.requiringGradient()
        norm.shift.value = shift.requiringGradient()
        return norm
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, trick: ParameterValues, _ walk: inout ArchitectureWalk) throws {
        let reference = VirtualBatchNormalization.referenceRows(trick)
        guard try fields.integer("reference", in: 0...1_000_000) == reference else {
            throw walk.failure("layer \(path) has another reference size than the tricks' \(reference)")
        }
        let width = walk.width
        if let replaced = fields.record["replaced"], replaced != .null {
            let batchNorm = DeclaredLayer.batchNorm(width)
            _ = try walk.take(path, type) { $0 == batchNorm }
            for (name, what) in [("weight", "scale"), ("bias", "shift"), ("running_mean", "running mean"), ("running_var", "running variance")] {
                try walk.expect("extra.\(path).replaced.\(name)", [width], "the \(what) of BatchNorm extra.\(path).replaced")
            }
        }
        try walk.expect("\(path).weight", [width], "the scale of VirtualBatchNorm \(path)")
        try walk.expect("\(path).bias", [width], "the shift of VirtualBatchNorm \(path)")
    }
}

/// The reference batch VBN puts on top of G's or D's input: its rows, under `extra.`.
enum VBNReferenceRecord: InsertedLayerRecord {
    static let type = "VBNReference"

    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue? {
        guard let layer = layer as? VirtualBatchNormReference else { return nil }
        file.append("extra.\(path).rows", layer.rows)
        return .object([("type", .string(type))])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        VirtualBatchNormReference(try tensors.take("extra.\(path).rows", rank: 2, "the VBN reference rows at \(path)"))
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, trick: ParameterValues, _ walk: inout ArchitectureWalk) throws {
        try walk.expect("extra.\(path).rows", [VirtualBatchNormalization.referenceRows(trick), walk.width], "the VBN reference rows at \(path)")
    }
}

/// The layer that strips VBN's reference rows again before the network's output.
enum VBNStripRecord: InsertedLayerRecord {
    static let type = "VBNStrip"

    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue? {
        guard let layer = layer as? VirtualBatchNormStrip else { return nil }
        return .object([("type", .string(type)), ("rows", .integer(layer.referenceCount))])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        VirtualBatchNormStrip(try fields.integer("rows", in: 0...1_000_000))
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, trick: ParameterValues, _ walk: inout ArchitectureWalk) throws {
        let reference = VirtualBatchNormalization.referenceRows(trick)
        guard try fields.integer("rows", in: 0...1_000_000) == reference else {
            throw walk.failure("layer \(path) strips other rows than the tricks' reference \(reference)")
        }
    }
}
