import Autodiff
import NeuralNet

/// A network's architecture in a checkpoint: one JSON record per layer (its kind and the settings its
/// tensors do not already say), while the layer's parameters and buffers are tensors named as PyTorch
/// names them (`G.0.weight`, `D.1.running_mean`, `D.2.weight_u`). What a layer keeps that is not PyTorch
/// module state — the BatchNorm or Linear a trick replaced, VBN's reference rows — is stored under
/// `extra.` + the layer's path, so `G.`/`D.` tensors load into an `nn.Sequential` as they are.
///
/// Restoring builds every layer from its tensors, never from sizes written in the records: a corrupt
/// record cannot make Gantry allocate more than the file itself holds.
enum NetworkRecord {
    /// The records of `network`'s layers, with their tensors appended to `file` under `prefix`.
    static func encode(_ network: Sequential, prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .array(try network.layers.enumerated().map { index, layer in
            let path = "\(prefix).\(index)"
            for (name, parameter) in layer.namedParameters(prefix: path) + layer.namedBuffers(prefix: path) {
                file.append(name, parameter.value)
            }
            return try record(layer, path: path, into: &file)
        })
    }

    /// The record of one layer (a replaced layer that an inserted one keeps is written the same way).
    static func record(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        func float(_ value: Float) -> JSONValue { .number("\(value)") }
        switch layer {
        case let linear as Linear:
            return .object([("type", .string("Linear")), ("bias", .bool(linear.bias != nil)),
                            ("init", .string(linear.initialization.description))])
        case is PrependedOffset: return .object([("type", .string("PrependedOffset"))])
        case is ReLU: return .object([("type", .string("ReLU"))])
        case is Tanh: return .object([("type", .string("Tanh"))])
        case is Sigmoid: return .object([("type", .string("Sigmoid"))])
        case let leaky as LeakyReLU: return .object([("type", .string("LeakyReLU")), ("slope", float(leaky.slope))])
        case let elu as ELU: return .object([("type", .string("ELU")), ("alpha", float(elu.alpha))])
        case let maxout as Maxout: return .object([("type", .string("Maxout")), ("pieces", .integer(maxout.pieces))])
        case let dropout as Dropout: return .object([("type", .string("Dropout")), ("probability", float(dropout.probability))])
        case let norm as BatchNorm:
            return .object([("type", .string("BatchNorm")), ("momentum", float(norm.momentum)), ("epsilon", float(norm.epsilon))])
        case let norm as LayerNorm: return .object([("type", .string("LayerNorm")), ("epsilon", float(norm.epsilon))])
        default:
            for kind in imageKinds.values {
                if let record = kind.encode(layer) { return record }
            }
            for kind in insertedKinds.values {
                if let record = try kind.encode(layer, path: path, into: &file) { return record }
            }
            throw SessionError("a checkpoint cannot hold the layer \(layer.summary) (at \(path))")
        }
    }

    /// The network described by `records`, built from the tensors under `prefix`.
    static func decode(_ records: JSONValue, prefix: String, _ tensors: inout TensorReader) throws -> Sequential {
        guard let list = records.arrayValue else { throw tensors.failure("the architecture of \(prefix) is not a list of layers") }
        return Sequential(try list.enumerated().map { index, record in
            try layer(record, path: "\(prefix).\(index)", &tensors)
        })
    }

