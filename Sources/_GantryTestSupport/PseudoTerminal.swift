import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program running on a pseudo-terminal, driven like a person at a keyboard: tests of the interactive
/// shell send keystrokes (text, "\t", "\u{1b}[A" for ↑, "\u{3}" for Ctrl-C, "\u{4}" for Ctrl-D) and wait for
/// what the program prints, escape codes and all.
///
/// The child is started with `posix_spawn` in a new session whose controlling terminal is the pty, so
/// `isatty` is true on its standard streams and Ctrl-C reaches it as SIGINT from the terminal driver, as
/// it would in a real terminal. It gets a small clean environment (`TERM=xterm`, a fresh temporary `HOME`,
/// the caller's `PATH`) plus whatever the test adds; the window is 80×24 unless asked otherwise.
///
/// Type as a person would: wait for the prompt before typing (with a line editor, `expectPrompt`, which
/// also waits for raw mode), and for the echo of text before sending Ctrl-C (the terminal driver discards
/// unread input when it turns Ctrl-C into a signal).
///
/// The waits end as soon as what they wait for happens; their default deadlines (30 s) are there only to
/// catch a program that hangs, so a slow or busy machine does not fail a test.
public final class PseudoTerminal {
    /// Why a terminal could not be driven.
    public enum Error: Swift.Error, CustomStringConvertible {
        /// No pseudo-terminals on this machine (for example a container without /dev/pts); tests skip.
        case unavailable(String)
        /// The program could not be started.
        case spawnFailed(executable: String, reason: String)
        /// Writing keystrokes to the terminal failed.
        case writeFailed(String)
        /// `expect` did not see `expecting` in time; `output` is everything the program printed.
        case timedOut(expecting: String, output: String)

        /// A one-paragraph explanation; output is shown with control characters made visible.
        public var description: String {
            switch self {
            case .unavailable(let reason): "pseudo-terminals are unavailable: \(reason)"
            case .spawnFailed(let executable, let reason): "cannot start \(executable): \(reason)"
            case .writeFailed(let reason): "cannot write to the terminal: \(reason)"
            case .timedOut(let expecting, let output):
                "timed out waiting for \(PseudoTerminal.visible(expecting)); the program printed:\n"
                    + PseudoTerminal.visible(output)
            }
        }
    }

    /// The child's process id (also its process group and session id).
    public let processIdentifier: pid_t
    /// The child's `HOME`: a fresh temporary directory, removed in `deinit`, unless the caller passed one.
    public let homeDirectory: String

    private let master: Int32
    /// The parent keeps the terminal's other end open so that the child's last output stays readable after
    /// it exits (without a reader on the slave side Linux may report EIO before everything is read).
    private let slave: Int32
    private let ownsHomeDirectory: Bool
    /// Output not yet returned by `readUntil`.
    private var pending: [UInt8] = []
    /// All output so far.
    private var everything: [UInt8] = []
    /// The exit status once the child has been reaped (128 + signal number if a signal ended it).
    private var exitStatus: Int32?

