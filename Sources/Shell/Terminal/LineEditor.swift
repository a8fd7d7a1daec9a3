import CLibEdit
import Workbench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interactive line input through libedit's readline interface: Emacs key bindings, history (↑/↓,
/// Ctrl-R), Tab completion from a Swift closure, and Ctrl-C that discards the line instead of killing the
/// program. Use it only when standard input is a terminal (`makeLineReader` decides).
///
/// libedit keeps its state in process globals, so there is one live editor per process: creating a new
/// `LineEditor` reinitialises libedit and replaces the previous editor's history and completer.
public final class LineEditor: LineReader {
    /// The characters that end the word being completed: whitespace, and `=` so that both the value of
    /// `lambda=` and the path in `file=path` complete on their own. A break character preceded by a
    /// backslash does not break (libedit's rule, mirrored by `completionWord(in:)`).
    public static let wordBreakCharacters = " \t\n="

    /// Problems that did not stop the editor, each reported once (at most one about the history file).
    /// The caller prints them and may remove them once shown.
    public var warnings: [String] = []

    /// A person types at this editor.
    public var isInteractive: Bool { true }

    /// Returns the replacement candidates for the word before the cursor, given the whole line up to the
    /// cursor. Called from inside `readline()`, on the thread that called `readLine(prompt:)`.
    let completer: (_ lineBeforeCursor: String) -> [String]
    private let historyFile: String?
    private let historyLimit: Int
    /// False once the history file proved unreadable or unwritable: nothing more is written this session.
    private var persistsHistory: Bool
    /// The newest history entry, to skip immediate duplicates without asking libedit.
    private var lastHistoryEntry: String?
    /// One warning about the history file is enough: later problems with it are almost always the same one.
    private var historyProblemReported = false

    /// Prepares libedit and loads the history.
    ///
    /// - Parameters:
    ///   - programName: the name under which `~/.editrc` settings apply (`rl_readline_name`).
    ///   - historyFile: where history is kept across sessions, or nil for none. A missing file is normal
    ///     (first run); an unreadable one gives one warning and the session goes on without saving.
    ///   - historyLimit: the most entries kept in memory and in the file (at least 1).
    ///   - completer: the Tab completion source; see `completer`.
    ///
    /// Also installs the Ctrl-C handler (`InterruptFlag.install()`), without which Ctrl-C at the prompt
    /// would end the process, and switches `LC_CTYPE` to the user's locale (or C.UTF-8) so that libedit
    /// accepts UTF-8 input; the other locale categories are left alone.
    public init(programName: String, historyFile: String?, historyLimit: Int = 1000,
                completer: @escaping (_ lineBeforeCursor: String) -> [String]) {
        self.completer = completer
        self.historyFile = historyFile
        self.historyLimit = max(1, historyLimit)
        self.persistsHistory = historyFile != nil
        InterruptFlag.install()
        Self.useCharacterLocale()

        // The name must be set before rl_initialize, which reads ~/.editrc under it. libedit keeps the
        // pointers it is given, so the strings are copied and deliberately never freed.
        gantry_rl_set_readline_name(strdup(programName))
        gantry_rl_set_word_break_characters(strdup(Self.wordBreakCharacters))
        gantry_rl_set_attempted_completion(attemptCompletion)
        gantry_rl_set_getc_function(readKey)
        rl_initialize()  // Also discards any previous editor's history.
        using_history()
        stifle_history(Int32(clamping: self.historyLimit))
        activeEditor = self
        loadHistory()
    }

    /// Shows `prompt` and reads one line with editing. Returns `.interrupted` for Ctrl-C (the line typed so
    /// far is discarded) and `.endOfInput` for Ctrl-D on an empty line.
    public func readLine(prompt: String) -> LineInput {
        activeEditor = self
        // An interrupt that arrived while nothing polled for it (between commands) must not cancel this
        // prompt, nor make the end of input below look like Ctrl-C.
        InterruptFlag.clear()
        // Ctrl-C must not land while libedit is busy between two reads (redrawing, completing): the
        // handler would set the flag and the next read would sleep on regardless, so the key seemed
        // ignored (one Ctrl-C in eight, typed right after other keys). SIGINT is therefore blocked on this
        // thread for the whole of readline() and unblocked only inside the key reader's pselect, which
        // returns EINTR for it. The key reader then sees the flag and reports "no more input".
        var interruptOnly = sigset_t()
        sigemptyset(&interruptOnly)
        sigaddset(&interruptOnly, SIGINT)
        var previousMask = sigset_t()
        pthread_sigmask(SIG_BLOCK, &interruptOnly, &previousMask)
        keyWaitMask = previousMask
        sigdelset(&keyWaitMask, SIGINT)
        InterruptFlag.promptWillRead()
        let text = readline(prompt)
        InterruptFlag.promptDidRead()
        // A SIGINT still pending (libedit's own handler re-raises it) is delivered here, before the flag
        // is read, so it belongs to this prompt and not to the next command.
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
        guard let text else {
            // readline returns NULL both for Ctrl-C and for end of input; only the flag tells them apart.
            return InterruptFlag.check() ? .interrupted : .endOfInput
        }
        defer { free(text) }
        // A Ctrl-C that did not end the line (one pressed at a completion listing) is spent.
        InterruptFlag.clear()
        return .line(String(cString: text))
    }

