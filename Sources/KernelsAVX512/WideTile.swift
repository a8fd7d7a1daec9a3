#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Where the GEMM micro-kernel reads op(A): element (r, p) of a tile is `upper[r·rowStride + p·step]` for
/// rows 0–5 and `lower[(r − 6)·rowStride + p·step]` for rows 6–11.
///
/// A packed block is two 6-row strips (rowStride 1, step 6, lower = upper + 6·depth); a transposed A is
/// read in place (rowStride 1, step lda, lower = upper + 6); a row-major A likewise (rowStride lda, step 1).
public struct WideTileA {
    /// Rows 0–5.
    public var upper: UnsafePointer<Float>
    /// Rows 6–11 (ignored by the 6-row kernel).
    public var lower: UnsafePointer<Float>
    /// Distance between consecutive rows, in floats.
    public var rowStride: Int
    /// Distance between consecutive depth steps, in floats.
    public var step: Int

    /// A tile's A operand.
    @inline(__always)
    public init(upper: UnsafePointer<Float>, lower: UnsafePointer<Float>, rowStride: Int, step: Int) {
        (self.upper, self.lower, self.rowStride, self.step) = (upper, lower, rowStride, step)
    }
}

/// Where the GEMM micro-kernel reads op(B): 16 consecutive floats per depth step, `stepBytes` apart (64 in
/// a packed strip, the row pitch when B is read in place). When `columns` < 16 only that many are read,
/// and only that many columns of C are read and written.
public struct WideTileB {
    /// The first step's 16 (or `columns`) values.
    public var base: UnsafeRawPointer
    /// Distance between consecutive depth steps, in bytes.
    public var stepBytes: Int
    /// Columns of the tile (1…16).
    public var columns: Int

    /// A tile's B operand.
    @inline(__always)
    public init(base: UnsafeRawPointer, stepBytes: Int, columns: Int) {
        (self.base, self.stepBytes, self.columns) = (base, stepBytes, columns)
    }
}

