import NeuralNet

// A checkpoint's configuration against its tensors: before anything is built, every tensor of G and D the
// configuration implies (names and shapes, none missing, none extra) is checked against the file, and the
// memory training it would need against the budget. A file whose configuration says 20000-wide layers but
// whose tensors are 32 wide is refused, and a file cannot make Gantry allocate what its configuration
// declares without holding it.
extension Checkpoint {
    /// A trick as the checkpoint declares it: its registry entry, its validated parameters and its saved state.
    struct TrickDeclaration {
        let type: TrickEntry
        let parameters: ParameterValues
        let state: JSONValue
    }

    /// The tricks of `gantry.tricks`, in order, each known to this build and with valid parameters.
    func trickDeclarations() throws -> [TrickDeclaration] {
        guard let records = try json(Key.tricks).arrayValue else { throw failure("has a \(Key.tricks) that is not a list") }
        var declarations: [TrickDeclaration] = []
        for record in records {
            guard let name = record["name"]?.stringValue, let given = record["parameters"]?.objectValue else {
                throw failure("has a trick without a name or parameters in \(Key.tricks)")
            }
            guard let type = Plugins.tricks.named(name), type.spec.name == name else {
                throw failure("has a trick '\(name)' that this build does not know")
            }
            guard !declarations.contains(where: { $0.type.spec.name == name }) else { throw failure("has the trick \(name) twice") }
            var assignments: [(name: String, value: String)] = []
            for (key, value) in given {
                guard let text = value.stringValue else { throw failure("has a non-text parameter \(key) for trick \(name)") }
                assignments.append((key, text))
            }
            let parameters: ParameterValues
            do {
                parameters = try ParameterValues(type.spec, assignments: assignments)
            } catch {
                throw failure("has invalid parameters for trick \(name): \(error)")
            }
            declarations.append(TrickDeclaration(type: type, parameters: parameters, state: record["state"] ?? .null))
        }
        return declarations
    }

    /// Checks the networks' records and tensors against what `fresh`'s configuration and the declared
    /// tricks imply, then the memory training would need against `fresh.memoryBudget`; nothing is built.
    func checkConfiguration(_ fresh: Session, tricks: [TrickDeclaration]) throws {
        let networks = try json(Key.networks)
        guard networks["G"]?.arrayValue != nil, networks["D"]?.arrayValue != nil else {
            throw DataFileError(path: path, "has no architecture for G and D in \(Key.networks)")
        }
        // The tricks' plan says which layers they put into each network, and how many samples D reads per row.
        let plan = fresh.trainingPlan(tricks: tricks.map { declaration in { declaration.type.plan(&$0, declaration.parameters) } })
        let entries = Dictionary(file.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for player in Player.allCases {
            let network = plan.network(player)
            let (input, output) = switch player {
            case .generator: (fresh.noise.dimension, fresh.dataset.dimension)
            case .discriminator: (fresh.dataset.dimension * plan.samplesPerDiscriminatorRow, 1)
            }
            let image = player == .generator
                ? fresh.dataset.imageShape : fresh.dataset.imageShape?.stacking(plan.samplesPerDiscriminatorRow)
            let layers = fresh.model(player).declaredLayers(player, input: input, output: output, image: image)
            var walk = ArchitectureWalk(player: player, declared: layers, width: input, checkpoint: self, entries: entries)
            walk.insertedLayers = network.insertedLayers
            try walk.run(networks[player.rawValue]?.arrayValue ?? [])
            let prefixes = ["\(player.rawValue).", "extra.\(player.rawValue)."]
            if let stray = file.entries.first(where: { entry in prefixes.contains { entry.name.hasPrefix($0) } && !walk.expected.contains(entry.name) }) {
                throw failure("tensor '\(stray.name)' is not part of \(player.rawValue) as the configuration declares it")
            }
        }
        let footprint = TrainingFootprint(plan)
        guard footprint.total <= fresh.memoryBudget else {
            throw failure("training the session it holds would need \(footprint), more than the "
                          + "\(TrainingFootprint.format(fresh.memoryBudget)) allowed")
        }
    }
}

/// A layer a model declares it builds, before any trick changes the network: what a checkpoint's records
/// and tensors are checked against. Only layers a checkpoint can restore are here.
public enum DeclaredLayer: Equatable {
    case linear(inputs: Int, outputs: Int)
    case batchNorm(Int)
    case layerNorm(Int)
    /// An activation by its record type, with the one setting the record holds (slope, α, pieces).
    case activation(String, setting: (key: String, value: Float)?)
    case dropout(Float)
    case offset
    /// Conv2d or ConvTranspose2d.
    case convolution(ConvolutionSettings)
    case batchNorm2d(ImageShape)
    case upsample(ImageShape, factor: Int)
    /// Flatten or Unflatten between rows and an image.
    case reshape(Reshape.Direction, ImageShape)

    public static func == (a: DeclaredLayer, b: DeclaredLayer) -> Bool { a.description == b.description }