    /// Adds `line` to the history and appends it to the history file. Blank lines and a repeat of the
    /// newest entry are skipped. The first failure to write gives one warning and stops saving.
    public func addToHistory(_ line: String) {
        guard !line.allSatisfy(\.isWhitespace), line != lastHistoryEntry else { return }
        add_history(line)
        lastHistoryEntry = line
        guard persistsHistory, let historyFile else { return }
        if let problem = HistoryFile.append(line, to: historyFile) {
            persistsHistory = false
            reportHistoryProblem("cannot save history to \(historyFile) (\(problem)); it will not be saved this session")
        }
    }

    /// The history in memory, oldest first (what ↑ walks through).
    public var history: [String] {
        let base = gantry_history_base()
        return (0..<max(0, gantry_history_length())).compactMap { offset in
            history_get(base + offset).flatMap { $0.pointee.line }.map { String(cString: $0) }
        }
    }

    /// The word that Tab completes at the end of `lineBeforeCursor`: the text after the last unescaped
    /// `wordBreakCharacters` character, with libedit's two rules for quotes: a quote or backslash just
    /// before the cursor joins the word before it, and a word that is a single quote counts as empty (what
    /// is inserted goes after the quote). Completers use it to know what their candidates replace.
    public static func completionWord(in lineBeforeCursor: String) -> String {
        let scalars = Array(lineBeforeCursor.unicodeScalars)
        let breaks = Set(wordBreakCharacters.unicodeScalars)
        let quotes: Set<Unicode.Scalar> = ["\"", "'"]
        var start = scalars.count
        if start > 0, quotes.contains(scalars[start - 1]) || scalars[start - 1] == "\\" { start -= 1 }
        while start > 0 {
            if breaks.contains(scalars[start - 1]) {
                guard start >= 2, scalars[start - 2] == "\\" else { break }
                start -= 2  // "\ " is part of the word.
            } else {
                start -= 1
            }
        }
        if scalars.count - start == 1, quotes.contains(scalars[start]) { start = scalars.count }
        var word = String.UnicodeScalarView()
        word.append(contentsOf: scalars[start...])
        return String(word)
    }

    // MARK: Completion

    /// What libedit is told for one Tab: `matches[0]` replaces the word, the rest are the candidates (listed
    /// on a second Tab when there are several).
    struct Completion: Equatable {
        var matches: [String]
        /// Whether a unique completion is followed by a space.
        var appendsSpace: Bool
    }

    /// The readline match list for `candidates` completing `word`, or nil when there is nothing to offer.
    ///
    /// Duplicates and empty candidates are dropped. A unique candidate replaces the word, followed by a
    /// space unless it ends in `=` or `/` (a value or a path continues right after it). Several candidates
    /// replace the word by their longest common prefix, but never by less than what was typed: a prefix
    /// that does not extend the word (or extend it after an opening quote, as a completer quoting a path
    /// with spaces does) would delete characters.
    static func completion(word: String, candidates: [String]) -> Completion? {
        var seen = Set<String>()
        let unique = candidates.filter { !$0.isEmpty && seen.insert($0).inserted }
        guard let first = unique.first else { return nil }
        if unique.count == 1 {
            // [match, match]: libedit recognises a unique match by matches[2] == NULL and matches[0] equal
            // to matches[1] (it reads matches[2] even when matches[1] is NULL, as GNU readline allows).
            return Completion(matches: [first, first], appendsSpace: !(first.hasSuffix("=") || first.hasSuffix("/")))
        }
        var common = Array(first.unicodeScalars)
        for candidate in unique.dropFirst() {
            let scalars = Array(candidate.unicodeScalars)
            var length = 0
            while length < min(common.count, scalars.count), common[length] == scalars[length] { length += 1 }
            common.removeSubrange(length...)
        }
        var prefix = String.UnicodeScalarView()
        prefix.append(contentsOf: common)
        let extendsWord = common.starts(with: word.unicodeScalars)
            || common.first == "\"" && common.dropFirst().starts(with: word.unicodeScalars)
        let substitution = extendsWord ? String(prefix) : word
        return Completion(matches: [substitution] + unique, appendsSpace: true)
    }

