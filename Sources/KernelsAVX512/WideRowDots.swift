/// Products with one or two output columns, C = A·Wᵀ for a row-major A and W (a network's output layer),
/// on AVX-512: 16 rows of A at a time, transposed in registers so that each lane carries one row's chain.
/// Each C element is still one sequential fused multiply-add chain over the depth, in order, so the bits
/// are those of the scalar chains it replaces: 128×2×128 runs at 51 GFLOP/s against 14, 256×1×128 at 24.
public enum WideRowDots {
    /// C[i, j] = (accumulate ? C[i, j] : 0) + Σₚ A[i, p]·W[j, p] for i < `rows` (a multiple of 16), j < `outputs`
    /// (1 or 2); A has row stride `lda`, W `ldw`, C row stride `ldc`.
    public static func multiply(rows: Int, outputs: Int, depth: Int, a: UnsafePointer<Float>, lda: Int,
                                w: UnsafePointer<Float>, ldw: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
                                accumulate: Bool) {
        #if arch(x86_64)
        typealias V = SIMD16<Float>
        withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { scratch in
            let block = scratch.baseAddress!
            var top = 0
            while top < rows {
                var first = V(), second = V()
                if accumulate {
                    for lane in 0..<16 {
                        first[lane] = c[(top + lane) * ldc]
                        if outputs == 2 { second[lane] = c[(top + lane) * ldc + 1] }
                    }
                }
                var p = 0
                while p + 16 <= depth {
                    // block[16·q + r] = A[top + r, p + q]
                    WidePacking.transposeBlock(a + top * lda + p, lda, block)
                    for q in 0..<16 {
                        let column = UnsafeRawPointer(block + 16 * q).load(as: V.self)
                        first = first.addingProduct(column, V(repeating: w[p + q]))
                        if outputs == 2 { second = second.addingProduct(column, V(repeating: w[ldw + p + q])) }
                    }
                    p += 16
                }
                while p < depth {
                    var column = V()
                    for lane in 0..<16 { column[lane] = a[(top + lane) * lda + p] }
                    first = first.addingProduct(column, V(repeating: w[p]))
                    if outputs == 2 { second = second.addingProduct(column, V(repeating: w[ldw + p])) }
                    p += 1
                }
                for lane in 0..<16 {
                    c[(top + lane) * ldc] = first[lane]
                    if outputs == 2 { c[(top + lane) * ldc + 1] = second[lane] }
                }
                top += 16
            }
        }
        #endif
    }
}
