import XCTest
import Foundation
import Plotting

/// Golden files: the expected text of a figure lives in Snapshots/NAME. With GANTRY_RECORD_SNAPSHOTS=1 the
/// files are rewritten from the actual output instead (then read them and check them by eye).
enum Snapshot {
    static var folder: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots") }

    static func check(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let url = folder.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["GANTRY_RECORD_SNAPSHOTS"] != nil {
            XCTAssertNoThrow(try actual.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            XCTFail("no snapshot \(name); record it with GANTRY_RECORD_SNAPSHOTS=1", file: file, line: line)
            return
        }
        guard actual != expected else { return }
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(actualLines.count, expectedLines.count)
        XCTFail("""
            \(name) differs from its snapshot at line \(first + 1):
              expected: \(first < expectedLines.count ? String(expectedLines[first]) : "<end>")
              actual:   \(first < actualLines.count ? String(actualLines[first]) : "<end>")
            whole figure:
            \(actual)
            """, file: file, line: line)
    }
}

/// Fixed inputs for the figures under test: nothing random, so the pictures never change by accident.
enum Fixtures {
    /// Eight clusters of twelve points on the unit circle.
    static let ring: [Point] = (0..<96).map { index in
        let angle = Double(index % 8) * Double.pi / 4
        let k = Double(index / 8)
        return Point(cos(angle) + 0.04 * sin(k * 1.7), sin(angle) + 0.04 * cos(k * 2.3))
    }

    /// A loop of 48 points inside the ring.
    static let loop: [Point] = (0..<48).map { index in
        let t = Double(index) / 48 * 2 * Double.pi
        return Point(0.55 * cos(t) + 0.1, 0.35 * sin(2 * t) + 0.05)
    }

    /// Samples over a critic-like heat map with contours, with arrows from some of the samples.
    static var scatterOverHeatMap: Canvas {
        var map = HeatMap("D(x)", columns: 32, rows: 32, xRange: -1.5...1.5, yRange: -1.5...1.5) { x, y in
            x - 0.6 * y * y
        }
        map.contourLevels = map.evenLevels(3)
        return Canvas(title: "samples over D", xAxis: Axis("x1"), yAxis: Axis("x2"),
                      layers: [.heatMap(map),
                               .points(PointSeries("real", colour: Palette.real, marker: "o", points: ring)),
                               .points(PointSeries("generated", colour: Palette.generated, marker: "x", points: loop)),
                               .arrows(ArrowSeries("push", colour: Palette.accent, arrows: stride(from: 0, to: 48, by: 8).map {
                                   Arrow(from: loop[$0], to: Point(loop[$0].x + 0.35, loop[$0].y - 0.1))
                               }))],
                      captions: ["a fixed figure for the snapshot tests"])
    }

    /// Two decaying series on a logarithmic axis.
    static var logHistory: Canvas {
        let first = (1...200).map { Point(Double($0), 3 * exp(-Double($0) / 40) * (1 + 0.3 * sin(Double($0) / 3))) }
        let second = (1...200).map { Point(Double($0), 0.02 + 0.5 / Double($0)) }
        return Canvas(title: "gradient norms", xAxis: Axis("iteration"), yAxis: Axis("", scale: .logarithmic),
                      layers: [.lines(LineSeries("grad_norm_g", colour: Palette.series(0), marker: "*", paths: [first])),
                               .lines(LineSeries("grad_norm_d", colour: Palette.series(1), marker: "+", paths: [second]))])
    }

    /// Two overlaid histograms of one-dimensional samples.
    static var histograms: Canvas {
        let real = (0..<400).map { index -> Double in
            let offset: Double = index % 2 == 0 ? 0 : 1.4
            return -1 + 0.6 * Double(index % 20) / 19 + offset
        }
        let generated = (0..<400).map { index -> Double in 0.5 * sin(Double(index) * 0.37) + 0.2 }
        return Canvas(title: "samples (1-D)", xAxis: Axis("x"), yAxis: Axis("density"),
                      layers: [.lines(LineSeries("real", colour: Palette.real, marker: "o", paths: [Histogram.outline(real, bins: 24, range: -1.2...1.2)])),
                               .lines(LineSeries("generated", colour: Palette.generated, marker: "x", paths: [Histogram.outline(generated, bins: 24, range: -1.2...1.2)]))])
    }

    /// Two trajectories of a bilinear game: simultaneous steps spiral out, alternating ones circle.
    static var game: Canvas {
        func play(alternating: Bool) -> [Point] {
            var (x, y) = (1.0, 0.0)
            var points = [Point(x, y)]
            for _ in 0..<60 {
                if alternating {
                    x -= 0.15 * y
                    y += 0.15 * x
                } else {
                    (x, y) = (x - 0.15 * y, y + 0.15 * x)
                }
                points.append(Point(x, y))
            }
            return points
        }
        return GameFigure.canvas([Trajectory("simultaneous", points: play(alternating: false)),
                                  Trajectory("alternating", points: play(alternating: true))],
                                 title: "min_x max_y x*y", xLabel: "x", yLabel: "y", equilibrium: Point(0, 0))
    }
}

/// Runs a Python 3 program: the independent reader of the files Plotting writes.
enum Python {
    /// The program's standard output; fails the test (with the reason) when Python cannot be run or the
    /// program fails.
    static func run(_ program: String, arguments: [String], file: StaticString = #filePath, line: UInt = #line) -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", program] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            XCTFail("cannot start python3 to check the file independently: \(error)", file: file, line: line)
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            XCTFail("python3 failed (status \(process.terminationStatus)): \(problems)", file: file, line: line)
            return nil
        }
        return text
    }

    /// Reads a PNG file with Python's zlib and struct: checks the signature and every chunk's CRC,
    /// inflates the image data (zlib checks the Adler-32), undoes the row filters and prints
    /// `width height` and then `r g b` for each pixel asked for as `x,y`.
    static let pngReader = """
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\\x89PNG\\r\\n\\x1a\\n', 'bad signature'
        pos, idat, header, types = 8, b'', None, []
        while pos < len(data):
            length, = struct.unpack('>I', data[pos:pos + 4])
            kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
            crc, = struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])
            assert zlib.crc32(kind + body) & 0xffffffff == crc, 'bad CRC in ' + kind.decode()
            types.append(kind.decode())
            if kind == b'IHDR': header = struct.unpack('>IIBBBBB', body)
            if kind == b'IDAT': idat += body
            pos += 12 + length
        assert types[0] == 'IHDR' and types[-1] == 'IEND' and 'IDAT' in types, types
        width, height, depth, colour, compression, filtering, interlace = header
        assert (depth, colour, compression, filtering, interlace) == (8, 2, 0, 0, 0), header
        raw = zlib.decompress(idat)
        stride = width * 3
        assert len(raw) == height * (stride + 1), 'wrong amount of image data'
        rows, previous = [], bytearray(stride)
        for y in range(height):
            kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - 3] if i >= 3 else 0
                b = previous[i]
                c = previous[i - 3] if i >= 3 else 0
                if kind == 1: line[i] = (line[i] + a) & 255
                elif kind == 2: line[i] = (line[i] + b) & 255
                elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif kind == 4:
                    p = a + b - c
                    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
                else: assert kind == 0, 'unknown filter %d' % kind
            rows.append(line)
            previous = line
        print(width, height)
        for point in sys.argv[2:]:
            x, y = map(int, point.split(','))
            print(*rows[y][3 * x:3 * x + 3])
        """
}