    /// Starts `executable` (a path, or a name looked up in `PATH`) with `arguments` on a new terminal.
    /// `environment` is added to the default one (`TERM`, `HOME`, `PATH`) and overrides it.
    public init(executable: String, arguments: [String] = [], environment: [String: String] = [:],
                workingDirectory: String? = nil, columns: Int = 80, rows: Int = 24) throws {
        let libc = try LibC()
        master = libc.posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard master >= 0 else { throw Error.unavailable("posix_openpt: \(PseudoTerminal.errnoText())") }
        var name = [CChar](repeating: 0, count: 256)
        guard libc.grantpt(master) == 0, libc.unlockpt(master) == 0, libc.ptsnameR(master, &name, name.count) == 0
        else {
            let reason = PseudoTerminal.errnoText()
            close(master)
            throw Error.unavailable("grantpt/unlockpt/ptsname: \(reason)")
        }
        let slavePath = PseudoTerminal.string(nulTerminated: name)
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
        slave = open(slavePath, O_RDWR | O_NOCTTY | O_CLOEXEC)
        guard slave >= 0 else {
            let reason = PseudoTerminal.errnoText()
            close(master)
            throw Error.unavailable("open \(slavePath): \(reason)")
        }

        if let home = environment["HOME"] {
            homeDirectory = home
            ownsHomeDirectory = false
        } else {
            var template = Array("\(FileManager.default.temporaryDirectory.path)/gantry-pty-XXXXXX".utf8CString)
            guard mkdtemp(&template) != nil else {
                close(master)
                close(slave)
                throw Error.spawnFailed(executable: executable, reason: "mkdtemp: \(PseudoTerminal.errnoText())")
            }
            homeDirectory = PseudoTerminal.string(nulTerminated: template)
            ownsHomeDirectory = true
        }
        var fullEnvironment = ["TERM": "xterm", "HOME": homeDirectory,
                               "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"]
        fullEnvironment.merge(environment) { _, new in new }

        do {
            processIdentifier = try PseudoTerminal.spawn(
                executable, arguments: arguments, environment: fullEnvironment, terminal: slavePath,
                workingDirectory: workingDirectory, libc: libc)
        } catch {
            close(master)
            close(slave)
            if ownsHomeDirectory { try? FileManager.default.removeItem(atPath: homeDirectory) }
            throw error
        }
    }

    deinit {
        if exitStatus == nil {
            // SIGHUP is what closing a real terminal sends (interactive shells ignore SIGTERM); the whole
            // process group goes, so children of the program do not linger.
            kill(-processIdentifier, SIGHUP)
            kill(-processIdentifier, SIGTERM)
            if waitForExit(timeout: 1) == nil {
                kill(-processIdentifier, SIGKILL)
                kill(processIdentifier, SIGKILL)
                var status: Int32 = 0
                while waitpid(processIdentifier, &status, 0) < 0 && errno == EINTR {}
            }
        }
        close(master)
        close(slave)
        if ownsHomeDirectory { try? FileManager.default.removeItem(atPath: homeDirectory) }
    }

    /// Everything the program has printed so far (including what `readUntil` already returned).
    public var transcript: String { String(decoding: everything, as: UTF8.self) }

