import KernelsAVX512

/// The Philox-4×32-10 counter-based generator (Salmon et al., "Parallel random numbers: as easy as
/// 1, 2, 3", SC 2011): a keyed bijection from a 128-bit counter to 128 random bits.
///
/// Counter-based means position is explicit: the n-th block of a stream is `block(n)`, so a stream can be
/// saved as a number, skipped ahead without drawing, and reproduced on any machine bit for bit.
public struct Philox4x32: Sendable, Equatable {
    /// The 64-bit key, as two 32-bit words.
    public let key: (UInt32, UInt32)
    /// The upper 64 bits of every counter (a second, fixed part of the stream's identity).
    public let counterHigh: (UInt32, UInt32)

    /// A generator for one key and counter prefix.
    public init(key: UInt64, counterHigh: UInt64) {
        self.key = (UInt32(truncatingIfNeeded: key), UInt32(truncatingIfNeeded: key >> 32))
        self.counterHigh = (UInt32(truncatingIfNeeded: counterHigh), UInt32(truncatingIfNeeded: counterHigh >> 32))
    }

    /// The four random words at block `index` (10 rounds).
    public func block(_ index: UInt64) -> SIMD4<UInt32> {
        var c0 = UInt32(truncatingIfNeeded: index), c1 = UInt32(truncatingIfNeeded: index >> 32)
        var c2 = counterHigh.0, c3 = counterHigh.1
        var k0 = key.0, k1 = key.1
        for round in 0..<10 {
            let p0 = UInt64(0xD251_1F53) &* UInt64(c0)
            let p1 = UInt64(0xCD9E_8D57) &* UInt64(c2)
            let (hi0, lo0) = (UInt32(truncatingIfNeeded: p0 >> 32), UInt32(truncatingIfNeeded: p0))
            let (hi1, lo1) = (UInt32(truncatingIfNeeded: p1 >> 32), UInt32(truncatingIfNeeded: p1))
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)
            if round < 9 {
                k0 = k0 &+ 0x9E37_79B9
                k1 = k1 &+ 0xBB67_AE85
            }
        }
        return SIMD4(c0, c1, c2, c3)
    }

    /// Blocks `first`, `first` + 1, … written one after the other (4 words each) into `words`, `blocks` of
    /// them: eight blocks at a time on vector lanes, with exactly the arithmetic of `block`.
    public func fill(blocks: Int, from first: UInt64, into words: UnsafeMutablePointer<UInt32>) {
        typealias W = SIMD8<UInt32>
        typealias Wide = SIMD8<UInt64>
        var done = 0
        if GEMM.usesWideVectors && blocks >= 16 {
            WidePhilox.fill(groups: blocks / 16, from: first, key: key, counterHigh: counterHigh, into: words)
            done = blocks - blocks % 16
        }
        while done + 8 <= blocks {
            let index = Wide(repeating: first &+ UInt64(done)) &+ Wide(0, 1, 2, 3, 4, 5, 6, 7)
            var c0 = W(truncatingIfNeeded: index), c1 = W(truncatingIfNeeded: index &>> 32)
            var c2 = W(repeating: counterHigh.0), c3 = W(repeating: counterHigh.1)
            var k0 = key.0, k1 = key.1
            for round in 0..<10 {
                let p0 = Wide(truncatingIfNeeded: c0) &* 0xD251_1F53
                let p1 = Wide(truncatingIfNeeded: c2) &* 0xCD9E_8D57
                let (hi0, lo0) = (W(truncatingIfNeeded: p0 &>> 32), W(truncatingIfNeeded: p0))
                let (hi1, lo1) = (W(truncatingIfNeeded: p1 &>> 32), W(truncatingIfNeeded: p1))
                (c0, c1, c2, c3) = (hi1 ^ c1 ^ W(repeating: k0), lo1, hi0 ^ c3 ^ W(repeating: k1), lo0)
                if round < 9 {
                    k0 = k0 &+ 0x9E37_79B9
                    k1 = k1 &+ 0xBB67_AE85
                }
            }
            let out = words + 4 * done
            for lane in 0..<8 {
                out[4 * lane] = c0[lane]; out[4 * lane + 1] = c1[lane]
                out[4 * lane + 2] = c2[lane]; out[4 * lane + 3] = c3[lane]
            }
            done += 8
        }
        while done < blocks {
            let words4 = block(first &+ UInt64(done))
            for lane in 0..<4 { words[4 * done + lane] = words4[lane] }
            done += 1
        }
    }

    /// Equality of key and counter prefix.
    public static func == (lhs: Philox4x32, rhs: Philox4x32) -> Bool {
        lhs.key == rhs.key && lhs.counterHigh == rhs.counterHigh
    }
}

