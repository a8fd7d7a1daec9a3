import XCTest
import Foundation
@testable import Plotting

/// SVG against golden files; PNG files read back by Python's zlib and struct, not by our own code.
final class FileRendererTests: XCTestCase {
    /// A small canvas with one of everything, so the SVG snapshot stays readable.
    static var small: Canvas {
        var map = HeatMap("D(x)", columns: 4, rows: 3, xRange: -1...1, yRange: -1...1) { x, y in x + 0.5 * y }
        map.contourLevels = [0]
        return Canvas(title: "small", xAxis: Axis("x"), yAxis: Axis("y"),
                      layers: [.heatMap(map),
                               .lines(LineSeries("path", colour: Palette.series(0), marker: "*", paths: [[Point(-0.8, -0.8), Point(0, 0.5), Point(2, 0.5)]])),
                               .points(PointSeries("real", colour: Palette.real, marker: "o", points: [Point(0.5, 0.5), Point(-0.5, 0.25), Point(3, 3)])),
                               .arrows(ArrowSeries("push", colour: Palette.accent, arrows: [Arrow(from: Point(-0.5, -0.5), to: Point(0, -0.25))]))],
                      captions: ["x & y < 1"])
    }

    func testSVGMatchesItsSnapshots() {
        Snapshot.check(SVGRenderer(width: 240, height: 220).render(Self.small), "small.svg")
        Snapshot.check(SVGRenderer(width: 320, height: 200).render(Fixtures.logHistory), "history-log.svg")
    }

