import Foundation
import XCTest

@testable import Kernels

/// Accuracy, special values, monotonicity and bit-exactness of `FastMath`.
///
/// The heavy sweeps run inside `FastMathAudit` (compiled optimised in the Kernels target), so this debug-built
/// test target only sets them up and checks their reports. The bounds below are the exhaustive maxima quoted in
/// `FastMath`'s doc comments, rounded up a little; a strided sweep can only find errors up to those.
final class FastMathTests: XCTestCase {
    /// Documented maximum errors in ulps (exhaustive sweep over all 2³² inputs, rounded up).
    static let bounds: [FastMathAudit.Function: Double] = [
        .exp: 0.876, .log: 0.861, .tanh: 1.325, .sigmoid: 1.481, .sinTwoPi: 1.05, .cosTwoPi: 0.907,
    ]

    // MARK: - Accuracy

    /// ~2²⁴ inputs per function spread over every binade of the float range (stride 255 hits every exponent and
    /// a varied set of mantissas), within the documented bound, with no special-value mismatch.
    func testDenseStridedSweepIsWithinDocumentedBounds() {
        for function in [FastMathAudit.Function.exp, .log, .tanh, .sigmoid] {
            let report = FastMathAudit.sweep(function, stride: 255)
            XCTAssertLessThanOrEqual(report.maxULP, Self.bounds[function]!, "\(report)")
            XCTAssertEqual(report.specialMismatches, 0, "\(report)")
            XCTAssertGreaterThan(report.inputs, 16_000_000)
        }
    }

    /// sin/cos over [0, 1) with stride 61 (~1.7·10⁷ inputs): ulp bound and the documented absolute error.
    func testSinCosTwoPiSweepIsWithinDocumentedBounds() {
        for function in [FastMathAudit.Function.sinTwoPi, .cosTwoPi] {
            let report = FastMathAudit.sweep(function, first: 0, last: Float(1).nextDown.bitPattern, stride: 61)
            XCTAssertLessThanOrEqual(report.maxULP, Self.bounds[function]!, "\(report)")
            XCTAssertLessThanOrEqual(report.maxAbsoluteError, 5.41e-8, "\(report)")
            XCTAssertEqual(report.specialMismatches, 0, "\(report)")
        }
    }

    /// Near x = 1, log must stay relatively accurate (this is where a naive log(m) + e·ln2 loses everything).
    func testLogIsRelativelyAccurateNearOne() {
        let below = Float(1).bitPattern - 1 << 20, above = Float(1).bitPattern + 1 << 20
        let report = FastMathAudit.sweep(.log, first: below, last: above)
        XCTAssertLessThanOrEqual(report.maxULP, Self.bounds[.log]!, "\(report)")
        XCTAssertEqual(report.nonMonotone, 0, "\(report)")
        XCTAssertEqual(FastMath.log(Float(1).nextUp), Float(Foundation.log(Double(Float(1).nextUp))))
        XCTAssertEqual(FastMath.log(Float(1).nextDown), Float(Foundation.log(Double(Float(1).nextDown))))
    }

    /// sin² + cos² = 1 to within a few ulps of 1 on a grid of u, and the quadrant points are exact.
    func testSinCosPythagorasAndQuadrants() {
        var worst = 0.0
        for i in 0..<4096 {
            let u = Float(i) / 4096 + Float(i % 7) * 0x1p-20
            let (s, c) = FastMath.sinCosTwoPi(u)
            worst = max(worst, abs(Double(s) * Double(s) + Double(c) * Double(c) - 1))
            let reference = FastMathAudit.referenceSinCosTwoPi(Double(u))
            XCTAssertEqual(Double(s), reference.sin, accuracy: 6e-8, "sin(2π·\(u))")
            XCTAssertEqual(Double(c), reference.cos, accuracy: 6e-8, "cos(2π·\(u))")
        }
        XCTAssertLessThan(worst, 4 * 0x1p-24)
        let quadrants: [(Float, Float, Float)] = [(0, 0, 1), (0.25, 1, 0), (0.5, 0, -1), (0.75, -1, 0)]
        for (u, s, c) in quadrants {
            let r = FastMath.sinCosTwoPi(u)
            XCTAssertEqual(r.sin.bitPattern, s.bitPattern, "sin(2π·\(u))")  // exact, and +0 rather than −0
            XCTAssertEqual(r.cos.bitPattern, c.bitPattern, "cos(2π·\(u))")
        }
        XCTAssertTrue(FastMath.sinCosTwoPi(Float.nan).sin.isNaN)
        XCTAssertTrue(FastMath.sinCosTwoPi(Float.infinity).cos.isNaN)
    }

