import Foundation
// Interim stand-ins while the real kernels land on their branches (removed at merge).
public enum GEMM {
    public static func multiply(m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        for i in 0..<m { for j in 0..<n {
            var acc: Float = accumulate ? c[i * ldc + j] : 0
            for p in 0..<k {
                let av = transposeA ? a[p * lda + i] : a[i * lda + p]
                let bv = transposeB ? b[j * ldb + p] : b[p * ldb + j]
                acc = acc.addingProduct(av, bv)
            }
            c[i * ldc + j] = acc
        } }
    }
}