/// Our own mappings from random words to floats, identical on every platform and Swift version (the
/// standard library promises neither its bit-to-float mapping nor its shuffles).
public enum RandomTransforms {
    /// Uniform in [0, 1): the top 24 bits of the word times 2⁻²⁴ (every value exactly representable).
    @inline(__always)
    public static func unitInterval(_ word: UInt32) -> Float {
        Float(word >> 8) * 0x1p-24
    }

    /// Uniform in (0, 1]: as `unitInterval` but shifted by one step, so a logarithm is always finite.
    @inline(__always)
    public static func unitIntervalExcludingZero(_ word: UInt32) -> Float {
        Float((word >> 8) + 1) * 0x1p-24
    }

    /// Fills `count` floats uniform in [lower, upper) from `count` words: lower + (upper − lower)·u.
    public static func uniform(_ words: UnsafePointer<UInt32>, lower: Float, upper: Float,
                               into y: UnsafeMutablePointer<Float>, count: Int) {
        let width = upper - lower
        for i in 0..<count { y[i] = lower + width * unitInterval(words[i]) }
    }

    /// Fills `count` standard-normal floats by Box–Muller from `2·⌈count/2⌉` words: each pair (w₁, w₂)
    /// gives r·cos 2πu₂ and r·sin 2πu₂ with r = √(−2 ln u₁), u₁ ∈ (0, 1]. With 24-bit uniforms the
    /// largest |z| is √(48 ln 2) ≈ 5.77, a truncation of probability 8·10⁻⁹.
    public static func standardNormal(_ words: UnsafePointer<UInt32>, into y: UnsafeMutablePointer<Float>, count: Int) {
        let pairs = (count + 1) / 2
        @inline(__always) func normals(_ u1: SIMD8<Float>, _ u2: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
            // vsqrtps: SIMD8.squareRoot() would call libm once per lane (same bits, slower).
            let radius = Elementwise.squareRoot(FastMath.log(u1) * -2)
            let (sine, cosine) = FastMath.sinCosTwoPi(u2)
            return (radius * cosine, radius * sine)
        }
        var pair = 0
        // Eight whole pairs at a time: words split into even and odd lanes, converted on vector lanes
        // (the 24-bit values are exact in Int32 and in Float), results interleaved back.
        while pair + 8 <= pairs && 2 * pair + 16 <= count {
            let both = UnsafeRawPointer(words + 2 * pair).loadUnaligned(as: SIMD16<UInt32>.self) &>> 8
            let u1 = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: both.evenHalf &+ 1)) * 0x1p-24
            let u2 = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: both.oddHalf)) * 0x1p-24
            let (first, second) = normals(u1, u2)
            var interleaved = SIMD16<Float>()
            for lane in 0..<8 {
                interleaved[2 * lane] = first[lane]
                interleaved[2 * lane + 1] = second[lane]
            }
            UnsafeMutableRawPointer(y + 2 * pair).storeBytes(of: interleaved, as: SIMD16<Float>.self)
            pair += 8
        }
        while pair < pairs {
            var u1 = SIMD8<Float>(repeating: 1), u2 = SIMD8<Float>()
            let lanes = Swift.min(8, pairs - pair)
            for lane in 0..<lanes {
                u1[lane] = unitIntervalExcludingZero(words[2 * (pair + lane)])
                u2[lane] = unitInterval(words[2 * (pair + lane) + 1])
            }
            let (first, second) = normals(u1, u2)
            for lane in 0..<lanes {
                let index = 2 * (pair + lane)
                y[index] = first[lane]
                if index + 1 < count { y[index + 1] = second[lane] }
            }
            pair += lanes
        }
    }
}
