/// Gantry's own elementary functions — exp, log, tanh, sigmoid and sin/cos of 2πu — on one `Float`, on
/// `SIMD8<Float>` and on buffers, with the same bits in all three forms.
///
/// Why our own: glibc's `tanhf` costs ~11 ns per element and the bits of any libm may change between library
/// versions, while Gantry promises bit-identical numbers on every x86-64 CPU with AVX2 + FMA. Every function here
/// uses only operations IEEE 754 defines exactly (+, −, ×, ÷, fused multiply-add, rounding to an integer,
/// comparisons, selects and bit manipulation), always in the same order, so a lane's result depends on nothing but
/// its input: not on the CPU, the thread count, the buffer length or the lane position. Swift never contracts
/// `a * b + c` into an FMA on its own, so the only fused operations are the explicit `addingProduct` calls.
///
/// How the code is vectorised (measured on 256×512 floats, one thread, see `gantry-bench --only math-accuracy`):
/// each algorithm is written once, branch-free, on one `Float` lane (the scalar functions below). The buffer kernels
/// are plain loops of that lane code, which LLVM's loop vectoriser turns into AVX2 code 8 lanes at a time
/// (`vfmadd…ps`, `vroundps`, `vblendvps`, `vdivps`): exp 0.35, log 0.42, tanh 0.56, sigmoid 0.62, sinCos 0.41
/// ns/element, against glibc's 3.5–4 (expf, logf) and ~15 (tanhf). The `SIMD8` functions run the same lane code
/// over the 8 floats of the vector; they give exactly the same bits, but their speed is up to LLVM's SLP
/// vectoriser, which rebuilds vectors from per-lane code only partly for chains this long (0.8–4 ns/element when
/// called in a loop). The same holds for the algorithm written with `SIMD8` operators (`addingProduct`,
/// `.replacing(with:where:)`, masks): the standard library implements them lane by lane, and that form measured
/// 1.2–3 ns/element. So: for more than a handful of values, call the buffer kernels.
///
/// Polynomial coefficients are float32-rounded discrete minimax fits (a linear program on ~6000 Chebyshev
/// points, weighted for relative error) made offline by `scripts/fastmath-coefficients.py`; the script prints the
/// hexadecimal literals used below. Maximum errors in the doc comments were measured by sweeping all 2³² float
/// inputs through the buffer kernels (`FastMathAudit`, `gantry-bench --only math-accuracy`) against glibc's double
/// precision functions; an "ulp" is the spacing of floats at the true result (see `FastMathAudit.floatULP`).
public enum FastMath {
    // MARK: - Shared constants and bit helpers

    /// ln 2 as float (hi, 24 bits) plus the float nearest to the rest (lo): together ~48 bits.
    /// (Computed properties, not stored `static let`s, so that inlined code sees plain constants.)
    @inlinable static var ln2Hi: Float { 0x1.62e43p-1 }
    @inlinable static var ln2Lo: Float { -0x1.05c61p-29 }
    /// 1.5 · 2²³: adding it to an integer-valued float with |k| < 2²² puts k in the low mantissa bits.
    @inlinable static var integerMagic: Float { 0x1.8p23 }
    @inlinable static var integerMagicBits: Int32 { 0x4B40_0000 }

    /// The Int32 value of an integer-valued float with |k| < 2²² (exact: the sum with 1.5·2²³ is exact).
    /// Bit arithmetic instead of a conversion instruction, so NaN or huge lanes produce garbage, never a trap.
    @inlinable @inline(__always)
    static func integerBits(_ k: Float) -> Int32 {
        Int32(bitPattern: (k + integerMagic).bitPattern) &- integerMagicBits
    }

    /// An Int32 with |n| < 2²² as a float (exact), by the same bit trick in reverse.
    @inlinable @inline(__always)
    static func floatValue(_ n: Int32) -> Float {
        Float(bitPattern: UInt32(bitPattern: n &+ integerMagicBits)) - integerMagic
    }

