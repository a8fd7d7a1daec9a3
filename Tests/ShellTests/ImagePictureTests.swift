import XCTest
import Foundation
import Autodiff
import Inflate
import NeuralNet
import Plotting
import Workbench
import _GantryTestSupport
@testable import Shell

/// A PNG reader of just what the encoder writes (8-bit RGB, not interlaced), written apart from it: the
/// chunks' CRCs checked, the IDAT stream inflated by our own decoder, the five row filters undone.
enum PNGReader {
    struct Image { let width: Int; let height: Int; let rgb: [UInt8] }
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func decode(_ bytes: [UInt8]) throws -> Image {
        guard bytes.count > 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Failure(description: "no PNG signature") }
        func word(_ at: Int) -> Int { bytes[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8, width = 0, height = 0
        var compressed: [UInt8] = []
        while offset + 12 <= bytes.count {
            let length = word(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            let data = Array(bytes[(offset + 8)..<(offset + 8 + length)])
            guard UInt32(word(offset + 8 + length)) == PNGEncoder.crc32(Array(bytes[(offset + 4)..<(offset + 8 + length)])) else {
                throw Failure(description: "bad CRC in \(type)")
            }
            switch type {
            case "IHDR":
                width = word(offset + 8)
                height = word(offset + 12)
                guard Array(data[8...]) == [8, 2, 0, 0, 0] else { throw Failure(description: "not 8-bit RGB") }
            case "IDAT": compressed += data
            default: break
            }
            offset += 12 + length
        }
        // zlib: two header bytes, the deflate stream, an Adler-32.
        let raw = try Inflater.inflate(compressed, from: 2).output
        let stride = width * 3
        guard raw.count == (stride + 1) * height else { throw Failure(description: "\(raw.count) bytes of rows") }
        var rgb = [UInt8](repeating: 0, count: stride * height)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)]
            for index in 0..<stride {
                let value = Int(raw[row * (stride + 1) + 1 + index])
                let left = index >= 3 ? Int(rgb[row * stride + index - 3]) : 0
                let up = row > 0 ? Int(rgb[(row - 1) * stride + index]) : 0
                let upperLeft = row > 0 && index >= 3 ? Int(rgb[(row - 1) * stride + index - 3]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = left
                case 2: predictor = up
                case 3: predictor = (left + up) / 2
                case 4:
                    let p = left + up - upperLeft
                    let (a, b, c) = (abs(p - left), abs(p - up), abs(p - upperLeft))
                    predictor = a <= b && a <= c ? left : b <= c ? up : upperLeft
                default: throw Failure(description: "filter \(filter)")
                }
                rgb[row * stride + index] = UInt8((value + predictor) & 0xFF)
            }
        }
        return Image(width: width, height: height, rgb: rgb)
    }
}

/// Images through the shell: the bars data set, plot samples/data/interpolate, the live view's grid and
/// export samples as PNG and .npy, each checked value for value.
final class ImagePictureTests: XCTestCase {
    var folder = ""
    override func setUpWithError() throws { folder = try ScratchFolder.make("images") }
    override func tearDown() { ScratchFolder.remove(folder) }

