#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Where the GEMM micro-kernel reads op(A): element (r, p) of a tile is `base[r·rowStride + p·step]`.
///
/// A packed strip has rowStride 1 and step 8; a transposed A is read in place with rowStride 1 and step
/// lda; a row-major A with rowStride lda and step 1.
public struct WideTileA {
    /// Element (0, 0).
    public var base: UnsafePointer<Float>
    /// Distance between consecutive rows, in floats.
    public var rowStride: Int
    /// Distance between consecutive depth steps, in floats.
    public var step: Int

    /// A tile's A operand.
    @inline(__always)
    public init(base: UnsafePointer<Float>, rowStride: Int, step: Int) {
        (self.base, self.rowStride, self.step) = (base, rowStride, step)
    }
}

/// Where the GEMM micro-kernel reads op(B): per depth step, 16 consecutive floats at `base` and 16 more
/// `secondHalfBytes` further on, steps `stepBytes` apart. Packed 16-column strips have a step of 64 bytes
/// and their second half one strip further; B read in place has its row pitch as step and 64 bytes.
public struct WideTileB {
    /// The first step's first 16 values.
    public var base: UnsafeRawPointer
    /// Distance between consecutive depth steps, in bytes.
    public var stepBytes: Int
    /// Where columns 16–31 are, relative to columns 0–15, in bytes.
    public var secondHalfBytes: Int
    /// Columns of the tile (1…32): no more are read from B, nor read or written in C.
    public var columns: Int

    /// A tile's B operand.
    @inline(__always)
    public init(base: UnsafeRawPointer, stepBytes: Int, secondHalfBytes: Int, columns: Int) {
        (self.base, self.stepBytes, self.secondHalfBytes, self.columns) = (base, stepBytes, secondHalfBytes, columns)
    }
}

/// What the GEMM micro-kernel applies to a finished tile before storing it: a bias per column, then a
/// rectifier (a linear layer's forward pass), with the same IEEE operations as the separate passes.
public struct WideTileEpilogue {
    /// The bias of the tile's first column.
    public var bias: UnsafePointer<Float>
    /// 0: none, 1: ReLU (max(x, 0), NaN kept), 2: leaky ReLU (x ≤ 0 becomes slope·x).
    public var rectifier: Int
    /// The leaky ReLU's slope.
    public var slope: Float

    /// An epilogue.
    @inline(__always)
    public init(bias: UnsafePointer<Float>, rectifier: Int, slope: Float) {
        (self.bias, self.rectifier, self.slope) = (bias, rectifier, slope)
    }

    /// The bias and rectifier applied to one row's vector over `columns` columns starting at `offset`.
    @inline(__always)
    func apply(_ x: SIMD16<Float>, offset: Int, columns: Int) -> SIMD16<Float> {
        let y = x + WideTile.load(UnsafeRawPointer(bias + offset), columns)
        switch rectifier {
        case 1: return y.replacing(with: 0, where: y .<= 0)
        case 2: return y.replacing(with: y * slope, where: y .<= 0)
        default: return y
        }
    }
}

/// The GEMM micro-kernel for processors with AVX-512: a tile of up to 8×32 C elements (two 16-lane vectors
/// per row, 16 accumulators), from A and B read packed or in place.
///
/// Per depth step it loads 2 B vectors and broadcasts 8 A values for 16 fused multiply-adds, so the two
/// FMA pipes, not the loads, set the pace: 270 GFLOP/s on one Zen 5 core against 244 for a 12×16 tile
/// (13 loads per 12 FMAs). This module is compiled for AVX-512 and must only be called after the processor
/// was checked (see `GEMM.usesWideVectors`). It computes every C element as the same sequential fused
/// multiply-add chain over the depth as the AVX2 kernel — only the width of the vectors differs — so its
/// results are bit-identical, and a replay recorded on a machine without AVX-512 matches one with it.
public enum WideTile {
    /// Rows of C per tile.
    public static let rows = 8
    /// Columns of C per tile.
    public static let columns = 32

    /// C[rows × b.columns] (rows ≤ 8) = (loadC ? C : 0) + Σₚ op(A)[·, p]·op(B)[p, ·], C with row stride
    /// `ldc`. All 8 A rows must be readable (pad a partial tile by packing it); only `rows` rows and
    /// `b.columns` columns of C are read and written.
    public static func multiply(depth: Int, a: WideTileA, b: WideTileB, c: UnsafeMutablePointer<Float>, ldc: Int,
                                rows: Int, loadC: Bool, epilogue: WideTileEpilogue? = nil) {
        // Constant strides and widths where they are common, so that the loop keeps no branch and no
        // multiplication; the arithmetic, and so the bits, are the same in every variant. Each variant is
        // a function of its own: inlined together into one caller, they made it too large for the
        // compiler to inline the row stores, which became a call per row with every accumulator spilled.
        let e = epilogue
        switch (b.columns, a.rowStride == 1) {
        case (32, true): tileUnitRowsFull(depth, a, b, c, ldc, rows, loadC, e)
        case (32, false): tileRowsFull(depth, a, b, c, ldc, rows, loadC, e)
        case (17..., true): tileUnitRowsTwoHalves(depth, a, b, c, ldc, rows, loadC, e)
        case (17..., false): tileRowsTwoHalves(depth, a, b, c, ldc, rows, loadC, e)
        case (_, true): tileUnitRowsOneHalf(depth, a, b, c, ldc, rows, loadC, e)
        case (_, false): tileRowsOneHalf(depth, a, b, c, ldc, rows, loadC, e)
        }
    }

