#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One benchmark suite: a name a user can select and a function that emits its JSON lines.
struct BenchmarkSuite: Sendable {
    /// The name given to `--only`.
    let name: String
    /// What the suite measures, for `--list`.
    let summary: String
    /// Runs the suite, handing each finished result line to `emit` as soon as it is known.
    let run: @Sendable (_ emit: (JSONLine) -> Void) -> Void
}

/// Every suite, in the order a full run executes them.
let allSuites: [BenchmarkSuite] = [
    gemmSuite,
    elementwiseSuite,
    mathAccuracySuite,
    metricSuite,
    convolutionSuite,
] + trainingSuites

/// The thread counts the training and GEMM suites measure (`--threads 1,2` by default).
nonisolated(unsafe) var benchmarkThreadCounts = [1, 2]

/// Parses `[--only NAME[,NAME…]] [--threads N[,N…]] [--list]` and runs the chosen suites, one JSON object per line on stdout.
enum BenchmarkRunner {
    static func main(arguments: [String]) {
        var selected = allSuites.map(\.name)
        var index = 0
        while index < arguments.count {
            switch arguments[index] {
            case "--list":
                for suite in allSuites { print("\(suite.name)\t\(suite.summary)") }
                return
            case "--only" where index + 1 < arguments.count:
                selected = arguments[index + 1].split(separator: ",").map(String.init)
                index += 1
            case "--threads" where index + 1 < arguments.count:
                let counts = arguments[index + 1].split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
                guard !counts.isEmpty else {
                    printError("gantry-bench: --threads takes positive counts such as 1,2, not '\(arguments[index + 1])'")
                    exit(2)
                }
                benchmarkThreadCounts = counts
                index += 1
            default:
                printError("gantry-bench: unknown argument '\(arguments[index])' (use --list, --only NAME[,NAME…] or --threads N[,N…])")
                exit(2)
            }
            index += 1
        }
        for name in selected where !allSuites.contains(where: { $0.name == name }) {
            printError("gantry-bench: no suite named '\(name)'; suites: \(allSuites.map(\.name).joined(separator: ", "))")
            exit(2)
        }
        for suite in allSuites where selected.contains(suite.name) {
            suite.run { line in
                print(line.text)
                fflush(nil)
            }
        }
    }

    static func printError(_ message: String) {
        let line = message + "\n"
        _ = line.withCString { write(2, $0, strlen($0)) }
    }
}

/// A flat JSON object built field by field, keys in insertion order.
struct JSONLine {
    private var fields: [String] = []

    init(_ benchmark: String) { add("case", benchmark) }

    /// Adds a string field.
    mutating func add(_ key: String, _ value: String) {
        fields.append("\"\(key)\":\"\(value)\"")
    }
    /// Adds an integer field.
    mutating func add(_ key: String, _ value: Int) {
        fields.append("\"\(key)\":\(value)")
    }
    /// Adds a number field, rounded to `digits` significant digits; non-finite values become null.
    mutating func add(_ key: String, _ value: Double, digits: Int = 4) {
        fields.append("\"\(key)\":\(value.isFinite ? formatSignificant(value, digits: digits) : "null")")
    }
    /// Adds a boolean field.
    mutating func add(_ key: String, _ value: Bool) {
        fields.append("\"\(key)\":\(value)")
    }

    /// The object as one line of JSON.
    var text: String { "{" + fields.joined(separator: ",") + "}" }
}

/// `value` with `digits` significant digits in plain decimal notation (JSON has no %g).
func formatSignificant(_ value: Double, digits: Int) -> String {
    if value == 0 { return "0" }
    let magnitude = Int(floor(log10(abs(value))))
    let decimals = max(0, digits - 1 - magnitude)
    var buffer = [CChar](repeating: 0, count: 64)
    _ = buffer.withUnsafeMutableBufferPointer { out in
        withVaList([decimals, value]) { vsnprintf(out.baseAddress, 64, "%.*f", $0) }
    }
    return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Wall-clock time in seconds from a monotonic clock.
func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) * 1e-9
}

/// The median time of one call of `body`, over `repetitions` timed batches that each run at least
/// `minimumSeconds` (the batch size is found once, by doubling).
func medianSecondsPerCall(repetitions: Int = 5, minimumSeconds: Double = 0.2, _ body: () -> Void) -> Double {
    body()
    var calls = 1
    while true {
        let start = monotonicSeconds()
        for _ in 0..<calls { body() }
        if monotonicSeconds() - start >= minimumSeconds / 4 || calls >= 1 << 30 { break }
        calls *= 2
    }
    calls *= 4
    var samples: [Double] = []
    for _ in 0..<repetitions {
        let start = monotonicSeconds()
        for _ in 0..<calls { body() }
        samples.append((monotonicSeconds() - start) / Double(calls))
    }
    samples.sort()
    return samples[samples.count / 2]
}