    // MARK: - Special values

    /// Every special input gives exactly the right bits (NaN: any NaN).
    func testSpecialValuesAreExact() {
        let leastSub = Float.leastNonzeroMagnitude, greatestSub = Float.leastNormalMagnitude.nextDown
        let inf = Float.infinity, big = Float.greatestFiniteMagnitude, nan = Float.nan
        let lastFiniteExp = Float(bitPattern: 0x42B1_7217)  // 88.72283: exp is just below the largest float
        let cases: [(String, (Float) -> Float, Float, Float)] = [
            ("exp", FastMath.exp, 0, 1), ("exp", FastMath.exp, -0.0, 1), ("exp", FastMath.exp, inf, inf),
            ("exp", FastMath.exp, -inf, 0), ("exp", FastMath.exp, nan, nan), ("exp", FastMath.exp, big, inf),
            ("exp", FastMath.exp, -big, 0), ("exp", FastMath.exp, leastSub, 1), ("exp", FastMath.exp, -leastSub, 1),
            ("exp", FastMath.exp, lastFiniteExp.nextUp, inf),
            ("log", FastMath.log, 0, -inf), ("log", FastMath.log, -0.0, -inf), ("log", FastMath.log, 1, 0),
            ("log", FastMath.log, inf, inf), ("log", FastMath.log, -inf, nan), ("log", FastMath.log, -1, nan),
            ("log", FastMath.log, -leastSub, nan), ("log", FastMath.log, nan, nan),
            ("tanh", FastMath.tanh, 0, 0), ("tanh", FastMath.tanh, -0.0, -0.0), ("tanh", FastMath.tanh, inf, 1),
            ("tanh", FastMath.tanh, -inf, -1), ("tanh", FastMath.tanh, nan, nan), ("tanh", FastMath.tanh, big, 1),
            ("tanh", FastMath.tanh, -big, -1), ("tanh", FastMath.tanh, leastSub, leastSub),
            ("tanh", FastMath.tanh, -leastSub, -leastSub), ("tanh", FastMath.tanh, greatestSub, greatestSub),
            ("tanh", FastMath.tanh, 0x1p-13, 0x1p-13), ("tanh", FastMath.tanh, 10, 1), ("tanh", FastMath.tanh, -10, -1),
            ("sigmoid", FastMath.sigmoid, 0, 0.5), ("sigmoid", FastMath.sigmoid, -0.0, 0.5),
            ("sigmoid", FastMath.sigmoid, inf, 1), ("sigmoid", FastMath.sigmoid, -inf, 0),
            ("sigmoid", FastMath.sigmoid, nan, nan), ("sigmoid", FastMath.sigmoid, big, 1),
            ("sigmoid", FastMath.sigmoid, -big, 0), ("sigmoid", FastMath.sigmoid, 20, 1),
            ("sigmoid", FastMath.sigmoid, leastSub, 0.5), ("sigmoid", FastMath.sigmoid, -leastSub, 0.5),
        ]
        for (name, function, input, expected) in cases {
            let got = function(input)
            if expected.isNaN {
                XCTAssertTrue(got.isNaN, "\(name)(\(input)) = \(got), want NaN")
            } else {
                XCTAssertEqual(got.bitPattern, expected.bitPattern, "\(name)(\(input)) = \(got), want \(expected)")
            }
        }
        // Around the overflow threshold: the last input with a finite true result stays finite.
        XCTAssertTrue(FastMath.exp(lastFiniteExp).isFinite)
        // Extreme finite inputs and subnormal results, within the documented bounds (subnormal results are
        // measured in units of the smallest subnormal). The first two straddle exp's underflow to 0.
        let underflow = Float(-103.972_077_083_991_79)  // ln(2⁻¹⁵⁰), rounded to float
        let extremes: [(FastMathAudit.Function, Float)] = [
            (.exp, underflow), (.exp, underflow.nextDown), (.exp, underflow.nextUp), (.exp, -87.336_54),
            (.exp, -87.336_55), (.exp, -100), (.exp, -103.9), (.exp, lastFiniteExp), (.exp, 1), (.exp, -1),
            (.log, leastSub), (.log, greatestSub), (.log, big), (.log, 2), (.log, 0.5),
            (.sigmoid, -87.336_55), (.sigmoid, -100), (.sigmoid, -103.97), (.sigmoid, -104), (.sigmoid, -16.7),
            (.tanh, 0.625), (.tanh, Float(0.625).nextDown), (.tanh, 9.01), (.tanh, -4.5),
        ]
        for (function, x) in extremes {
            let error = FastMathAudit.ulpError(function.kernelScalar(x), function.reference(Double(x)))
            XCTAssertLessThanOrEqual(error, Self.bounds[function]!, "\(function)(\(x))")
        }
    }