    /// 2ⁿ for integers −126 ≤ n ≤ 127, built directly in the exponent field.
    @inlinable @inline(__always)
    static func powerOfTwo(_ n: Int32) -> Float {
        Float(bitPattern: UInt32(bitPattern: (n &+ 127) &<< 23))
    }

    /// Runs the lane function `body` on all 8 lanes of `x` (through memory, which LLVM vectorises somewhat better
    /// than lane-by-lane `SIMD8` subscripts; see the type's documentation for what that costs).
    @inlinable @inline(__always)
    static func eachLane(_ x: SIMD8<Float>, _ body: (Float) -> Float) -> SIMD8<Float> {
        var vector = x
        withUnsafeMutablePointer(to: &vector) { pointer in
            pointer.withMemoryRebound(to: Float.self, capacity: 8) { lane in
                for i in 0..<8 { lane[i] = body(lane[i]) }
            }
        }
        return vector
    }

    // MARK: - exp

    /// eˣ for one float; every lane of the `SIMD8` and buffer forms computes exactly this.
    ///
    /// Cody–Waite reduction: k = round(x·log₂e), r₁ = x − k·ln2_hi (exact: a single FMA whose exact result is a
    /// float), c = −k·ln2_lo, so x = k·ln2 + r₁ + c with |r₁ + c| ≤ ln2/2 (+ a hair, when the rounded product
    /// picks the neighbouring k). Then eʳ = 1 + (r₁ + (c + r²·Q(r))) with a degree-4 minimax Q: the big term r₁ is
    /// exact and the correction c joins before anything is rounded at r₁'s scale, so only the last two additions
    /// cost noticeable rounding. The result is scaled by 2ᵏ = 2^⌊k/2⌋ · 2^(k−⌊k/2⌋): both factors are normal for
    /// every k the clamped input can produce, the first product is exact, and the second rounds once — so overflow
    /// gives +∞ and gradual underflow rounds the subnormal result correctly (given the polynomial value).
    ///
    /// Special values: exp(±0) = 1, exp(+∞) = +∞, exp(−∞) = +0, NaN → NaN; x ≥ 88.72284 overflows to +∞,
    /// x ≤ −103.97208 gives +0.
    ///
    /// Measured over all 2³² inputs: max error **0.875 ulp** (at x = 15.59662, 0x41798bc1), subnormal results
    /// included (in units of the smallest subnormal); no special-value mismatch; monotone non-decreasing over all
    /// consecutive floats.
    @inlinable @inline(__always)
    public static func exp(_ x: Float) -> Float {
        // Clamp far outside the finite range so k stays small; NaN compares false and passes through.
        let xc = x < -110 ? -110 : (x > 100 ? 100 : x)
        let k = (xc * 0x1.715476p+0).rounded(.toNearestOrEven)
        let r1 = xc.addingProduct(k, -ln2Hi)  // exact
        let c = k * -ln2Lo
        let r = r1 + c
        // Q(r) ≈ (eʳ − 1 − r)/r² on |r| ≤ ln2/2 · (1 + 2⁻¹⁴); relative error of 1 + r + r²Q: 3.8e-9.
        var q: Float = 0x1.6a243ep-10
        q = Float(0x1.1239dcp-7).addingProduct(q, r)
        q = Float(0x1.5558f2p-5).addingProduct(q, r)
        q = Float(0x1.555492p-3).addingProduct(q, r)
        q = Float(0x1.fffffcp-2).addingProduct(q, r)
        let tail = c.addingProduct(r * r, q)
        let p = 1 + (r1 + tail)
        let n = integerBits(k)
        let half = n &>> 1
        return p * powerOfTwo(half) * powerOfTwo(n &- half)
    }

    /// eˣ for each lane (exactly `exp(_: Float)` per lane). Max error and special values: see `exp(_: Float)`.
    @inlinable @inline(__always)
    public static func exp(_ x: SIMD8<Float>) -> SIMD8<Float> { eachLane(x) { exp($0) } }

    // MARK: - log

