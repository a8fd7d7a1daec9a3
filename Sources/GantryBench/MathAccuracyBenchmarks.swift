#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Kernels

/// The accuracy and speed of `FastMath`.
///
/// Accuracy: one exhaustive sweep per function over all 2³² float inputs (sin/cos: the 1 065 353 216 floats in
/// [0, 1)) against glibc's double functions, as JSON lines `{"case":"math-accuracy","function":…,"inputs":…,
/// "max_ulp":…,"worst_input":…,"max_abs":…,"non_monotone":…,"special_mismatches":…,"seconds":…}`. These are
/// the numbers quoted in `FastMath`'s doc comments.
///
/// Speed: `{"case":"math-speed","function":…,"implementation":…,"ns_per_element":…}` on a 256×512 buffer, one
/// thread, out of place, for our buffer kernels (also in place, and the `SIMD8` entry points called in a loop) and
/// for glibc's `expf`, `logf`, `tanhf` (and a sigmoid
/// built from `expf`, and `sinf` + `cosf` of 2π·u) on the same inputs.
///
/// `GANTRY_MATH_STRIDE=N` sweeps every N-th bit pattern instead (quick runs while developing);
/// `GANTRY_MATH_FUNCTIONS=exp,log` limits the accuracy sweeps to some functions.
let mathAccuracySuite = BenchmarkSuite(
    name: "math-accuracy",
    summary: "FastMath exhaustive max-ulp / monotonicity sweeps, and ns/element vs glibc on 256x512"
) { emit in
    MathAccuracyBenchmarks.run(emit)
}

enum MathAccuracyBenchmarks {
    static func run(_ emit: (JSONLine) -> Void) {
        let stride = environmentInt("GANTRY_MATH_STRIDE").map { UInt32(clamping: max(1, $0)) } ?? 1
        let only = environmentString("GANTRY_MATH_FUNCTIONS")?.split(separator: ",").map(String.init)
        for function in FastMathAudit.Function.allCases where only?.contains(function.rawValue) ?? true {
            let last: UInt32 = function.isIncreasing ? .max : Float(1).nextDown.bitPattern
            let report = FastMathAudit.sweep(function, first: 0, last: last, stride: stride)
            var line = JSONLine("math-accuracy")
            line.add("function", function.rawValue)
            line.add("inputs", report.inputs)
            line.add("max_ulp", report.maxULP)
            line.add("worst_input", FastMathAudit.describe(report.worstInput))
            line.add("max_abs", report.maxAbsoluteError, digits: 3)
            line.add("non_monotone", report.nonMonotone)
            if let first = report.firstNonMonotone {
                line.add("first_non_monotone", FastMathAudit.describe(first))
            }
            line.add("special_mismatches", report.specialMismatches)
            line.add("seconds", report.seconds, digits: 3)
            emit(line)
        }
        speed(emit)
    }

    /// ns/element of each kernel on a 256×512 buffer of inputs from the function's useful range.
    static func speed(_ emit: (JSONLine) -> Void) {
        let count = 256 * 512
        let input = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let output = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let second = UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { input.deallocate(); output.deallocate(); second.deallocate() }
        func fill(_ low: Float, _ high: Float) {
            var state: UInt64 = 0x9E37_79B9_7F4A_7C15
            for i in 0..<count {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let unit = Float(state >> 40) * 0x1p-24
                input[i] = low + (high - low) * unit
            }
        }
        func report(_ function: String, _ implementation: String, _ body: () -> Void) {
            let seconds = medianSecondsPerCall(body)
            var line = JSONLine("math-speed")
            line.add("function", function)
            line.add("implementation", implementation)
            line.add("ns_per_element", seconds * 1e9 / Double(count), digits: 3)
            emit(line)
        }
        typealias Kernel = (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
        typealias Vector = (SIMD8<Float>) -> SIMD8<Float>
        let cases: [(String, Float, Float, Kernel, Vector, (Float) -> Float)] = [
            ("exp", -20, 20, { FastMath.exp($0, into: $1, count: $2) }, { FastMath.exp($0) }, { expf($0) }),
            ("log", 1e-6, 1e6, { FastMath.log($0, into: $1, count: $2) }, { FastMath.log($0) }, { logf($0) }),
            ("tanh", -5, 5, { FastMath.tanh($0, into: $1, count: $2) }, { FastMath.tanh($0) }, { tanhf($0) }),
            ("sigmoid", -10, 10, { FastMath.sigmoid($0, into: $1, count: $2) }, { FastMath.sigmoid($0) },
             { 1 / (1 + expf(-$0)) }),
        ]
        for (name, low, high, kernel, vector, libm) in cases {
            fill(low, high)
            report(name, "gantry") { kernel(input, output, count) }
            report(name, "gantry-simd8-calls") {
                // The SIMD8 entry point called from a loop, as other kernels would call it.
                let source = UnsafeRawPointer(input), target = UnsafeMutableRawPointer(output)
                for i in Swift.stride(from: 0, to: count, by: 8) {
                    let v = source.loadUnaligned(fromByteOffset: i * 4, as: SIMD8<Float>.self)
                    target.storeBytes(of: vector(v), toByteOffset: i * 4, as: SIMD8<Float>.self)
                }
            }
            report(name, "gantry-in-place") {
                // Same data every call: in place on a copy (the copy is timed too, and is small beside the math).
                output.update(from: input, count: count)
                kernel(output, output, count)
            }
            report(name, name == "sigmoid" ? "glibc-expf-formula" : "glibc") {
                for i in 0..<count { output[i] = libm(input[i]) }
            }
        }
        fill(0, 1)
        report("sinCosTwoPi", "gantry") { FastMath.sinCosTwoPi(input, sin: output, cos: second, count: count) }
        report("sinCosTwoPi", "glibc-sinf-cosf") {
            for i in 0..<count {
                let angle = 2 * Float.pi * input[i]
                output[i] = sinf(angle)
                second[i] = cosf(angle)
            }
        }
    }

    static func environmentString(_ name: String) -> String? {
        guard let raw = getenv(name) else { return nil }
        return String(cString: raw)
    }

    static func environmentInt(_ name: String) -> Int? {
        environmentString(name).flatMap { Int($0) }
    }
}