    // MARK: - Monotonicity

    /// Windows of 2¹⁶ consecutive floats around every seam of every increasing function.
    func testMonotoneAroundEverySeam() {
        func window(_ center: Float, _ radius: UInt32 = 1 << 15) -> (UInt32, UInt32) {
            let bits = center.bitPattern
            return (bits &- min(radius, bits & 0x7FFF_FFFF), bits &+ radius)
        }
        var seams: [(FastMathAudit.Function, Float)] = []
        // exp: every change of k (x = (k + ½)·ln2), the overflow and underflow ends, the subnormal boundary.
        for k in -151...128 { seams.append((.exp, Float((Double(k) + 0.5) * M_LN2))) }
        seams += [(.exp, 88.722_83), (.exp, -103.972_08), (.exp, -87.336_55), (.exp, 1e-8), (.exp, -1e-8)]
        // log: every binade's √2 boundary, the subnormal/normal boundary, x = 1.
        for e in -149...127 { seams.append((.log, Float(sign: .plus, exponent: e, significand: Float(2).squareRoot()))) }
        seams += [(.log, Float.leastNormalMagnitude), (.log, 1)]
        // tanh: the polynomial/formula threshold (both signs), where it saturates to 1, the tiny range.
        seams += [(.tanh, 0.625), (.tanh, -0.625), (.tanh, 9.01), (.tanh, -9.01), (.tanh, 0x1p-12), (.tanh, 4)]
        // sigmoid: around 0, where 1 + e changes binade, and into the subnormal results.
        seams += [(.sigmoid, 0x1p-20), (.sigmoid, 16.6), (.sigmoid, 0.7), (.sigmoid, 88.7), (.sigmoid, -0.6931474),
                  (.sigmoid, -16.6), (.sigmoid, -87.33655), (.sigmoid, -103.9)]
        for (function, center) in seams {
            let (first, last) = window(center)
            let result = FastMathAudit.monotonicityViolations(function, first: first, last: last)
            XCTAssertEqual(result.count, 0, "\(function) not monotone near \(center): first at \(String(describing: result.first))")
        }
    }

    /// All 2³² inputs, consecutive floats, for every increasing function (~1–2 s each, optimised and threaded).
    /// sigmoid is included: the compensated quotient removes the one-ulp dips that plain e/(1 + e) has at x < 0.
    func testExhaustiveMonotonicity() {
        for function in [FastMathAudit.Function.exp, .log, .tanh, .sigmoid] {
            let result = FastMathAudit.monotonicityViolations(function)
            XCTAssertEqual(result.count, 0, "\(function): first decreasing pair at \(String(describing: result.first))")
        }
    }

    // MARK: - Buffers, lanes and bit-exactness

    /// Inputs covering ordinary values, seams and special values.
    static func sampleInputs(_ count: Int) -> [Float] {
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        let specials: [Float] = [0, -0.0, .infinity, -.infinity, .nan, 1, -1, 0.625, -0.625, 88.72283, -103.97,
                                 .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude, 1e-30]
        return (0..<count).map { i in
            if i % 5 == 0 { return specials[(i / 5) % specials.count] }
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            if i % 3 == 0 { return Float(bitPattern: UInt32(truncatingIfNeeded: state >> 32)) }
            return Float(Int64(bitPattern: state) >> 40) * 0x1p-18  // roughly ±32
        }
    }