    @inline(never)
    private static func tileUnitRowsFull(_ depth: Int, _ a: WideTileA, _ b: WideTileB, _ c: UnsafeMutablePointer<Float>,
                                         _ ldc: Int, _ rows: Int, _ loadC: Bool, _ e: WideTileEpilogue?) {
        tile(depth: depth, a: unitRows(a), b: fullWidth(b), c: c, ldc: ldc,
             rows: rows, loadC: loadC, halves: 2, epilogue: e)
    }

    @inline(never)
    private static func tileRowsFull(_ depth: Int, _ a: WideTileA, _ b: WideTileB, _ c: UnsafeMutablePointer<Float>,
                                     _ ldc: Int, _ rows: Int, _ loadC: Bool, _ e: WideTileEpilogue?) {
        tile(depth: depth, a: rowMajor(a), b: fullWidth(b), c: c, ldc: ldc, rows: rows, loadC: loadC, halves: 2, epilogue: e)
    }

    @inline(never)
    private static func tileUnitRowsTwoHalves(_ depth: Int, _ a: WideTileA, _ b: WideTileB, _ c: UnsafeMutablePointer<Float>,
                                              _ ldc: Int, _ rows: Int, _ loadC: Bool, _ e: WideTileEpilogue?) {
        tile(depth: depth, a: unitRows(a), b: b, c: c, ldc: ldc, rows: rows,
             loadC: loadC, halves: 2, epilogue: e)
    }

    @inline(never)
    private static func tileRowsTwoHalves(_ depth: Int, _ a: WideTileA, _ b: WideTileB, _ c: UnsafeMutablePointer<Float>,
                                          _ ldc: Int, _ rows: Int, _ loadC: Bool, _ e: WideTileEpilogue?) {
        tile(depth: depth, a: rowMajor(a), b: b, c: c, ldc: ldc, rows: rows, loadC: loadC, halves: 2, epilogue: e)
    }

    @inline(never)
    private static func tileUnitRowsOneHalf(_ depth: Int, _ a: WideTileA, _ b: WideTileB, _ c: UnsafeMutablePointer<Float>,
                                            _ ldc: Int, _ rows: Int, _ loadC: Bool, _ e: WideTileEpilogue?) {
        tile(depth: depth, a: unitRows(a), b: b, c: c, ldc: ldc, rows: rows,
             loadC: loadC, halves: 1, epilogue: e)
    }

    @inline(never)
    private static func tileRowsOneHalf(_ depth: Int, _ a: WideTileA, _ b: WideTileB, _ c: UnsafeMutablePointer<Float>,
                                        _ ldc: Int, _ rows: Int, _ loadC: Bool, _ e: WideTileEpilogue?) {
        tile(depth: depth, a: rowMajor(a), b: b, c: c, ldc: ldc, rows: rows, loadC: loadC, halves: 1, epilogue: e)
    }

    /// `a` with its row stride fixed at 1 (packed, or transposed and read in place).
    @inline(__always)
    private static func unitRows(_ a: WideTileA) -> WideTileA { WideTileA(base: a.base, rowStride: 1, step: a.step) }

    /// `a` with its depth step fixed at 1: A is only read with a row stride other than 1 when it is a
    /// row-major matrix read in place.
    @inline(__always)
    private static func rowMajor(_ a: WideTileA) -> WideTileA { WideTileA(base: a.base, rowStride: a.rowStride, step: 1) }