    /// Python's XML parser reads every SVG: the root is an svg element of the asked size.
    func testSVGIsWellFormedXML() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-svg-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let canvases = [Self.small, Fixtures.scatterOverHeatMap, Fixtures.logHistory, Fixtures.game, Fixtures.histograms]
        for (index, canvas) in canvases.enumerated() {
            try SVGRenderer(width: 500, height: 400).render(canvas).write(to: folder.appendingPathComponent("\(index).svg"),
                                                                         atomically: true, encoding: .utf8)
        }
        let program = """
            import sys, xml.etree.ElementTree as tree
            for path in sys.argv[1:]:
                root = tree.parse(path).getroot()
                print(root.tag, root.get('width'), root.get('height'), len(list(root.iter())))
            """
        guard let output = Python.run(program, arguments: canvases.indices.map { folder.appendingPathComponent("\($0).svg").path }) else { return }
        let lines = output.split(separator: "\n")
        XCTAssertEqual(lines.count, canvases.count)
        for line in lines { XCTAssertTrue(line.hasPrefix("{http://www.w3.org/2000/svg}svg 500 400 "), String(line)) }
    }

    /// In SVG the heat map is an embedded PNG of one pixel per cell: Python decodes it, and its left
    /// column must be the darkest for f(x, y) = x, its top row the brightest for f(x, y) = y.
    func testSVGHeatMapOrientation() throws {
        func corners(_ function: @escaping (Double, Double) -> Double) throws -> [RGB]? {
            let canvas = Canvas(layers: [.heatMap(HeatMap("f", columns: 5, rows: 4, xRange: 0...1, yRange: 0...1, function: function))])
            let svg = SVGRenderer(width: 300, height: 300).render(canvas)
            let encoded = try XCTUnwrap(svg.components(separatedBy: "href=\"data:image/png;base64,").dropFirst().first?.prefix { $0 != "\"" })
            let url = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-svg-map-\(getpid()).png")
            defer { try? FileManager.default.removeItem(at: url) }
            try XCTUnwrap(Data(base64Encoded: String(encoded))).write(to: url)
            guard let output = Python.run(Python.pngReader, arguments: [url.path, "0,0", "4,0", "0,3", "4,3"]) else { return nil }
            let lines = output.split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
            XCTAssertEqual(lines[0], [5, 4], "one pixel per cell")
            return lines.dropFirst().map { RGB(UInt8($0[0]), UInt8($0[1]), UInt8($0[2])) }
        }
        guard let alongX = try corners({ x, _ in x }), let alongY = try corners({ _, y in y }) else { return }
        // Corners: top left, top right, bottom left, bottom right.
        XCTAssertEqual(alongX[0], ColourRamp.heat.colour(at: 0), "f = x: darkest on the left")
        XCTAssertEqual(alongX[1], ColourRamp.heat.colour(at: 1), "f = x: brightest on the right")
        XCTAssertEqual(alongX[2], alongX[0])
        XCTAssertEqual(alongY[0], ColourRamp.heat.colour(at: 1), "f = y: brightest at the top")
        XCTAssertEqual(alongY[2], ColourRamp.heat.colour(at: 0), "f = y: darkest at the bottom")
        XCTAssertEqual(alongY[1], alongY[0])
    }

    /// Writes a PNG, then has Python check its signature, chunk CRCs, zlib stream and filters, and read
    /// pixels back: they must be the pixels painted, the size must be right, and f(x, y) = x must be dark
    /// on the left and bright on the right.
    func testPNGReadsBackWithPythonWithTheRightSizeAndPixels() throws {
        let canvas = Canvas(title: "f = x", layers: [.heatMap(HeatMap("f", columns: 16, rows: 16, xRange: 0...1, yRange: 0...1) { x, _ in x })])
        let renderer = PNGRenderer(width: 300, height: 240)
        let image = renderer.raster(canvas)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-plot-\(getpid()).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(renderer.render(canvas)).write(to: url)

        let frame = FigureLayout(width: 300, height: 240).scene(canvas).shapes.compactMap { shape -> PixelRect? in
            if case .heatMap(_, let extent, _) = shape { return extent } else { return nil }
        }[0]
        let middleY = Int(frame.y + frame.height / 2)
        let probes = [(0, 0), (299, 239), (Int(frame.x) + 2, middleY), (Int(frame.x + frame.width) - 3, middleY),
                      (Int(frame.x + frame.width / 2), middleY), (150, 12)]
        guard let output = Python.run(Python.pngReader, arguments: [url.path] + probes.map { "\($0.0),\($0.1)" }) else { return }
        let lines = output.split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
        XCTAssertEqual(lines[0], [300, 240])
        for (index, probe) in probes.enumerated() {
            let expected = image.pixel(probe.0, probe.1)
            XCTAssertEqual(lines[index + 1], [Int(expected.red), Int(expected.green), Int(expected.blue)], "pixel \(probe)")
        }
        XCTAssertEqual(lines[1], [255, 255, 255], "the page is white")
        let left = RGB(UInt8(lines[3][0]), UInt8(lines[3][1]), UInt8(lines[3][2]))
        let right = RGB(UInt8(lines[4][0]), UInt8(lines[4][1]), UInt8(lines[4][2]))
        XCTAssertEqual(left, ColourRamp.heat.colour(at: 0).mixed(with: ColourRamp.heat.colour(at: 0.02), 0.5), accuracy: 12)
        XCTAssertLessThan(left.luminance + 0.5, right.luminance, "f = x: dark left, bright right")
    }

    /// Noise does not compress, so the encoder must fall back to stored blocks; Python must still read
    /// every pixel back exactly.
    func testIncompressibleImageRoundTripsThroughStoredBlocks() throws {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let (width, height) = (97, 61)
        let rgb = (0..<(width * height * 3)).map { _ -> UInt8 in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 56)
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-noise-\(getpid()).png")
        defer { try? FileManager.default.removeItem(at: url) }
        try Data(PNGEncoder.encode(width: width, height: height, rgb: rgb)).write(to: url)
        let probes = [(0, 0), (96, 60), (50, 30), (13, 47)]
        guard let output = Python.run(Python.pngReader, arguments: [url.path] + probes.map { "\($0.0),\($0.1)" }) else { return }
        let lines = output.split(separator: "\n").map { $0.split(separator: " ").map { Int($0)! } }
        XCTAssertEqual(lines[0], [width, height])
        for (index, probe) in probes.enumerated() {
            let offset = 3 * (probe.1 * width + probe.0)
            XCTAssertEqual(lines[index + 1], rgb[offset..<offset + 3].map(Int.init), "pixel \(probe)")
        }
    }
}

func XCTAssertEqual(_ a: RGB, _ b: RGB, accuracy: Int, file: StaticString = #filePath, line: UInt = #line) {
    let close = abs(Int(a.red) - Int(b.red)) <= accuracy && abs(Int(a.green) - Int(b.green)) <= accuracy
        && abs(Int(a.blue) - Int(b.blue)) <= accuracy
    XCTAssertTrue(close, "\(a) is not within \(accuracy) of \(b)", file: file, line: line)
}