    /// Resizes the window, as a person dragging its corner does: the terminal driver sends SIGWINCH to the
    /// program (the foreground process group).
    public func resize(columns: Int, rows: Int) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Types `text`: its UTF-8 bytes go to the terminal as keystrokes.
    public func send(_ text: String) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw Error.writeFailed(PseudoTerminal.errnoText())
            }
            offset += written
        }
    }

    /// Reads output until `needle` appears or `timeout` seconds pass, and returns the output consumed: up
    /// to and including the needle, or, on timeout (or when the program has exited without printing it),
    /// everything pending. Nothing is stripped. Output after the needle stays for the next call.
    public func readUntil(_ needle: String, timeout: Double) -> String {
        read(until: needle, timeout: timeout).text
    }

    /// Like `readUntil`, but throws `Error.timedOut` (with the whole transcript) if the needle never came.
    @discardableResult
    public func expect(_ needle: String, timeout: Double = 30) throws -> String {
        let result = read(until: needle, timeout: timeout)
        guard result.found else { throw Error.timedOut(expecting: needle, output: transcript) }
        return result.text
    }

    /// Waits up to `timeout` seconds for the program to switch the terminal out of canonical (line-by-line)
    /// mode, as a line editor does when it starts reading keystrokes, reading output meanwhile. Returns
    /// whether it did.
    ///
    /// libedit prints its prompt *before* it switches to raw mode, so keys sent as soon as the prompt shows
    /// can reach a terminal still in cooked mode: the driver echoes them a second time, and Ctrl-C or
    /// Ctrl-D there never reach the editor. Wait for this after every prompt before typing.
    @discardableResult
    public func waitForRawMode(timeout: Double = 30) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            var settings = termios()
            if tcgetattr(slave, &settings) == 0, settings.c_lflag & tcflag_t(ICANON) == 0 { return true }
            if Date() >= deadline || reapIfExited() { return false }
            _ = fill(waitingAtMost: 0.005)
        }
    }

    /// Waits for `prompt` (as `expect` does) and then for raw mode (`waitForRawMode`): the point at which a
    /// line editor is ready for keys. Throws `Error.timedOut` if either does not happen in time.
    @discardableResult
    public func expectPrompt(_ prompt: String, timeout: Double = 30) throws -> String {
        let text = try expect(prompt, timeout: timeout)
        guard waitForRawMode(timeout: timeout) else {
            throw Error.timedOut(expecting: "raw mode after the prompt \(prompt)", output: transcript)
        }
        return text
    }

    /// Waits up to `timeout` seconds for the program to exit, reading its output meanwhile (so it cannot
    /// block on a full terminal). Returns the exit status (128 + n if signal n ended it), or nil.
    public func waitForExit(timeout: Double) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if reapIfExited() {
                while fill(waitingAtMost: 0) {}
                return exitStatus
            }
            if Date() >= deadline { return nil }
            _ = fill(waitingAtMost: 0.05)
        }
    }

    /// Runs a whole conversation: for each step, types `send` (if not empty), then waits for `expect` (if
    /// not empty) for up to `timeout` seconds. When `prompt` is given, an expectation that ends with it also
    /// waits for raw mode (see `expectPrompt`), which a line editor needs. Returns the transcript; throws
    /// `Error.timedOut` at the first expectation not met. The program is ended (SIGHUP, SIGTERM, then
    /// SIGKILL) when the script is done.
    public static func run(_ executable: String, arguments: [String] = [], environment: [String: String] = [:],
                           prompt: String? = nil, script: [(send: String, expect: String)],
                           timeout: Double = 30) throws -> String {
        let terminal = try PseudoTerminal(executable: executable, arguments: arguments, environment: environment)
        for step in script {
            if !step.send.isEmpty { try terminal.send(step.send) }
            if let prompt, !prompt.isEmpty, step.expect.hasSuffix(prompt) {
                try terminal.expectPrompt(step.expect, timeout: timeout)
            } else if !step.expect.isEmpty {
                try terminal.expect(step.expect, timeout: timeout)
            }
        }
        return terminal.transcript
    }

    /// The path of an executable product built next to the running test binary (for example "gantry"),
    /// or nil if it is not there. `swift build --build-tests` and `swift test` build it.
    public static func productExecutable(named name: String) -> String? {
        guard let testBinary = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            return nil
        }
        let candidate = URL(fileURLWithPath: testBinary).deletingLastPathComponent().appendingPathComponent(name).path
        return FileManager.default.isExecutableFile(atPath: candidate) ? candidate : nil
    }

    /// `text` with control characters made visible, for failure messages: ESC as "␛", CR as "\r", tab as
    /// "\t", others as "^X"; newlines are kept so the transcript still reads as lines.
    public static func visible(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x1B: result += "␛"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x0A: result += "\n"
            case 0..<0x20: result += "^" + String(UnicodeScalar(UInt8(scalar.value + 0x40)))
            case 0x7F: result += "^?"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    // MARK: Internals

    private func read(until needle: String, timeout: Double) -> (text: String, found: Bool) {
        let target = Array(needle.utf8)
        let deadline = Date(timeIntervalSinceNow: timeout)
        var searchFrom = 0
        while true {
            if let end = PseudoTerminal.end(of: target, in: pending, from: searchFrom) {
                return (take(end), true)
            }
            // Only the tail can start a match that more output completes.
            searchFrom = max(0, pending.count - target.count + 1)
            let remaining = deadline.timeIntervalSinceNow
            if remaining <= 0 { break }
            // Short slices, so that a program that exits without printing the needle ends the wait early.
            if !fill(waitingAtMost: min(remaining, 0.1)), reapIfExited(), !fill(waitingAtMost: 0) { break }
        }
        return (take(pending.count), false)
    }

    /// Removes and returns the first `count` pending bytes as text.
    private func take(_ count: Int) -> String {
        let text = String(decoding: pending[..<count], as: UTF8.self)
        pending.removeFirst(count)
        return text
    }

    /// The index just past the first occurrence of `needle` in `haystack` at or after `start`.
    private static func end(of needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        if needle.isEmpty { return 0 }
        guard haystack.count >= needle.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) {
                return index + needle.count
            }
            index += 1
        }
        return nil
    }

    /// Waits up to `seconds` for output and reads what is there. Returns whether anything was read.
    private func fill(waitingAtMost seconds: Double) -> Bool {
        var request = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&request, 1, Int32(max(0, seconds * 1000).rounded(.up)))
        guard ready > 0, request.revents & Int16(POLLIN) != 0 else { return false }
        var chunk = [UInt8](repeating: 0, count: 4096)
        let count = chunk.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
        guard count > 0 else { return false }
        pending.append(contentsOf: chunk[..<count])
        everything.append(contentsOf: chunk[..<count])
        return true
    }

    /// Reaps the child if it has exited, recording its status. Returns whether it has exited.
    private func reapIfExited() -> Bool {
        if exitStatus != nil { return true }
        var status: Int32 = 0
        guard waitpid(processIdentifier, &status, WNOHANG) == processIdentifier else { return false }
        // The W* macros are not imported into Swift; this is their Linux definition.
        let signal = status & 0x7F
        exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        return true
    }

    private static func spawn(_ executable: String, arguments: [String], environment: [String: String],
                              terminal: String, workingDirectory: String?, libc: LibC) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let workingDirectory {
            guard let addChdir = libc.addChdir else {
                throw Error.spawnFailed(executable: executable, reason: "this C library cannot set the directory")
            }
            _ = addChdir(&actions, workingDirectory)
        }
        // Opened in the child after setsid(), without O_NOCTTY: on Linux that makes the pty the new
        // session's controlling terminal, which is what turns Ctrl-C into SIGINT for the child.
        posix_spawn_file_actions_addopen(&actions, 0, terminal, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test process may block or ignore signals (XCTest, an installed Ctrl-C handler); the child
        // starts with none blocked and the terminal signals at their defaults.
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGPIPE, SIGHUP, SIGTERM, SIGCHLD] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        let spawnSetsid: Int32 = 0x80  // POSIX_SPAWN_SETSID (glibc ≥ 2.26), hidden from Swift by _GNU_SOURCE.
        posix_spawnattr_setflags(&attributes, Int16(spawnSetsid | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw Error.spawnFailed(executable: executable, reason: String(cString: strerror(result)))
        }
        return pid
    }

    private static func errnoText() -> String { String(cString: strerror(errno)) }

    private static func string(nulTerminated characters: [CChar]) -> String {
        String(decoding: characters.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// The pseudo-terminal functions of the C library. Swift's Glibc module is compiled without the
/// _XOPEN_SOURCE/_GNU_SOURCE feature macros that declare them, so they are looked up at run time.
private struct LibC {
    let posixOpenpt: @convention(c) (Int32) -> Int32
    let grantpt: @convention(c) (Int32) -> Int32
    let unlockpt: @convention(c) (Int32) -> Int32
    let ptsnameR: @convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32
    /// posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29), optional.
    let addChdir: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32)?

    init() throws {
        let handle = dlopen(nil, RTLD_NOW)
        func symbol<T>(_ name: String, as type: T.Type) -> T? {
            dlsym(handle, name).map { unsafeBitCast($0, to: type) }
        }
        guard let posixOpenpt = symbol("posix_openpt", as: (@convention(c) (Int32) -> Int32).self),
              let grantpt = symbol("grantpt", as: (@convention(c) (Int32) -> Int32).self),
              let unlockpt = symbol("unlockpt", as: (@convention(c) (Int32) -> Int32).self),
              let ptsnameR = symbol("ptsname_r",
                                    as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)
        else { throw PseudoTerminal.Error.unavailable("the C library lacks posix_openpt/grantpt/unlockpt/ptsname_r") }
        self.posixOpenpt = posixOpenpt
        self.grantpt = grantpt
        self.unlockpt = unlockpt
        self.ptsnameR = ptsnameR
        addChdir = symbol("posix_spawn_file_actions_addchdir_np",
                          as: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>,
                                               UnsafePointer<CChar>) -> Int32).self)
    }
}
