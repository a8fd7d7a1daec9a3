#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import Synchronization

/// How many threads the kernels may use, and the one way they fan out work.
///
/// Kernels split work only into pieces that each produce whole output elements, with the same summation
/// order inside every piece, so the thread count changes speed and never a single bit of a result.
public enum ComputeThreads {
    private static let configured = Atomic<Int>(initialThreadCount())

    /// The number of threads kernels may use (at least 1). Settable at any time between calls.
    public static var count: Int {
        get { configured.load(ordering: .relaxed) }
        set { configured.store(max(1, newValue), ordering: .relaxed) }
    }

    /// The threads a kernel called now may split its work over: `count`, or 1 inside a piece of another
    /// kernel's work, whose pieces already occupy the threads (a piece's own `forEachPiece` runs on its
    /// thread); a product there is better not cut into pieces that run one after the other.
    public static var available: Int { count > 1 && WorkerPool.shared.isRunning ? 1 : count }

    /// The most threads `GANTRY_THREADS` may ask for.
    public static let maximumRequested = 256

    /// The default: what `GANTRY_THREADS` asks for when it is valid, else the number of active processors.
    /// An invalid setting is not silently replaced for good: `environmentProblem` reports it, and the
    /// programs refuse to start with it.
    static func initialThreadCount() -> Int {
        let requested = try? requestedCount(environmentValue: getenv("GANTRY_THREADS").map { String(cString: $0) })
        return (requested ?? nil) ?? max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
    }

    /// The thread count a `GANTRY_THREADS` value asks for: nil when unset or empty, else an integer in
    /// 1...`maximumRequested` as `NumberSyntax` reads it.
    public static func requestedCount(environmentValue: String?) throws(NumberError) -> Int? {
        guard let environmentValue, !environmentValue.isEmpty else { return nil }
        return try NumberSyntax.integer(environmentValue, as: Int.self, in: 1...maximumRequested)
    }

    /// Why this process's `GANTRY_THREADS` cannot be used, in a sentence naming the variable, or nil when
    /// it is unset or valid. Only the programs' entry points print it.
    public static var environmentProblem: String? {
        do throws(NumberError) {
            _ = try requestedCount(environmentValue: getenv("GANTRY_THREADS").map { String(cString: $0) })
            return nil
        } catch {
            return "GANTRY_THREADS=\(error); it sets how many threads compute (a whole number from 1 to "
                + "\(maximumRequested)), or leave it unset to use every processor"
        }
    }

    /// How often the kernels ran on the calling thread alone for a while because the other threads did not
    /// get a processor (another program kept the cores busy), since the process started: a benchmark that
    /// reports it tells a busy machine from a slow kernel.
    public static var soloPeriodCount: Int { WorkerPool.shared.soloPeriodCount }

    /// Runs `body(0) … body(pieces − 1)`, concurrently when more than one piece and thread are available.
    /// `body` must write disjoint outputs; the call returns when every piece has finished.
    public static func forEachPiece(_ pieces: Int, _ body: (Int) -> Void) {
        if pieces <= 1 {
            if pieces == 1 { body(0) }
            return
        }
        if count == 1 {
            for piece in 0..<pieces { body(piece) }
            return
        }
        // The pieces write disjoint memory and the call waits for all of them, so sharing `body` is safe.
        WorkerPool.shared.run(pieces: pieces, helpers: min(count, pieces) - 1, body)
    }
}

/// Carries a value across a concurrency boundary that the caller has proven safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
