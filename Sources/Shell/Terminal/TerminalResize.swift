import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Window resizes as a flag: a SIGWINCH handler records that the size changed, and whatever draws next
/// (a command's output, a progress line, a frame of the live view) reads the new size with TIOCGWINSZ
/// before it lays anything out. Reading the size once at start-up made every line drawn after a resize
/// as wide as the old window, and the terminal wrapped them into garbage.
public enum TerminalResize {
    /// Set by the handler, cleared by `takeChange`.
    private static let changed = Atomic<Bool>(false)
    private static let installed = Atomic<Bool>(false)

    /// Installs the SIGWINCH handler (once per process; later calls do nothing). `SA_RESTART`, so a resize
    /// never makes a read or a write fail. libedit installs its own handler while it reads a line and
    /// passes the signal on to this one when it returns.
    public static func install() {
        _ = changed.load(ordering: .sequentiallyConsistent)  // Initialised before the handler can run.
        guard installed.compareExchange(expected: false, desired: true, ordering: .sequentiallyConsistent)
            .exchanged else { return }
        installSignalHandler(SIGWINCH, resizeHandler)
    }

    /// Whether the window was resized since the last call; clears the record.
    public static func takeChange() -> Bool { changed.exchange(false, ordering: .sequentiallyConsistent) }

    /// The current size of standard output's window (`TerminalInfo`'s rules) when it was resized since the
    /// last call, else nil.
    public static func newSize() -> (width: Int, height: Int)? {
        takeChange() ? (TerminalInfo.width, TerminalInfo.height) : nil
    }

    fileprivate static func record() { changed.store(true, ordering: .sequentiallyConsistent) }
}

/// The SIGWINCH handler: a global function, as a signal handler must be a C function pointer.
private func resizeHandler(_ signal: Int32) {
    TerminalResize.record()
}