    /// `b` with its column count fixed at 32, so that the loads and stores need no mask.
    @inline(__always)
    private static func fullWidth(_ b: WideTileB) -> WideTileB {
        WideTileB(base: b.base, stepBytes: b.stepBytes, secondHalfBytes: b.secondHalfBytes, columns: 32)
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
    static func store(_ v: SIMD16<Float>, _ p: UnsafeMutableRawPointer, _ columns: Int) {
        if columns >= 16 { p.storeBytes(of: v, as: SIMD16<Float>.self); return }
        #if arch(x86_64)
        _mm512_mask_storeu_ps(p, mask(columns), v)
        #else
        for lane in 0..<columns { p.storeBytes(of: v[lane], toByteOffset: 4 * lane, as: Float.self) }
        #endif
    }

    /// The tile with one (columns ≤ 16) or two vectors per row.
    @inline(__always)
    private static func tile(depth: Int, a: WideTileA, b: WideTileB, c: UnsafeMutablePointer<Float>, ldc: Int,
                             rows: Int, loadC: Bool, halves: Int, epilogue: WideTileEpilogue?) {
        typealias V = SIMD16<Float>
        let first = min(b.columns, 16), second = b.columns - 16
        @inline(__always) func row(_ r: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(c + r * ldc) }
        var c0 = V(), c1 = V(), c2 = V(), c3 = V(), c4 = V(), c5 = V(), c6 = V(), c7 = V()
        var d0 = V(), d1 = V(), d2 = V(), d3 = V(), d4 = V(), d5 = V(), d6 = V(), d7 = V()
        if loadC {
            @inline(__always) func get(_ r: Int) -> (V, V) {
                guard r < rows else { return (V(), V()) }
                return (load(row(r), first), halves == 2 ? load(row(r) + 64, second) : V())
            }
            (c0, d0) = get(0); (c1, d1) = get(1); (c2, d2) = get(2); (c3, d3) = get(3)
            (c4, d4) = get(4); (c5, d5) = get(5); (c6, d6) = get(6); (c7, d7) = get(7)
        }
        let rs = a.rowStride, step = a.step, bStep = b.stepBytes, half = b.secondHalfBytes
        // One pointer per A row, indexed by the depth step: written as one pointer with offsets k·rs, the
        // compiler chained the eight addresses through seven dependent additions per step, which took as
        // long as the 16 multiply-adds they fed.
        let a0 = a.base, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs, a6 = a5 + rs, a7 = a6 + rs
        var bp = b.base
        if halves == 2 {
            for p in 0..<depth {
                let b0 = load(bp, first), b1 = load(bp + half, second), q = p * step
                var x = V(repeating: a0[q]); c0 = c0.addingProduct(x, b0); d0 = d0.addingProduct(x, b1)
                x = V(repeating: a1[q]); c1 = c1.addingProduct(x, b0); d1 = d1.addingProduct(x, b1)
                x = V(repeating: a2[q]); c2 = c2.addingProduct(x, b0); d2 = d2.addingProduct(x, b1)
                x = V(repeating: a3[q]); c3 = c3.addingProduct(x, b0); d3 = d3.addingProduct(x, b1)
                x = V(repeating: a4[q]); c4 = c4.addingProduct(x, b0); d4 = d4.addingProduct(x, b1)
                x = V(repeating: a5[q]); c5 = c5.addingProduct(x, b0); d5 = d5.addingProduct(x, b1)
                x = V(repeating: a6[q]); c6 = c6.addingProduct(x, b0); d6 = d6.addingProduct(x, b1)
                x = V(repeating: a7[q]); c7 = c7.addingProduct(x, b0); d7 = d7.addingProduct(x, b1)
                bp += bStep
            }
        } else {
            for p in 0..<depth {
                let b0 = load(bp, first), q = p * step
                c0 = c0.addingProduct(V(repeating: a0[q]), b0)
                c1 = c1.addingProduct(V(repeating: a1[q]), b0)
                c2 = c2.addingProduct(V(repeating: a2[q]), b0)
                c3 = c3.addingProduct(V(repeating: a3[q]), b0)
                c4 = c4.addingProduct(V(repeating: a4[q]), b0)
                c5 = c5.addingProduct(V(repeating: a5[q]), b0)
                c6 = c6.addingProduct(V(repeating: a6[q]), b0)
                c7 = c7.addingProduct(V(repeating: a7[q]), b0)
                bp += bStep
            }
        }
        // Written out row by row with a static function: a capturing closure here was compiled as a call
        // per row, with every accumulator spilled to the stack around it.
        let e = epilogue
        storeRow(c0, d0, row(0), first: first, second: second, halves: halves, epilogue: e)
        if rows > 1 { storeRow(c1, d1, row(1), first: first, second: second, halves: halves, epilogue: e) }
        if rows > 2 { storeRow(c2, d2, row(2), first: first, second: second, halves: halves, epilogue: e) }
        if rows > 3 { storeRow(c3, d3, row(3), first: first, second: second, halves: halves, epilogue: e) }
        if rows > 4 { storeRow(c4, d4, row(4), first: first, second: second, halves: halves, epilogue: e) }
        if rows > 5 { storeRow(c5, d5, row(5), first: first, second: second, halves: halves, epilogue: e) }
        if rows > 6 { storeRow(c6, d6, row(6), first: first, second: second, halves: halves, epilogue: e) }
        if rows > 7 { storeRow(c7, d7, row(7), first: first, second: second, halves: halves, epilogue: e) }
    }

    /// One finished row of a tile: the epilogue if any, then the first `first` and (with two halves) the
    /// next `second` columns stored.
    @_transparent
    private static func storeRow(_ x: SIMD16<Float>, _ y: SIMD16<Float>, _ p: UnsafeMutableRawPointer, first: Int,
                                 second: Int, halves: Int, epilogue: WideTileEpilogue?) {
        if let epilogue {
            store(epilogue.apply(x, offset: 0, columns: first), p, first)
            if halves == 2 { store(epilogue.apply(y, offset: 16, columns: second), p + 64, second) }
            return
        }
        store(x, p, first)
        if halves == 2 { store(y, p + 64, second) }
    }
}
