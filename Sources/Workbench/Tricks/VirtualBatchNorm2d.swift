import Autodiff
import NeuralNet

/// Virtual batch normalisation of image rows per channel (Salimans et al. 2016, §3.5, in the form
/// `BatchNorm2d` takes): [N_ref + n, C·H·W] inputs whose first N_ref rows are the reference batch. μ_r, ν_r
/// are the mean and mean of squares of each channel over the reference batch's N_ref·H·W values; reference
/// rows are normalised with them alone. Every other image x is normalised as if it joined the reference
/// batch: with its own channel statistics over its H·W values, μ_x and ν_x, weighted 1/(N_ref + 1),
/// μ = w·μ_x + (1 − w)·μ_r, ν = w·ν_x + (1 − w)·ν_r, out = γ·(x − μ)/√(ε + ν − μ²) + β. With 1×1 images this
/// is `VirtualBatchNorm`. Written in tensor operations, so gradients of any order flow through μ_r and ν_r.
public final class VirtualBatchNorm2d: Layer {
    /// The layout of each row.
    public let image: ImageShape
    /// γ, [channels] (init 1, or the replaced BatchNorm2d's scale).
    public let scale: Parameter
    /// β, [channels] (init 0, or the replaced BatchNorm2d's shift).
    public let shift: Parameter
    /// N_ref, the reference rows at the top of every input.
    public let referenceCount: Int
    /// Added to the variance before the square root.
    public let epsilon: Float
    /// The BatchNorm2d this layer replaced, kept so `trick off` can put it back; nil when inserted.
    public let replaced: BatchNorm2d?

    /// A layer for rows laid out as `image` with `referenceCount` reference rows on top.
    public init(_ image: ImageShape, referenceCount: Int, epsilon: Float = 1e-5, replacing replaced: BatchNorm2d?) {
        self.image = image
        scale = Parameter(replaced?.scale.value ?? Tensor.ones([image.channels]))
        shift = Parameter(replaced?.shift.value ?? Tensor.zeros([image.channels]))
        self.referenceCount = referenceCount
        self.epsilon = epsilon
        self.replaced = replaced
    }

    private init(copying other: VirtualBatchNorm2d) {
        image = other.image
        scale = other.scale.copy()
        shift = other.shift.copy()
        referenceCount = other.referenceCount
        epsilon = other.epsilon
        replaced = other.replaced?.copy() as? BatchNorm2d
    }

    /// Normalises the reference images by their channels' statistics and every other image by the mix above.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == image.elementCount && input.shape[0] >= referenceCount else {
            throw LayerError("\(summary) expects [\(referenceCount) + batch, \(image.elementCount)] (rows of \(image)), got \(input.shape)")
        }
        let (rows, channels, pixels) = (input.shape[0], image.channels, image.height * image.width)
        let perChannel: Shape = [1, channels, 1]
        let images = try input.reshaped(to: [rows, channels, pixels])
        let reference = try images.slice(axis: 0, 0..<referenceCount)
        let referenceValues = Float(referenceCount * pixels)
        let meanR = try reference.sum(toShape: perChannel) / referenceValues
        let squareR = try reference.squared().sum(toShape: perChannel) / referenceValues
        var parts = [try (reference - meanR) / (squareR - meanR.squared() + epsilon).squareRoot()]
        if rows > referenceCount {
            let x = try images.slice(axis: 0, referenceCount..<rows)
            let w = 1 / Float(referenceCount + 1)
            // Each image's own statistics, [n, C, 1]: its H·W values per channel.
            let mean = try x.mean(axis: 2, keepingDimension: true) * w + meanR * (1 - w)
            let square = try x.squared().mean(axis: 2, keepingDimension: true) * w + squareR * (1 - w)
            parts.append(try (x - mean) / (square - mean.squared() + epsilon).squareRoot())
        }
        return try (Tensor.concatenate(parts, axis: 0) * scale.value.reshaped(to: perChannel) + shift.value.reshaped(to: perChannel))
            .reshaped(to: [rows, image.elementCount])
    }

    /// "weight" (γ) then "bias" (β), as BatchNorm2d names them.
    public var localParameters: [(name: String, parameter: Parameter)] { [("weight", scale), ("bias", shift)] }
    /// Every row depends on the reference rows.
    public var isRowwise: Bool { false }
    /// "VirtualBatchNorm2d(64×14×14, reference 64)".
    public var summary: String {
        "VirtualBatchNorm2d(\(image), reference \(referenceCount)\(replaced == nil ? "" : ", replaces BatchNorm2d"))"
    }
    /// Only rows of its image (with the reference rows on top).
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { inputWidth == image.elementCount ? inputWidth : nil }
    /// A copy with its own parameters.
    public func copy() -> any Layer { VirtualBatchNorm2d(copying: self) }
}

