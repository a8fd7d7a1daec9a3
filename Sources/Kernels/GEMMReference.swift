extension GEMM {
    /// The plain scalar product that defines what `multiply` must return, bit for bit.
    ///
    /// Every C element is one sequential chain of fused multiply-adds over k = 0, 1, …, K−1, starting from 0
    /// (or from the old C value when `accumulate`). `multiply` follows exactly this order, so the two agree in
    /// every bit; this function exists to check that, and to state the contract as code.
    /// Parameters and layouts are those of `multiply`.
    public static func referenceMultiply(m: Int, n: Int, k: Int,
                                         a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                                         b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                                         c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        checkArguments(m: m, n: n, k: k, lda: lda, transposeA: transposeA, ldb: ldb, transposeB: transposeB, ldc: ldc)
        // Element strides of op(A) and op(B): the transposes only swap which stride walks which index.
        let aRowStride = transposeA ? 1 : lda, aDepthStride = transposeA ? lda : 1
        let bDepthStride = transposeB ? 1 : ldb, bColumnStride = transposeB ? ldb : 1
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = accumulate ? c[i * ldc + j] : 0
                for p in 0..<k {
                    sum = sum.addingProduct(a[i * aRowStride + p * aDepthStride], b[p * bDepthStride + j * bColumnStride])
                }
                c[i * ldc + j] = sum
            }
        }
    }

    /// Traps on sizes or leading dimensions that cannot describe the stated layouts.
    @inline(__always)
    static func checkArguments(m: Int, n: Int, k: Int, lda: Int, transposeA: Bool,
                               ldb: Int, transposeB: Bool, ldc: Int) {
        precondition(m >= 0 && n >= 0 && k >= 0, "GEMM: negative size")
        precondition(lda >= (transposeA ? m : k), "GEMM: lda too small")
        precondition(ldb >= (transposeB ? k : n), "GEMM: ldb too small")
        precondition(ldc >= n, "GEMM: ldc too small")
    }
}
