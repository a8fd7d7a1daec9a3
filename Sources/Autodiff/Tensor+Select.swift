import Kernels

extension Tensor {
    /// Elementwise choice: `a` where `mask` is non-zero, else `b`, all three broadcast together. The mask
    /// is a constant (never differentiated); each branch gets the gradient where it was chosen.
    ///
    /// Unlike `mask·a + (1 − mask)·b`, an infinity or NaN in the branch not taken never leaks into the
    /// result or its gradient.
    public static func select(_ mask: Tensor, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        guard let ab = Shape.broadcast(a.shape, b.shape), let shape = Shape.broadcast(ab, mask.shape) else {
            throw TensorError.shapeMismatch(operation: "select", shapes: [mask.shape, a.shape, b.shape],
                                            reason: "cannot be broadcast together")
        }
        let y = build(shape) { out in
            let n = shape.elementCount
            if mask.shape == shape && a.shape == shape && b.shape == shape {
                Elementwise.select(mask.storage.base, stride: 1, a.storage.base, stride: 1, b.storage.base, stride: 1,
                                   into: out, count: n)
                return
            }
            let strides = [mask, a, b].map { $0.shape.broadcastStrides(to: shape) }
            BroadcastWalk.forEachRun(shape: shape, operandStrides: strides) { offset, offsets, length, runStrides in
                Elementwise.select(mask.storage.base + offsets[0], stride: runStrides[0],
                                   a.storage.base + offsets[1], stride: runStrides[1],
                                   b.storage.base + offsets[2], stride: runStrides[2],
                                   into: out + offset, count: length)
            }
        }
        guard recordsGradient(a, b) else { return y }
        return y.recorded("select", inputs: [a, b, mask.detached()]) { g, c in
            let (mask, zero) = (c.input(2), Tensor(0))
            return [c.needs[0] ? try select(mask, g, zero).sum(toShape: c.input(0).shape) : nil,
                    c.needs[1] ? try select(mask, zero, g).sum(toShape: c.input(1).shape) : nil,
                    nil]
        }
    }
}