    /// "Linear(2 → 128)", "ReLU", "LeakyReLU(slope 0.2)", …
    public var description: String {
        switch self {
        case .linear(let inputs, let outputs): return "Linear(\(inputs) → \(outputs))"
        case .batchNorm(let features): return "BatchNorm(\(features))"
        case .layerNorm(let features): return "LayerNorm(\(features))"
        case .activation(let type, let setting): return type + (setting.map { "(\($0.key) \($0.value))" } ?? "")
        case .dropout(let probability): return "Dropout(\(probability))"
        case .offset: return "PrependedOffset"
        case .convolution(let settings): return settings.description
        case .batchNorm2d(let image): return "BatchNorm2d(\(image))"
        case .upsample(let image, let factor): return "Upsample(\(image), factor \(factor))"
        case .reshape(let direction, let image): return Reshape(direction, image).summary
        }
    }

    /// Trainable scalars the layer holds.
    var parameterCount: Int {
        switch self {
        case .linear(let inputs, let outputs): return inputs * outputs + outputs
        case .batchNorm(let features), .layerNorm(let features): return 2 * features
        case .activation, .dropout, .upsample, .reshape: return 0
        case .offset: return 1
        case .convolution(let settings): return settings.parameterCount
        case .batchNorm2d(let image): return 2 * image.channels
        }
    }

    /// Whether it reads its rows as images.
    var isImageLayer: Bool {
        switch self {
        case .convolution, .batchNorm2d, .upsample, .reshape: return true
        default: return false
        }
    }

    /// Floats one batch row keeps through a forward pass with gradients, from an input of width `input`:
    /// the input, each layer's output, and a normalisation's centred and scaled values besides.
    static func floatsPerRow(of layers: [DeclaredLayer], input: Int) -> Int {
        var (width, total) = (input, input)
        for layer in layers {
            switch layer {
            case .linear(_, let outputs): width = outputs
            case .convolution(let settings): width = settings.output.elementCount
            case .upsample(let image, let factor): width = image.elementCount * factor * factor
            case .offset: width += 1
            case .activation("Maxout", let setting?): width /= max(Int(setting.value), 1)
            case .batchNorm, .batchNorm2d, .layerNorm: total += 3 * width
            case .dropout: total += width
            case .activation, .reshape: break
            }
            if case .reshape = layer { continue }
            total += width
        }
        return total
    }

    /// The layers `MLPSpec.build` makes for `spec`.
    public static func layers(of spec: MLPSpec) -> [DeclaredLayer] {
        let activation: DeclaredLayer
        switch spec.activation {
        case .relu: activation = .activation("ReLU", setting: nil)
        case .leakyRelu(let slope): activation = .activation("LeakyReLU", setting: ("slope", slope))
        case .tanh: activation = .activation("Tanh", setting: nil)
        case .sigmoid: activation = .activation("Sigmoid", setting: nil)
        case .elu(let alpha): activation = .activation("ELU", setting: ("alpha", alpha))
        case .maxout(let pieces): activation = .activation("Maxout", setting: ("pieces", Float(pieces)))
        }
        var layers: [DeclaredLayer] = []
        var width = spec.inputWidth
        for (linear, hidden) in zip(spec.linearWidths, spec.hiddenWidths) {
            layers.append(.linear(inputs: width, outputs: linear))
            switch spec.normalization {
            case .none: break
            case .batch: layers.append(.batchNorm(linear))
            case .layer: layers.append(.layerNorm(linear))
            }
            layers.append(activation)
            if spec.dropout > 0 { layers.append(.dropout(spec.dropout)) }
            width = hidden
        }
        layers.append(.linear(inputs: width, outputs: spec.outputWidth))
        switch spec.outputActivation {
        case .none: break
        case .tanh: layers.append(.activation("Tanh", setting: nil))
        case .sigmoid: layers.append(.activation("Sigmoid", setting: nil))
        }
        return layers
    }
}

/// Walks a network's layer records alongside the declared layers, checking the tensors they imply as it
/// goes, so that the first layer or tensor that differs is the one named.
/// Layers a trick puts in are checked by the trick's own `InsertedLayerRecord`, and accepted only when that
/// trick is on; a trick whose layers are not there yet (the network was rebuilt since, and the trick puts
/// them back at the next update) is fine.
struct ArchitectureWalk {
    let player: Player
    var declared: [DeclaredLayer]
    /// The width of the data reaching the current layer.
    var width: Int
    let checkpoint: Checkpoint
    /// The record types of the layers the checkpoint's tricks put in, with each trick's parameters.
    var insertedLayers: [String: ParameterValues] = [:]
    /// Every kind of layer a registered trick puts in, read once for the walk.
    private let insertedKinds = NetworkRecord.insertedKinds
    /// The file's tensors by name.
    let entries: [String: SafeTensorsFile.Entry]
    /// The names of the tensors checked so far.
    private(set) var expected: Set<String> = []
    private var next = 0

    init(player: Player, declared: [DeclaredLayer], width: Int, checkpoint: Checkpoint, entries: [String: SafeTensorsFile.Entry]) {
        self.player = player
        self.declared = declared
        self.width = width
        self.checkpoint = checkpoint
        self.entries = entries
    }

