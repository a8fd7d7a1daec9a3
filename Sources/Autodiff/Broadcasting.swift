import Kernels

extension Shape {
    /// The shape two operands broadcast to (NumPy rules: align trailing dimensions; each pair must be
    /// equal or contain a 1), or nil when they are incompatible.
    static func broadcast(_ a: Shape, _ b: Shape) -> Shape? {
        if a == b { return a }
        let rank = Swift.max(a.rank, b.rank)
        var result = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.rank ? 1 : a[i - (rank - a.rank)]
            let db = i < rank - b.rank ? 1 : b[i - (rank - b.rank)]
            guard da == db || da == 1 || db == 1 else { return nil }
            result[i] = da == 1 ? db : da
        }
        return Shape(result)
    }

    /// Whether a tensor of this shape can be broadcast to `target` without changing `target`.
    func broadcasts(to target: Shape) -> Bool {
        Shape.broadcast(self, target) == target
    }

    /// Element strides of a tensor of this shape read as if broadcast to `target`: 0 along dimensions it
    /// repeats (size 1, or missing on the left).
    func broadcastStrides(to target: Shape) -> [Int] {
        let own = strides
        let offset = target.rank - rank
        return (0..<target.rank).map { i in
            i < offset || self[i - offset] == 1 ? 0 : own[i - offset]
        }
    }
}

/// Walks a broadcast result in contiguous runs, so kernels see long stretches with strides 0 or 1.
enum BroadcastWalk {
    /// Calls `body(offsets, length, strides)` for every run of the output of `shape`, where `offsets[k]`
    /// is where operand k's run starts and `strides[k]` ∈ {0, 1} its step. The output's own offset is
    /// the running element count.
    static func forEachRun(shape: Shape, operandStrides: [[Int]],
                           _ body: (_ outputOffset: Int, _ offsets: [Int], _ length: Int, _ strides: [Int]) -> Void) {
        // Drop size-1 dimensions, then merge neighbours that every operand walks contiguously.
        var dims: [Int] = []
        var strides: [[Int]] = operandStrides.map { _ in [] }
        for i in 0..<shape.rank where shape[i] != 1 {
            dims.append(shape[i])
            for k in 0..<operandStrides.count { strides[k].append(operandStrides[k][i]) }
        }
        var i = dims.count - 1
        while i > 0 {
            if strides.allSatisfy({ $0[i - 1] == $0[i] * dims[i] }) {
                dims[i - 1] *= dims[i]
                dims.remove(at: i)
                for k in 0..<strides.count {
                    strides[k][i - 1] = strides[k][i]
                    strides[k].remove(at: i)
                }
            }
            i -= 1
        }
        if dims.isEmpty {
            body(0, operandStrides.map { _ in 0 }, shape.elementCount, operandStrides.map { _ in 0 })
            return
        }
        // Split the innermost dimension into runs the kernels can take (stride 0 or 1 only).
        let last = dims.count - 1
        let runLength = dims[last]
        let runStrides = strides.map { $0[last] }
        if runStrides.contains(where: { $0 != 0 && $0 != 1 }) {
            // An operand steps by more than one element innermost: walk it element by element.
            dims.append(1)
            for k in 0..<strides.count { strides[k].append(0) }
            walk(dims: dims, strides: strides, runLength: 1, runStrides: strides.map { _ in 0 }, body)
            return
        }
        dims[last] = 1
        walk(dims: dims, strides: strides, runLength: runLength, runStrides: runStrides, body)
    }

    /// Calls `body` for every run, the runs shared out in contiguous ranges over the kernel threads when
    /// the result is long (a batch normalisation's per-channel operands broadcast over a batch of images:
    /// runs of one image plane). `body` must write only its run's part of the output.
    private static func walk(dims: [Int], strides: [[Int]], runLength: Int, runStrides: [Int],
                             _ body: (Int, [Int], Int, [Int]) -> Void) {
        let total = dims.reduce(1, *)
        let pieces = Swift.min(ComputeThreads.count, total, total * runLength / Elementwise.parallelPassThreshold)
        guard pieces > 1 else {
            return walk(runs: 0..<total, dims: dims, strides: strides, runLength: runLength, runStrides: runStrides, body)
        }
        ComputeThreads.forEachPiece(pieces) { piece in
            walk(runs: (piece * total / pieces)..<((piece + 1) * total / pieces), dims: dims, strides: strides,
                 runLength: runLength, runStrides: runStrides, body)
        }
    }

    /// The runs numbered `runs` (in the order of the walk over `dims`, last dimension fastest).
    private static func walk(runs: Range<Int>, dims: [Int], strides: [[Int]], runLength: Int, runStrides: [Int],
                             _ body: (Int, [Int], Int, [Int]) -> Void) {
        let rank = dims.count
        var index = [Int](repeating: 0, count: rank)
        var offsets = [Int](repeating: 0, count: strides.count)
        var rest = runs.lowerBound
        for axis in stride(from: rank - 1, through: 0, by: -1) {
            index[axis] = rest % dims[axis]
            rest /= dims[axis]
            for k in 0..<offsets.count { offsets[k] += index[axis] * strides[k][axis] }
        }
        var outputOffset = runs.lowerBound * runLength
        for _ in runs {
            body(outputOffset, offsets, runLength, runStrides)
            outputOffset += runLength
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1
                for k in 0..<offsets.count { offsets[k] += strides[k][axis] }
                if index[axis] < dims[axis] { break }
                for k in 0..<offsets.count { offsets[k] -= strides[k][axis] * dims[axis] }
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