    typealias Kernel = @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    static let functions: [(String, Kernel, @Sendable (Float) -> Float, @Sendable (SIMD8<Float>) -> SIMD8<Float>)] = [
        ("exp", { FastMath.exp($0, into: $1, count: $2) }, { FastMath.exp($0) }, { FastMath.exp($0) }),
        ("log", { FastMath.log($0, into: $1, count: $2) }, { FastMath.log($0) }, { FastMath.log($0) }),
        ("tanh", { FastMath.tanh($0, into: $1, count: $2) }, { FastMath.tanh($0) }, { FastMath.tanh($0) }),
        ("sigmoid", { FastMath.sigmoid($0, into: $1, count: $2) }, { FastMath.sigmoid($0) }, { FastMath.sigmoid($0) }),
    ]

    /// Every count 0…33 and several start offsets: each element equals the scalar and the SIMD8 lane result bit
    /// for bit, and nothing past `count` is written.
    func testEveryCountMatchesScalarAndSIMDLanesBitForBit() {
        let inputs = Self.sampleInputs(64)
        for (name, kernel, scalar, vector) in Self.functions {
            for offset in 0..<3 {
                for count in 0...33 {
                    var output = [Float](repeating: 12345, count: 40)
                    inputs.withUnsafeBufferPointer { x in
                        output.withUnsafeMutableBufferPointer { y in kernel(x.baseAddress! + offset, y.baseAddress!, count) }
                    }
                    for i in 0..<count {
                        let want = scalar(inputs[offset + i])
                        XCTAssertTrue(sameBits(output[i], want), "\(name) count \(count) element \(i)")
                    }
                    XCTAssertTrue(output[count...].allSatisfy { $0 == 12345 }, "\(name) wrote past count \(count)")
                }
            }
            for start in stride(from: 0, to: 56, by: 8) {
                let lanes = vector(SIMD8(inputs[start..<start + 8]))
                for i in 0..<8 {
                    XCTAssertTrue(sameBits(lanes[i], scalar(inputs[start + i])), "\(name) SIMD8 lane \(i)")
                }
            }
        }
        // sin/cos too.
        let us = Self.sampleInputs(40).map { abs($0).truncatingRemainder(dividingBy: 1) }
        for count in 0...33 {
            var s = [Float](repeating: 7, count: 40), c = [Float](repeating: 7, count: 40)
            us.withUnsafeBufferPointer { u in
                s.withUnsafeMutableBufferPointer { sp in
                    c.withUnsafeMutableBufferPointer { cp in
                        FastMath.sinCosTwoPi(u.baseAddress!, sin: sp.baseAddress!, cos: cp.baseAddress!, count: count)
                    }
                }
            }
            for i in 0..<count {
                let want = FastMath.sinCosTwoPi(us[i])
                XCTAssertTrue(sameBits(s[i], want.sin) && sameBits(c[i], want.cos), "sinCos count \(count) element \(i)")
            }
            XCTAssertTrue(s[count...].allSatisfy { $0 == 7 } && c[count...].allSatisfy { $0 == 7 })
        }
        let v = SIMD8<Float>(us[0..<8])
        let r = FastMath.sinCosTwoPi(v)
        for i in 0..<8 {
            XCTAssertTrue(sameBits(r.sin[i], FastMath.sinCosTwoPi(us[i]).sin) && sameBits(r.cos[i], FastMath.sinCosTwoPi(us[i]).cos))
        }
    }

