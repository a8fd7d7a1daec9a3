import Kernels

// Elementwise arithmetic with broadcasting. Each operation computes its value with one kernel call and,
// when recording, attaches its derivative written in tensor operations (so it can be differentiated
// again). Broadcast operands get their gradient summed back to their own shape.

extension Tensor {
    /// The value of `a op b` broadcast to `shape` (which the caller has checked).
    static func binaryValue(_ operation: BinaryOperation, _ a: Tensor, _ b: Tensor, shape: Shape) -> Tensor {
        build(shape) { y in
            let n = shape.elementCount
            if a.shape == shape && b.shape == shape {
                Elementwise.apply(operation, a.storage.base, stride: 1, b.storage.base, stride: 1, into: y, count: n)
            } else if a.shape == shape && b.elementCount == 1 {
                Elementwise.apply(operation, a.storage.base, stride: 1, b.storage.base, stride: 0, into: y, count: n)
            } else if b.shape == shape && a.elementCount == 1 {
                Elementwise.apply(operation, a.storage.base, stride: 0, b.storage.base, stride: 1, into: y, count: n)
            } else {
                let strides = [a.shape.broadcastStrides(to: shape), b.shape.broadcastStrides(to: shape)]
                BroadcastWalk.forEachRun(shape: shape, operandStrides: strides) { out, offsets, length, runStrides in
                    Elementwise.apply(operation, a.storage.base + offsets[0], stride: runStrides[0],
                                      b.storage.base + offsets[1], stride: runStrides[1],
                                      into: y + out, count: length)
                }
            }
        }
    }

    /// The broadcast shape of two operands, or a shape-mismatch error naming the operation.
    static func broadcastShape(_ operation: String, _ a: Tensor, _ b: Tensor) throws -> Shape {
        guard let shape = Shape.broadcast(a.shape, b.shape) else {
            throw TensorError.shapeMismatch(operation: operation, shapes: [a.shape, b.shape],
                                            reason: "cannot be broadcast together")
        }
        return shape
    }

    /// Elementwise sum, broadcasting (scalars, rows, columns, any NumPy-compatible shapes).
    public static func + (a: Tensor, b: Tensor) throws -> Tensor {
        let y = binaryValue(.add, a, b, shape: try broadcastShape("add", a, b))
        guard recordsGradient(a, b) else { return y }
        return y.recorded("add", a, b) { g, c in
            [c.needs[0] ? try g.sum(toShape: c.input(0).shape) : nil,
             c.needs[1] ? try g.sum(toShape: c.input(1).shape) : nil]
        }
    }

    /// Elementwise difference, broadcasting.
    public static func - (a: Tensor, b: Tensor) throws -> Tensor {
        let y = binaryValue(.subtract, a, b, shape: try broadcastShape("subtract", a, b))
        guard recordsGradient(a, b) else { return y }
        return y.recorded("subtract", a, b) { g, c in
            [c.needs[0] ? try g.sum(toShape: c.input(0).shape) : nil,
             c.needs[1] ? try (-g).sum(toShape: c.input(1).shape) : nil]
        }
    }