    func imageSession(_ data: String = "data bars size=6") throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        let (shell, take) = try makeTestInterpreter(seed: 4)
        XCTAssertTrue(shell.execute("\(data); generator mlp hidden=8; critic mlp hidden=8; noise normal dim=3", file: "setup"), take().errors.joined())
        _ = take()
        return (shell, take)
    }

    /// The bytes of image pixel (x, y) of `values` (greyscale, `side` wide) at the encoder's mapping from [−1, 1].
    func byte(_ value: Float) -> UInt8 { UInt8(min(max(((Double(value) + 1) / 2 * 255).rounded(), 0), 255)) }

    func testBarsAreImagesOfWholeRowsOrColumnsOfOnesAndMinusOnes() throws {
        let bars = try BarsAndStripes.make([("size", "5"), ("channels", "3")])
        XCTAssertEqual(bars.imageShape, ImageShape(channels: 3, height: 5, width: 5))
        XCTAssertEqual(bars.dimension, 75)
        let values = bars.sample(40, using: RandomStream(seed: 1, name: "t")).scalars
        var directions = Set<Bool>()
        for plane in 0..<120 {
            let p = Array(values[(plane * 25)..<((plane + 1) * 25)])
            XCTAssertTrue(p.allSatisfy { $0 == 1 || $0 == -1 })
            let rowsConstant = (0..<5).allSatisfy { y in (0..<5).allSatisfy { p[y * 5 + $0] == p[y * 5] } }
            let columnsConstant = (0..<5).allSatisfy { x in (0..<5).allSatisfy { p[$0 * 5 + x] == p[x] } }
            XCTAssertTrue(rowsConstant || columnsConstant, "plane \(plane) is neither stripes nor bars")
            if rowsConstant != columnsConstant { directions.insert(rowsConstant) }
        }
        XCTAssertEqual(directions, [true, false], "both directions occur")
    }

    func testPlotDataShowsTheRealImagesAsShadesAndPlotSamplesTheGeneratedOnes() throws {
        let (shell, take) = try imageSession()
        XCTAssertTrue(shell.execute("plot data rows=1 columns=3", file: "t"))
        let output = take().output
        XCTAssertEqual(output.first, "real samples at iteration 0, 1 × 3")
        let real = shell.session.realImages(3)
        let grid = ImageGrid(channels: 1, height: 6, width: 6, columns: 3, images: real, range: -1...1)
        XCTAssertEqual(Array(output[1...6]), ImageGridTerminalRenderer(style: .text).render(grid))
        // One text row per pixel row: a pixel that is on is "@", one that is off a blank.
        for (y, line) in output[1...6].enumerated() {
            let characters = Array(line.padding(toLength: 20, withPad: " ", startingAt: 0))
            for x in 0..<6 { XCTAssertEqual(characters[x], real[0][y * 6 + x] == 1 ? "@" : " ", "pixel (\(x), \(y))") }
        }
        XCTAssertTrue(output[7].hasPrefix("1×6×6 images (grey), values shades"), output[7])
        // plot samples: the same noise batch each time, so the same picture twice.
        XCTAssertTrue(shell.execute("plot samples columns=2", file: "t"))
        let first = take().output
        XCTAssertTrue(shell.execute("plot", file: "t"))
        let wide = take().output
        XCTAssertEqual(wide.first, "generated samples at iteration 0, 2 × 8", "plot alone draws the samples of image data")
        XCTAssertTrue(wide[1].hasPrefix(first[1]), "the first images are the same in a wider grid: \(wide[1]) \(first[1])")
        XCTAssertTrue(shell.execute("plot samples columns=2", file: "t"))
        XCTAssertEqual(take().output, first)
        XCTAssertEqual(first.count, 1 + 6 + 1 + 6 + 1)
    }

    func testAPNGGridRoundTripsEveryPixelValue() throws {
        let (shell, take) = try imageSession("data bars size=4 channels=3")
        let path = folder + "/grid.png"
        XCTAssertTrue(shell.execute("plot samples rows=2 columns=3 out=\(path)", file: "t"), take().errors.joined())
        XCTAssertEqual(take().output, ["wrote \(path) (PNG, 104×70): generated samples at iteration 0, 2 × 3"])
        let image = try PNGReader.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        let generated = try shell.session.fixedGeneratedImages(6)
        // Scale 8: reaching 64 pixels would take 16, and the scale stops at 8.
        let scale = 8, gap = 2
        XCTAssertEqual(image.width, 3 * 4 * scale + 4 * gap)
        for (index, values) in generated.enumerated() {
            for y in 0..<4 {
                for x in 0..<4 {
                    let px = gap + (index % 3) * (4 * scale + gap) + x * scale + scale / 2
                    let py = gap + (index / 3) * (4 * scale + gap) + y * scale + scale / 2
                    let at = 3 * (py * image.width + px)
                    XCTAssertEqual(Array(image.rgb[at..<(at + 3)]), [0, 1, 2].map { byte(values[$0 * 16 + y * 4 + x]) },
                                   "image \(index) pixel (\(x), \(y))")
                }
            }
        }
        try crossCheckWithNumPy(path, expectedFirstPixel: [0, 1, 2].map { byte(generated[0][$0 * 16]) })
    }

    /// Python's zlib and NumPy read the same first pixel, where they are installed.
    func crossCheckWithNumPy(_ path: String, expectedFirstPixel: [UInt8]) throws {
        let script = """
            import sys, zlib, struct, numpy as np
            b = open(sys.argv[1], 'rb').read(); i = 8; idat = b''
            while i < len(b):
                n = struct.unpack('>I', b[i:i+4])[0]; t = b[i+4:i+8]
                if t == b'IHDR': w, h = struct.unpack('>II', b[i+8:i+16])
                if t == b'IDAT': idat += b[i+8:i+8+n]
                i += 12 + n
            raw = np.frombuffer(zlib.decompress(idat), dtype=np.uint8).reshape(h, 3 * w + 1)
            out = np.zeros((h, 3 * w), dtype=np.int64)
            for r in range(h):
                f = raw[r, 0]; line = raw[r, 1:].astype(np.int64)
                for k in range(3 * w):
                    a = out[r, k - 3] if k >= 3 else 0; u = out[r - 1, k] if r > 0 else 0
                    c = out[r - 1, k - 3] if r > 0 and k >= 3 else 0
                    p = [0, a, u, (a + u) // 2][f] if f < 4 else (lambda e: a if abs(e-a) <= abs(e-u) and abs(e-a) <= abs(e-c) else (u if abs(e-u) <= abs(e-c) else c))(a + u - c)
                    out[r, k] = (line[k] + p) & 255
            print(*out[9, 9:12])
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), (try? process.run()) != nil else { return }
        process.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard process.terminationStatus == 0 else { return }  // no NumPy here
        XCTAssertEqual(text.split(separator: " ").compactMap { UInt8($0.trimmingCharacters(in: .whitespacesAndNewlines)) }, expectedFirstPixel)
    }

    func testExportWritesAPNGGridAndAnNPYOfImages() throws {
        let (shell, take) = try imageSession()
        let png = folder + "/e.png", npy = folder + "/e.npy"
        XCTAssertTrue(shell.execute("export samples \(png) n=5", file: "t"), take().errors.joined())
        XCTAssertEqual(take().output, ["wrote 5 samples of 1×6×6 as a grid of 2 × 3 images to \(png) (PNG, 26×18)"])
        XCTAssertTrue(shell.execute("export samples \(npy) n=5", file: "t"), take().errors.joined())
        XCTAssertEqual(take().output, ["wrote 5 samples of 1×6×6 to \(npy) as float32 [5, 1, 6, 6]"])
        let expected = try shell.session.generate(5, using: RandomStream(seed: shell.session.seed, name: "export")).scalars
        let file = Array(try Data(contentsOf: URL(fileURLWithPath: npy)))
        let headerLength = Int(file[8]) | Int(file[9]) << 8
        let header = String(decoding: file[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.contains("'shape': (5, 1, 6, 6)"), header)
        XCTAssertTrue(header.contains("'descr': '<f4'"), header)
        let payload = Array(file[(10 + headerLength)...])
        XCTAssertEqual(payload.count, 4 * 180)
        let floats = (0..<180).map { index in
            Float(bitPattern: (0..<4).reduce(UInt32(0)) { $0 | UInt32(payload[4 * index + $1]) << (8 * $1) })
        }
        XCTAssertEqual(floats, expected)
        let image = try PNGReader.decode(Array(try Data(contentsOf: URL(fileURLWithPath: png))))
        for index in 0..<5 {
            for y in 0..<6 {
                for x in 0..<6 {
                    let at = 3 * ((2 + (index / 3) * 8 + y) * image.width + 2 + (index % 3) * 8 + x)
                    XCTAssertEqual(image.rgb[at], byte(expected[index * 36 + y * 6 + x]))
                }
            }
        }
        // The sixth cell of the grid is empty: border colour.
        XCTAssertEqual(image.rgb[3 * ((2 + 8) * image.width + 2 + 2 * 8)], 64)
    }

    func testInterpolationStripsAreReproducibleAndEndAtTheirTwoNoiseVectors() throws {
        let (shell, take) = try imageSession()
        XCTAssertTrue(shell.execute("plot interpolate steps=5 rows=2", file: "t"), take().errors.joined())
        let first = take().output
        XCTAssertTrue(first[0].hasPrefix("G from one noise vector to another, 5 steps on the great circle, 2 strips from stream interpolate"), first[0])
        XCTAssertTrue(shell.execute("plot interpolate steps=5 rows=2", file: "t"))
        XCTAssertEqual(take().output, first)
        XCTAssertTrue(shell.execute("plot interpolate steps=5 rows=2 stream=other", file: "t"))
        XCTAssertNotEqual(take().output, first)
        let strips = try shell.session.interpolationStrips(strips: 2, steps: 5, streamName: "interpolate")
        let ends = shell.session.noise.sample(4, using: RandomStream(seed: shell.session.seed, name: "interpolate")).scalars
        XCTAssertEqual(strips.noise[0], Array(ends[0..<3]))
        assertClose(strips.noise[9].map { Double($0) }, ends[9..<12].map { Double($0) }, accuracy: 1e-6)
        // On the great circle between vectors of equal length every point keeps that length; on the line
        // the middle is shorter.
        let a: [Double] = [3, 0, 0], b: [Double] = [0, 3, 0]
        let (u, v): (Double, Double) = InterpolationPath.greatCircle.weights(a, b, 0.5)
        let circleNorm: Double = 9 * (u * u + v * v)
        XCTAssertEqual(circleNorm, 9, accuracy: 1e-12)
        let (p, q): (Double, Double) = InterpolationPath.line.weights(a, b, 0.5)
        let lineNorm: Double = 9 * (p * p + q * q)
        XCTAssertEqual(lineNorm, 4.5, accuracy: 1e-12)
        XCTAssertTrue(shell.execute("noise uniform dim=3", file: "t"))
        XCTAssertEqual(try shell.session.interpolationStrips(strips: 1, steps: 3, streamName: "s").path, .line)
    }

    func testTheLiveViewShowsOneNoiseBatchChangingAsGTrains() throws {
        let (shell, _) = try imageSession()
        func frame() -> [String] {
            Dashboard(session: shell.session, width: 60, height: 20, style: .ascii, imageStyle: .text).lines()
        }
        let before = frame()
        XCTAssertEqual(before.first, "G(fixed z) at iteration 0")
        // 17 rows hold two rows of full-height text images (6 rows and a blank each); 60 columns hold 8 images of 6.
        let grid = try shell.session.fixedGeneratedImages(2 * 8)
        XCTAssertEqual(Array(before[1..<(before.count - 1)]),
                       ImageGridTerminalRenderer(style: .text).render(ImageGrid(channels: 1, height: 6, width: 6, columns: 8, images: grid, range: -1...1)))
        // A window too short for a full-height image halves the text form's height.
        let short = Dashboard(session: shell.session, width: 60, height: 9, style: .ascii, imageStyle: .text).lines()
        XCTAssertEqual(Array(short[1..<(short.count - 1)]),
                       ImageGridTerminalRenderer(style: .text, halfHeightText: true)
                        .render(ImageGrid(channels: 1, height: 6, width: 6, columns: 8, images: Array(grid.prefix(8)), range: -1...1)))
        XCTAssertEqual(frame(), before)
        XCTAssertTrue(shell.execute("step 3", file: "t"))
        let after = frame()
        XCTAssertEqual(after.first, "G(fixed z) at iteration 3")
        XCTAssertNotEqual(Array(after.dropFirst().dropLast()), Array(before.dropFirst().dropLast()))
    }

    /// An interpreter on a terminal of `width × height` (colour on) whose raw terminal text is returned.
    func terminalSession(width: Int, height: Int, colour: Bool) throws -> (Interpreter, () -> String) {
        final class Screen { var text = "" }
        let screen = Screen()
        // Lines of output and the live region's raw text, as a terminal would show them; the live view's
        // frames are checked on their own, where the last line of a frame (the progress line) has no newline.
        let environment = ShellEnvironment(writeOutput: { screen.text += $0 + "\n" }, writeError: { screen.text += $0 + "\n" },
                                           isTerminal: true, width: width, colour: colour, height: height,
                                           writeTerminal: { screen.text += $0 })
        let shell = Interpreter(session: try Session(seed: 2), environment: environment)
        shell.liveViewFrameInterval = 0
        XCTAssertTrue(shell.execute("data bars size=6 channels=3; generator mlp hidden=8; critic mlp hidden=8", file: "setup"))
        return (shell, { defer { screen.text = "" }; return screen.text })
    }

    func testAColourTerminalShowsHalfBlocksIn256ColoursOr24BitWhenItSaysSo() throws {
        unsetenv("COLORTERM")
        defer { unsetenv("COLORTERM") }
        let (shell, screen) = try terminalSession(width: 80, height: 30, colour: true)
        _ = screen()
        XCTAssertTrue(shell.execute("plot data rows=1 columns=2", file: "t"))
        let palette = screen()
        XCTAssertTrue(palette.contains("▀"), palette)
        XCTAssertNotNil(palette.range(of: "\u{1b}\\[38;5;[0-9]+m", options: .regularExpression), palette)
        XCTAssertNil(palette.range(of: "\u{1b}\\[38;2;", options: .regularExpression))
        // 6 pixel rows in 3 text rows, between the title and the legend.
        XCTAssertEqual(palette.split(separator: "\n").count, 1 + 3 + 1)
        setenv("COLORTERM", "truecolor", 1)
        XCTAssertTrue(shell.execute("plot data rows=1 columns=2", file: "t"))
        let full = screen()
        let real = shell.session.realImages(1)[0]
        // The first cell: the top pixel's red, green and blue in front, the one below behind.
        let top = [0, 36, 72].map { byte(real[$0]) }, bottom = [6, 42, 78].map { byte(real[$0]) }
        XCTAssertTrue(full.contains("\u{1b}[38;2;\(top[0]);\(top[1]);\(top[2])m\u{1b}[48;2;\(bottom[0]);\(bottom[1]);\(bottom[2])m▀"), full)
    }

    func testTheLiveViewRedrawsTheImageGridInPlaceAndFitsTheWindow() throws {
        let (shell, screen) = try terminalSession(width: 80, height: 24, colour: true)
        _ = screen()
        XCTAssertTrue(shell.execute("step 4 watch=2", file: "t"))
        let text = screen()
        let frames = text.components(separatedBy: "G(fixed z) at iteration ").dropFirst().map { $0.prefix { $0.isNumber } }
        XCTAssertEqual(frames, ["2", "4"])
        XCTAssertTrue(text.contains("▀"))
        XCTAssertNotNil(text.range(of: "\u{1b}\\[[0-9]+A", options: .regularExpression), "the second frame moves up over the first")
        for (width, height) in [(80, 24), (40, 12), (30, 30), (80, 6)] {
            let (shell, screen) = try terminalSession(width: width, height: height, colour: true)
            _ = screen()
            XCTAssertTrue(shell.execute("step 2 watch=2", file: "t"))
            // One frame: everything up to the progress line that closes it.
            let frame = String(screen().split(separator: "\n", omittingEmptySubsequences: false).dropLast(2).joined(separator: "\n"))
            let lines = frame.components(separatedBy: "\n")
            XCTAssertLessThanOrEqual(lines.count + 1, height - 1, "\(width)×\(height)")
            XCTAssertEqual(frame.contains("G(fixed z) at iteration 2"), height >= 8, "\(width)×\(height)")
            for line in lines {
                let visible = line.replacingOccurrences(of: "\u{1b}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression)
                    .replacingOccurrences(of: "\r", with: "")
                XCTAssertLessThanOrEqual(visible.count, width, "\(width)×\(height): \(visible)")
            }
        }
    }
}

private func assertClose(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
}
