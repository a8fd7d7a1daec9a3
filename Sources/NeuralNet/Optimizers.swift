import Autodiff
import Kernels

/// Adam (Kingma & Ba 2015) with PyTorch's semantics: bias correction, ε outside the square root,
/// optional L2 weight decay added to the gradient.
public final class Adam: Optimizer {
    /// "adam"
    public let name = "adam"
    /// The step size.
    public var learningRate: Float
    /// Decay of the first-moment estimate.
    public var beta1: Float
    /// Decay of the second-moment estimate.
    public var beta2: Float
    /// Added to the denominator.
    public var epsilon: Float
    /// L2 penalty added to the gradient.
    public var weightDecay: Float
    /// Moment estimates per parameter.
    public var state = OptimizerState()
    /// PyTorch's names for the two moments.
    public let bufferNames = ["exp_avg", "exp_avg_sq"]

    /// Adam with PyTorch's defaults unless given.
    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8,
                weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// "Adam(lr 0.0001, betas 0.5 0.999, eps 1e-08, weight decay 0)".
    public var summary: String {
        "Adam(lr \(learningRate), betas \(beta1) \(beta2), eps \(epsilon), weight decay \(weightDecay))"
    }

    /// One Adam step per parameter.
    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        _ = try updateMeasuring(parameters, gradients: gradients)
    }

    /// One Adam step per parameter, with the squared norms the kernel measures on the way.
    public func updateMeasuring(_ parameters: [Parameter], gradients: [Tensor]) throws -> UpdateMeasurement? {
        try checkPairs(parameters, gradients)
        var measured = UpdateMeasurement.zero
        for (parameter, gradient) in zip(parameters, gradients) {
            var slots = state.slots(for: parameter, bufferCount: 2)
            slots.step += 1
            // Bias corrections in Double, as PyTorch computes them, by repeated squaring (no libm).
            let corrections = (Float(1 - integerPower(Double(beta1), slots.step)),
                               Float(1 - integerPower(Double(beta2), slots.step)))
            slots.buffers = updateOutOfPlace(parameter, gradient, slots.buffers) { b in
                measured.add(OptimizerKernels.adam(
                    parameter: b.parameter, gradient: b.gradient, firstMoment: b.oldBuffers[0],
                    secondMoment: b.oldBuffers[1], newParameter: b.newParameter, newFirstMoment: b.newBuffers[0],
                    newSecondMoment: b.newBuffers[1], count: b.count, learningRate: learningRate, beta1: beta1,
                    beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, biasCorrection1: corrections.0,
                    biasCorrection2: corrections.1))
            }
            state.set(slots, for: parameter)
        }
        return measured
    }
}

/// Stochastic gradient descent with optional momentum (heavy-ball or Nesterov), PyTorch semantics.
public final class SGD: Optimizer {
    /// "sgd"
    public let name = "sgd"
    /// The step size.
    public var learningRate: Float
    /// The momentum coefficient (0 for plain SGD).
    public var momentum: Float
    /// Nesterov's look-ahead form of momentum.
    public var nesterov: Bool
    /// L2 penalty added to the gradient.
    public var weightDecay: Float
    /// Momentum buffers per parameter.
    public var state = OptimizerState()
    /// PyTorch's name for the buffer.
    public var bufferNames: [String] { momentum == 0 ? [] : ["momentum_buffer"] }

    /// SGD.
    public init(learningRate: Float = 1e-2, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    /// "SGD(lr 0.01, momentum 0.9, nesterov, weight decay 0)".
    public var summary: String {
        "SGD(lr \(learningRate), momentum \(momentum)\(nesterov ? ", nesterov" : ""), weight decay \(weightDecay))"
    }

    /// One SGD step per parameter.
    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        try checkPairs(parameters, gradients)
        let usesBuffer = momentum != 0
        for (parameter, gradient) in zip(parameters, gradients) {
            var slots = state.slots(for: parameter, bufferCount: usesBuffer ? 1 : 0)
            if usesBuffer && slots.buffers.isEmpty { slots.buffers = [Tensor.zeros(parameter.shape)] }
            let firstStep = slots.step == 0
            slots.step += 1
            let buffers = usesBuffer ? [slots.buffers[0]] : []
            slots.buffers = updateOutOfPlace(parameter, gradient, buffers) { b in
                OptimizerKernels.sgd(parameter: b.parameter, gradient: b.gradient, momentumBuffer: b.oldBuffers.first,
                                     newParameter: b.newParameter, newMomentumBuffer: b.newBuffers.first, count: b.count,
                                     learningRate: learningRate, momentum: momentum, nesterov: nesterov,
                                     weightDecay: weightDecay, firstStep: firstStep)
            }
            state.set(slots, for: parameter)
        }
    }
}

/// RMSProp (Tieleman & Hinton 2012) with PyTorch's defaults α = 0.99, ε = 1e-8; the WGAN paper trains its
/// critic with it at lr 5e-5.
public final class RMSProp: Optimizer {
    /// "rmsprop"
    public let name = "rmsprop"
    /// The step size.
    public var learningRate: Float
    /// Decay of the running average of squared gradients.
    public var alpha: Float
    /// Added to the denominator.
    public var epsilon: Float
    /// L2 penalty added to the gradient.
    public var weightDecay: Float
    /// Square averages per parameter.
    public var state = OptimizerState()
    /// PyTorch's name for the buffer.
    public let bufferNames = ["square_avg"]

    /// RMSProp.
    public init(learningRate: Float = 1e-2, alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    /// "RMSProp(lr 5e-05, alpha 0.99, eps 1e-08, weight decay 0)".
    public var summary: String { "RMSProp(lr \(learningRate), alpha \(alpha), eps \(epsilon), weight decay \(weightDecay))" }

    /// One RMSProp step per parameter.
    public func update(_ parameters: [Parameter], gradients: [Tensor]) throws {
        try checkPairs(parameters, gradients)
        for (parameter, gradient) in zip(parameters, gradients) {
            var slots = state.slots(for: parameter, bufferCount: 1)
            slots.step += 1
            slots.buffers = updateOutOfPlace(parameter, gradient, slots.buffers) { b in
                OptimizerKernels.rmsProp(parameter: b.parameter, gradient: b.gradient, squareAverage: b.oldBuffers[0],
                                         newParameter: b.newParameter, newSquareAverage: b.newBuffers[0], count: b.count,
                                         learningRate: learningRate, alpha: alpha, epsilon: epsilon,
                                         weightDecay: weightDecay)
            }
            state.set(slots, for: parameter)
        }
    }
}

/// base^exponent for exponent ≥ 0 by repeated squaring: the same bits on every platform.
func integerPower(_ base: Double, _ exponent: Int) -> Double {
    var result = 1.0, factor = base, remaining = exponent
    while remaining > 0 {
        if remaining & 1 == 1 { result *= factor }
        factor *= factor
        remaining >>= 1
    }
    return result
}
