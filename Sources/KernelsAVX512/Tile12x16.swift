/// The GEMM micro-kernel for processors with AVX-512: a 12×16 tile of C from two packed 6-row A strips
/// and one packed 16-column B strip, with one 16-lane vector per row of C.
///
/// This module is compiled for AVX-512 and must only be called after the processor was checked (see
/// `GEMM.usesWideVectors`). It computes every C element as the same sequential fused multiply-add chain
/// over the depth as the AVX2 kernel — only the width of the vectors differs — so its results are
/// bit-identical, and a replay recorded on a machine without AVX-512 matches one with it.
public enum WideTile {
    /// C[12×16] (row stride `ldc`) = (loadC ? C : 0) + Σₚ a[p]·b[p] over `depth` steps; rows 0–5 come from
    /// the packed strip `upper` (6 floats per step), rows 6–11 from `lower`, columns from `b` (16 floats
    /// per step, 64-byte aligned).
    public static func multiply(depth: Int, upper: UnsafePointer<Float>, lower: UnsafePointer<Float>,
                                b: UnsafeRawPointer, c: UnsafeMutablePointer<Float>, ldc: Int, loadC: Bool) {
        typealias V = SIMD16<Float>
        @inline(__always) func row(_ r: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(c + r * ldc) }
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var c6 = V(), c7 = V(), c8 = V(), c9 = V(), c10 = V(), c11 = V()
        if loadC {
            c0 = row(0).loadUnaligned(as: V.self); c1 = row(1).loadUnaligned(as: V.self)
            c2 = row(2).loadUnaligned(as: V.self); c3 = row(3).loadUnaligned(as: V.self)
            c4 = row(4).loadUnaligned(as: V.self); c5 = row(5).loadUnaligned(as: V.self)
            c6 = row(6).loadUnaligned(as: V.self); c7 = row(7).loadUnaligned(as: V.self)
            c8 = row(8).loadUnaligned(as: V.self); c9 = row(9).loadUnaligned(as: V.self)
            c10 = row(10).loadUnaligned(as: V.self); c11 = row(11).loadUnaligned(as: V.self)
        }
        var up = upper, lo = lower, bp = b
        for _ in 0..<depth {
            let bv = bp.load(as: V.self)
            c0 = c0.addingProduct(V(repeating: up[0]), bv)
            c1 = c1.addingProduct(V(repeating: up[1]), bv)
            c2 = c2.addingProduct(V(repeating: up[2]), bv)
            c3 = c3.addingProduct(V(repeating: up[3]), bv)
            c4 = c4.addingProduct(V(repeating: up[4]), bv)
            c5 = c5.addingProduct(V(repeating: up[5]), bv)
            c6 = c6.addingProduct(V(repeating: lo[0]), bv)
            c7 = c7.addingProduct(V(repeating: lo[1]), bv)
            c8 = c8.addingProduct(V(repeating: lo[2]), bv)
            c9 = c9.addingProduct(V(repeating: lo[3]), bv)
            c10 = c10.addingProduct(V(repeating: lo[4]), bv)
            c11 = c11.addingProduct(V(repeating: lo[5]), bv)
            up += 6
            lo += 6
            bp += 64
        }
        row(0).storeBytes(of: c0, as: V.self); row(1).storeBytes(of: c1, as: V.self)
        row(2).storeBytes(of: c2, as: V.self); row(3).storeBytes(of: c3, as: V.self)
        row(4).storeBytes(of: c4, as: V.self); row(5).storeBytes(of: c5, as: V.self)
        row(6).storeBytes(of: c6, as: V.self); row(7).storeBytes(of: c7, as: V.self)
        row(8).storeBytes(of: c8, as: V.self); row(9).storeBytes(of: c9, as: V.self)
        row(10).storeBytes(of: c10, as: V.self); row(11).storeBytes(of: c11, as: V.self)
    }
}
