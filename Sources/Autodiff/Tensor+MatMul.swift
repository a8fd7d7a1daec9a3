import Kernels

extension Tensor {
    /// The matrix product op(self)·op(other), where op transposes when asked. Both must be matrices.
    /// The transposes cost nothing: the GEMM kernel absorbs them while packing.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) throws -> Tensor {
        guard rank == 2 && other.rank == 2 else {
            throw TensorError.shapeMismatch(operation: "matmul", shapes: [shape, other.shape], reason: "must both be matrices")
        }
        let (m, k) = transposeSelf ? (shape[1], shape[0]) : (shape[0], shape[1])
        let (k2, n) = transposeOther ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        guard k == k2 else {
            throw TensorError.shapeMismatch(
                operation: "matmul", shapes: [shape, other.shape],
                reason: "have inner dimensions \(k) and \(k2)\(transposeSelf || transposeOther ? " after transposing" : "")")
        }
        let y = Tensor.build([m, n]) { c in
            GEMM.multiply(m: m, n: n, k: k,
                          a: storage.base, lda: shape[1], transposeA: transposeSelf,
                          b: other.storage.base, ldb: other.shape[1], transposeB: transposeOther,
                          c: c, ldc: n, accumulate: false)
        }
        guard Tensor.recordsGradient(self, other) else { return y }
        let flags = OperationParameters(int0: transposeSelf ? 1 : 0, int1: transposeOther ? 1 : 0)
        return y.recorded("matmul", self, other, parameters: flags) { g, c in
            let (a, b, needs) = (c.input(0), c.input(1), c.needs)
            let (transposeSelf, transposeOther) = (c.parameters.int0 == 1, c.parameters.int1 == 1)
            // With C = op(A)·op(B): d op(A) = G·op(B)ᵀ and d op(B) = op(A)ᵀ·G, transposed back where op did.
            let gradA: Tensor? = !needs[0] ? nil : try {
                switch (transposeSelf, transposeOther) {
                case (false, false): return try g.matmul(b, transposeOther: true)
                case (false, true): return try g.matmul(b)
                case (true, false): return try b.matmul(g, transposeOther: true)
                case (true, true): return try b.matmul(g, transposeSelf: true, transposeOther: true)
                }
            }()
            let gradB: Tensor? = !needs[1] ? nil : try {
                switch (transposeSelf, transposeOther) {
                case (false, false): return try a.matmul(g, transposeSelf: true)
                case (false, true): return try g.matmul(a, transposeSelf: true)
                case (true, false): return try a.matmul(g)
                case (true, true): return try g.matmul(a, transposeSelf: true, transposeOther: true)
                }
            }()
            return [gradA, gradB]
        }
    }
}
