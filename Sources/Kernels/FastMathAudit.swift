#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Accuracy and monotonicity sweeps of the `FastMath` buffer kernels over float bit patterns.
///
/// A sweep visits the bit patterns `first, first + stride, …, ≤ last` (all 2³² with the defaults), runs them
/// through the buffer kernel in chunks, and compares each result with a double-precision reference. It runs in
/// this optimised module, spread over `ComputeThreads` (pieces of the sweep are combined in a fixed order, so the
/// report, including which worst input is named, does not depend on the thread count).
///
/// Error measure (`ulpError`): |computed − reference| / `floatULP(reference)`, in double. `floatULP(y)` is the
/// spacing of floats in the binade of the true result: 2^(⌊log₂|y|⌋ − 23), never below 2⁻¹⁴⁹ (so subnormal and
/// zero results are measured in units of the smallest subnormal) and never above 2¹⁰⁴ (so results beyond the
/// float range are measured in units of the last binade). A computed ±∞ counts as ±2¹²⁸, the next float after
/// the largest finite one if the exponent range went on (and a reference beyond 2¹²⁸ against a computed ∞ of the
/// same sign is no error at all): a reference that rounds to ∞ and a computed ∞ differ by less than ½ ulp, and a
/// finite result where the reference rounds to ∞ is charged what it misses by.
/// A NaN where the reference is not NaN (or the other way round), or a finite result for an infinite reference,
/// is an infinite error and also a special-value mismatch.
///
/// Special-value mismatch: the reference is NaN, ±∞ or ±0 and the computed bits differ from the reference
/// rounded to float (any NaN matches NaN; the sign of a zero must match), or the computed result is NaN or ±∞
/// where the reference rounds to something else.
///
/// Monotonicity: for an increasing function every pair of consecutive swept inputs a < b (in value order,
/// skipping NaN inputs and NaN results) must give f(a) ≤ f(b). With stride 1 these are consecutive floats; the
/// pair (−0, +0) is included when both are swept. `nonMonotone` counts the pairs that decrease.
public enum FastMathAudit {
    /// The functions a sweep can audit.
    public enum Function: String, CaseIterable, Sendable {
        case exp, log, tanh, sigmoid
        /// sin(2πu) from `FastMath.sinCosTwoPi`.
        case sinTwoPi
        /// cos(2πu) from `FastMath.sinCosTwoPi`.
        case cosTwoPi

        /// Whether the true function is non-decreasing (over the inputs where it is defined).
        public var isIncreasing: Bool {
            switch self {
            case .exp, .log, .tanh, .sigmoid: return true
            case .sinTwoPi, .cosTwoPi: return false
            }
        }

        /// The buffer kernel audited for this function.
        public var kernel: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void {
            switch self {
            case .exp: return { FastMath.exp($0, into: $1, count: $2) }
            case .log: return { FastMath.log($0, into: $1, count: $2) }
            case .tanh: return { FastMath.tanh($0, into: $1, count: $2) }
            case .sigmoid: return { FastMath.sigmoid($0, into: $1, count: $2) }
            case .sinTwoPi:
                return { x, y, n in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(n, 1)) { cos in
                        FastMath.sinCosTwoPi(x, sin: y, cos: cos.baseAddress!, count: n)
                    }
                }
            case .cosTwoPi:
                return { x, y, n in
                    withUnsafeTemporaryAllocation(of: Float.self, capacity: max(n, 1)) { sin in
                        FastMath.sinCosTwoPi(x, sin: sin.baseAddress!, cos: y, count: n)
                    }
                }
            }
        }