    /// One layer from its record and tensors (a replaced layer that an inserted one keeps is read the same way).
    static func layer(_ record: JSONValue, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let fields = Fields(record: record, path: path, reader: tensors)
        switch try fields.text("type") {
        case "Linear": return try linear(fields, path: path, &tensors)
        case "PrependedOffset":
            return PrependedOffset(theta: Parameter(try tensors.take("\(path).theta", shape: [1], "the θ of PrependedOffset \(path)")))
        case "ReLU": return ReLU()
        case "Tanh": return Tanh()
        case "Sigmoid": return Sigmoid()
        case "LeakyReLU": return LeakyReLU(slope: try fields.float("slope"))
        case "ELU": return ELU(alpha: try fields.float("alpha"))
        case "Maxout": return Maxout(pieces: try fields.integer("pieces", in: 1...1_000_000))
        case "Dropout":
            let probability = try fields.float("probability")
            guard (0..<1).contains(probability) else { throw fields.failure("a dropout probability \(probability) outside [0, 1)") }
            return Dropout(probability: probability)
        case "BatchNorm": return try batchNorm(fields, path: path, &tensors)
        case "LayerNorm":
            let scale = try tensors.take("\(path).weight", rank: 1, "the scale of LayerNorm \(path)")
            let shift = try tensors.take("\(path).bias", shape: scale.shape.dimensions, "the shift of LayerNorm \(path)")
            let norm = LayerNorm(scale.shape[0], epsilon: try fields.float("epsilon"))
            norm.scale.value = scale.requiringGradient()
            norm.shift.value = shift.requiringGradient()
            return norm
        case let other:
            if let kind = imageKinds[other] { return try kind.decode(fields, path: path, &tensors) }
            guard let kind = insertedKinds[other] else { throw fields.failure("an unknown layer type '\(other)'") }
            return try kind.decode(fields, path: path, &tensors)
        }
    }

    /// A Linear layer from its record and tensors.
    static func linear(_ fields: Fields, path: String, _ tensors: inout TensorReader) throws -> Linear {
        let weight = try tensors.take("\(path).weight", rank: 2, "the weight of Linear \(path)")
        let bias = try fields.boolean("bias")
            ? Parameter(try tensors.take("\(path).bias", shape: [weight.shape[0]], "the bias of Linear \(path)")) : nil
        let text = try fields.text("init")
        guard let initialization = initialization(text) else { throw fields.failure("an unknown initialisation '\(text)'") }
        return Linear(weight: Parameter(weight), bias: bias, initialization: initialization)
    }

    /// A BatchNorm layer from its record and tensors.
    static func batchNorm(_ fields: Fields, path: String, _ tensors: inout TensorReader) throws -> BatchNorm {
        let scale = try tensors.take("\(path).weight", rank: 1, "the scale of BatchNorm \(path)")
        let features = scale.shape.dimensions
        let shift = try tensors.take("\(path).bias", shape: features, "the shift of BatchNorm \(path)")
        let mean = try tensors.take("\(path).running_mean", shape: features, "the running mean of BatchNorm \(path)")
        let variance = try tensors.take("\(path).running_var", shape: features, "the running variance of BatchNorm \(path)")
        let norm = BatchNorm(features[0], momentum: try fields.float("momentum"), epsilon: try fields.float("epsilon"))
        norm.scale.value = scale.requiringGradient()
        norm.shift.value = shift.requiringGradient()
        norm.runningMean.value = mean.requiringGradient()
        norm.runningVariance.value = variance.requiringGradient()
        return norm
    }

    /// The initialisation a Linear's summary names: pytorch, he, xavier, normal(σ).
    static func initialization(_ text: String) -> Initialization? {
        switch text {
        case "pytorch": return .pytorch
        case "he": return .he
        case "xavier": return .xavier
        default:
            guard text.hasPrefix("normal("), text.hasSuffix(")"),
                  let sigma = Float(text.dropFirst("normal(".count).dropLast()), sigma.isFinite, sigma >= 0 else { return nil }
            return .normal(standardDeviation: sigma)
        }
    }

    /// The fields of one layer record, read with messages naming the layer.
    struct Fields {
        let record: JSONValue
        let path: String
        let reader: TensorReader

        func failure(_ reason: String) -> DataFileError { reader.failure("layer \(path) has \(reason)") }

        func text(_ key: String) throws -> String {
            guard let value = record[key]?.stringValue else { throw failure("no text field '\(key)'") }
            return value
        }

        func boolean(_ key: String) throws -> Bool {
            guard case .bool(let value)? = record[key] else { throw failure("no true/false field '\(key)'") }
            return value
        }

        func float(_ key: String) throws -> Float {
            guard case .number(let text)? = record[key], let value = Float(text), value.isFinite else {
                throw failure("no finite number '\(key)'")
            }
            return value
        }

        func integer(_ key: String, in range: ClosedRange<Int>) throws -> Int {
            guard let value = record[key]?.intValue, range.contains(value) else {
                throw failure("no integer '\(key)' in [\(range.lowerBound), \(range.upperBound)]")
            }
            return value
        }
    }
}