    /// The natural logarithm of one float; every lane of the `SIMD8` and buffer forms computes exactly this.
    ///
    /// x = 2ᵉ·m with m ∈ [√½, √2) read from the bits (subnormal x is first scaled by 2²³, exactly), f = m − 1
    /// (exact), log(1 + f) = f − f²/2 + f³·P(f) with a degree-7 minimax P, and e·ln2 added last as ln2_hi in a
    /// fused multiply-add (one rounding) after ln2_lo has joined the small terms. Near x = 1 (e = 0) the result is
    /// f plus small corrections, so the relative error stays small however close x is to 1.
    ///
    /// Special values: log(±0) = −∞, log(x < 0) = NaN, log(−∞) = NaN, log(+∞) = +∞, log(1) = +0, NaN → NaN.
    ///
    /// Measured over all 2³² inputs: max error **0.861 ulp** (at x = 1.3982602, 0x3fb2fa31), i.e. a relative
    /// error below 0.861·2⁻²³ everywhere, including next to x = 1 (absolute: at most 3.8e-6, at the largest
    /// results, where one ulp is 7.6e-6); no special-value mismatch; monotone over all consecutive floats.
    @inlinable @inline(__always)
    public static func log(_ x: Float) -> Float {
        let subnormal = x < 0x1p-126
        let scaled = x * 0x1p23
        let xs = subnormal ? scaled : x
        // Move the exponent boundary from m = 2 to m = √2: adding (1.0 − √½) in bit space carries into the
        // exponent exactly when the mantissa of x is ≥ that of √2 (0x3fb504f3).
        let shifted = Int32(bitPattern: xs.bitPattern) &+ (0x3F80_0000 - 0x3F35_04F3)
        let bias: Int32 = subnormal ? 127 + 23 : 127
        let e = (shifted &>> 23) &- bias
        let m = Float(bitPattern: UInt32(bitPattern: (shifted & 0x007F_FFFF) &+ 0x3F35_04F3))
        let f = m - 1  // exact (Sterbenz)
        let ef = floatValue(e)
        // P(f) ≈ (log1p(f) − f + f²/2)/f³ on [√½ − 1, √2 − 1]; relative error of the whole series: 6.4e-9.
        var p: Float = -0x1.38b588p-4
        p = Float(0x1.055b6cp-3).addingProduct(p, f)
        p = Float(-0x1.0d854p-3).addingProduct(p, f)
        p = Float(0x1.22da1cp-3).addingProduct(p, f)
        p = Float(-0x1.547244p-3).addingProduct(p, f)
        p = Float(0x1.99a008p-3).addingProduct(p, f)
        p = Float(-0x1.000226p-2).addingProduct(p, f)
        p = Float(0x1.555554p-2).addingProduct(p, f)
        let z = f * f
        var y = (ef * ln2Lo).addingProduct(z * f, p)
        y = y.addingProduct(z, -0.5)
        let result = (f + y).addingProduct(ef, ln2Hi)
        // Outside (0, +∞): ±0 gives −∞, negatives NaN, +∞ and NaN give x + x (+∞, or a quiet NaN). Every
        // candidate is computed first and then selected, so the selects stay branch-free.
        let zeroOrNegative: Float = x == 0 ? -.infinity : .nan
        let finite = x > 0 ? result : zeroOrNegative
        let doubled = x + x
        return x < .infinity ? finite : doubled
    }

    /// The natural logarithm of each lane (exactly `log(_: Float)` per lane); see `log(_: Float)`.
    @inlinable @inline(__always)
    public static func log(_ x: SIMD8<Float>) -> SIMD8<Float> { eachLane(x) { log($0) } }

    // MARK: - tanh