/// The GEMM micro-kernels for processors with AVX-512: a tile of up to 12×16 C elements, one 16-lane
/// vector per row of C, from A and B read packed or in place.
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
        twelveRows(depth: depth, a: WideTileA(upper: upper, lower: lower, rowStride: 1, step: 6),
                   b: WideTileB(base: b, stepBytes: 64, columns: 16), c: c, ldc: ldc, rows: 12, loadC: loadC)
    }

    /// C[rows × b.columns] (rows ≤ 12) = (loadC ? C : 0) + Σₚ op(A)[·, p]·op(B)[p, ·], reading A and B where
    /// they are. All 12 (or, for rows ≤ 6, 6) A rows must be readable; only `rows` rows and `b.columns`
    /// columns of C are read and written.
    public static func multiply(depth: Int, a: WideTileA, b: WideTileB, c: UnsafeMutablePointer<Float>, ldc: Int,
                                rows: Int, loadC: Bool) {
        // Constant strides and widths where they are common, so that the loop keeps no branch and no
        // multiplication; the arithmetic, and so the bits, are the same in every variant.
        let fullB = WideTileB(base: b.base, stepBytes: b.stepBytes, columns: 16)
        let unitA = WideTileA(upper: a.upper, lower: a.lower, rowStride: 1, step: a.step)
        switch (rows > 6, a.rowStride == 1, b.columns >= 16) {
        case (true, true, true): twelveRows(depth: depth, a: unitA, b: fullB, c: c, ldc: ldc, rows: rows, loadC: loadC)
        case (true, false, true): twelveRows(depth: depth, a: a, b: fullB, c: c, ldc: ldc, rows: rows, loadC: loadC)
        case (true, _, false): twelveRows(depth: depth, a: a, b: b, c: c, ldc: ldc, rows: rows, loadC: loadC)
        case (false, true, true): sixRows(depth: depth, a: unitA, b: fullB, c: c, ldc: ldc, rows: rows, loadC: loadC)
        case (false, false, true): sixRows(depth: depth, a: a, b: fullB, c: c, ldc: ldc, rows: rows, loadC: loadC)
        case (false, _, false): sixRows(depth: depth, a: a, b: b, c: c, ldc: ldc, rows: rows, loadC: loadC)
        }
    }

    /// Lanes 0..<columns set.
    @inline(__always)
    static func mask(_ columns: Int) -> UInt16 { columns >= 16 ? 0xFFFF : UInt16(truncatingIfNeeded: (1 << columns) - 1) }

    /// 16 floats at `p`, or only the first `columns` (the rest zero) without touching memory past them.
    @inline(__always)
    static func load(_ p: UnsafeRawPointer, _ columns: Int) -> SIMD16<Float> {
        if columns >= 16 { return p.loadUnaligned(as: SIMD16<Float>.self) }
        #if arch(x86_64)
        return _mm512_maskz_loadu_ps(mask(columns), p)
        #else
        var v = SIMD16<Float>()
        for lane in 0..<columns { v[lane] = p.load(fromByteOffset: 4 * lane, as: Float.self) }
        return v
        #endif
    }

    /// Writes the first `columns` lanes of `v` to `p`.
    @inline(__always)
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutablePointer<Float>, _ columns: Int) {
        if columns >= 16 { UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD16<Float>.self); return }
        #if arch(x86_64)
        _mm512_mask_storeu_ps(p, mask(columns), v)
        #else
        for lane in 0..<columns { p[lane] = v[lane] }
        #endif
    }

    @inline(__always)
    private static func twelveRows(depth: Int, a: WideTileA, b: WideTileB, c: UnsafeMutablePointer<Float>, ldc: Int,
                                   rows: Int, loadC: Bool) {
        typealias V = SIMD16<Float>
        let columns = b.columns
        @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<Float> { c + r * ldc }
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        var c6 = V(), c7 = V(), c8 = V(), c9 = V(), c10 = V(), c11 = V()
        if loadC {
            c0 = load(row(0), columns); c1 = load(row(1), columns); c2 = load(row(2), columns)
            c3 = load(row(3), columns); c4 = load(row(4), columns); c5 = load(row(5), columns)
            c6 = load(row(6), columns)
            if rows > 7 { c7 = load(row(7), columns) }
            if rows > 8 { c8 = load(row(8), columns) }
            if rows > 9 { c9 = load(row(9), columns) }
            if rows > 10 { c10 = load(row(10), columns) }
            if rows > 11 { c11 = load(row(11), columns) }
        }
        let rs = a.rowStride, step = a.step, bStep = b.stepBytes
        var up = a.upper, lo = a.lower, bp = b.base
        for _ in 0..<depth {
            let bv = load(bp, columns)
            c0 = c0.addingProduct(V(repeating: up[0]), bv)
            c1 = c1.addingProduct(V(repeating: up[rs]), bv)
            c2 = c2.addingProduct(V(repeating: up[2 * rs]), bv)
            c3 = c3.addingProduct(V(repeating: up[3 * rs]), bv)
            c4 = c4.addingProduct(V(repeating: up[4 * rs]), bv)
            c5 = c5.addingProduct(V(repeating: up[5 * rs]), bv)
            c6 = c6.addingProduct(V(repeating: lo[0]), bv)
            c7 = c7.addingProduct(V(repeating: lo[rs]), bv)
            c8 = c8.addingProduct(V(repeating: lo[2 * rs]), bv)
            c9 = c9.addingProduct(V(repeating: lo[3 * rs]), bv)
            c10 = c10.addingProduct(V(repeating: lo[4 * rs]), bv)
            c11 = c11.addingProduct(V(repeating: lo[5 * rs]), bv)
            up += step
            lo += step
            bp += bStep
        }
        store(c0, row(0), columns); store(c1, row(1), columns); store(c2, row(2), columns)
        store(c3, row(3), columns); store(c4, row(4), columns); store(c5, row(5), columns)
        store(c6, row(6), columns)
        if rows > 7 { store(c7, row(7), columns) }
        if rows > 8 { store(c8, row(8), columns) }
        if rows > 9 { store(c9, row(9), columns) }
        if rows > 10 { store(c10, row(10), columns) }
        if rows > 11 { store(c11, row(11), columns) }
    }

    @inline(__always)
    private static func sixRows(depth: Int, a: WideTileA, b: WideTileB, c: UnsafeMutablePointer<Float>, ldc: Int,
                                rows: Int, loadC: Bool) {
        typealias V = SIMD16<Float>
        let columns = b.columns
        @inline(__always) func row(_ r: Int) -> UnsafeMutablePointer<Float> { c + r * ldc }
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V()
        if loadC {
            c0 = load(row(0), columns)
            if rows > 1 { c1 = load(row(1), columns) }
            if rows > 2 { c2 = load(row(2), columns) }
            if rows > 3 { c3 = load(row(3), columns) }
            if rows > 4 { c4 = load(row(4), columns) }
            if rows > 5 { c5 = load(row(5), columns) }
        }
        let rs = a.rowStride, step = a.step, bStep = b.stepBytes
        var up = a.upper, bp = b.base
        for _ in 0..<depth {
            let bv = load(bp, columns)
            c0 = c0.addingProduct(V(repeating: up[0]), bv)
            c1 = c1.addingProduct(V(repeating: up[rs]), bv)
            c2 = c2.addingProduct(V(repeating: up[2 * rs]), bv)
            c3 = c3.addingProduct(V(repeating: up[3 * rs]), bv)
            c4 = c4.addingProduct(V(repeating: up[4 * rs]), bv)
            c5 = c5.addingProduct(V(repeating: up[5 * rs]), bv)
            up += step
            bp += bStep
        }
        store(c0, row(0), columns)
        if rows > 1 { store(c1, row(1), columns) }
        if rows > 2 { store(c2, row(2), columns) }
        if rows > 3 { store(c3, row(3), columns) }
        if rows > 4 { store(c4, row(4), columns) }
        if rows > 5 { store(c5, row(5), columns) }
    }
}