    /// In place (x == y) gives exactly the out-of-place bits, for long buffers with tails.
    func testInPlaceEqualsOutOfPlace() {
        let inputs = Self.sampleInputs(1003)
        for (name, kernel, _, _) in Self.functions {
            var outOfPlace = [Float](repeating: 0, count: inputs.count)
            var inPlace = inputs
            inputs.withUnsafeBufferPointer { x in
                outOfPlace.withUnsafeMutableBufferPointer { y in kernel(x.baseAddress!, y.baseAddress!, inputs.count) }
            }
            inPlace.withUnsafeMutableBufferPointer { y in kernel(y.baseAddress!, y.baseAddress!, inputs.count) }
            XCTAssertTrue(zip(inPlace, outOfPlace).allSatisfy { sameBits($0, $1) }, "\(name) in place differs")
        }
        var u = Self.sampleInputs(101).map { abs($0).truncatingRemainder(dividingBy: 1) }
        let original = u
        var s = [Float](repeating: 0, count: u.count), c = [Float](repeating: 0, count: u.count)
        original.withUnsafeBufferPointer { up in
            s.withUnsafeMutableBufferPointer { sp in
                c.withUnsafeMutableBufferPointer { cp in
                    FastMath.sinCosTwoPi(up.baseAddress!, sin: sp.baseAddress!, cos: cp.baseAddress!, count: up.count)
                }
            }
        }
        var c2 = [Float](repeating: 0, count: u.count)
        u.withUnsafeMutableBufferPointer { up in
            c2.withUnsafeMutableBufferPointer { cp in
                FastMath.sinCosTwoPi(up.baseAddress!, sin: up.baseAddress!, cos: cp.baseAddress!, count: up.count)
            }
        }
        XCTAssertTrue(zip(u, s).allSatisfy { sameBits($0, $1) } && zip(c2, c).allSatisfy { sameBits($0, $1) })
    }

    /// sigmoid is, bit for bit, its documented formula (the compensated quotient), lane by lane.
    func testSigmoidIsExactlyTheDocumentedFormula() {
        for x in Self.sampleInputs(2000) {
            let e = FastMath.exp(x > 0 ? -x : x)
            let d = 1 + e
            let delta = (1 - d) + e
            let numerator: Float = x > 0 ? 1 : e
            let q = numerator / d
            let formula = q + (numerator.addingProduct(-q, d) - q * delta) / d
            XCTAssertTrue(sameBits(FastMath.sigmoid(x), formula), "sigmoid(\(x))")
        }
    }

    // MARK: - The audit's own definitions

    func testULPDefinition() {
        XCTAssertEqual(FastMathAudit.floatULP(1), 0x1p-23)
        XCTAssertEqual(FastMathAudit.floatULP(-1.5), 0x1p-23)
        XCTAssertEqual(FastMathAudit.floatULP(0.75), 0x1p-24)
        XCTAssertEqual(FastMathAudit.floatULP(1e-40), 0x1p-149)  // subnormal results: smallest subnormal
        XCTAssertEqual(FastMathAudit.floatULP(0), 0x1p-149)
        XCTAssertEqual(FastMathAudit.floatULP(1e300), 0x1p104)  // beyond the float range: the last binade's ulp
        XCTAssertEqual(FastMathAudit.ulpError(1, 1 + 0x1p-24), 0.5)
        XCTAssertEqual(FastMathAudit.ulpError(.infinity, 1e39), 0)
        XCTAssertEqual(FastMathAudit.ulpError(.infinity, 0x1p128 - 0x1p102), 0.25)
        XCTAssertEqual(FastMathAudit.ulpError(.greatestFiniteMagnitude, 0x1p128 - 0x1p102), 0.75)
        XCTAssertEqual(FastMathAudit.ulpError(.nan, .nan), 0)
        XCTAssertEqual(FastMathAudit.ulpError(0, .nan), .infinity)
        XCTAssertEqual(FastMathAudit.ulpError(-.infinity, 1e39), .infinity)
        XCTAssertTrue(FastMathAudit.isSpecialMismatch(-0.0, 0))
        XCTAssertFalse(FastMathAudit.isSpecialMismatch(0, 0))
        XCTAssertTrue(FastMathAudit.isSpecialMismatch(.infinity, 3e38))
        // The monotonicity audit does find a decreasing step.
        let broken = FastMathAudit.sweep(
            name: "broken", kernel: { x, y, n in for i in 0..<n { y[i] = x[i] == 2 ? 1 : x[i] } },
            reference: { $0 }, increasing: true, first: Float(1.5).bitPattern, last: Float(3).bitPattern)
        XCTAssertEqual(broken.nonMonotone, 1)
        XCTAssertEqual(broken.firstNonMonotone, Float(2).nextDown)
    }

    func sameBits(_ a: Float, _ b: Float) -> Bool { a.bitPattern == b.bitPattern }
}

extension FastMathAudit.Function {
    /// The function on one float, through its buffer kernel.
    func kernelScalar(_ x: Float) -> Float {
        var input = x, output: Float = 0
        kernel(&input, &output, 1)
        return output
    }
}
