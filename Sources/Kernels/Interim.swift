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
public enum FastMath {
    static func map(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: (Float) -> Float) {
        for i in 0..<n { y[i] = f(x[i]) }
    }
    public static func exp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) { map(x, y, count, Foundation.exp) }
    public static func log(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) { map(x, y, count, Foundation.log) }
    public static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) { map(x, y, count, Foundation.tanh) }
    public static func sigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        map(x, y, count) { v in let e = Foundation.exp(v > 0 ? -v : v); let d = 1 + e; return v > 0 ? 1 / d : e / d }
    }
    public static func log(_ x: Float) -> Float { Foundation.log(x) }
    public static func sinCosTwoPi(_ u: SIMD8<Float>) -> (sin: SIMD8<Float>, cos: SIMD8<Float>) {
        var s = SIMD8<Float>(), c = SIMD8<Float>()
        for i in 0..<8 { s[i] = Foundation.sin(2 * .pi * u[i]); c[i] = Foundation.cos(2 * .pi * u[i]) }
        return (s, c)
    }
    public static func log(_ x: SIMD8<Float>) -> SIMD8<Float> { var r = x; for i in 0..<8 { r[i] = Foundation.log(x[i]) }; return r }
}
