/// Lines redrawn in place at the bottom of a terminal: each frame replaces the previous one, and the
/// frame's last line (the progress line) may be rewritten on its own between frames, since the cursor
/// waits at its start. The cursor is hidden while frames show; `finish` shows it again and resets colours
/// whatever happened, so an interrupted run leaves the terminal as it found it.
final class LiveRegion {
    private let write: (String) -> Void
    /// Lines of the frame on screen above the cursor's line.
    private var linesAbove = 0
    /// Whether a frame is on screen (and the cursor hidden).
    private(set) var isShowing = false
    /// Whether the window was resized since the last frame: the old frame's lines may have been cut or
    /// rewrapped, so the next frame clears everything below its first line before drawing.
    private var clearsOldFrame = false

    /// Hide and show the cursor; reset colours; clear to the end of the line or the screen.
    static let hideCursor = "\u{1b}[?25l"
    static let showCursor = "\u{1b}[?25h"
    static let resetColours = "\u{1b}[0m"
    static let clearLine = "\u{1b}[K"
    static let clearBelow = "\u{1b}[J"

    /// A region writing through `write` (text as it is, no newline added).
    init(write: @escaping (String) -> Void) { self.write = write }

    /// Draws `lines` over the previous frame (or from the current line, the first time), leaving the
    /// cursor at the start of the last line.
    func draw(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        var text = isShowing ? "" : Self.hideCursor
        text += "\r"
        if linesAbove > 0 { text += "\u{1b}[\(linesAbove)A" }
        if clearsOldFrame { text += Self.clearBelow }
        clearsOldFrame = false
        for (index, line) in lines.enumerated() {
            text += line + Self.resetColours + Self.clearLine
            if index < lines.count - 1 { text += "\n" }
        }
        // A shorter frame than the last one: clear what is left of the old one.
        if lines.count - 1 < linesAbove { text += Self.clearBelow }
        text += "\r"
        linesAbove = lines.count - 1
        isShowing = true
        write(text)
    }

    /// The window changed size: the next frame replaces the old one entirely.
    func windowResized() {
        if isShowing { clearsOldFrame = true }
    }

    /// Leaves the frame on screen and forgets it, clearing its last line for other output: the next
    /// frame starts below whatever is printed meanwhile.
    func detach() {
        if isShowing { write("\r" + Self.clearLine) }
        linesAbove = 0
    }

    /// Ends the live view: the cursor shown and colours reset (always written, so that an interrupted
    /// run cannot leave them changed).
    func finish() {
        write(Self.resetColours + Self.showCursor)
        isShowing = false
        linesAbove = 0
    }
}
