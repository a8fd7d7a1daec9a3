import Autodiff

/// Batch normalisation of image rows per channel (PyTorch's `nn.BatchNorm2d`): each channel's mean and
/// variance are taken over the batch and every pixel (N·H·W values), with `BatchNorm`'s conventions —
/// biased variance to normalise, unbiased in the running estimate, momentum 0.1, ε = 1e-5.
public final class BatchNorm2d: Layer {
    /// The layout of each row.
    public let image: ImageShape
    /// The scale γ, [channels], initially 1.
    public let scale: Parameter
    /// The shift β, [channels], initially 0.
    public let shift: Parameter
    /// The running mean, [channels] (a buffer, not trained).
    public let runningMean: Parameter
    /// The running variance, [channels] (a buffer, not trained).
    public let runningVariance: Parameter
    /// The weight of the newest batch in the running estimates.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// A batch normalisation of rows laid out as `image`.
    public init(_ image: ImageShape, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.image = image
        scale = Parameter(Tensor.ones([image.channels]))
        shift = Parameter(Tensor.zeros([image.channels]))
        runningMean = Parameter(Tensor.zeros([image.channels]))
        runningVariance = Parameter(Tensor.ones([image.channels]))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    private init(copying other: BatchNorm2d) {
        image = other.image
        scale = other.scale.copy()
        shift = other.shift.copy()
        runningMean = other.runningMean.copy()
        runningVariance = other.runningVariance.copy()
        momentum = other.momentum
        epsilon = other.epsilon
    }

    /// A copy with its own parameters and running statistics.
    public func copy() -> any Layer { BatchNorm2d(copying: self) }

    /// Normalises each channel with the batch's statistics in training (and updates the running ones),
    /// with the running statistics in evaluation.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == image.elementCount else {
            throw LayerError("\(summary) expects rows of \(image) = \(image.elementCount) values, got \(input.shape)")
        }
        let (batch, channels) = (input.shape[0], image.channels)
        let perChannel: Shape = [1, channels, 1]
        let x = try input.reshaped(to: [batch, channels, image.height * image.width])
        let normalized: Tensor
        if context.training {
            let count = batch * image.height * image.width
            guard count > 1 else {
                throw LayerError("\(summary) in training needs more than one value per channel, got a batch of \(batch)")
            }
            let mean = try x.sum(toShape: perChannel) / Float(count)
            let centred = try x - mean
            let variance = try centred.squared().sum(toShape: perChannel) / Float(count)
            normalized = try centred / (variance + epsilon).squareRoot()
            try withoutGradients {
                let unbiased = try variance.detached().reshaped(to: [channels]) * (Float(count) / Float(count - 1))
                runningMean.value = try runningMean.value * (1 - momentum) + mean.detached().reshaped(to: [channels]) * momentum
                runningVariance.value = try runningVariance.value * (1 - momentum) + unbiased * momentum
            }
        } else {
            normalized = try (x - runningMean.value.reshaped(to: perChannel))
                / (runningVariance.value.reshaped(to: perChannel) + epsilon).squareRoot()
        }
        return try (normalized * scale.value.reshaped(to: perChannel) + shift.value.reshaped(to: perChannel))
            .reshaped(to: [batch, image.elementCount])
    }

    /// "weight" (γ) and "bias" (β), as PyTorch names them.
    public var localParameters: [(name: String, parameter: Parameter)] { [("weight", scale), ("bias", shift)] }
    /// "running_mean" and "running_var", as PyTorch names them.
    public var localBuffers: [(name: String, parameter: Parameter)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }
    /// "BatchNorm2d(64×14×14)".
    public var summary: String { "BatchNorm2d(\(image))" }
    /// Only rows of its image.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { inputWidth == image.elementCount ? inputWidth : nil }
    /// Training statistics mix the samples of a batch.
    public var isRowwise: Bool { false }
    /// Each output row depends on the batch's per-channel mean and variance.
    public var mixesSamples: Bool { true }
}