        /// The double-precision reference (glibc's double functions; sin/cos reduce 4u exactly first, so the
        /// reference stays relatively accurate near the zeros of sin and cos).
        public var reference: @Sendable (Double) -> Double {
            switch self {
            case .exp: return { Glibc.exp($0) }
            case .log: return { Glibc.log($0) }
            case .tanh: return { Glibc.tanh($0) }
            case .sigmoid:
                return { x in
                    if x.isNaN { return x }
                    if x >= 0 { return 1 / (1 + Glibc.exp(-x)) }
                    let e = Glibc.exp(x)
                    return e / (1 + e)
                }
            case .sinTwoPi: return { FastMathAudit.referenceSinCosTwoPi($0).sin }
            case .cosTwoPi: return { FastMathAudit.referenceSinCosTwoPi($0).cos }
            }
        }
    }

    /// The outcome of one sweep.
    public struct Report: Sendable, CustomStringConvertible {
        /// The function's name.
        public var function: String
        /// How many inputs were swept.
        public var inputs: Int = 0
        /// The largest error in float ulps of the true result (see `ulpError`).
        public var maxULP: Double = 0
        /// The first swept input with the largest ulp error, its computed result and the reference.
        public var worstInput: Float = 0
        public var worstResult: Float = 0
        public var worstReference: Double = 0
        /// The largest absolute error |computed − reference| over inputs whose reference rounds to a finite float.
        public var maxAbsoluteError: Double = 0
        /// The first swept input with the largest absolute error.
        public var worstAbsoluteInput: Float = 0
        /// Consecutive swept pairs a < b with f(a) > f(b) (only for increasing functions; 0 otherwise).
        public var nonMonotone: Int = 0
        /// The smaller input of the first decreasing pair, in sweep order.
        public var firstNonMonotone: Float?
        /// Inputs whose special result (NaN, ±∞, ±0) was not reproduced, or that got one they should not have.
        public var specialMismatches: Int = 0
        /// The first input with a special-value mismatch.
        public var firstSpecialMismatch: Float?
        /// Wall-clock seconds of the sweep.
        public var seconds: Double = 0

        /// Creates an empty report for `function`.
        public init(function: String) { self.function = function }

        /// One line for logs and test failure messages.
        public var description: String {
            var text = "\(function): \(inputs) inputs, max \(maxULP) ulp at \(FastMathAudit.describe(worstInput))"
            text += " (got \(worstResult), want \(worstReference)), max abs \(maxAbsoluteError)"
            text += " at \(FastMathAudit.describe(worstAbsoluteInput)), non-monotone \(nonMonotone)"
            if let first = firstNonMonotone { text += " (first at \(FastMathAudit.describe(first)))" }
            text += ", special mismatches \(specialMismatches)"
            if let first = firstSpecialMismatch { text += " (first at \(FastMathAudit.describe(first)))" }
            return text + ", \(seconds) s"
        }
    }

    /// A float with its bit pattern, e.g. `-87.33655 (0xc2aeac50)`.
    public static func describe(_ x: Float) -> String {
        let hex = String(x.bitPattern, radix: 16)
        return "\(x) (0x\(String(repeating: "0", count: 8 - hex.count))\(hex))"
    }

    /// The spacing of floats in the binade of `y`: 2^(⌊log₂|y|⌋ − 23), clamped to [2⁻¹⁴⁹, 2¹⁰⁴].
    @inline(__always)
    public static func floatULP(_ y: Double) -> Double {
        let biased = Int((y.bitPattern >> 52) & 0x7FF)  // 1023 + ⌊log₂|y|⌋ for normal doubles
        let exponent = min(max(biased - 1023, -126), 127)
        return Double(bitPattern: UInt64(exponent - 23 + 1023) << 52)
    }

    /// The error of `computed` against the true value `reference`, in float ulps of the reference (see the type's
    /// documentation for NaN and infinities).
    @inline(__always)
    public static func ulpError(_ computed: Float, _ reference: Double) -> Double {
        if reference.isNaN || computed.isNaN { return reference.isNaN && computed.isNaN ? 0 : .infinity }
        if reference.isInfinite { return Double(computed) == reference ? 0 : .infinity }
        if computed.isInfinite {
            // Right infinity: what is left between the reference and ±2¹²⁸ (< ½ ulp when it rounds to ∞; 0
            // beyond 2¹²⁸). Wrong infinity: infinite error.
            guard (computed > 0) == (reference > 0) else { return .infinity }
            return max(0, 0x1p128 - abs(reference)) / floatULP(reference)
        }
        return abs(Double(computed) - reference) / floatULP(reference)
    }

    /// Whether `computed` fails to reproduce a special value (see the type's documentation).
    @inline(__always)
    public static func isSpecialMismatch(_ computed: Float, _ reference: Double) -> Bool {
        let expected = Float(reference)
        if reference.isNaN || computed.isNaN { return reference.isNaN != computed.isNaN }
        if reference.isInfinite || reference == 0 || computed.isInfinite {
            return computed.bitPattern != expected.bitPattern
        }
        return false
    }

    /// The reference sin(2πu), cos(2πu) in double: 4u, its nearest integer q and t = 4u − q are exact in double,
    /// so only the libm calls on (π/2)·t round. Exact zeros are +0.
    public static func referenceSinCosTwoPi(_ u: Double) -> (sin: Double, cos: Double) {
        if !u.isFinite { return (.nan, .nan) }
        let v = 4 * u
        let q = v.rounded(.toNearestOrEven)
        let angle = (v - q) * (Double.pi / 2)
        let s = Glibc.sin(angle), c = Glibc.cos(angle)
        let result: (Double, Double)
        switch Int(q - 4 * (q / 4).rounded(.down)) {
        case 0: result = (s, c)
        case 1: result = (c, -s)
        case 2: result = (-s, -c)
        default: result = (-c, s)
        }
        // + 0 turns an exact −0 into +0, as IEEE 754's sinPi/cosPi do for positive arguments (and as FastMath).
        return (result.0 + 0, result.1 + 0)
    }

    /// Sweeps `function` with its built-in kernel and reference over bit patterns `first…last` by `stride`.
    public static func sweep(
        _ function: Function, first: UInt32 = 0, last: UInt32 = .max, stride: UInt32 = 1
    ) -> Report {
        sweep(
            name: function.rawValue, kernel: function.kernel, reference: function.reference,
            increasing: function.isIncreasing, first: first, last: last, stride: stride)
    }

    /// Sweeps any buffer kernel against any double reference over bit patterns `first…last` by `stride`.
    /// `increasing` turns on the monotonicity count. `first` ≤ `last` and `stride` ≥ 1 are required.
    public static func sweep(
        name: String,
        kernel: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
        reference: @Sendable (Double) -> Double,
        increasing: Bool,
        first: UInt32 = 0, last: UInt32 = .max, stride: UInt32 = 1
    ) -> Report {
        precondition(first <= last && stride >= 1, "FastMathAudit.sweep: need first <= last and stride >= 1")
        let start = monotonicSeconds()
        let total = Int((UInt64(last) - UInt64(first)) / UInt64(stride)) + 1
        let pieceSize = 1 << 20
        let pieces = (total + pieceSize - 1) / pieceSize
        let partials = UnsafeMutableBufferPointer<Partial>.allocate(capacity: pieces)
        defer { partials.deallocate() }
        ComputeThreads.forEachPiece(pieces) { piece in
            let lo = piece * pieceSize
            let count = min(pieceSize, total - lo)
            (partials.baseAddress! + piece).initialize(
                to: sweepPiece(
                    kernel: kernel, reference: reference, increasing: increasing,
                    first: UInt64(first) + UInt64(lo) * UInt64(stride), stride: UInt64(stride), count: count))
        }
        var report = Report(function: name)
        report.inputs = total
        var previous: Partial?
        var sawNegativeZero = false, negativeZeroResult: Float = 0
        var sawPositiveZero = false, positiveZeroResult: Float = 0
        for piece in 0..<pieces {
            let part = partials[piece]
            if part.maxULP > report.maxULP {
                report.maxULP = part.maxULP
                report.worstInput = part.worstInput
                report.worstResult = part.worstResult
                report.worstReference = part.worstReference
            }
            if part.maxAbsolute > report.maxAbsoluteError {
                report.maxAbsoluteError = part.maxAbsolute
                report.worstAbsoluteInput = part.worstAbsoluteInput
            }
            report.specialMismatches += part.specialMismatches
            if report.firstSpecialMismatch == nil { report.firstSpecialMismatch = part.firstSpecialMismatch }
            if increasing {
                // The pair that straddles the boundary between this piece and the previous one.
                if let before = previous, let pair = decreasingPair(before.lastInput, before.lastResult,
                                                                     part.firstInput, part.firstResult) {
                    report.nonMonotone += 1
                    if report.firstNonMonotone == nil { report.firstNonMonotone = pair }
                }
                report.nonMonotone += part.nonMonotone
                if report.firstNonMonotone == nil { report.firstNonMonotone = part.firstNonMonotone }
            }
            if let r = part.negativeZeroResult { sawNegativeZero = true; negativeZeroResult = r }
            if let r = part.positiveZeroResult { sawPositiveZero = true; positiveZeroResult = r }
            previous = part
        }
        if increasing && sawNegativeZero && sawPositiveZero && negativeZeroResult > positiveZeroResult {
            report.nonMonotone += 1
            if report.firstNonMonotone == nil { report.firstNonMonotone = -0.0 }
        }
        report.seconds = monotonicSeconds() - start
        return report
    }

    /// What `monotonicityViolations` found.
    public struct MonotonicityReport: Sendable {
        /// Decreasing pairs of consecutive floats.
        public var count = 0
        /// The smaller input of the first decreasing pair in bit order (nil when there is none).
        public var first: Float?
        /// The largest decrease, in floats between the two results (1 = one ulp).
        public var largestStep: UInt32 = 0
        /// Creates an empty report.
        public init() {}
    }

    /// Counts decreasing pairs of consecutive floats in bit patterns `first…last`, with no reference: about as
    /// fast as the kernel itself (~1–2 s for all 2³² floats on two free cores). Same pair rules as `sweep`
    /// (NaN results never count), including the pair (−0, +0) when the range holds both.
    public static func monotonicityViolations(
        _ function: Function, first: UInt32 = 0, last: UInt32 = .max
    ) -> MonotonicityReport {
        precondition(first <= last, "FastMathAudit.monotonicityViolations: need first <= last")
        let kernel = function.kernel
        let total = Int(UInt64(last) - UInt64(first)) + 1
        let pieceSize = 1 << 22
        let pieces = (total + pieceSize - 1) / pieceSize
        let partials = UnsafeMutableBufferPointer<MonotonicityReport>.allocate(capacity: pieces)
        defer { partials.deallocate() }
        ComputeThreads.forEachPiece(pieces) { piece in
            // Every chunk starts one input early (except the very first), so each consecutive pair is compared,
            // including the pairs that straddle chunk and piece boundaries.
            let pieceStart = piece * pieceSize
            let pieceEnd = min(pieceStart + pieceSize, total)
            let chunk = 8192
            let inputs = UnsafeMutablePointer<Float>.allocate(capacity: chunk + 1)
            let outputs = UnsafeMutablePointer<Float>.allocate(capacity: chunk + 1)
            defer { inputs.deallocate(); outputs.deallocate() }
            var report = MonotonicityReport()
            var at = pieceStart
            while at < pieceEnd {
                let from = max(at - 1, 0)
                let n = min(chunk, pieceEnd - at) + (at - from)
                let base = UInt64(first) + UInt64(from)
                for i in 0..<n { inputs[i] = Float(bitPattern: UInt32(truncatingIfNeeded: base + UInt64(i))) }
                kernel(inputs, outputs, n)
                // Positive bit patterns ascend in value, negative ones descend. A NaN result compares false.
                var decreasing = 0
                if inputs[0].sign == .plus && inputs[n - 1].sign == .plus {
                    for i in 1..<max(n, 1) where outputs[i - 1] > outputs[i] { decreasing += 1 }
                } else if inputs[0].sign == .minus && inputs[n - 1].sign == .minus {
                    for i in 1..<max(n, 1) where outputs[i] > outputs[i - 1] { decreasing += 1 }
                } else {
                    for i in 1..<max(n, 1) where decreasingPair(inputs[i - 1], outputs[i - 1], inputs[i], outputs[i]) != nil {
                        decreasing += 1
                    }
                }
                if decreasing > 0 {
                    report.count += decreasing
                    for i in 1..<n {
                        guard let pair = decreasingPair(inputs[i - 1], outputs[i - 1], inputs[i], outputs[i]) else {
                            continue
                        }
                        if report.first == nil { report.first = pair }
                        let a = outputs[i - 1].bitPattern, b = outputs[i].bitPattern
                        report.largestStep = max(report.largestStep, a > b ? a - b : b - a)
                    }
                }
                at += n - (at - from)
            }
            (partials.baseAddress! + piece).initialize(to: report)
        }
        var report = MonotonicityReport()
        for piece in 0..<pieces {
            report.count += partials[piece].count
            if report.first == nil { report.first = partials[piece].first }
            report.largestStep = max(report.largestStep, partials[piece].largestStep)
        }
        // The (−0, +0) pair, when both are in range: f(−0) ≤ f(+0).
        if first == 0 && last >= 0x8000_0000 {
            var zeros: [Float] = [-0.0, 0.0]
            var results: [Float] = [0, 0]
            kernel(&zeros, &results, 2)
            if results[0] > results[1] {
                report.count += 1
                if report.first == nil { report.first = -0.0 }
            }
        }
        return report
    }

    /// What one piece of a sweep found.
    struct Partial {
        var maxULP = 0.0, worstInput: Float = 0, worstResult: Float = 0, worstReference = 0.0
        var maxAbsolute = 0.0, worstAbsoluteInput: Float = 0
        var specialMismatches = 0, firstSpecialMismatch: Float?
        var nonMonotone = 0, firstNonMonotone: Float?
        var firstInput: Float = 0, firstResult: Float = 0, lastInput: Float = 0, lastResult: Float = 0
        var negativeZeroResult: Float?, positiveZeroResult: Float?
    }

    /// For consecutive swept inputs a then b (in sweep order): the smaller input if the pair breaks
    /// monotonicity, else nil. Bit order is value order for positive patterns and reverse order for negative
    /// ones; pairs of different sign bit are not adjacent in value (the ±0 pair is checked separately).
    @inline(__always)
    static func decreasingPair(_ a: Float, _ fa: Float, _ b: Float, _ fb: Float) -> Float? {
        if a.isNaN || b.isNaN || fa.isNaN || fb.isNaN { return nil }
        let aNegative = a.sign == .minus, bNegative = b.sign == .minus
        if aNegative != bNegative { return nil }
        if aNegative { return fb > fa ? b : nil }  // b < a: need f(b) ≤ f(a)
        return fa > fb ? a : nil
    }

    static func sweepPiece(
        kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void,
        reference: (Double) -> Double, increasing: Bool, first: UInt64, stride: UInt64, count: Int
    ) -> Partial {
        var part = Partial()
        let chunk = 4096
        let inputs = UnsafeMutablePointer<Float>.allocate(capacity: chunk)
        let outputs = UnsafeMutablePointer<Float>.allocate(capacity: chunk)
        defer { inputs.deallocate(); outputs.deallocate() }
        var done = 0
        var haveLast = false
        var lastInput: Float = 0, lastResult: Float = 0
        while done < count {
            let n = min(chunk, count - done)
            for i in 0..<n {
                inputs[i] = Float(bitPattern: UInt32(truncatingIfNeeded: first + UInt64(done + i) * stride))
            }
            kernel(inputs, outputs, n)
            for i in 0..<n {
                let x = inputs[i], y = outputs[i]
                let want = reference(Double(x))
                let error = ulpError(y, want)
                if error > part.maxULP {
                    part.maxULP = error
                    part.worstInput = x
                    part.worstResult = y
                    part.worstReference = want
                }
                if Float(want).isFinite {
                    let absolute = y.isNaN ? Double.infinity : abs(Double(y) - want)
                    if absolute > part.maxAbsolute {
                        part.maxAbsolute = absolute
                        part.worstAbsoluteInput = x
                    }
                }
                if isSpecialMismatch(y, want) {
                    part.specialMismatches += 1
                    if part.firstSpecialMismatch == nil { part.firstSpecialMismatch = x }
                }
                if increasing {
                    if haveLast, let pair = decreasingPair(lastInput, lastResult, x, y) {
                        part.nonMonotone += 1
                        if part.firstNonMonotone == nil { part.firstNonMonotone = pair }
                    }
                    lastInput = x
                    lastResult = y
                    haveLast = true
                }
                if x == 0 {
                    if x.sign == .minus { part.negativeZeroResult = y } else { part.positiveZeroResult = y }
                }
            }
            if done == 0 {
                part.firstInput = inputs[0]
                part.firstResult = outputs[0]
            }
            done += n
        }
        part.lastInput = inputs[(count - 1) % chunk]
        part.lastResult = outputs[(count - 1) % chunk]
        return part
    }

    /// Wall-clock seconds from a monotonic clock.
    static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
    }
}
