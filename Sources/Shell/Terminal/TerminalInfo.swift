import CLibEdit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the shell needs to know about the terminal it runs in: whether to edit lines, how wide to draw,
/// and whether colour escape codes are welcome.
///
/// Every property is read fresh on each access (the window can be resized and the environment is cheap to
/// query), and each decision is also available as a pure function of its inputs so it can be tested
/// without a terminal.
public struct TerminalInfo {
    /// Whether standard input is a terminal: the line editor is used only then; a pipe or file gets the
    /// plain line reader.
    public static var standardInputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// Whether standard output is a terminal (and not a pipe or a file).
    public static var standardOutputIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// The width of the output in columns: the terminal's own size (TIOCGWINSZ on standard output), else
    /// `$COLUMNS`, else 80.
    public static var width: Int {
        width(terminalColumns: Int(gantry_terminal_columns(STDOUT_FILENO)), columnsVariable: environment("COLUMNS"))
    }

    /// The height of the output in rows: the terminal's own size, else `$LINES`, else 24.
    public static var height: Int {
        width(terminalColumns: Int(gantry_terminal_rows(STDOUT_FILENO)), columnsVariable: environment("LINES"), fallback: 24)
    }

    /// Whether to emit colour: only when standard output is a terminal, `NO_COLOR` is unset or empty
    /// (https://no-color.org), and `TERM` is not `dumb`.
    public static var colourEnabled: Bool {
        colourEnabled(outputIsTerminal: standardOutputIsTerminal,
                      noColor: environment("NO_COLOR"), term: environment("TERM"))
    }

    /// Whether the terminal takes 24-bit colour escapes: it says so in `COLORTERM` (`truecolor` or `24bit`),
    /// the convention most terminals that can follow. Others get the 256-colour palette.
    public static var trueColourEnabled: Bool {
        ["truecolor", "24bit"].contains(environment("COLORTERM")?.lowercased() ?? "")
    }

    /// The width rule on explicit inputs (also the height rule, with `$LINES` and 24): a positive terminal
    /// size wins, then a positive integer in `$COLUMNS`, then 80. A terminal reporting 0 columns (some serial consoles and pseudo-terminals
    /// nobody sized) counts as no answer.
    static func width(terminalColumns: Int, columnsVariable: String?, fallback: Int = 80) -> Int {
        if terminalColumns > 0 { return terminalColumns }
        if let text = columnsVariable?.trimmingWhitespace(), let columns = Int(text), columns > 0 {
            return columns
        }
        return fallback
    }

    /// The colour rule on explicit inputs. An empty `NO_COLOR` does not disable colour, as the convention
    /// specifies; an unset `TERM` does not either, since the output is known to be a terminal.
    static func colourEnabled(outputIsTerminal: Bool, noColor: String?, term: String?) -> Bool {
        guard outputIsTerminal else { return false }
        if let noColor, !noColor.isEmpty { return false }
        return term != "dumb"
    }

    /// One environment variable, read at each call so that a change made with `setenv` is seen.
    private static func environment(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }
}

private extension String {
    /// The string without leading or trailing spaces and tabs (enough for `COLUMNS=" 120"`).
    func trimmingWhitespace() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