    /// The hyperbolic tangent of one float; every lane of the `SIMD8` and buffer forms computes exactly this.
    ///
    /// Computed on a = |x| and given x's sign bit at the end, so tanh is exactly odd and tanh(±0) = ±0.
    /// For a < 0.625: a + a³·T(a²), a degree-5 minimax polynomial in a², which returns a itself for tiny and
    /// subnormal a. From 0.625 on: 1 − 2/(e^{2a} + 1) with our `exp`; every step of that formula is monotone, and
    /// for large a it reaches exactly 1 (and e^{2a} = +∞ gives 2/∞ = 0).
    ///
    /// Special values: tanh(±0) = ±0, tanh(±∞) = ±1, NaN → NaN.
    ///
    /// Measured over all 2³² inputs: max error **1.324 ulp** (at x = ±0.6271159, 0x3f208aab, just above the
    /// switch to the exp formula); absolute error at most 7.9e-8; no special-value mismatch; monotone over all
    /// consecutive floats, across the 0.625 seam too.
    @inlinable @inline(__always)
    public static func tanh(_ x: Float) -> Float {
        let bits = x.bitPattern
        let a = Float(bitPattern: bits & 0x7FFF_FFFF)
        let z = a * a
        // T(z) ≈ (tanh(a) − a)/a³ with z = a², a ≤ 0.625; relative error of a + a³T: 2.7e-9.
        var t: Float = 0x1.18e1cep-9
        t = Float(-0x1.0bf4f8p-7).addingProduct(t, z)
        t = Float(0x1.638b58p-6).addingProduct(t, z)
        t = Float(-0x1.b9ee9p-5).addingProduct(t, z)
        t = Float(0x1.111066p-3).addingProduct(t, z)
        t = Float(-0x1.555554p-2).addingProduct(t, z)
        let small = a.addingProduct(a * z, t)
        let large = 1 - 2 / (exp(a + a) + 1)
        let magnitude = a < 0.625 ? small : large
        return Float(bitPattern: magnitude.bitPattern | (bits & 0x8000_0000))
    }

    /// The hyperbolic tangent of each lane (exactly `tanh(_: Float)` per lane); see `tanh(_: Float)`.
    @inlinable @inline(__always)
    public static func tanh(_ x: SIMD8<Float>) -> SIMD8<Float> { eachLane(x) { tanh($0) } }

    // MARK: - sigmoid

