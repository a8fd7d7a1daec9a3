#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Philox-4×32-10 blocks sixteen at a time for processors with AVX-512: the same integer arithmetic as the
/// 8-lane generator in `Kernels` (so the same words), with 16 counters per vector. Drawing the noise and
/// data batches of a small GAN took about 2 % of its training step on 8 lanes.
public enum WidePhilox {
    /// Blocks `first` … `first + 16·groups − 1` of the generator keyed by `key` with counter prefix
    /// `counterHigh`, four words each, one after the other at `words`.
    public static func fill(groups: Int, from first: UInt64, key: (UInt32, UInt32), counterHigh: (UInt32, UInt32),
                            into words: UnsafeMutablePointer<UInt32>) {
        #if arch(x86_64)
        typealias W = SIMD16<UInt32>
        typealias Q = SIMD8<Int64>
        @inline(__always) func q(_ x: W) -> Q { unsafeBitCast(x, to: Q.self) }
        @inline(__always) func w(_ x: Q) -> W { unsafeBitCast(x, to: W.self) }
        let multiplier0 = q(W(repeating: 0xD251_1F53)), multiplier1 = q(W(repeating: 0xCD9E_8D57))
        let oddLanes: UInt16 = 0xAAAA
        /// The high and low words of x·m per 32-bit lane: vpmuludq multiplies the even lanes, and the odd
        /// ones after a shift down; the halves are then blended back into lane order.
        @inline(__always) func multiply(_ x: W, _ m: Q) -> (high: W, low: W) {
            let even = _mm512_mul_epu32(q(x), m)
            let odd = _mm512_mul_epu32(_mm512_srli_epi64(q(x), 32), m)
            let high = _mm512_mask_blend_epi32(oddLanes, _mm512_srli_epi64(even, 32), odd)
            let low = _mm512_mask_blend_epi32(oddLanes, even, _mm512_slli_epi64(odd, 32))
            return (w(high), w(low))
        }
        @inline(__always) func indices(_ lanes: SIMD16<Int32>) -> Q { unsafeBitCast(lanes, to: Q.self) }
        // Words of blocks 0…7 and 8…15 of two counters interleaved, then of all four.
        let pairLow = indices(SIMD16(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23))
        let pairHigh = indices(SIMD16(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31))
        let quadFirst = indices(SIMD16(0, 1, 16, 17, 2, 3, 18, 19, 4, 5, 20, 21, 6, 7, 22, 23))
        let quadSecond = indices(SIMD16(8, 9, 24, 25, 10, 11, 26, 27, 12, 13, 28, 29, 14, 15, 30, 31))
        let lanes = SIMD16<UInt64>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
        for group in 0..<groups {
            let index = SIMD16<UInt64>(repeating: first &+ UInt64(16 * group)) &+ lanes
            var c0 = W(truncatingIfNeeded: index), c1 = W(truncatingIfNeeded: index &>> 32)
            var c2 = W(repeating: counterHigh.0), c3 = W(repeating: counterHigh.1)
            var k0 = key.0, k1 = key.1
            for round in 0..<10 {
                let (hi0, lo0) = multiply(c0, multiplier0)
                let (hi1, lo1) = multiply(c2, multiplier1)
                (c0, c1, c2, c3) = (hi1 ^ c1 ^ W(repeating: k0), lo1, hi0 ^ c3 ^ W(repeating: k1), lo0)
                if round < 9 {
                    k0 = k0 &+ 0x9E37_79B9
                    k1 = k1 &+ 0xBB67_AE85
                }
            }
            let c01Low = _mm512_permutex2var_epi32(q(c0), pairLow, q(c1))
            let c01High = _mm512_permutex2var_epi32(q(c0), pairHigh, q(c1))
            let c23Low = _mm512_permutex2var_epi32(q(c2), pairLow, q(c3))
            let c23High = _mm512_permutex2var_epi32(q(c2), pairHigh, q(c3))
            let out = UnsafeMutableRawPointer(words + 64 * group)
            out.storeBytes(of: _mm512_permutex2var_epi32(c01Low, quadFirst, c23Low), toByteOffset: 0, as: Q.self)
            out.storeBytes(of: _mm512_permutex2var_epi32(c01Low, quadSecond, c23Low), toByteOffset: 64, as: Q.self)
            out.storeBytes(of: _mm512_permutex2var_epi32(c01High, quadFirst, c23High), toByteOffset: 128, as: Q.self)
            out.storeBytes(of: _mm512_permutex2var_epi32(c01High, quadSecond, c23High), toByteOffset: 192, as: Q.self)
        }
        #else
        preconditionFailure("WidePhilox needs an x86-64 processor with AVX-512")
        #endif
    }
}
