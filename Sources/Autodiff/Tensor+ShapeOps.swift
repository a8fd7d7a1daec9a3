import Kernels

extension Tensor {
    /// The same elements in a new shape with the same element count (no copy).
    public func reshaped(to newShape: Shape) throws -> Tensor {
        guard newShape.elementCount == elementCount else {
            throw TensorError.shapeMismatch(operation: "reshape", shapes: [shape, newShape],
                                            reason: "have different element counts (\(elementCount) and \(newShape.elementCount))")
        }
        if newShape == shape { return self }
        let y = Tensor(shape: newShape, storage: storage)
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("reshape", self) { g, c in [try g.reshaped(to: c.input(0).shape)] }
    }

    /// The same elements with one dimension inferred: at most one entry of `dimensions` may be −1.
    public func reshaped(_ dimensions: [Int]) throws -> Tensor {
        let known = dimensions.filter { $0 != -1 }
        guard dimensions.count - known.count <= 1, known.allSatisfy({ $0 >= 0 }),
              dimensions.count <= Shape.maxRank else {
            throw TensorError.invalidArgument(operation: "reshape",
                                              reason: "\(dimensions) must have non-negative sizes and at most one −1, rank ≤ \(Shape.maxRank)")
        }
        let product = known.reduce(1, *)
        var resolved = dimensions
        if let hole = dimensions.firstIndex(of: -1) {
            guard product > 0, elementCount % product == 0 else {
                throw TensorError.shapeMismatch(operation: "reshape", shapes: [shape],
                                                reason: "cannot be reshaped to \(dimensions)")
            }
            resolved[hole] = elementCount / product
        }
        return try reshaped(to: Shape(resolved))
    }

    /// The matrix transpose (rank 2 only).
    public func transposed() throws -> Tensor {
        guard rank == 2 else {
            throw TensorError.invalidArgument(operation: "transpose", reason: "needs a matrix (rank 2), got shape \(shape)")
        }
        let (rows, columns) = (shape[0], shape[1])
        let y = Tensor.build([columns, rows]) { BlockCopy.transpose(storage.base, rows: rows, columns: columns, into: $0) }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("transpose", self) { g, _ in [try g.transposed()] }
    }

    /// The elements with index in `range` along `axis`.
    public func slice(axis: Int, _ range: Range<Int>) throws -> Tensor {
        let axis = try normalizedAxis(axis, operation: "slice")
        guard range.lowerBound >= 0 && range.upperBound <= shape[axis] else {
            throw TensorError.invalidArgument(operation: "slice",
                                              reason: "range \(range) is outside 0..<\(shape[axis]) on axis \(axis) of shape \(shape)")
        }
        let (outer, length, inner) = shape.split(at: axis)
        let y = Tensor.build(shape.replacing(axis: axis, with: range.count)) {
            BlockCopy.rows(outer, length: range.count * inner,
                           from: storage.base + range.lowerBound * inner, sourceStride: length * inner,
                           to: $0, destinationStride: range.count * inner)
        }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("slice", self) { g, _ in
            [try g.padded(axis: axis, before: range.lowerBound, after: length - range.upperBound)]
        }
    }

    /// This tensor with `before` zeros in front of and `after` zeros behind it along `axis`.
    public func padded(axis: Int, before: Int, after: Int) throws -> Tensor {
        let axis = try normalizedAxis(axis, operation: "pad")
        guard before >= 0 && after >= 0 else {
            throw TensorError.invalidArgument(operation: "pad", reason: "padding \(before), \(after) must be non-negative")
        }
        let (outer, length, inner) = shape.split(at: axis)
        let total = length + before + after
        let y = Tensor.build(shape.replacing(axis: axis, with: total)) { out in
            out.update(repeating: 0, count: outer * total * inner)
            BlockCopy.rows(outer, length: length * inner, from: storage.base, sourceStride: length * inner,
                           to: out + before * inner, destinationStride: total * inner)
        }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("pad", self) { g, _ in [try g.slice(axis: axis, before..<(before + length))] }
    }

    /// The tensors joined along `axis`; all other dimensions must agree.
    public static func concatenate(_ parts: [Tensor], axis: Int) throws -> Tensor {
        guard let first = parts.first else {
            throw TensorError.invalidArgument(operation: "concatenate", reason: "needs at least one tensor")
        }
        let axis = try first.normalizedAxis(axis, operation: "concatenate")
        for part in parts where part.rank != first.rank
            || (0..<first.rank).contains(where: { $0 != axis && part.shape[$0] != first.shape[$0] }) {
            throw TensorError.shapeMismatch(operation: "concatenate", shapes: parts.map(\.shape),
                                            reason: "must agree in every dimension but \(axis)")
        }
        let lengths = parts.map { $0.shape[axis] }
        let total = lengths.reduce(0, +)
        let (outer, _, inner) = first.shape.split(at: axis)
        let y = build(first.shape.replacing(axis: axis, with: total)) { out in
            var start = 0
            for (part, length) in zip(parts, lengths) {
                BlockCopy.rows(outer, length: length * inner, from: part.storage.base, sourceStride: length * inner,
                               to: out + start * inner, destinationStride: total * inner)
                start += length
            }
        }
        guard GradientMode.recording && parts.contains(where: { $0.node != nil }) else { return y }
        return y.recorded("concatenate", inputs: parts) { g, c in
            var start = 0
            return try lengths.enumerated().map { i, length in
                defer { start += length }
                return c.needs[i] ? try g.slice(axis: axis, start..<(start + length)) : nil
            }
        }
    }
}
