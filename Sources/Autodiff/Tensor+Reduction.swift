import Kernels

extension Tensor {
    /// `axis` counted from the end when negative, checked against the rank.
    func normalizedAxis(_ axis: Int, operation: String) throws -> Int {
        let resolved = axis < 0 ? axis + rank : axis
        guard resolved >= 0 && resolved < rank else {
            throw TensorError.invalidAxis(operation: operation, axis: axis, rank: rank)
        }
        return resolved
    }

    /// Σ x², accumulated in Double (a constant number, not recorded): NaN or ±∞ when any element is.
    public func squaredNorm() -> Double {
        Reductions.sumOfSquares(storage.base, count: elementCount)
    }

    /// The sum of all elements, as a scalar (rank 0).
    public func sum() -> Tensor {
        let total = Reductions.sum(storage.base, count: elementCount)
        let y = Tensor(total)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("sum", self) { g, c in [try g.expanded(to: c.input(0).shape)] }
    }

    /// The sum along `axis` (negative counts from the end), keeping it as size 1 when asked.
    public func sum(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let axis = try normalizedAxis(axis, operation: "sum")
        let (outer, length, inner) = shape.split(at: axis)
        let kept = shape.replacing(axis: axis, with: 1)
        let y = Tensor.build(keepingDimension ? kept : shape.removing(axis: axis)) {
            Reductions.sum(storage.base, outer: outer, length: length, inner: inner, into: $0)
        }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("sum along axis", self, parameters: OperationParameters(int0: axis)) { g, c in
            let own = c.input(0).shape
            return [try g.reshaped(to: own.replacing(axis: c.parameters.int0, with: 1)).expanded(to: own)]
        }
    }

    /// The mean of all elements, as a scalar.
    public func mean() -> Tensor {
        sum() / Float(Swift.max(elementCount, 1))
    }

    /// The mean along `axis`, keeping it as size 1 when asked.
    public func mean(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let resolved = try normalizedAxis(axis, operation: "mean")
        return try sum(axis: resolved, keepingDimension: keepingDimension) / Float(Swift.max(shape[resolved], 1))
    }

    /// The maximum along `axis`. The gradient goes to the first position attaining the maximum.
    public func max(axis: Int, keepingDimension: Bool = false) throws -> Tensor {
        let axis = try normalizedAxis(axis, operation: "max")
        let (outer, length, inner) = shape.split(at: axis)
        guard length > 0 else {
            throw TensorError.invalidArgument(operation: "max", reason: "axis \(axis) of shape \(shape) is empty")
        }
        let kept = shape.replacing(axis: axis, with: 1)
        var indices = [Int32](repeating: 0, count: outer * inner)
        let y = Tensor.build(keepingDimension ? kept : shape.removing(axis: axis)) { out in
            indices.withUnsafeMutableBufferPointer {
                Reductions.max(storage.base, outer: outer, length: length, inner: inner, into: out, indices: $0.baseAddress!)
            }
        }
        guard Tensor.recordsGradient(self) else { return y }
        let own = shape
        return y.recorded("max along axis", self) { g, _ in
            let winners = Tensor.build(own) { mask in
                mask.update(repeating: 0, count: own.elementCount)
                for o in 0..<outer {
                    for j in 0..<inner {
                        mask[(o * length + Int(indices[o * inner + j])) * inner + j] = 1
                    }
                }
            }
            return [try Tensor.select(winners, try g.reshaped(to: kept).expanded(to: own), Tensor(0))]
        }
    }
}
