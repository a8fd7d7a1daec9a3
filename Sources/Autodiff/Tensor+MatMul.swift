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
        return y.recordedMatmul(self, other, transposeSelf: transposeSelf, transposeOther: transposeOther)
    }

    /// The shape of op(self)·op(other) (arguments already checked).
    private func productShape(_ other: Tensor, _ transposeSelf: Bool, _ transposeOther: Bool) -> (m: Int, n: Int, k: Int) {
        (transposeSelf ? shape[1] : shape[0], transposeOther ? other.shape[0] : other.shape[1], transposeSelf ? shape[0] : shape[1])
    }

    /// The operands of op(self)·op(other) written into `c`.
    private func operands(_ other: Tensor, _ transposeSelf: Bool, _ transposeOther: Bool,
                          into c: UnsafeMutablePointer<Float>) -> GEMMOperands {
        let (m, n, k) = productShape(other, transposeSelf, transposeOther)
        return GEMMOperands(m: m, n: n, k: k, a: storage.base, lda: shape[1], transposeA: transposeSelf,
                            b: other.storage.base, ldb: other.shape[1], transposeB: transposeOther, c: c, ldc: n)
    }

    /// Two products at once, op(a₁)·op(b₁) and op(a₂)·op(b₂) (a layer's two gradients), side by side on two
    /// threads when that pays (see `GEMM.multiplyBoth`); each is recorded as its own matmul, so it is
    /// differentiable like any other. The operands have been checked by the matmul they differentiate.
    static func matmuls(_ first: (Tensor, Tensor, Bool, Bool), _ second: (Tensor, Tensor, Bool, Bool)) -> (Tensor, Tensor) {
        let (a1, b1, t1, u1) = first, (a2, b2, t2, u2) = second
        let shape1 = a1.productShape(b1, t1, u1), shape2 = a2.productShape(b2, t2, u2)
        var y2: Tensor?
        let y1 = Tensor.build([shape1.m, shape1.n]) { c1 in
            y2 = Tensor.build([shape2.m, shape2.n]) { c2 in
                GEMM.multiplyBoth(a1.operands(b1, t1, u1, into: c1), a2.operands(b2, t2, u2, into: c2))
            }
        }
        return (y1.recordedMatmul(a1, b1, transposeSelf: t1, transposeOther: u1),
                y2!.recordedMatmul(a2, b2, transposeSelf: t2, transposeOther: u2))
    }

    /// `self`, the value of op(a)·op(b), recorded as that product when gradients are being recorded.
    private func recordedMatmul(_ a: Tensor, _ b: Tensor, transposeSelf: Bool, transposeOther: Bool) -> Tensor {
        guard Tensor.recordsGradient(a, b) else { return self }
        let flags = OperationParameters(int0: transposeSelf ? 1 : 0, int1: transposeOther ? 1 : 0)
        return recorded("matmul", a, b, parameters: flags) { g, c in
            let (a, b, needs) = (c.input(0), c.input(1), c.needs)
            let (transposeSelf, transposeOther) = (c.parameters.int0 == 1, c.parameters.int1 == 1)
            // With C = op(A)·op(B): d op(A) = G·op(B)ᵀ and d op(B) = op(A)ᵀ·G, transposed back where op did.
            let gradA: (Tensor, Tensor, Bool, Bool)
            switch (transposeSelf, transposeOther) {
            case (false, false): gradA = (g, b, false, true)
            case (false, true): gradA = (g, b, false, false)
            case (true, false): gradA = (b, g, false, true)
            case (true, true): gradA = (b, g, true, true)
            }
            let gradB: (Tensor, Tensor, Bool, Bool)
            switch (transposeSelf, transposeOther) {
            case (false, false): gradB = (a, g, true, false)
            case (false, true): gradB = (g, a, true, false)
            case (true, false): gradB = (a, g, false, false)
            case (true, true): gradB = (g, a, true, true)
            }
            if needs[0] && needs[1] {
                let (da, db) = Tensor.matmuls(gradA, gradB)
                return [da, db]
            }
            return [needs[0] ? try gradA.0.matmul(gradA.1, transposeSelf: gradA.2, transposeOther: gradA.3) : nil,
                    needs[1] ? try gradB.0.matmul(gradB.1, transposeSelf: gradB.2, transposeOther: gradB.3) : nil]
        }
    }
}
