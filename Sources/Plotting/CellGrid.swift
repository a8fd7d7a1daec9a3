/// A dot of the braille raster: column from the left, row from the top (2 × 4 dots per cell).
struct DotPosition: Equatable {
    var x: Int
    var y: Int
}

/// One character cell of a terminal plot.
struct Cell {
    /// Braille dots set in the cell (bit layout of U+2800).
    var dots: UInt8 = 0
    /// The colour of the last dot drawn.
    var dotColour: RGB?
    /// A character that replaces the dots (a marker, an arrow head).
    var glyph: Character?
    /// The glyph's colour.
    var glyphColour: RGB?
    /// The heat map's colour behind the cell.
    var background: RGB?
    /// The heat map's shade character (ASCII).
    var shade: Character?
}

/// The plot area of a terminal figure: cells that collect dots, glyphs and backgrounds as the layers are
/// drawn, then turn into lines of text.
struct CellGrid {
    let columns: Int
    let rows: Int
    private var cells: [Cell]

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        cells = Array(repeating: Cell(), count: columns * rows)
    }

    subscript(column: Int, row: Int) -> Cell {
        get { cells[row * columns + column] }
        set { cells[row * columns + column] = newValue }
    }

    /// The cell row holding values at `fraction` up the plot (0 bottom, 1 top).
    func row(forFraction fraction: Double) -> Int { min(max(Int((1 - fraction) * Double(rows)), 0), rows - 1) }

    /// The cell column holding values at `fraction` across the plot.
    func column(forFraction fraction: Double) -> Int { min(max(Int(fraction * Double(columns)), 0), columns - 1) }

    func containsDot(_ dot: DotPosition) -> Bool {
        dot.x >= 0 && dot.y >= 0 && dot.x < columns * 2 && dot.y < rows * 4
    }

    /// The cell (column, row) a dot lies in.
    static func cell(ofDot dot: DotPosition) -> DotPosition { DotPosition(x: dot.x >> 1, y: dot.y >> 2) }

    /// The bit of a dot inside its cell, as the braille block numbers them (dots 1–3 and 7 down the left
    /// column, 4–6 and 8 down the right).
    static func brailleBit(_ dot: DotPosition) -> UInt8 {
        let (dx, dy) = (dot.x & 1, dot.y & 3)
        if dy == 3 { return dx == 0 ? 0x40 : 0x80 }
        return UInt8(1 << (dy + 3 * dx))
    }

    mutating func setDot(_ dot: DotPosition, colour: RGB) {
        let cell = CellGrid.cell(ofDot: dot)
        self[cell.x, cell.y].dots |= CellGrid.brailleBit(dot)
        self[cell.x, cell.y].dotColour = colour
    }

    mutating func setGlyph(atDot dot: DotPosition, _ glyph: Character, colour: RGB) {
        let cell = CellGrid.cell(ofDot: dot)
        self[cell.x, cell.y].glyph = glyph
        self[cell.x, cell.y].glyphColour = colour
    }

    /// A straight line of dots (or, with `marker`, of marker characters, one per cell), clipped to the
    /// plot; nothing when an end cannot be placed.
    mutating func line(from start: DotPosition?, to end: DotPosition?, colour: RGB, marker: Character?,
                       skippingCell skipped: DotPosition? = nil) {
        guard let start, let end,
              let (a, b) = CellGrid.clip(start, end, width: columns * 2, height: rows * 4) else { return }
        // Bresenham's walk, all octants.
        var (x, y) = (a.x, a.y)
        let dx = abs(b.x - a.x), dy = -abs(b.y - a.y)
        let sx = a.x < b.x ? 1 : -1, sy = a.y < b.y ? 1 : -1
        var error = dx + dy
        while true {
            let dot = DotPosition(x: x, y: y)
            if containsDot(dot) && CellGrid.cell(ofDot: dot) != skipped {
                if let marker { setGlyph(atDot: dot, marker, colour: colour) } else { setDot(dot, colour: colour) }
            }
            if x == b.x && y == b.y { break }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }

    /// The part of the segment inside [0, width) × [0, height) (Liang–Barsky), or nil.
    static func clip(_ a: DotPosition, _ b: DotPosition, width: Int, height: Int) -> (DotPosition, DotPosition)? {
        let (x0, y0) = (Double(a.x), Double(a.y))
        let (dx, dy) = (Double(b.x - a.x), Double(b.y - a.y))
        guard let (t0, t1) = Geometry.clipParameters(x: x0, y: y0, dx: dx, dy: dy, left: 0, right: Double(width - 1),
                                                     bottom: 0, top: Double(height - 1)) else { return nil }
        func point(_ t: Double) -> DotPosition { DotPosition(x: Int((x0 + t * dx).rounded()), y: Int((y0 + t * dy).rounded())) }
        return (point(t0), point(t1))
    }

    /// Row `row` as text: braille or glyphs with ANSI colours, or ASCII; trailing blank cells dropped.
    func line(_ row: Int, style: TerminalStyle) -> String {
        var cellsOfRow = (0..<columns).map { self[$0, row] }
        let blank = { (cell: Cell) in
            cell.glyph == nil && cell.dots == 0 && (style == .colour ? cell.background == nil : cell.shade == nil || cell.shade == " ")
        }
        while let last = cellsOfRow.last, blank(last) { cellsOfRow.removeLast() }
        guard style == .colour else {
            return String(cellsOfRow.map { $0.glyph ?? $0.shade ?? " " })
        }
        var text = AnsiText()
        for cell in cellsOfRow {
            if let glyph = cell.glyph {
                text.append(glyph, foreground: cell.glyphColour, background: cell.background)
            } else if cell.dots != 0 {
                text.append(Character(Unicode.Scalar(0x2800 + UInt32(cell.dots))!), foreground: cell.dotColour, background: cell.background)
            } else {
                text.append(" ", foreground: nil, background: cell.background)
            }
        }
        return text.finished()
    }
}

/// Text with ANSI 256-colour escapes, emitting a code only where the colour changes and resetting at
/// the end.
struct AnsiText {
    private var text = ""
    private var foreground: Int?
    private var background: Int?

    /// Appends a character; a space's foreground does not matter and never changes the colour.
    mutating func append(_ character: Character, foreground newForeground: RGB?, background newBackground: RGB?) {
        let wantedBackground = newBackground?.xterm256
        if wantedBackground != background {
            text += wantedBackground.map { "\u{1b}[48;5;\($0)m" } ?? "\u{1b}[49m"
            background = wantedBackground
        }
        if character != " " {
            let wantedForeground = newForeground?.xterm256
            if wantedForeground != foreground {
                text += wantedForeground.map { "\u{1b}[38;5;\($0)m" } ?? "\u{1b}[39m"
                foreground = wantedForeground
            }
        }
        text.append(character)
    }

    /// The text, with a reset when any colour is still set.
    func finished() -> String {
        foreground != nil || background != nil ? text + "\u{1b}[0m" : text
    }
}
