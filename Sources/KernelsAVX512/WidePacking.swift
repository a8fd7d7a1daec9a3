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

    /// out[16·j + i] = source[i·ldb + j] for i, j < 16.
    @inline(__always)
    static func transposeBlock(_ source: UnsafePointer<Float>, _ ldb: Int, _ out: UnsafeMutablePointer<Float>) {
        @inline(__always) func row(_ i: Int) -> V { UnsafeRawPointer(source + i * ldb).loadUnaligned(as: V.self) }
        // Stack scratch (register pressure would spill 32 live vectors anyway); store-forwarding keeps it cheap.
        withUnsafeTemporaryAllocation(of: V.self, capacity: 32) { scratch in
            let t = scratch.baseAddress!, u = t + 16
            // Pairs of rows interleaved: t[2k] holds rows 2k, 2k+1 at columns 4L, 4L+1 of each 128-bit lane
            // L, t[2k+1] at columns 4L+2, 4L+3.
            for k in 0..<8 {
                let (r0, r1) = (row(2 * k), row(2 * k + 1))
                t[2 * k] = _mm512_unpacklo_ps(r0, r1)
                t[2 * k + 1] = _mm512_unpackhi_ps(r0, r1)
            }
            // Quads of rows: u[4g + c] holds rows 4g…4g+3 of column 4L + c in lane L.
            for g in 0..<4 {
                let (a, b) = (unsafeBitCast(t[4 * g], to: D.self), unsafeBitCast(t[4 * g + 2], to: D.self))
                let (c, d) = (unsafeBitCast(t[4 * g + 1], to: D.self), unsafeBitCast(t[4 * g + 3], to: D.self))
                u[4 * g] = unsafeBitCast(_mm512_unpacklo_pd(a, b), to: V.self)
                u[4 * g + 1] = unsafeBitCast(_mm512_unpackhi_pd(a, b), to: V.self)
                u[4 * g + 2] = unsafeBitCast(_mm512_unpacklo_pd(c, d), to: V.self)
                u[4 * g + 3] = unsafeBitCast(_mm512_unpackhi_pd(c, d), to: V.self)
            }
            interleaveQuads(u, out)
        }
    }

    /// The last stage of `transposeBlock`: whole 128-bit lanes gathered from the four row quads.
    @inline(__always)
    static func interleaveQuads(_ u: UnsafeMutablePointer<V>, _ out: UnsafeMutablePointer<Float>) {
        // Column 4L + c is lane L of u[c], u[4 + c], u[8 + c], u[12 + c], in that order.
        let pairLow = indices(SIMD16<Int32>(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23))
        let pairHigh = indices(SIMD16<Int32>(8, 9, 10, 11, 24, 25, 26, 27, 12, 13, 14, 15, 28, 29, 30, 31))
        let halfLow = indices(SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23))
        let halfHigh = indices(SIMD16<Int32>(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
        let destination = UnsafeMutableRawPointer(out)
        for c in 0..<4 {
            let upperLow = _mm512_permutex2var_ps(u[c], pairLow, u[4 + c])
            let upperHigh = _mm512_permutex2var_ps(u[c], pairHigh, u[4 + c])
            let lowerLow = _mm512_permutex2var_ps(u[8 + c], pairLow, u[12 + c])
            let lowerHigh = _mm512_permutex2var_ps(u[8 + c], pairHigh, u[12 + c])
            destination.storeBytes(of: _mm512_permutex2var_ps(upperLow, halfLow, lowerLow),
                                   toByteOffset: 64 * c, as: V.self)
            destination.storeBytes(of: _mm512_permutex2var_ps(upperLow, halfHigh, lowerLow),
                                   toByteOffset: 64 * (4 + c), as: V.self)
            destination.storeBytes(of: _mm512_permutex2var_ps(upperHigh, halfLow, lowerHigh),
                                   toByteOffset: 64 * (8 + c), as: V.self)
            destination.storeBytes(of: _mm512_permutex2var_ps(upperHigh, halfHigh, lowerHigh),
                                   toByteOffset: 64 * (12 + c), as: V.self)
        }
    }
    #endif
}