extension VirtualBatchNorm2d: VirtualNormalization {
    /// The BatchNorm2d with the scale and shift trained since, its running statistics untouched.
    func restoringReplaced() -> (any Layer)? {
        guard let replaced else { return nil }
        replaced.scale.value = scale.value
        replaced.shift.value = shift.value
        return replaced
    }
}

/// A `VirtualBatchNorm2d` in a checkpoint: its image, reference size and ε; its scale and shift, and the
/// BatchNorm2d it replaced (under `extra.`).
enum VirtualBatchNorm2dRecord: InsertedLayerRecord {
    static let type = "VirtualBatchNorm2d"

    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue? {
        guard let layer = layer as? VirtualBatchNorm2d else { return nil }
        let replaced = try VirtualBatchNormRecord.recordReplaced(layer.replaced, path: path, into: &file)
        let image = layer.image
        return .object([("type", .string(type)),
                        ("input", .array([.integer(image.channels), .integer(image.height), .integer(image.width)])),
                        ("reference", .integer(layer.referenceCount)), ("epsilon", .number("\(layer.epsilon)")), ("replaced", replaced)])
    }

    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer {
        let image = try fields.image("input")
        let scale = try tensors.take("\(path).weight", shape: [image.channels], "the scale of VirtualBatchNorm2d \(path)")
        let shift = try tensors.take("\(path).bias", shape: [image.channels], "the shift of VirtualBatchNorm2d \(path)")
        var replaced: BatchNorm2d?
        if let original = fields.record["replaced"], original != .null {
            let prefix = "extra.\(path).replaced"
            guard let norm = try NetworkRecord.layer(original, path: prefix, &tensors) as? BatchNorm2d, norm.image == image else {
                throw fields.failure("a replaced layer that is not a BatchNorm2d of \(image)")
            }
            replaced = norm
        }
        let norm = VirtualBatchNorm2d(image, referenceCount: try fields.integer("reference", in: 0...1_000_000),
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
        let image = try fields.image("input")
        guard image.elementCount == walk.width else {
            throw walk.failure("layer \(path) reads images of \(image), but \(walk.width) values reach it")
        }
        if let original = fields.record["replaced"], original != .null {
            let prefix = "extra.\(path).replaced"
            let replaced = NetworkRecord.Fields(record: original, path: prefix, reader: fields.reader)
            guard try replaced.text("type") == "BatchNorm2d", try replaced.image("input") == image else {
                throw walk.failure("layer \(path) has a replaced layer that is not a BatchNorm2d of \(image)")
            }
            let batchNorm = DeclaredLayer.batchNorm2d(image)
            _ = try walk.take(path, type) { $0 == batchNorm }
            for (name, what) in [("weight", "scale"), ("bias", "shift"), ("running_mean", "running mean"), ("running_var", "running variance")] {
                try walk.expect("\(prefix).\(name)", [image.channels], "the \(what) of BatchNorm2d \(prefix)")
            }
        }
        try walk.expect("\(path).weight", [image.channels], "the scale of VirtualBatchNorm2d \(path)")
        try walk.expect("\(path).bias", [image.channels], "the shift of VirtualBatchNorm2d \(path)")
    }
}
