import Foundation

/// How a terminal plot is drawn: Unicode braille dots with ANSI colours (and coloured cell backgrounds for
/// heat maps), or plain ASCII characters for terminals that cannot show more (`TERM=dumb`, `NO_COLOR`,
/// pipes and transcripts).
public enum TerminalStyle: Sendable, Equatable {
    /// Braille dots, 256-colour ANSI escapes, shaded backgrounds, box-drawing axes.
    case colour
    /// One ASCII character per cell: series markers, shade characters for heat maps, `|`/`-` axes.
    case ascii
}

/// Draws a canvas as lines of text: a title, the plot with a y-axis gutter, the x axis with tick labels,
/// the legend and the captions. Points and lines are braille dots (2 × 4 per cell) in the colour style,
/// one marker per cell in ASCII.
public struct TerminalRenderer: Sendable {
    /// Columns of the whole figure, gutter included.
    public var width: Int
    /// Rows of the plot area (the figure adds its title, axis, legend and captions).
    public var height: Int
    /// Colour or ASCII.
    public var style: TerminalStyle

    /// A renderer for a figure `width` columns wide with a plot area `height` rows high.
    public init(width: Int, height: Int, style: TerminalStyle) {
        self.width = max(width, 24)
        self.height = max(height, 4)
        self.style = style
    }

    /// The plot height that suits a figure `width` columns wide: about square for data that is, and no
    /// taller than a small terminal.
    public static func defaultHeight(forWidth width: Int) -> Int {
        min(22, max(6, (width - 10) * 2 / 7))
    }

    /// Characters from the darkest to the brightest shade of a heat map in ASCII.
    static let asciiShades: [Character] = [" ", ".", ":", "-", "=", "+", "*", "#", "%", "@"]
    /// The ASCII character of arrow shafts (none of the shades or markers).
    static let asciiShaft: Character = ","

    /// The figure as lines of text (with ANSI escapes in the colour style; no trailing newlines).
    public func render(_ canvas: Canvas) -> [String] {
        let view = Viewport(canvas)
        let yTicks = view.yTicks(max(2, height / 4))
        let labelWidth = max(yTicks.map(\.label.count).max() ?? 1, 1)
        let gutter = labelWidth + 2
        let columns = max(width - gutter - 1, 8)
        var grid = CellGrid(columns: columns, rows: height)
        for layer in canvas.layers { draw(layer, on: &grid, view) }

        var lines: [String] = []
        if !canvas.title.isEmpty { lines.append(centred(canvas.title, in: columns, offset: gutter)) }
        if !canvas.yAxis.label.isEmpty { lines.append(canvas.yAxis.label) }
        var tickRows: [Int: String] = [:]
        for tick in yTicks { tickRows[grid.row(forFraction: tick.fraction)] = tick.label }
        let unicode = style == .colour
        for row in 0..<height {
            let label = tickRows[row].map { String(repeating: " ", count: labelWidth - $0.count) + $0 }
                ?? String(repeating: " ", count: labelWidth)
            let axis = tickRows[row] != nil ? (unicode ? "┤" : "+") : (unicode ? "│" : "|")
            lines.append(label + " " + axis + grid.line(row, style: style))
        }
        let xTicks = view.xTicks(max(2, columns / 12))
        var axisLine = Array(repeating: Character(unicode ? "─" : "-"), count: columns)
        var labelLine = Array(repeating: Character(" "), count: columns + gutter + 8)
        var labelEnd = -1
        for tick in xTicks {
            let column = grid.column(forFraction: tick.fraction)
            axisLine[column] = unicode ? "┬" : "+"
            let start = gutter + column - tick.label.count / 2
            guard start > labelEnd, start >= 0 else { continue }
            for (offset, character) in tick.label.enumerated() { labelLine[start + offset] = character }
            labelEnd = start + tick.label.count
        }
        lines.append(String(repeating: " ", count: labelWidth + 1) + (unicode ? "└" : "+") + String(axisLine))
        lines.append(trimmed(String(labelLine)))
        if !canvas.xAxis.label.isEmpty { lines.append(centred(canvas.xAxis.label, in: columns, offset: gutter)) }
        if canvas.showsLegend { lines += legend(canvas) }
        for caption in canvas.captions { lines += Geometry.wrap(caption, columns: width) }
        return lines
    }

    // MARK: Layers

