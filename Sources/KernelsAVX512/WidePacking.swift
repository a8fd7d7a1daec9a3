#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Packing of a transposed GEMM operand with AVX-512: 16×16 blocks are transposed in registers instead of
/// being gathered one float at a time. A linear layer's forward product x·Wᵀ packs all of W for every
/// call, however few rows x has; at batch 64 the one-float gather took longer than the product itself.
public enum WidePacking {
    /// Writes op(B) = Bᵀ for one 16-column strip: for each depth step p < `depth`, the 16 values
    /// B[0…15, p] (rows `ldb` apart) side by side at `packed + 16·p`. A plain copy: no value changes.
    public static func packTransposedStrip(depth: Int, b: UnsafePointer<Float>, ldb: Int,
                                           into packed: UnsafeMutablePointer<Float>) {
        var p = 0
        #if arch(x86_64)
        while p + 16 <= depth {
            transposeBlock(b + p, ldb, packed + 16 * p)
            p += 16
        }
        #endif
        while p < depth {
            for column in 0..<16 { packed[16 * p + column] = b[column * ldb + p] }
            p += 1
        }
    }

    #if arch(x86_64)
    typealias V = SIMD16<Float>
    typealias D = SIMD8<Double>

    /// Lane indices for `_mm512_permutex2var_ps` (0–15 the first operand, 16–31 the second).
    @inline(__always)
    static func indices(_ lanes: SIMD16<Int32>) -> SIMD8<Int64> { unsafeBitCast(lanes, to: SIMD8<Int64>.self) }

    /// out[16·j + i] = source[i·ldb + j] for i, j < 16. Written out value by value so that all 32 vectors
    /// stay in registers (a loop over a scratch array went through the stack, and asked the runtime each
    /// time whether the stack had room).
    @inline(__always)
    static func transposeBlock(_ source: UnsafePointer<Float>, _ ldb: Int, _ out: UnsafeMutablePointer<Float>) {
        @inline(__always) func row(_ i: Int) -> V { UnsafeRawPointer(source + i &* ldb).loadUnaligned(as: V.self) }
        // Pairs of rows interleaved: t(2k) holds rows 2k, 2k+1 at columns 4L, 4L+1 of each 128-bit lane L,
        // t(2k+1) at columns 4L+2, 4L+3.
        @inline(__always) func low(_ x: V, _ y: V) -> D { unsafeBitCast(_mm512_unpacklo_ps(x, y), to: D.self) }
        @inline(__always) func high(_ x: V, _ y: V) -> D { unsafeBitCast(_mm512_unpackhi_ps(x, y), to: D.self) }
        let (r0, r1, r2, r3) = (row(0), row(1), row(2), row(3))
        let (t0, t1, t2, t3) = (low(r0, r1), high(r0, r1), low(r2, r3), high(r2, r3))
        let (r4, r5, r6, r7) = (row(4), row(5), row(6), row(7))
        let (t4, t5, t6, t7) = (low(r4, r5), high(r4, r5), low(r6, r7), high(r6, r7))
        let (r8, r9, r10, r11) = (row(8), row(9), row(10), row(11))
        let (t8, t9, t10, t11) = (low(r8, r9), high(r8, r9), low(r10, r11), high(r10, r11))
        let (r12, r13, r14, r15) = (row(12), row(13), row(14), row(15))
        let (t12, t13, t14, t15) = (low(r12, r13), high(r12, r13), low(r14, r15), high(r14, r15))
        // Quads of rows: u(4g + c) holds rows 4g…4g+3 of column 4L + c in lane L.
        @inline(__always) func quadLow(_ x: D, _ y: D) -> V { unsafeBitCast(_mm512_unpacklo_pd(x, y), to: V.self) }
        @inline(__always) func quadHigh(_ x: D, _ y: D) -> V { unsafeBitCast(_mm512_unpackhi_pd(x, y), to: V.self) }
        let (u0, u1, u2, u3) = (quadLow(t0, t2), quadHigh(t0, t2), quadLow(t1, t3), quadHigh(t1, t3))
        let (u4, u5, u6, u7) = (quadLow(t4, t6), quadHigh(t4, t6), quadLow(t5, t7), quadHigh(t5, t7))
        let (u8, u9, u10, u11) = (quadLow(t8, t10), quadHigh(t8, t10), quadLow(t9, t11), quadHigh(t9, t11))
        let (u12, u13, u14, u15) = (quadLow(t12, t14), quadHigh(t12, t14), quadLow(t13, t15), quadHigh(t13, t15))
        let destination = UnsafeMutableRawPointer(out)
        interleaveQuads(u0, u4, u8, u12, destination, 0)
        interleaveQuads(u1, u5, u9, u13, destination, 1)
        interleaveQuads(u2, u6, u10, u14, destination, 2)
        interleaveQuads(u3, u7, u11, u15, destination, 3)
    }

    /// The last stage of `transposeBlock` for columns 4L + c: lane L of the four row quads side by side.
    @inline(__always)
    static func interleaveQuads(_ a: V, _ b: V, _ c: V, _ d: V, _ destination: UnsafeMutableRawPointer, _ column: Int) {
        let pairLow = indices(SIMD16<Int32>(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23))
        let pairHigh = indices(SIMD16<Int32>(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31))
        let halfLow = indices(SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23))
        let halfHigh = indices(SIMD16<Int32>(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
        let upperLow = _mm512_permutex2var_ps(a, pairLow, b)
        let upperHigh = _mm512_permutex2var_ps(a, pairHigh, b)
        let lowerLow = _mm512_permutex2var_ps(c, pairLow, d)
        let lowerHigh = _mm512_permutex2var_ps(c, pairHigh, d)
        destination.storeBytes(of: _mm512_permutex2var_ps(upperLow, halfLow, lowerLow), toByteOffset: 64 * column, as: V.self)
        destination.storeBytes(of: _mm512_permutex2var_ps(upperLow, halfHigh, lowerLow), toByteOffset: 64 * (4 + column),
                               as: V.self)
        destination.storeBytes(of: _mm512_permutex2var_ps(upperHigh, halfLow, lowerHigh), toByteOffset: 64 * (8 + column),
                               as: V.self)
        destination.storeBytes(of: _mm512_permutex2var_ps(upperHigh, halfHigh, lowerHigh),
                               toByteOffset: 64 * (12 + column), as: V.self)
    }
    #endif
}