    /// The logistic function 1/(1 + e⁻ˣ) of one float: with e = e^−|x| (our `exp`, so nothing overflows) and
    /// n = 1 for x > 0, n = e otherwise, the quotient n/(1 + e) with the rounding of 1 + e compensated.
    ///
    /// Plain n/d with d = fl(1 + e) is not monotone for x < 0: d moves on the coarse grid of [1, 2), so when e
    /// steps up one ulp, d can jump relatively further and e/d come out one ulp lower (196 740 such pairs).
    /// Here d + δ = 1 + e exactly (δ = (1 − d) + e, exact because 1 ≥ e), the division's remainder
    /// r = n − q·d is exact with one FMA, and n/(d + δ) ≈ q + (r − q·δ)/d to well below an ulp.
    ///
    /// Special values: sigmoid(±0) = 0.5, sigmoid(+∞) = 1, sigmoid(−∞) = +0, NaN → NaN; tiny results keep their
    /// relative accuracy down into the subnormals.
    ///
    /// Measured over all 2³² inputs: max error **1.480 ulp** (at x = −4.846455, 0xc09b1629), absolute error at most
    /// 4.6e-8; monotone everywhere (no decreasing pair of consecutive floats); no special-value mismatch.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: Float) -> Float {
        let positive = x > 0
        let e = exp(positive ? -x : x)
        let d = 1 + e
        let delta = (1 - d) + e
        let numerator: Float = positive ? 1 : e
        let q = numerator / d
        let remainder = numerator.addingProduct(-q, d)
        return q + (remainder - q * delta) / d
    }

    /// The logistic sigmoid of each lane (exactly `sigmoid(_: Float)` per lane); see `sigmoid(_: Float)`.
    @inlinable @inline(__always)
    public static func sigmoid(_ x: SIMD8<Float>) -> SIMD8<Float> { eachLane(x) { sigmoid($0) } }

    // MARK: - sin and cos of 2πu

    /// sin(2πu) and cos(2πu) for one float, meant for u in [0, 1) (Box–Muller normal draws); every lane of the
    /// `SIMD8` and buffer forms computes exactly this.
    ///
    /// The reduction is exact: v = 4u, q = round(v), t = v − q ∈ [−½, ½] (all exact), so 2πu = (π/2)·q + (π/2)·t
    /// with no rounding at all; the quadrant q mod 4 picks and negates sin((π/2)t) = t·S(t²) and
    /// cos((π/2)t) = 1 + t²·C(t²) (minimax; the leading coefficients π/2 and −π²/8 are carried as hi + lo).
    /// Because the reduction is exact, results stay relatively accurate even where sin or cos is near zero.
    /// Works for any finite u (|4u| < 2¹²⁸); ±∞ and NaN give NaN. Exact zeros come out as +0.
    ///
    /// Measured over all 1 065 353 216 floats in [0, 1): max absolute error **5.41e-8** for both (sin 5.40e-8,
    /// cos 5.41e-8); relative to the true value, sin at most **1.049 ulp** (at a subnormal u, in units of the
    /// smallest subnormal; 1.0 ulp elsewhere) and cos at most **0.907 ulp** (at u = 0.11564127). Quadrant points
    /// are exact: (sin, cos)(2π·{0, ¼, ½, ¾}) = (0, 1), (1, 0), (0, −1), (−1, 0).
    @inlinable @inline(__always)
    public static func sinCosTwoPi(_ u: Float) -> (sin: Float, cos: Float) {
        let v = u * 4
        let q = v.rounded(.toNearestOrEven)
        let t = v - q
        // q mod 4 in {0, 1, 2, 3}, exactly, for any finite q (every step is exact).
        let quadrant = integerBits(q - 4 * (q * 0.25).rounded(.down))
        let z = t * t
        // S(z) ≈ sin((π/2)t)/t and C(z) ≈ (cos((π/2)t) − 1)/t² on |t| ≤ ½; relative errors 8.5e-9 and 6e-10.
        var s: Float = -0x1.2d9302p-8
        s = Float(0x1.465e92p-4).addingProduct(s, z)
        s = Float(-0x1.4abbbap-1).addingProduct(s, z)
        s = Float(-0x1.a32be6p-25).addingProduct(s, z)  // lo part of S(0) ≈ π/2
        let sinT = (t * s).addingProduct(t, 0x1.921fb6p+0)
        var c: Float = 0x1.d9d57cp-11
        c = Float(-0x1.55c5ep-6).addingProduct(c, z)
        c = Float(0x1.03c1dep-2).addingProduct(c, z)
        c = Float(-0x1.ee0e8p-26).addingProduct(c, z)  // lo part of C(0) ≈ −π²/8
        let cosT = 1 + (z * c).addingProduct(z, -0x1.3bd3ccp+0)
        let swap = quadrant & 1 != 0
        let sinV = swap ? cosT : sinT
        let cosV = swap ? sinT : cosT
        // sin is negative in quadrants 2 and 3, cos in 1 and 2: flip the sign bit.
        let sinSign = UInt32(bitPattern: quadrant & 2) &<< 30
        let cosSign = UInt32(bitPattern: (quadrant &+ 1) & 2) &<< 30
        // −0 + 0 = +0 in round-to-nearest; every other value is unchanged.
        return (Float(bitPattern: sinV.bitPattern ^ sinSign) + 0, Float(bitPattern: cosV.bitPattern ^ cosSign) + 0)
    }

    /// sin(2πu) and cos(2πu) for each lane (exactly `sinCosTwoPi(_: Float)` per lane); see that function.
    @inlinable @inline(__always)
    public static func sinCosTwoPi(_ u: SIMD8<Float>) -> (sin: SIMD8<Float>, cos: SIMD8<Float>) {
        var sines = u
        var cosines = u
        withUnsafeMutablePointer(to: &sines) { sinPointer in
            withUnsafeMutablePointer(to: &cosines) { cosPointer in
                sinPointer.withMemoryRebound(to: Float.self, capacity: 8) { sinLane in
                    cosPointer.withMemoryRebound(to: Float.self, capacity: 8) { cosLane in
                        for i in 0..<8 {
                            let r = sinCosTwoPi(sinLane[i])
                            sinLane[i] = r.sin
                            cosLane[i] = r.cos
                        }
                    }
                }
            }
        }
        return (sines, cosines)
    }

    // MARK: - Buffer kernels
    //
    // The lane functions applied to `count` contiguous floats.
    //
    // Each kernel is a plain loop of the scalar lane function, which LLVM's loop vectoriser turns into AVX2 code
    // eight lanes at a time (measured: exp 0.35 ns/element on 256×512). The vectoriser widens every instruction of
    // the loop body as a whole, which is robust where rebuilding vectors from `SIMD8` lane code is not (see the
    // `FastMath` documentation). The elements left over after the last full vector run the same lane function in
    // scalar instructions: the same IEEE operations on the same values, so every element gets exactly the bits of
    // `FastMath.exp(x[i])` (and of the `SIMD8` form), whatever the buffer length or position.
    //
    // In place (`x` and `y` the same pointer) gets its own loop over one pointer: with two pointers the vectoriser
    // guards the vector loop with an overlap check and would fall back to scalar code exactly in the in-place case.
    // `x` and `y` must be either the same pointer or not overlap at all.
    //
    // The loops are spelled out per function and live in this file, next to the lane functions, because the
    // incremental (non-whole-module) builds that `swift test` uses inline only within one file: through a shared
    // closure, or from another file, every element became an indirect call to the lane function (~10× slower).

    /// eˣ for `count` floats from `x` into `y` (may be the same buffer); element i equals `exp(x[i])` bit for bit.
    public static func exp(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        if UnsafeMutablePointer(mutating: x) == y {
            for i in 0..<count { y[i] = exp(y[i]) }
        } else {
            for i in 0..<count { y[i] = exp(x[i]) }
        }
    }

    /// log(x) for `count` floats from `x` into `y` (may be the same buffer); element i equals `log(x[i])`.
    public static func log(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        if UnsafeMutablePointer(mutating: x) == y {
            for i in 0..<count { y[i] = log(y[i]) }
        } else {
            for i in 0..<count { y[i] = log(x[i]) }
        }
    }

    /// tanh(x) for `count` floats from `x` into `y` (may be the same buffer); element i equals `tanh(x[i])`.
    public static func tanh(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        if UnsafeMutablePointer(mutating: x) == y {
            for i in 0..<count { y[i] = tanh(y[i]) }
        } else {
            for i in 0..<count { y[i] = tanh(x[i]) }
        }
    }

    /// sigmoid(x) for `count` floats from `x` into `y` (may be the same buffer); element i equals `sigmoid(x[i])`.
    public static func sigmoid(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        if UnsafeMutablePointer(mutating: x) == y {
            for i in 0..<count { y[i] = sigmoid(y[i]) }
        } else {
            for i in 0..<count { y[i] = sigmoid(x[i]) }
        }
    }

    /// sin(2πu) into `sin` and cos(2πu) into `cos` for `count` floats of `u`; element i equals
    /// `sinCosTwoPi(u[i])`. `sin` and `cos` must not overlap each other; either may be `u` itself.
    public static func sinCosTwoPi(
        _ u: UnsafePointer<Float>, sin: UnsafeMutablePointer<Float>, cos: UnsafeMutablePointer<Float>, count: Int
    ) {
        guard count > 0 else { return }
        if UnsafeMutablePointer(mutating: u) == sin {
            for i in 0..<count {
                let r = sinCosTwoPi(sin[i])
                sin[i] = r.sin
                cos[i] = r.cos
            }
        } else if UnsafeMutablePointer(mutating: u) == cos {
            for i in 0..<count {
                let r = sinCosTwoPi(cos[i])
                sin[i] = r.sin
                cos[i] = r.cos
            }
        } else {
            for i in 0..<count {
                let r = sinCosTwoPi(u[i])
                sin[i] = r.sin
                cos[i] = r.cos
            }
        }
    }
}