    func failure(_ reason: String) -> DataFileError { checkpoint.failure(reason) }

    /// Whether the next declared layer is the last one.
    var isAtLastDeclaredLayer: Bool { next == declared.count - 1 }

    /// Declares `layer` next, before the layers still to come (a layer an inserted one puts after itself).
    mutating func declareNext(_ layer: DeclaredLayer) { declared.insert(layer, at: next) }

    /// Requires the F32 tensor `name` (`what` it is, for messages) with the shape the configuration implies.
    mutating func expect(_ name: String, _ shape: [Int], _ what: String) throws {
        guard let entry = entries[name] else { throw failure("tensor '\(name)' (\(what)) is missing") }
        guard entry.dtype == .float32 else { throw failure("tensor '\(name)' (\(what)) has dtype \(entry.dtype.rawValue), not F32") }
        guard entry.shape == shape else {
            throw failure("tensor '\(name)' (\(what)) has shape \(entry.shape), but the configuration declares \(shape)")
        }
        expected.insert(name)
    }

    /// The next declared layer, which must be what the record at `path` stands for.
    mutating func take(_ path: String, _ type: String, matching: (DeclaredLayer) -> Bool) throws -> DeclaredLayer {
        guard next < declared.count else {
            throw failure("layer \(path) is a \(type), but the configuration declares only \(declared.count) layers for \(player.rawValue)")
        }
        let layer = declared[next]
        guard matching(layer) else {
            throw failure("layer \(path) is a \(type), but the configuration declares \(layer.description) there")
        }
        next += 1
        return layer
    }

    /// Checks a Linear record (a `type` that stands for a Linear, such as one wrapped in spectral norm) and its
    /// weight and bias against the next declared layer; returns the declared widths.
    mutating func checkLinear(_ fields: NetworkRecord.Fields, path: String, type: String) throws -> (inputs: Int, outputs: Int)? {
        guard case .linear(let inputs, let outputs) = try take(path, type, matching: { if case .linear = $0 { return true }; return false }) else {
            return nil
        }
        guard try fields.boolean("bias") else { throw failure("layer \(path) has no bias, but the configuration declares one") }
        try expect("\(path).weight", [outputs, inputs], "the weight of Linear \(path)")
        try expect("\(path).bias", [outputs], "the bias of Linear \(path)")
        width = outputs
        return (inputs, outputs)
    }

    mutating func run(_ records: [JSONValue]) throws {
        for (index, record) in records.enumerated() {
            let path = "\(player.rawValue).\(index)"
            let fields = NetworkRecord.Fields(record: record, path: path, reader: TensorReader(checkpoint.file, path: checkpoint.path))
            let type = try fields.text("type")
            if let kind = insertedKinds[type] {
                guard let trick = insertedLayers[type] else {
                    throw failure("layer \(path) is a \(type), but no trick of the checkpoint puts one in \(player.rawValue)")
                }
                try kind.check(fields, path: path, trick: trick, &self)
                continue
            }
            switch type {
            case "Linear":
                _ = try checkLinear(fields, path: path, type: type)
            case "BatchNorm":
                let batchNorm = DeclaredLayer.batchNorm(width)
                _ = try take(path, type) { $0 == batchNorm }
                for (name, what) in [("weight", "scale"), ("bias", "shift"), ("running_mean", "running mean"), ("running_var", "running variance")] {
                    try expect("\(path).\(name)", [width], "the \(what) of BatchNorm \(path)")
                }
            case "LayerNorm":
                let layerNorm = DeclaredLayer.layerNorm(width)
                _ = try take(path, type) { $0 == layerNorm }
                try expect("\(path).weight", [width], "the scale of LayerNorm \(path)")
                try expect("\(path).bias", [width], "the shift of LayerNorm \(path)")
            case "PrependedOffset":
                _ = try take(path, type) { $0 == .offset }
                try expect("\(path).theta", [1], "the θ of PrependedOffset \(path)")
                width += 1
            case "ReLU", "Tanh", "Sigmoid", "LeakyReLU", "ELU", "Maxout":
                var setting: (key: String, value: Float)?
                switch type {
                case "LeakyReLU": setting = ("slope", try fields.float("slope"))
                case "ELU": setting = ("alpha", try fields.float("alpha"))
                case "Maxout": setting = ("pieces", Float(try fields.integer("pieces", in: 1...1_000_000)))
                default: break
                }
                let stored = DeclaredLayer.activation(type, setting: setting)
                _ = try take(path, stored.description) { $0 == stored }
                if let pieces = setting?.value, type == "Maxout" { width /= Int(pieces) }
            case "Dropout":
                let stored = DeclaredLayer.dropout(try fields.float("probability"))
                _ = try take(path, stored.description) { $0 == stored }
            default:
                guard let kind = NetworkRecord.imageKinds[type] else { throw fields.failure("an unknown layer type '\(type)'") }
                try kind.check(fields, path: path, &self)
            }
        }
        guard next == declared.count else {
            throw failure("\(player.rawValue) has \(records.count) layers in the checkpoint, but the configuration declares more "
                          + "(\(declared[next].description) would come next)")
        }
    }
}