    /// The line up to the cursor, from libedit's line buffer and the cursor offset it passes to the
    /// completion callback (counted in characters of its wide-character buffer, i.e. Unicode scalars).
    /// libedit's narrow copy of the line can be stale for very long lines; if the result does not end with
    /// the word libedit is completing, the word alone is the safest answer.
    static func lineBeforeCursor(buffer: String?, cursor: Int, word: String) -> String {
        guard let buffer, cursor >= 0 else { return word }
        let scalars = Array(buffer.unicodeScalars)
        guard cursor <= scalars.count else { return word }
        guard scalars[..<cursor].reversed().starts(with: word.unicodeScalars.reversed()) else { return word }
        var line = String.UnicodeScalarView()
        line.append(contentsOf: scalars[..<cursor])
        return String(line)
    }

    // MARK: History file

    private func loadHistory() {
        guard let historyFile else { return }
        switch HistoryFile.load(historyFile) {
        case .missing:
            break
        case .failed(let problem):
            persistsHistory = false  // Appending to a file we cannot read would be guesswork.
            reportHistoryProblem("cannot read history from \(historyFile) (\(problem)); history will not be saved this session")
        case .entries(let entries):
            let kept = entries.suffix(historyLimit)
            for entry in kept { add_history(entry) }
            lastHistoryEntry = kept.last
            // The file only grows by appending; trimming it here, once per session, keeps it bounded.
            if entries.count > kept.count, let problem = HistoryFile.rewrite(Array(kept), to: historyFile) {
                reportHistoryProblem("cannot trim the history file \(historyFile) (\(problem))")
            }
        }
    }

    private func reportHistoryProblem(_ message: String) {
        guard !historyProblemReported else { return }
        historyProblemReported = true
        warnings.append(message)
    }

    /// libedit decodes input with the C library's multibyte functions, which in the default "C" locale
    /// reject UTF-8. Only LC_CTYPE is changed, so number formatting is unaffected.
    private static func useCharacterLocale() {
        guard let current = setlocale(LC_CTYPE, nil), ["C", "POSIX"].contains(String(cString: current)) else {
            return  // The host program already chose a locale.
        }
        if let chosen = setlocale(LC_CTYPE, ""), !["C", "POSIX"].contains(String(cString: chosen)) { return }
        _ = setlocale(LC_CTYPE, "C.UTF-8")
    }
}

// MARK: - The C side of completion

/// The editor whose completer Tab uses. libedit's callback is a plain C function pointer with no context
/// argument, so the editor has to be reachable from a global. It is written by `LineEditor.init` and
/// `readLine(prompt:)` and read by the callback, which libedit runs inside `readline()` on that same
/// thread; nothing else touches it, which is why the unchecked `nonisolated(unsafe)` is sound. Weak, so a
/// discarded editor (and whatever its completer captures) is not kept alive.
nonisolated(unsafe) private weak var activeEditor: LineEditor?

/// libedit's attempted-completion callback (`rl_completion_func_t`): a global function, so it converts to
/// a `@convention(c)` pointer. `text` is the word before the cursor, `end` the cursor offset.
private func attemptCompletion(_ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32)
    -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    // Never fall back to libedit's file-name completion: no candidates means no completion. libedit
    // resets this after every attempt, so it is set every time.
    gantry_rl_set_attempted_completion_over(1)
    guard let editor = activeEditor else { return nil }
    let word = text.map { String(cString: $0) } ?? ""
    let buffer = gantry_rl_line_buffer().map { String(cString: $0) }
    let line = LineEditor.lineBeforeCursor(buffer: buffer, cursor: Int(end), word: word)
    guard let completion = LineEditor.completion(word: word, candidates: editor.completer(line)) else {
        return nil
    }
    gantry_rl_set_completion_append_character(completion.appendsSpace ? 0x20 : 0)
    return mallocStringArray(completion.matches)
}

