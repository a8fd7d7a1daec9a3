import NeuralNet

/// How an image layer is kept in a checkpoint: its record's `type`, the record of a layer of that kind (its
/// tensors are already in the file, named as PyTorch names them), the layer a record and its tensors
/// describe, and the check of a record against the layer a model declares. The record holds the input
/// image `[C, H, W]` that the layer reads its rows as, since tensors alone do not say it.
protocol ImageLayerRecord {
    /// The record's `type`: the PyTorch module's name.
    static var type: String { get }
    /// The record of `layer` when it is of this kind, else nil.
    static func encode(_ layer: any Layer) -> JSONValue?
    /// The layer a record describes, with its tensors.
    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer
    /// Checks a record and the tensors it implies against the next declared layer.
    static func check(_ fields: NetworkRecord.Fields, path: String, _ walk: inout ArchitectureWalk) throws
}

extension NetworkRecord {
    /// The image layers' records, by type.
    static var imageKinds: [String: any ImageLayerRecord.Type] {
        let kinds: [any ImageLayerRecord.Type] = [Conv2dRecord.self, ConvTranspose2dRecord.self, BatchNorm2dRecord.self, UpsampleRecord.self,
                                                  UnflattenRecord.self, FlattenRecord.self]
        return Dictionary(uniqueKeysWithValues: kinds.map { ($0.type, $0) })
    }
}

// Bounds on what a record may say, small enough that no size computed from them overflows (2¹⁴ channels of
// 2¹⁴ × 2¹⁴ pixels, kernels, strides and paddings up to 2⁸); tensors are still checked against the file.
private let channelRange = 1...16_384
private let sideRange = 1...16_384
private let geometryRange = 0...256

extension NetworkRecord.Fields {
    /// The image `[channels, height, width]` under `key`.
    func image(_ key: String) throws -> ImageShape {
        guard let extents = record[key]?.arrayValue?.compactMap(\.intValue), extents.count == 3,
              channelRange.contains(extents[0]), sideRange.contains(extents[1]), sideRange.contains(extents[2]) else {
            throw failure("no image '\(key)' [channels, height, width] with channels in [1, \(channelRange.upperBound)] and sides in "
                          + "[1, \(sideRange.upperBound)]")
        }
        return ImageShape(channels: extents[0], height: extents[1], width: extents[2])
    }
}

private func imageValue(_ image: ImageShape) -> JSONValue {
    .array([.integer(image.channels), .integer(image.height), .integer(image.width)])
}

/// What Conv2d and ConvTranspose2d records share: the settings, the weight and the bias.
private protocol ConvolutionRecord: ImageLayerRecord {
    static var transposed: Bool { get }
    static func make(_ settings: ConvolutionSettings, weight: Parameter, bias: Parameter?, initialization: Initialization) -> any Layer
    static func parts(of layer: any Layer) -> (settings: ConvolutionSettings, initialization: Initialization)?
}

extension ConvolutionRecord {
    static func encode(_ layer: any Layer) -> JSONValue? {
        guard let (settings, initialization) = parts(of: layer) else { return nil }
        return .object([("type", .string(type)), ("input", imageValue(settings.input)), ("out_channels", .integer(settings.outChannels)),
                        ("kernel", .integer(settings.kernel)), ("stride", .integer(settings.stride)),
                        ("padding", .integer(settings.padding)), ("output_padding", .integer(settings.outputPadding)),
                        ("bias", .bool(settings.bias)), ("init", .string(initialization.description))])
    }

    static func settings(_ fields: NetworkRecord.Fields) throws -> ConvolutionSettings {
        do {
            return try ConvolutionSettings(
                transposed: transposed, input: try fields.image("input"),
                outChannels: try fields.integer("out_channels", in: channelRange), kernel: try fields.integer("kernel", in: 1...geometryRange.upperBound),
                stride: try fields.integer("stride", in: 1...geometryRange.upperBound), padding: try fields.integer("padding", in: geometryRange),
                outputPadding: try fields.integer("output_padding", in: geometryRange), bias: try fields.boolean("bias"))
        } catch let error as LayerError {
            throw fields.failure("settings that do not make a layer: \(error)")
        }
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let settings = try settings(fields)
        let text = try fields.text("init")
        guard let initialization = NetworkRecord.initialization(text) else { throw fields.failure("an unknown initialisation '\(text)'") }
        let weight = try tensors.take("\(path).weight", shape: settings.weightShape, "the weight of \(type) \(path)")
        let bias = settings.bias ? try tensors.take("\(path).bias", shape: [settings.outChannels], "the bias of \(type) \(path)") : nil
        return make(settings, weight: Parameter(weight), bias: bias.map(Parameter.init), initialization: initialization)
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, _ walk: inout ArchitectureWalk) throws {
        let stored = DeclaredLayer.convolution(try settings(fields))
        _ = try walk.take(path, stored.description) { $0 == stored }
        guard case .convolution(let settings) = stored else { return }
        try walk.expect("\(path).weight", settings.weightShape, "the weight of \(type) \(path)")
        if settings.bias { try walk.expect("\(path).bias", [settings.outChannels], "the bias of \(type) \(path)") }
        walk.width = settings.output.elementCount
    }
}

