import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ctrl-C as a flag rather than a kill: a SIGINT handler records the interrupt and whatever is running
/// (a training loop, the prompt) polls the flag at a safe point and stops cleanly.
///
/// A plain `sigaction` handler storing into an `Atomic<Bool>` is the whole mechanism. A `DispatchSource`
/// signal source was tried and raced with the prompt: the interrupt could reach the queue after
/// `readline()` had already returned NULL, so the REPL mistook Ctrl-C for end of input and quit.
public enum InterruptFlag {
    /// Set by the signal handler, cleared by the code that acts on it. A lock-free atomic store is one of
    /// the few things a signal handler may safely do.
    private static let flag = Atomic<Bool>(false)
    /// Makes `install()` idempotent: the REPL and the line editor may both call it.
    private static let installed = Atomic<Bool>(false)
    /// The thread waiting for a key at the prompt (its pthread_t), or 0 when no prompt is showing.
    private static let promptThread = Atomic<UInt>(0)
    /// Whether the line under the cursor is a progress line the handler may replace by the stopping notice
    /// (set while long work shows one; cleared once the notice is written, and before other output).
    private static let stopNoticeArmed = Atomic<Bool>(false)

    /// What the progress line says once Ctrl-C was seen and the work is winding down.
    public static let stoppingNotice = "stopping…"

    /// Installs the SIGINT handler (once per process; later calls do nothing).
    ///
    /// The handler uses `SA_RESTART`, so system calls interrupted by Ctrl-C (a write to the terminal in
    /// the middle of a long computation) resume instead of failing with EINTR. The prompt does not rely on
    /// interrupted calls failing: it waits for keys with `pselect`, which is never restarted.
    public static func install() {
        // Touch the statics before the handler can run: they are initialised lazily through `swift_once`,
        // which must not happen for the first time inside a signal handler.
        _ = flag.load(ordering: .sequentiallyConsistent)
        _ = promptThread.load(ordering: .sequentiallyConsistent)
        _ = stopNoticeArmed.load(ordering: .sequentiallyConsistent)
        guard installed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent)
            .exchanged else { return }
        installSignalHandler(SIGINT, interruptHandler)
    }

    /// Whether Ctrl-C was pressed since the flag was last cleared.
    public static var isSet: Bool { flag.load(ordering: .sequentiallyConsistent) }

    /// Forgets any pending interrupt (for example one that arrived while nothing was polling).
    public static func clear() { flag.store(false, ordering: .sequentiallyConsistent) }

    /// Returns whether an interrupt is pending and clears it, so that one Ctrl-C stops exactly one thing.
    public static func check() -> Bool { flag.exchange(false, ordering: .sequentiallyConsistent) }

    /// Called by the line editor on the thread about to wait for keys. The prompt thread keeps SIGINT
    /// blocked except while it waits (see `LineEditor`), so a SIGINT the kernel hands to another thread
    /// is forwarded to it; otherwise the waiting thread would sleep on with the flag set.
    static func promptWillRead() { promptThread.store(currentThread(), ordering: .sequentiallyConsistent) }

    /// Called by the line editor as soon as `readline()` returns.
    static func promptDidRead() { promptThread.store(0, ordering: .sequentiallyConsistent) }

    /// Lets the handler (with `true`) replace the progress line under the cursor of standard output by the
    /// stopping notice, the moment Ctrl-C comes: the work itself only sees the flag at its next safe point,
    /// which can be seconds away. Call with `false` before writing anything else to the terminal, so the
    /// notice can never land in the middle of other output.
    public static func armStopNotice(_ armed: Bool) {
        stopNoticeArmed.store(armed, ordering: .sequentiallyConsistent)
    }

    /// Records the interrupt and, during a prompt, passes it on to the waiting thread; while a progress
    /// line shows, replaces it by the stopping notice (once). Only async-signal-safe work: atomic loads and
    /// stores, write, pthread_self, pthread_kill.
    fileprivate static func handleSignal() {
        flag.store(true, ordering: .sequentiallyConsistent)
        if stopNoticeArmed.exchange(false, ordering: .sequentiallyConsistent) {
            // A static string: nothing is allocated or lazily initialised inside the handler.
            let notice: StaticString = "\r  stopping…\u{1b}[K"
            _ = write(STDOUT_FILENO, notice.utf8Start, notice.utf8CodeUnitCount)
        }
        let reader = promptThread.load(ordering: .sequentiallyConsistent)
        if reader != 0 && reader != currentThread() {
            #if canImport(Glibc)
            pthread_kill(pthread_t(reader), SIGINT)
            #endif
        }
    }

    private static func currentThread() -> UInt {
        #if canImport(Glibc)
        UInt(pthread_self())
        #else
        UInt(bitPattern: pthread_self())
        #endif
    }
}

/// The SIGINT handler: a global function because a signal handler must be a C function pointer with no
/// captured context.
private func interruptHandler(_ signal: Int32) {
    InterruptFlag.handleSignal()
}