    private func draw(_ layer: Layer, on grid: inout CellGrid, _ view: Viewport) {
        switch layer {
        case .heatMap(let map):
            for row in 0..<grid.rows {
                for column in 0..<grid.columns {
                    let x = view.xValue((Double(column) + 0.5) / Double(grid.columns))
                    let y = view.yValue(1 - (Double(row) + 0.5) / Double(grid.rows))
                    guard map.xRange.contains(x), map.yRange.contains(y) else { continue }
                    let shade = map.fraction(map.value(atX: x, y: y))
                    grid[column, row].background = ColourRamp.heat.colour(at: shade)
                    let index = Int(shade * Double(Self.asciiShades.count))
                    grid[column, row].shade = Self.asciiShades[min(max(index, 0), Self.asciiShades.count - 1)]
                }
            }
            // A cell shows one character in ASCII, and the shades already mark the levels there.
            if style == .colour {
                for segment in map.contourSegments {
                    grid.line(from: dot(segment.start, view, grid), to: dot(segment.end, view, grid), colour: Palette.contour, marker: nil)
                }
            }
        case .points(let series):
            for point in series.points {
                guard let position = dot(point, view, grid), grid.containsDot(position) else { continue }
                if style == .colour { grid.setDot(position, colour: series.colour) } else { grid.setGlyph(atDot: position, series.marker, colour: series.colour) }
            }
        case .lines(let series):
            for path in series.paths {
                for (a, b) in zip(path, path.dropFirst()) {
                    grid.line(from: dot(a, view, grid), to: dot(b, view, grid), colour: series.colour,
                              marker: style == .colour ? nil : series.marker)
                }
                if path.count == 1, let position = dot(path[0], view, grid), grid.containsDot(position) {
                    if style == .colour { grid.setDot(position, colour: series.colour) } else { grid.setGlyph(atDot: position, series.marker, colour: series.colour) }
                }
            }
        case .arrows(let series):
            for arrow in series.arrows {
                guard let start = dot(arrow.from, view, grid), let end = dot(arrow.to, view, grid), grid.containsDot(start) else { continue }
                let startCell = CellGrid.cell(ofDot: start)
                grid.line(from: start, to: end, colour: series.colour, marker: style == .colour ? nil : Self.asciiShaft, skippingCell: startCell)
                guard grid.containsDot(end), CellGrid.cell(ofDot: end) != startCell else { continue }
                grid.setGlyph(atDot: end, Self.arrowHead(dx: end.x - start.x, dy: start.y - end.y, unicode: style == .colour),
                              colour: series.colour)
            }
        }
    }

    /// The dot (column, row from the top) of a data point; nil when the point cannot be placed. Dots
    /// outside the plot are returned too, so lines can be clipped where they leave it.
    private func dot(_ point: Point, _ view: Viewport, _ grid: CellGrid) -> DotPosition? {
        guard let u = view.u(point.x), let v = view.v(point.y), abs(u) < 1e6, abs(v) < 1e6 else { return nil }
        let width = Double(grid.columns * 2), height = Double(grid.rows * 4)
        let x = u >= 1 && u <= 1 + 1e-9 ? grid.columns * 2 - 1 : Int(floor(u * width))
        let y = v <= 0 && v >= -1e-9 ? grid.rows * 4 - 1 : Int(floor((1 - v) * height))
        return DotPosition(x: x, y: y)
    }

    /// The arrow character pointing along (dx, dy) (dy upwards), in one of eight directions.
    static func arrowHead(dx: Int, dy: Int, unicode: Bool) -> Character {
        let sector = Int((atan2(Double(dy), Double(dx)) / (Double.pi / 4)).rounded())
        let index = ((sector % 8) + 8) % 8
        return unicode ? ["→", "↗", "↑", "↖", "←", "↙", "↓", "↘"][index] : [">", "/", "^", "\\", "<", "/", "v", "\\"][index]
    }

    // MARK: Legend and text

    private func legend(_ canvas: Canvas) -> [String] {
        var entries: [(plain: String, styled: String)] = []
        func swatch(_ symbol: String, _ colour: RGB) -> String {
            style == .colour ? "\u{1b}[38;5;\(colour.xterm256)m\(symbol)\u{1b}[0m" : symbol
        }
        for layer in canvas.layers {
            switch layer {
            case .heatMap(let map):
                let range = map.valueRange
                let low = Self.number(range.lowerBound), high = Self.number(range.upperBound)
                let steps = 8
                if style == .colour {
                    let bar = (0..<steps).map { "\u{1b}[48;5;\(ColourRamp.heat.colour(at: (Double($0) + 0.5) / Double(steps)).xterm256)m " }.joined() + "\u{1b}[0m"
                    entries.append(("\(map.name) \(low) \(String(repeating: " ", count: steps)) \(high)", "\(map.name) \(low) \(bar) \(high)"))
                } else {
                    let text = "\(map.name) \(low) [\(String(Self.asciiShades))] \(high)"
                    entries.append((text, text))
                }
            case .points(let series) where !series.name.isEmpty:
                let symbol = style == .colour ? "⣿" : String(series.marker)
                entries.append(("\(symbol) \(series.name)", "\(swatch(symbol, series.colour)) \(series.name)"))
            case .lines(let series) where !series.name.isEmpty:
                let symbol = style == .colour ? "──" : String(repeating: series.marker, count: 2)
                entries.append(("\(symbol) \(series.name)", "\(swatch(symbol, series.colour)) \(series.name)"))
            case .arrows(let series) where !series.name.isEmpty:
                let symbol = style == .colour ? "→" : ">"
                entries.append(("\(symbol) \(series.name)", "\(swatch(symbol, series.colour)) \(series.name)"))
            default:
                break
            }
        }
        var lines: [String] = []
        var plain = "", styled = ""
        for entry in entries {
            if !plain.isEmpty && plain.count + 3 + entry.plain.count > width {
                lines.append(styled)
                plain = ""
                styled = ""
            }
            plain += (plain.isEmpty ? "" : "   ") + entry.plain
            styled += (styled.isEmpty ? "" : "   ") + entry.styled
        }
        if !plain.isEmpty { lines.append(styled) }
        return lines
    }

    /// A value of the legend's colour scale, in at most 4 significant digits.
    static func number(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2e", value) }
        var text = String(format: "%.4g", value)
        if text.hasPrefix("-0"), Double(text) == 0 { text = "0" }
        return text
    }

    private func centred(_ text: String, in columns: Int, offset: Int) -> String {
        let padding = max(0, offset + (columns - text.count) / 2)
        return String(repeating: " ", count: min(padding, max(0, width - text.count))) + text
    }

    private func trimmed(_ text: String) -> String {
        String(text.reversed().drop { $0 == " " }.reversed())
    }
}
