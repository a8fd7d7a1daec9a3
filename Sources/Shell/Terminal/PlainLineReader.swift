import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One result of asking for a line of input.
public enum LineInput: Equatable, Sendable {
    /// A line, without its line terminator.
    case line(String)
    /// Ctrl-C at the prompt: the partly typed line is discarded. The cursor is still on the prompt line, so
    /// the caller usually prints a newline before prompting again.
    case interrupted
    /// Ctrl-D on an empty line, or the end of a piped or redirected input.
    case endOfInput
}

/// A source of input lines for the REPL: the libedit `LineEditor` on a terminal, `PlainLineReader`
/// otherwise. Use `makeLineReader` to pick the right one.
public protocol LineReader: AnyObject {
    /// Reads one line, showing `prompt` first when the reader is interactive.
    func readLine(prompt: String) -> LineInput
    /// Records a line the user entered (readers without history ignore it).
    func addToHistory(_ line: String)
    /// Problems that did not stop the reader (for example an unreadable history file), in the order they
    /// happened, each reported once. The caller shows the ones it has not shown yet.
    var warnings: [String] { get }
    /// Whether a person types the lines at a terminal (the line editor): leaving then asks for confirmation
    /// when training would be lost, and the exit status ignores errors a person has already seen.
    var isInteractive: Bool { get }
}

extension LineReader {
    /// Not interactive unless the reader says so.
    public var isInteractive: Bool { false }
}

/// Reads lines from a pipe or a file: no prompt, no escape codes, no history, so that
/// `echo 'step 10' | gantry` produces only the output of the commands.
public final class PlainLineReader: LineReader {
    /// The stream lines come from.
    private let input: UnsafeMutablePointer<FILE>
    /// `getline`'s buffer, reused across calls and freed in `deinit`.
    private var buffer: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// Always empty: reading a stream cannot degrade in any way worth reporting.
    public let warnings: [String] = []

    /// A reader of `input`, or of the process's standard input when `input` is nil. The stream is not
    /// closed by the reader.
    public init(input: UnsafeMutablePointer<FILE>? = nil) {
        self.input = input ?? gantry_stdin()
    }

    deinit { free(buffer) }

    /// The next line without its "\n" (or "\r\n", for files written on Windows). The prompt is ignored.
    /// A last line without a terminator is still returned; end of input gives `.endOfInput`.
    public func readLine(prompt: String) -> LineInput {
        while true {
            let count = getline(&buffer, &capacity, input)
            guard count >= 0, let buffer else {
                // getline reports both end of input and errors as -1. EINTR can only happen if a signal
                // handler without SA_RESTART interrupted the read; Ctrl-C then means "discard", any other
                // signal means "try again".
                if ferror(input) != 0 && errno == EINTR {
                    clearerr(input)
                    if InterruptFlag.check() { return .interrupted }
                    continue
                }
                return .endOfInput
            }
            var bytes = UnsafeRawBufferPointer(start: buffer, count: count)[...]
            if bytes.last == UInt8(ascii: "\n") { bytes = bytes.dropLast() }
            if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
            // Invalid UTF-8 becomes U+FFFD rather than failing: the command parser will report it.
            return .line(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// Does nothing: piped input has no history.
    public func addToHistory(_ line: String) {}
}

/// The reader the REPL should use: the libedit `LineEditor` when standard input is a terminal, otherwise a
/// `PlainLineReader` on standard input (the arguments other than the input choice are then unused).
public func makeLineReader(programName: String, historyFile: String?, historyLimit: Int = 1000,
                           completer: @escaping (_ lineBeforeCursor: String) -> [String]) -> any LineReader {
    guard TerminalInfo.standardInputIsTerminal else { return PlainLineReader() }
    return LineEditor(programName: programName, historyFile: historyFile, historyLimit: historyLimit,
                      completer: completer)
}