/// A NULL-terminated array of `strdup`ed strings in `malloc`ed memory: libedit frees the strings and the
/// array with `free`, so Swift allocation must not be used.
private func mallocStringArray(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
    let slot = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride
    guard let raw = malloc(slot * (strings.count + 1)) else { return nil }
    let array = raw.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: strings.count + 1)
    for (index, string) in strings.enumerated() { array[index] = strdup(string) }
    array[strings.count] = nil
    return array
}

// MARK: - The key reader

/// The signal mask in force while waiting for a key: the prompt thread's usual mask without SIGINT.
/// Written by `readLine(prompt:)` just before `readline()` and read by `readKey` inside it, on the same
/// thread, hence the unchecked `nonisolated(unsafe)`.
nonisolated(unsafe) private var keyWaitMask = sigset_t()

/// readline's key reader (`rl_getc_function`): one key as a Unicode scalar value, or -1 for "no more
/// input" (end of file, an error, or Ctrl-C). libedit's own reader decodes multibyte input the same way;
/// this one exists to wait with SIGINT unblocked only inside `pselect` (see `readLine(prompt:)`).
private func readKey(_ stream: UnsafeMutablePointer<FILE>?) -> Int32 {
    let descriptor = stream.map { fileno($0) } ?? STDIN_FILENO
    guard let lead = readByte(descriptor) else { return -1 }
    let continuationCount: Int
    switch lead {
    case 0..<0x80: return Int32(lead)
    case 0xC2...0xDF: continuationCount = 1
    case 0xE0...0xEF: continuationCount = 2
    case 0xF0...0xF4: continuationCount = 3
    default: return 0xFFFD  // A stray continuation byte or an invalid lead byte.
    }
    var value = UInt32(lead) & (0x3F >> continuationCount)
    for _ in 0..<continuationCount {
        guard let next = readByte(descriptor) else { return -1 }
        guard next & 0xC0 == 0x80 else { return 0xFFFD }
        value = value << 6 | UInt32(next & 0x3F)
    }
    return Int32(Unicode.Scalar(value)?.value ?? 0xFFFD)
}

/// A non-blocking descriptor of the terminal behind `descriptor` (its own open file description, so the
/// flag does not leak to the shell sharing the terminal), opened once; `descriptor` itself when it is no
/// terminal or cannot be reopened.
nonisolated(unsafe) private var nonBlockingDescriptors: [Int32: Int32] = [:]

private func nonBlocking(_ descriptor: Int32) -> Int32 {
    if let known = nonBlockingDescriptors[descriptor] { return known }
    var reopened = descriptor
    if isatty(descriptor) == 1, let name = ttyname(descriptor) {
        let opened = open(name, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if opened >= 0 { reopened = opened }
    }
    nonBlockingDescriptors[descriptor] = reopened
    return reopened
}

/// One byte of input, or nil for end of input, an error, or a pending Ctrl-C.
private func readByte(_ descriptor: Int32) -> UInt8? {
    // The read must not block: Ctrl-C flushes the terminal's input queue, so bytes pselect reported can be
    // gone by the time of the read, and a blocking read would then wait with SIGINT blocked — for ever.
    let source = nonBlocking(descriptor)
    while true {
        // Checked with SIGINT blocked: an interrupt arriving after this check stays pending until
        // pselect unblocks it, and then ends the wait.
        if InterruptFlag.isSet { return nil }
        if gantry_wait_readable(source, &keyWaitMask) < 0 {
            if errno == EINTR { continue }  // Ctrl-C (seen above), a window resize, a resumed job.
            return nil
        }
        var byte: UInt8 = 0
        let count = read(source, &byte, 1)
        if count == 1 { return byte }
        if count < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK) { continue }
        return nil
    }
}

// MARK: - The history file

/// Reading and appending the history file ourselves rather than through libedit, whose `append_history`
/// (libedit 3.1-20221030) writes the previous entries again on every call, and whose `write_history`
/// writes non-ASCII text as undecodable "M-x" sequences in a UTF-8 locale.
///
/// The format stays libedit's so either side can read the other's files: a `_HiStOrY_V2_` first line, then
/// one entry per line, with backslashes and control characters (a newline inside an entry, a tab) written
/// as `\ooo` octal escapes. UTF-8 text is written as is.
enum HistoryFile {
    static let cookie = "_HiStOrY_V2_"

