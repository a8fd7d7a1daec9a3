import XCTest
@testable import Plotting

/// Terminal figures against golden text, in both styles, at a pinned width.
final class TerminalRendererTests: XCTestCase {
    func render(_ canvas: Canvas, _ style: TerminalStyle, width: Int = 64, height: Int = 16) -> String {
        TerminalRenderer(width: width, height: height, style: style).render(canvas).joined(separator: "\n") + "\n"
    }

    func testScatterOverHeatMapMatchesItsSnapshots() {
        Snapshot.check(render(Fixtures.scatterOverHeatMap, .ascii), "scatter-ascii.txt")
        Snapshot.check(render(Fixtures.scatterOverHeatMap, .colour), "scatter-colour.txt")
    }

    func testLogHistoryMatchesItsSnapshots() {
        Snapshot.check(render(Fixtures.logHistory, .ascii, height: 12), "history-log-ascii.txt")
        Snapshot.check(render(Fixtures.logHistory, .colour, height: 12), "history-log-colour.txt")
    }

    func testHistogramsAndGameMatchTheirSnapshots() {
        Snapshot.check(render(Fixtures.histograms, .ascii, height: 10), "histograms-ascii.txt")
        Snapshot.check(render(Fixtures.game, .ascii, width: 56, height: 14), "game-ascii.txt")
        Snapshot.check(render(Fixtures.game, .colour, width: 56, height: 14), "game-colour.txt")
    }

    func testEveryLineFitsThePinnedWidth() {
        for width in [40, 64, 100] {
            for canvas in [Fixtures.scatterOverHeatMap, Fixtures.logHistory, Fixtures.histograms, Fixtures.game] {
                for style in [TerminalStyle.ascii, .colour] {
                    for line in TerminalRenderer(width: width, height: 10, style: style).render(canvas) {
                        XCTAssertLessThanOrEqual(Self.visibleWidth(line), width, "\(style) at \(width): \(line)")
                    }
                }
            }
        }
    }

    func testASCIIStyleWritesOnlyASCII() {
        for canvas in [Fixtures.scatterOverHeatMap, Fixtures.logHistory, Fixtures.histograms, Fixtures.game] {
            var asciiCanvas = canvas
            asciiCanvas.title = "t"
            let text = render(asciiCanvas, .ascii)
            XCTAssertTrue(text.unicodeScalars.allSatisfy { $0.isASCII && ($0.value >= 0x20 || $0 == "\n") },
                          "non-ASCII output: \(text)")
        }
    }

    /// f(x, y) = x must be dark on the left and bright on the right, f(x, y) = y dark at the bottom and
    /// bright at the top, in both styles.
    func testHeatMapOrientation() {
        let alongX = Canvas(layers: [.heatMap(HeatMap("f", columns: 20, rows: 20, xRange: 0...1, yRange: 0...1) { x, _ in x })])
        let alongY = Canvas(layers: [.heatMap(HeatMap("f", columns: 20, rows: 20, xRange: 0...1, yRange: 0...1) { _, y in y })])
        for style in [TerminalStyle.ascii, .colour] {
            let renderer = TerminalRenderer(width: 50, height: 12, style: style)
            let xGrid = plotCells(renderer.render(alongX), rows: 12, style: style)
            for row in xGrid {
                XCTAssertLessThan(row.first!, row.last!, "\(style): f = x must grow to the right")
                XCTAssertEqual(row, row.sorted(), "\(style): f = x must not decrease to the right")
            }
            // A row of the darkest shade is blank in ASCII (and trimmed away).
            let column = plotCells(renderer.render(alongY), rows: 12, style: style).map { $0.first ?? 0 }
            XCTAssertGreaterThan(column.first!, column.last!, "\(style): f = y must be brightest in the top row")
            XCTAssertEqual(column, column.sorted(by: >), "\(style): f = y must not grow downwards")
        }
    }

    /// The brightness of each plot cell (shade index in ASCII, luminance of the background colour),
    /// top row first.
    func plotCells(_ lines: [String], rows: Int, style: TerminalStyle) -> [[Double]] {
        lines.prefix(rows).map { line in
            let plot = String(line.drop { $0 != "|" && $0 != "│" && $0 != "+" && $0 != "┤" }.dropFirst())
            if style == .ascii {
                return plot.map { Double(TerminalRenderer.asciiShades.firstIndex(of: $0) ?? -1) }
            }
            // Each "ESC[48;5;Nm" sets the background of the cells after it.
            var values: [Double] = []
            var background = -1.0
            var rest = Substring(plot)
            while !rest.isEmpty {
                if rest.hasPrefix("\u{1b}[") {
                    let code = rest.dropFirst(2).prefix { $0 != "m" }
                    if code.hasPrefix("48;5;"), let index = Int(code.dropFirst(5)) { background = Self.luminance(ofXterm: index) }
                    rest = rest.dropFirst(2 + code.count + 1)
                } else {
                    values.append(background)
                    rest = rest.dropFirst()
                }
            }
            return values
        }
    }

    /// The luminance of an xterm-256 colour of the cube or the grey ramp.
    static func luminance(ofXterm index: Int) -> Double {
        if index >= 232 { return Double(8 + 10 * (index - 232)) / 255 }
        let levels = [0, 95, 135, 175, 215, 255]
        let cube = index - 16
        return RGB(UInt8(levels[cube / 36]), UInt8(levels[(cube / 6) % 6]), UInt8(levels[cube % 6])).luminance
    }

    func testXterm256PicksTheNearestColour() {
        XCTAssertEqual(RGB(0, 0, 0).xterm256, 16)
        XCTAssertEqual(RGB(255, 255, 255).xterm256, 231)
        XCTAssertEqual(RGB(255, 0, 0).xterm256, 196)
        XCTAssertEqual(RGB(128, 128, 128).xterm256, 244)
        XCTAssertEqual(RGB(95, 135, 175).xterm256, 16 + 36 * 1 + 6 * 2 + 3)
    }

    func testArrowHeadsPointTheirWay() {
        XCTAssertEqual(TerminalRenderer.arrowHead(dx: 5, dy: 0, unicode: true), "→")
        XCTAssertEqual(TerminalRenderer.arrowHead(dx: 0, dy: 3, unicode: true), "↑")
        XCTAssertEqual(TerminalRenderer.arrowHead(dx: -4, dy: -4, unicode: true), "↙")
        XCTAssertEqual(TerminalRenderer.arrowHead(dx: 0, dy: -2, unicode: false), "v")
        XCTAssertEqual(TerminalRenderer.arrowHead(dx: -3, dy: 0, unicode: false), "<")
    }

    func testBrailleDotsLandInTheirCells() {
        var grid = CellGrid(columns: 2, rows: 1)
        grid.setDot(DotPosition(x: 0, y: 0), colour: Palette.real)
        grid.setDot(DotPosition(x: 3, y: 3), colour: Palette.real)
        XCTAssertEqual(grid.line(0, style: .colour), "\u{1b}[38;5;\(Palette.real.xterm256)m⠁⢀\u{1b}[0m")
    }

    /// Columns a line takes on screen: escapes take none, every other character one.
    static func visibleWidth(_ line: String) -> Int {
        var count = 0
        var inEscape = false
        for scalar in line.unicodeScalars {
            if inEscape {
                if scalar == "m" { inEscape = false }
            } else if scalar == "\u{1b}" {
                inEscape = true
            } else {
                count += 1
            }
        }
        return count
    }
}
