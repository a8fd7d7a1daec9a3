import Autodiff

/// Batch normalisation over the batch axis of [batch, features] (Ioffe & Szegedy 2015), with PyTorch's
/// conventions: biased batch variance to normalise, unbiased variance in the running estimate, momentum
/// 0.1, ε = 1e-5; evaluation uses the running estimates.
public final class BatchNorm: Layer {
    /// The scale γ, [features], initially 1.
    public let scale: Parameter
    /// The shift β, [features], initially 0.
    public let shift: Parameter
    /// The running mean, [features] (a buffer, not trained).
    public let runningMean: Parameter
    /// The running variance, [features] (a buffer, not trained).
    public let runningVariance: Parameter
    /// The weight of the newest batch in the running estimates.
    public let momentum: Float
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// A batch normalisation of `features` features.
    public init(_ features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        scale = Parameter(Tensor.ones([features]))
        shift = Parameter(Tensor.zeros([features]))
        runningMean = Parameter(Tensor.zeros([features]))
        runningVariance = Parameter(Tensor.ones([features]))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    private init(copying other: BatchNorm) {
        scale = other.scale.copy()
        shift = other.shift.copy()
        runningMean = other.runningMean.copy()
        runningVariance = other.runningVariance.copy()
        momentum = other.momentum
        epsilon = other.epsilon
    }

    /// A copy with its own parameters and running statistics.
    public func copy() -> any Layer { BatchNorm(copying: self) }

    /// The number of features.
    public var features: Int { scale.shape[0] }

    /// Normalises with the batch's statistics in training (and updates the running ones), with the
    /// running statistics in evaluation.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == features else {
            throw LayerError("BatchNorm(\(features)) expects [batch, \(features)], got \(input.shape)")
        }
        let normalized: Tensor
        if context.training {
            let batch = input.shape[0]
            guard batch > 1 else {
                throw LayerError("BatchNorm(\(features)) in training needs a batch of at least 2, got \(batch)")
            }
            let mean = try input.mean(axis: 0)
            let centred = try input - mean
            let variance = try centred.squared().mean(axis: 0)
            normalized = try centred / (variance + epsilon).squareRoot()
            try withoutGradients {
                let unbiased = variance.detached() * (Float(batch) / Float(batch - 1))
                runningMean.value = try runningMean.value * (1 - momentum) + mean.detached() * momentum
                runningVariance.value = try runningVariance.value * (1 - momentum) + unbiased * momentum
            }
        } else {
            normalized = try (input - runningMean.value) / (runningVariance.value + epsilon).squareRoot()
        }
        return try normalized * scale.value + shift.value
    }

    /// "weight" (γ) and "bias" (β), as PyTorch names them.
    public var localParameters: [(name: String, parameter: Parameter)] { [("weight", scale), ("bias", shift)] }
    /// "running_mean" and "running_var", as PyTorch names them.
    public var localBuffers: [(name: String, parameter: Parameter)] {
        [("running_mean", runningMean), ("running_var", runningVariance)]
    }
    /// "BatchNorm(128)".
    public var summary: String { "BatchNorm(\(features))" }
    /// Training statistics mix the samples of a batch.
    public var isRowwise: Bool { false }
    /// Each output row depends on the batch's mean and variance.
    public var mixesSamples: Bool { true }
}

/// Layer normalisation over the features of each sample (Ba et al. 2016), with a learned scale and shift.
public final class LayerNorm: Layer {
    /// The scale, [features], initially 1.
    public let scale: Parameter
    /// The shift, [features], initially 0.
    public let shift: Parameter
    /// Added to the variance before the square root.
    public let epsilon: Float

    /// A layer normalisation of `features` features.
    public init(_ features: Int, epsilon: Float = 1e-5) {
        scale = Parameter(Tensor.ones([features]))
        shift = Parameter(Tensor.zeros([features]))
        self.epsilon = epsilon
    }

    private init(copying other: LayerNorm) {
        scale = other.scale.copy()
        shift = other.shift.copy()
        epsilon = other.epsilon
    }

    /// A copy with its own parameters.
    public func copy() -> any Layer { LayerNorm(copying: self) }

    /// The number of features.
    public var features: Int { scale.shape[0] }

    /// Normalises each row by its own mean and (biased) variance.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        guard input.rank == 2 && input.shape[1] == features else {
            throw LayerError("LayerNorm(\(features)) expects [batch, \(features)], got \(input.shape)")
        }
        let centred = try input - input.mean(axis: 1, keepingDimension: true)
        let variance = try centred.squared().mean(axis: 1, keepingDimension: true)
        return try (try centred / (variance + epsilon).squareRoot()) * scale.value + shift.value
    }

    /// "weight" and "bias".
    public var localParameters: [(name: String, parameter: Parameter)] { [("weight", scale), ("bias", shift)] }
    /// "LayerNorm(128)".
    public var summary: String { "LayerNorm(\(features))" }
}