/// A `Conv2d`: its settings; weight [out, in, k, k] and bias [out].
private enum Conv2dRecord: ConvolutionRecord {
    static let type = "Conv2d"
    static let transposed = false
    static func make(_ settings: ConvolutionSettings, weight: Parameter, bias: Parameter?, initialization: Initialization) -> any Layer {
        Conv2d(settings, weight: weight, bias: bias, initialization: initialization)
    }
    static func parts(of layer: any Layer) -> (settings: ConvolutionSettings, initialization: Initialization)? {
        (layer as? Conv2d).map { ($0.settings, $0.initialization) }
    }
}

/// A `ConvTranspose2d`: its settings; weight [in, out, k, k] and bias [out].
private enum ConvTranspose2dRecord: ConvolutionRecord {
    static let type = "ConvTranspose2d"
    static let transposed = true
    static func make(_ settings: ConvolutionSettings, weight: Parameter, bias: Parameter?, initialization: Initialization) -> any Layer {
        ConvTranspose2d(settings, weight: weight, bias: bias, initialization: initialization)
    }
    static func parts(of layer: any Layer) -> (settings: ConvolutionSettings, initialization: Initialization)? {
        (layer as? ConvTranspose2d).map { ($0.settings, $0.initialization) }
    }
}

/// A `BatchNorm2d`: its image, momentum and ε; scale, shift and running statistics, one per channel.
private enum BatchNorm2dRecord: ImageLayerRecord {
    static let type = "BatchNorm2d"
    static let tensors = [("weight", "scale"), ("bias", "shift"), ("running_mean", "running mean"), ("running_var", "running variance")]

    static func encode(_ layer: any Layer) -> JSONValue? {
        guard let norm = layer as? BatchNorm2d else { return nil }
        return .object([("type", .string(type)), ("input", imageValue(norm.image)),
                        ("momentum", .number("\(norm.momentum)")), ("epsilon", .number("\(norm.epsilon)"))])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let image = try fields.image("input")
        let norm = BatchNorm2d(image, momentum: try fields.float("momentum"), epsilon: try fields.float("epsilon"))
        for ((name, what), parameter) in zip(Self.tensors, [norm.scale, norm.shift, norm.runningMean, norm.runningVariance]) {
            parameter.value = try tensors.take("\(path).\(name)", shape: [image.channels], "the \(what) of BatchNorm2d \(path)")
                .requiringGradient()
        }
        return norm
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, _ walk: inout ArchitectureWalk) throws {
        let image = try fields.image("input")
        let stored = DeclaredLayer.batchNorm2d(image)
        _ = try walk.take(path, stored.description) { $0 == stored }
        for (name, what) in Self.tensors {
            try walk.expect("\(path).\(name)", [image.channels], "the \(what) of BatchNorm2d \(path)")
        }
    }
}

/// An `Upsample` (nearest): its image and factor; no tensors.
private enum UpsampleRecord: ImageLayerRecord {
    static let type = "Upsample"

    static func encode(_ layer: any Layer) -> JSONValue? {
        guard let upsample = layer as? Upsample else { return nil }
        return .object([("type", .string(type)), ("input", imageValue(upsample.image)), ("factor", .integer(upsample.factor))])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        try Upsample(try fields.image("input"), factor: try fields.integer("factor", in: 1...geometryRange.upperBound))
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, _ walk: inout ArchitectureWalk) throws {
        let upsample = try Upsample(try fields.image("input"), factor: try fields.integer("factor", in: 1...geometryRange.upperBound))
        let stored = DeclaredLayer.upsample(upsample.image, factor: upsample.factor)
        _ = try walk.take(path, stored.description) { $0 == stored }
        walk.width = upsample.output.elementCount
    }
}

/// What `Unflatten` and `Flatten` records share: the image on the convolutional side, no tensors.
private protocol ReshapeRecord: ImageLayerRecord {
    static var direction: Reshape.Direction { get }
}

extension ReshapeRecord {
    static var type: String { direction.rawValue }

    static func encode(_ layer: any Layer) -> JSONValue? {
        guard let reshape = layer as? Reshape, reshape.direction == direction else { return nil }
        return .object([("type", .string(type)), ("image", imageValue(reshape.image))])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        Reshape(direction, try fields.image("image"))
    }

    static func check(_ fields: NetworkRecord.Fields, path: String, _ walk: inout ArchitectureWalk) throws {
        let stored = DeclaredLayer.reshape(direction, try fields.image("image"))
        _ = try walk.take(path, stored.description) { $0 == stored }
    }
}

/// An `Unflatten`: rows read as images from here on.
private enum UnflattenRecord: ReshapeRecord {
    static let direction = Reshape.Direction.unflatten
}

/// A `Flatten`: images read as rows from here on.
private enum FlattenRecord: ReshapeRecord {
    static let direction = Reshape.Direction.flatten
}
