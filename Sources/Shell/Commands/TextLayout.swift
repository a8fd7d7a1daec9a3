/// Help and lists laid out for a terminal of a given width: paragraphs wrapped at spaces, and tables whose
/// last column wraps under itself. Pure functions of the text and the width, so tests pin the width.
enum TextLayout {
    /// Lines are never made narrower than this, however narrow the terminal: below it, wrapping would
    /// break text into fragments too short to read.
    static let minimumWidth = 20

    /// The width a table's last column is given when its other columns can make room for it.
    static let comfortableWidth = 32

    /// The words of `text` in lines of at most `width` characters (at least `minimumWidth`). A word longer
    /// than the width is broken after a `|` or `,` (a list of choices) where it has one, and otherwise gets
    /// a line of its own. Spaces between words on a line are kept as written (several set a word apart); a
    /// line never starts or ends with them.
    static func wrap(_ text: String, width: Int) -> [String] {
        let limit = max(width, minimumWidth)
        var lines: [String] = []
        var current = ""
        var gap = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            guard !word.isEmpty else {
                gap += 1
                continue
            }
            for (index, piece) in (columns(word) > limit ? broken(word, limit: limit) : [word]).enumerated() {
                // The pieces of a broken word each start a line: no space may come between them.
                let spaces = current.isEmpty ? 0 : gap + 1
                if !current.isEmpty && (index > 0 || columns(current) + spaces + columns(piece) > limit) {
                    lines.append(current)
                    current = String(piece)
                } else {
                    current += String(repeating: " ", count: spaces) + piece
                }
            }
            gap = 0
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// The terminal columns `text` takes: two for a wide character (Hangul, CJK ideographs, full-width
    /// forms), one for any other, so Korean lines wrap where they reach the edge.
    static func columns<Text: StringProtocol>(_ text: Text) -> Int {
        text.unicodeScalars.reduce(0) { count, scalar in
            // Combining marks and joiners take no column of their own.
            if scalar.properties.generalCategory == .nonspacingMark || scalar.value == 0x200D { return count }
            return count + (isWide(scalar.value) ? 2 : 1)
        }
    }

    /// The East Asian Wide and Fullwidth blocks a terminal draws two columns wide.
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
             0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6:
            return true
        default:
            return false
        }
    }

    /// An overlong word cut after its last `|` or `,` within each `limit` characters; the pieces are set on
    /// lines of their own by `wrap`, since no space separates them.
    private static func broken(_ word: Substring, limit: Int) -> [Substring] {
        var pieces: [Substring] = []
        var rest = word
        while rest.count > limit {
            let window = rest.prefix(limit)
            guard let cut = window.lastIndex(where: { $0 == "|" || $0 == "," }) else { break }
            pieces.append(rest[...cut])
            rest = rest[rest.index(after: cut)...]
        }
        return pieces + [rest]
    }

    /// `text` wrapped to `width`, its first line starting with `first` and the others with `rest`
    /// (a hanging indent: "  command plot: draw …" continues under "command").
    static func paragraph(_ text: String, width: Int, first: String = "", rest: String = "") -> [String] {
        let lines = wrap(text, width: width - max(first.count, rest.count))
        return lines.enumerated().map { ($0.offset == 0 ? first : rest) + $0.element }
    }

    /// Rows of cells in aligned columns, indented by `indent`, two spaces between columns; the last cell
    /// of each row is wrapped to `width` and continues under itself. A column is as wide as its widest
    /// cell, but at most its entry in `caps`, and narrower still (down to the next cell) while that leaves
    /// the last column less than `comfortableWidth` and moves at most a third of the rows; a row with a cell
    /// wider than its column puts its last cell on the next lines instead (as argparse does). When the last
    /// column would still be narrower than `minimumWidth`, every last cell goes under its row, indented
    /// four more spaces.
    static func table(_ rows: [[String]], width: Int, indent: String = "  ", caps: [Int]) -> [String] {
        guard let columns = rows.map(\.count).max(), columns > 0 else { return [] }
        let leading = columns - 1
        var caps = (0..<leading).map { $0 < caps.count ? caps[$0] : Int.max }
        func columnWidths() -> [Int] {
            (0..<leading).map { column in
                rows.compactMap { row -> Int? in
                    guard column < row.count - 1, row[column].count <= caps[column] else { return nil }
                    return row[column].count
                }.max() ?? 0
            }
        }
        func overflowing(_ widths: [Int]) -> Int {
            rows.filter { row in row.dropLast().enumerated().contains { $0.element.count > widths[$0.offset] } }.count
        }
        var widths = columnWidths()
        // Narrow the widest column, one cell at a time, while the summaries get less than a comfortable
        // width and at most a third of the rows move their summary below.
        while width - (indent.count + widths.reduce(0, +) + 2 * leading) < comfortableWidth,
              let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 0 {
            let saved = caps[widest]
            caps[widest] = widths[widest] - 1
            let narrower = columnWidths()
            if overflowing(narrower) > rows.count / 3 {
                caps[widest] = saved
                break
            }
            widths = narrower
        }
        var start = indent.count + widths.reduce(0, +) + 2 * leading
        let stacked = width - start < minimumWidth
        if stacked { start = indent.count + 4 }
        let hanging = String(repeating: " ", count: start)
        var lines: [String] = []
        for row in rows {
            let cells = Array(row.dropLast())
            let fits = !stacked && cells.indices.allSatisfy { cells[$0].count <= widths[$0] }
            var head = indent
            for (index, cell) in cells.enumerated() {
                if fits || index < cells.count - 1 {
                    let padded = max(widths[index], cell.count)
                    head += cell.padding(toLength: padded, withPad: " ", startingAt: 0) + "  "
                } else {
                    head += cell
                }
            }
            let summary = wrap(row.last ?? "", width: width - start)
            if fits {
                lines.append(head + (summary.first ?? ""))
                lines += summary.dropFirst().map { hanging + $0 }
            } else {
                // The row's own cells, wrapped if even they are wider than the terminal, then its summary.
                let cellsText = String(head.dropFirst(indent.count).reversed().drop { $0 == " " }.reversed())
                lines += paragraph(cellsText, width: width, first: indent, rest: indent + "    ")
                lines += summary.map { hanging + $0 }
            }
        }
        return lines
    }
}
