import Kernels

// Functions built from primitives, so their derivatives (of every order) come from the primitives'.
// Each is arranged so that no intermediate overflows and no branch that is not taken can put an
// infinity or NaN into the gradient.

extension Tensor {
    /// x·x.
    public func squared() -> Tensor {
        let y = unaryValue(.square)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("square", self) { g, c in [try g * (c.input(0) * 2)] }
    }

    /// log(1 + eˣ) = max(x, 0) + log(1 + e^−|x|): no overflow for any x; for x ≫ 0 it is exactly x and
    /// its gradient stays accurate for x ≪ 0, where the value underflows towards 0.
    ///
    /// One operation (a loss on a batch of scores used to record a dozen), with the bits of the composite
    /// max(x, 0) + log(1 + exp(select(x > 0, −x, x))) in value and gradient. When the gradient itself is
    /// recorded (a penalty differentiated again), it is built from those tensor operations.
    public func softplus() throws -> Tensor {
        let y = Tensor.build(shape) { Elementwise.softplus(storage.base, into: $0, count: elementCount) }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("softplus", self) { g, c in
            let x = c.input(0)
            guard GradientMode.isRecording else {
                return [Tensor.build(x.shape) {
                    Elementwise.softplusGradient(x.storage.base, g.storage.base, into: $0, count: x.elementCount)
                }]
            }
            let positive = x.isGreater(than: 0)
            let exponential = try Tensor.select(positive, -x, x).exp()
            let t = try (g / (1 + exponential)) * exponential
            return [try Tensor.select(positive, try g - t, t + 0)]
        }
    }

    /// log σ(x) = −softplus(−x).
    public func logSigmoid() throws -> Tensor {
        -(try (-self).softplus())
    }

    /// Elementwise binary cross-entropy of logits x against targets t: softplus(x) − t·x, which equals
    /// −t·log σ(x) − (1 − t)·log(1 − σ(x)) without ever forming σ(x).
    public static func binaryCrossEntropy(logits: Tensor, targets: Tensor) throws -> Tensor {
        try logits.softplus() - (try targets * logits)
    }

    /// The squared L2 norm of each row (each slice along the first axis), shape [rows].
    public func rowSquaredNorms() throws -> Tensor {
        guard rank >= 1 else {
            throw TensorError.invalidArgument(operation: "rowSquaredNorms", reason: "needs rank ≥ 1, got a scalar")
        }
        return try reshaped([shape[0], -1]).squared().sum(axis: 1)
    }

    /// The L2 norm of each row, shape [rows]. At a zero row the gradient is 0 (not NaN): the square root
    /// only ever sees positive arguments, and the zero branch is chosen by `select`.
    public func rowNorms() throws -> Tensor {
        let squares = try rowSquaredNorms()
        let positive = squares.isGreater(than: 0)
        let safe = try Tensor.select(positive, squares, Tensor(1))
        return try Tensor.select(positive, safe.squareRoot(), Tensor(0))
    }
}