    /// Elementwise product, broadcasting.
    public static func * (a: Tensor, b: Tensor) throws -> Tensor {
        let y = binaryValue(.multiply, a, b, shape: try broadcastShape("multiply", a, b))
        guard recordsGradient(a, b) else { return y }
        return y.recorded("multiply", a, b) { g, c in
            let (a, b) = (c.input(0), c.input(1))
            return [c.needs[0] ? try (g * b).sum(toShape: a.shape) : nil,
                    c.needs[1] ? try (g * a).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise quotient, broadcasting.
    public static func / (a: Tensor, b: Tensor) throws -> Tensor {
        let y = binaryValue(.divide, a, b, shape: try broadcastShape("divide", a, b))
        guard recordsGradient(a, b) else { return y }
        return y.recorded("divide", a, b, savesOutput: true) { g, c in
            // d(a/b)/db = −a/b² = −y/b
            let (a, b) = (c.input(0), c.input(1))
            return [c.needs[0] ? try (g / b).sum(toShape: a.shape) : nil,
                    c.needs[1] ? try (-(try g * c.output) / b).sum(toShape: b.shape) : nil]
        }
    }

    /// Elementwise negation.
    public static prefix func - (x: Tensor) -> Tensor {
        let y = x.unaryValue(.negate)
        guard recordsGradient(x) else { return y }
        return y.recorded("negate", x) { g, _ in [-g] }
    }

    /// The value of a unary kernel applied to every element.
    func unaryValue(_ operation: UnaryOperation) -> Tensor {
        Tensor.build(shape) { Elementwise.apply(operation, storage.base, into: $0, count: elementCount) }
    }

    /// This tensor repeated along its size-1 (and missing leading) dimensions to `target`.
    public func expanded(to target: Shape) throws -> Tensor {
        guard shape.broadcasts(to: target) else {
            throw TensorError.shapeMismatch(operation: "expand", shapes: [shape, target],
                                            reason: "are not compatible: the first cannot be broadcast to the second")
        }
        if shape == target { return self }
        let source = storage.base
        let y = Tensor.build(target) { out in
            BroadcastWalk.forEachRun(shape: target, operandStrides: [shape.broadcastStrides(to: target)]) {
                offset, offsets, length, strides in
                BlockCopy.run(source + offsets[0], stride: strides[0], into: out + offset, count: length)
            }
        }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("expand", self) { g, c in [try g.sum(toShape: c.input(0).shape)] }
    }

    /// Sums over the dimensions that broadcasting added, returning a tensor of `target` (the adjoint of
    /// `expanded(to:)`).
    public func sum(toShape target: Shape) throws -> Tensor {
        if shape == target { return self }
        guard target.broadcasts(to: shape) else {
            throw TensorError.shapeMismatch(operation: "sum(toShape:)", shapes: [shape, target],
                                            reason: "are not compatible: the second does not broadcast to the first")
        }
        var result = self
        for _ in 0..<(rank - target.rank) { result = try result.sum(axis: 0) }
        for axis in 0..<target.rank where target[axis] == 1 && result.shape[axis] != 1 {
            result = try result.sum(axis: axis, keepingDimension: true)
        }
        return try result.reshaped(to: target)
    }
}

// Operands that are plain numbers: never a shape error, so these do not throw.
extension Tensor {
    /// Applies `operation` with a constant number on the right (`scalarOnRight`) or left.
    func withConstant(_ operation: BinaryOperation, _ value: Float, scalarOnRight: Bool) -> Tensor {
        let constant = Tensor(value)
        return scalarOnRight ? Tensor.binaryValue(operation, self, constant, shape: shape)
                             : Tensor.binaryValue(operation, constant, self, shape: shape)
    }

    /// x + c
    public static func + (x: Tensor, c: Float) -> Tensor {
        let y = x.withConstant(.add, c, scalarOnRight: true)
        guard recordsGradient(x) else { return y }
        return y.recorded("add constant", x) { g, _ in [g] }
    }

    /// c + x
    public static func + (c: Float, x: Tensor) -> Tensor {
        let y = x.withConstant(.add, c, scalarOnRight: false)
        guard recordsGradient(x) else { return y }
        return y.recorded("add constant", x) { g, _ in [g] }
    }

    /// x − c
    public static func - (x: Tensor, c: Float) -> Tensor {
        let y = x.withConstant(.subtract, c, scalarOnRight: true)
        guard recordsGradient(x) else { return y }
        return y.recorded("subtract constant", x) { g, _ in [g] }
    }

    /// c − x
    public static func - (c: Float, x: Tensor) -> Tensor {
        let y = x.withConstant(.subtract, c, scalarOnRight: false)
        guard recordsGradient(x) else { return y }
        return y.recorded("subtract from constant", x) { g, _ in [-g] }
    }

    /// x · c
    public static func * (x: Tensor, c: Float) -> Tensor {
        let y = x.withConstant(.multiply, c, scalarOnRight: true)
        guard recordsGradient(x) else { return y }
        return y.recorded("multiply by constant", x, parameters: OperationParameters(float0: c)) { g, c in
            [g * c.parameters.float0]
        }
    }

    /// c · x
    public static func * (c: Float, x: Tensor) -> Tensor { x * c }

    /// x / c
    public static func / (x: Tensor, c: Float) -> Tensor {
        let y = x.withConstant(.divide, c, scalarOnRight: true)
        guard recordsGradient(x) else { return y }
        return y.recorded("divide by constant", x, parameters: OperationParameters(float0: c)) { g, c in
            [g / c.parameters.float0]
        }
    }

    /// c / x
    public static func / (c: Float, x: Tensor) -> Tensor {
        let y = x.withConstant(.divide, c, scalarOnRight: false)
        guard recordsGradient(x) else { return y }
        return y.recorded("divide constant", x, savesOutput: true) { g, c in
            // d(c/x)/dx = −c/x² = −y/x
            [-(try (g * c.output) / c.input(0))]
        }
    }
}