    enum LoadResult: Equatable {
        /// No file yet: the first session, not a problem.
        case missing
        case entries([String])
        /// The file exists but cannot be read; the associated text says why (strerror).
        case failed(String)
    }

    static func load(_ path: String) -> LoadResult {
        var info = stat()
        if stat(path, &info) != 0 && errno == ENOENT { return .missing }
        // The shared reader refuses a folder, a FIFO (which would block the start-up) or a device.
        do {
            return .entries(parse(try PointFile.readBytes(path: path)))
        } catch let error as DataFileError {
            return .failed(error.reason)
        } catch {
            return .failed("\(error)")
        }
    }

    /// Appends one entry, creating the file (with the header) if needed. One `write` per entry keeps
    /// concurrent sessions from interleaving inside a line. Returns a description of the failure, or nil.
    static func append(_ entry: String, to path: String) -> String? {
        // Without blocking: a FIFO put in the file's place must not hang the prompt.
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return describeErrno() }
        var status = stat()
        let examined = fstat(descriptor, &status) == 0
        if examined, let problem = PointFile.notRegular(status.st_mode) {
            close(descriptor)
            return problem
        }
        let isNew = examined && status.st_size == 0
        let bytes = (isNew ? Array((cookie + "\n").utf8) : []) + encode(entry) + [UInt8(ascii: "\n")]
        let problem = writeAll(bytes, to: descriptor)
        let closed = close(descriptor) == 0
        return problem ?? (closed ? nil : describeErrno())
    }

    /// Replaces the file with exactly `entries`, atomically (see `PointFile.writeAtomically`: a crash leaves
    /// the old file or the new one, its mode is kept, a link to it stays). Returns the failure, or nil.
    static func rewrite(_ entries: [String], to path: String) -> String? {
        do {
            try PointFile.writeAtomically(serialize(entries), to: path)
            return nil
        } catch let error as DataFileError {
            return error.reason
        } catch {
            return "\(error)"
        }
    }

    static func serialize(_ entries: [String]) -> [UInt8] {
        var bytes = Array((cookie + "\n").utf8)
        for entry in entries { bytes += encode(entry) + [UInt8(ascii: "\n")] }
        return bytes
    }

    /// The entries of a history file's contents; the header line and empty lines are skipped.
    static func parse(_ bytes: [UInt8]) -> [String] {
        var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        if let first = lines.first, first.elementsEqual(cookie.utf8) { lines.removeFirst() }
        return lines.map(decode).filter { !$0.isEmpty }
    }

    /// One entry as a line: `\` and control characters become `\ooo`, everything else is kept.
    static func encode(_ entry: String) -> [UInt8] {
        var bytes: [UInt8] = []
        for byte in entry.utf8 {
            if byte == UInt8(ascii: "\\") || byte < 0x20 || byte == 0x7F {
                bytes += [UInt8(ascii: "\\"), 0x30 + (byte >> 6), 0x30 + (byte >> 3 & 7), 0x30 + (byte & 7)]
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }

    /// Undoes `encode`, and also reads what libedit writes: `\ooo`, `\\`, the C escapes `\n \t \r`, and
    /// `\M-x` (a byte with the high bit set, libedit's form for non-ASCII bytes in the C locale). Any other
    /// backslash is kept literally.
    static func decode<Line: Collection>(_ line: Line) -> String where Line.Element == UInt8 {
        let input = Array(line)
        var output: [UInt8] = []
        var index = 0
        func isOctal(_ offset: Int) -> Bool {
            index + offset < input.count && (0x30...0x37).contains(input[index + offset])
        }
        while index < input.count {
            let byte = input[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < input.count else {
                output.append(byte)
                index += 1
                continue
            }
            let next = input[index + 1]
            if isOctal(1), isOctal(2), isOctal(3), next <= 0x33 {
                output.append((next - 0x30) << 6 | (input[index + 2] - 0x30) << 3 | (input[index + 3] - 0x30))
                index += 4
            } else if let simple = [UInt8(ascii: "\\"): UInt8(ascii: "\\"), UInt8(ascii: "n"): 0x0A,
                                    UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D][next] {
                output.append(simple)
                index += 2
            } else if next == UInt8(ascii: "M"), index + 3 < input.count, input[index + 2] == UInt8(ascii: "-") {
                output.append(input[index + 3] | 0x80)
                index += 4
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> String? {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return describeErrno()
            }
            offset += written
        }
        return nil
    }

    private static func describeErrno() -> String { String(cString: strerror(errno)) }
}
