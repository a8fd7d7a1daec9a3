import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
@testable import Workbench

/// MNIST's IDX format, plain and gzip-compressed, as the `points` data set reads it: files written here by
/// hand and by Python, compressed by gzip and by Python's gzip module, and damaged headers.
final class IDXTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("idx")
    }

    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func path(_ name: String) -> String { folder + "/" + name }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    /// An IDX file: magic (0, 0, type, rank), big-endian dimensions, then the big-endian elements.
    func idx(type: UInt8, _ dimensions: [Int], _ elements: [UInt8]) -> [UInt8] {
        [0, 0, type, UInt8(dimensions.count)] + dimensions.flatMap { d in (0..<4).map { UInt8(truncatingIfNeeded: d >> (8 * (3 - $0))) } }
            + elements
    }

    func bigEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bigEndian) { Array($0) } }
    }

    func message(_ body: () throws -> Any) -> String { errorText(body) }

    /// Runs a command with `input` on standard input; its standard output, or nil when it cannot run.
    func run(_ arguments: [String], input: [UInt8] = []) -> [UInt8]? {
        let source = path("stdin-\(UUID().uuidString)")
        guard (try? Data(input).write(to: URL(fileURLWithPath: source))) != nil else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle(forReadingAtPath: source)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return process.terminationStatus == 0 ? [UInt8](output) : nil
    }

    func testEveryElementTypeFlattensToRows() throws {
        // Five 2×3 "images" of bytes: 0, 1, …, 29.
        let images = try write("images-idx3-ubyte", idx(type: 0x08, [5, 2, 3], (0..<30).map(UInt8.init)))
        let read = try PointFile.read(path: images)
        XCTAssertEqual(read.shape, [5, 6])
        XCTAssertEqual(read.scalars, (0..<30).map(Float.init))
        let labels = try write("labels.idx1", idx(type: 0x08, [4], [7, 2, 1, 0]))
        XCTAssertEqual(try PointFile.read(path: labels).shape, [4, 1])
        let signed = try write("s.idx", idx(type: 0x09, [3], [0xFF, 0x80, 0x7F]))
        XCTAssertEqual(try PointFile.read(path: signed).scalars, [-1, -128, 127])
        let short = try write("h.idx", idx(type: 0x0B, [2, 2], bigEndian([Int16(-300), 2, 32767, -32768])))
        XCTAssertEqual(try PointFile.read(path: short).scalars, [-300, 2, 32767, -32768])
        let int = try write("i.idx", idx(type: 0x0C, [2], bigEndian([Int32(-70000), 16_777_217])))
        XCTAssertEqual(try PointFile.read(path: int).scalars, [-70000, 16_777_216], "rounded to float32")
        let float = try write("f.idx", idx(type: 0x0D, [1, 3], bigEndian([Float(1.5), -0.25, .pi].map(\.bitPattern))))
        XCTAssertEqual(try PointFile.read(path: float).scalars, [1.5, -0.25, .pi])
        let double = try write("d.idx", idx(type: 0x0E, [2], bigEndian([0.1, -2e10].map(\.bitPattern))))
        XCTAssertEqual(try PointFile.read(path: double).scalars, [Float(0.1), -2e10])
        // A file with another name is recognised by a header that matches its size exactly.
        let renamed = try write("digits.bin", idx(type: 0x08, [2, 2], [1, 2, 3, 4]))
        XCTAssertEqual(try PointFile.read(path: renamed).scalars, [1, 2, 3, 4])
    }

    func testGzipCompressedFilesFromGzipAndFromPython() throws {
        let pixels: [UInt8] = (0..<(50 * 784)).map { (index: Int) -> UInt8 in UInt8((index * 7 + index / 784) % 256) }
        let plain = idx(type: 0x08, [50, 28, 28], pixels)
        let expected = try PointFile.decodeIDX(plain, path: "x")
        let compressed = try XCTUnwrap(run(["gzip", "-c", "-9"], input: plain), "gzip is part of every Debian system")
        let gz = try write("train-images-idx3-ubyte.gz", compressed)
        XCTAssertTrue(try PointFile.read(path: gz).isBitwiseEqual(to: expected))
        XCTAssertTrue(try PointFile.readIDX(path: gz).isBitwiseEqual(to: expected))
        let dataset = try PointCloud.make([("file", gz), ("scale", "symmetric")])
        XCTAssertEqual(dataset.dimension, 784)
        XCTAssertEqual(dataset.canonicalText, "points file=\(gz) scale=symmetric")
        XCTAssertEqual(dataset.points.scalars.min(), -1)
        XCTAssertEqual(dataset.points.scalars.max(), 1)
        XCTAssertEqual(try PointCloud.make([("file", gz), ("scale", "unit")]).points.scalars[1], 7 / 255)
        // CSV and .npy files may be compressed too.
        let csv = try write("points.csv.gz", try XCTUnwrap(run(["gzip", "-c"], input: Array("1,2\n3,4\n".utf8))))
        XCTAssertEqual(try PointFile.read(path: csv).scalars, [1, 2, 3, 4])
        // An independent writer: Python's struct (big-endian) and gzip modules.
        let script = """
            import gzip, struct, sys
            values = [((i * 37) % 251) for i in range(6 * 4 * 4)]
            data = struct.pack(">BBBBIII", 0, 0, 8, 3, 6, 4, 4) + bytes(values)
            sys.stdout.buffer.write(gzip.compress(data))
            """
        // python3 is required by the suite (the picture tests decode PNGs with it too): missing, it fails.
        let fromPython = try XCTUnwrap(run(["python3", "-c", script]), "python3 is needed to write an independent IDX file")
        let read = try PointFile.read(path: try write("t10k-images-idx3-ubyte.gz", fromPython))
        XCTAssertEqual(read.shape, [6, 16])
        XCTAssertEqual(read.scalars, (0..<96).map { Float(($0 * 37) % 251) })
    }

    func testDamagedFilesGiveClearErrors() throws {
        func error(_ bytes: [UInt8], name: String = "bad-idx3-ubyte") throws -> String {
            let target = try write(name, bytes)
            return message { try PointFile.read(path: target) }.replacingOccurrences(of: folder + "/", with: "")
        }
        XCTAssertEqual(try error([0, 0]), "bad-idx3-ubyte: is not an IDX file: it has 2 bytes, fewer than the 4 of the magic number")
        XCTAssertEqual(try error([1, 0, 8, 1, 0, 0, 0, 1, 5]),
                       "bad-idx3-ubyte: is not an IDX file: its magic number 01000801 does not start with two zero bytes")
        XCTAssertEqual(try error([0, 0, 0x0A, 1, 0, 0, 0, 1, 5]), "bad-idx3-ubyte: has an unknown IDX element type 0x0a")
        XCTAssertEqual(try error([0, 0, 8, 0]), "bad-idx3-ubyte: declares an IDX array of 0 dimensions")
        XCTAssertEqual(try error([0, 0, 8, 3, 0, 0, 0, 2]),
                       "bad-idx3-ubyte: is truncated: its header declares 3 dimensions (16 bytes), but the file has 8 bytes")
        XCTAssertEqual(try error(idx(type: 0x08, [3, 2], [1, 2, 3, 4])),
                       "bad-idx3-ubyte: is truncated: dimensions [3, 2] of unsigned bytes need 6 bytes of data, and 4 follow the header")
        XCTAssertEqual(try error(idx(type: 0x08, [1, 2], [1, 2, 3])),
                       "bad-idx3-ubyte: has 1 unexpected bytes after the data: dimensions [1, 2] of unsigned bytes need 2 bytes of data, and 3 follow the header")
        // Huge declared dimensions are refused from the header alone, before anything is allocated.
        XCTAssertEqual(try error(idx(type: 0x0E, [0x7FFF_FFFF, 0x7FFF_FFFF, 0x7FFF_FFFF], [])),
                       "bad-idx3-ubyte: declares dimensions [2147483647, 2147483647, 2147483647] too large to address")
        // No rows, but more columns than a number can count (found by fuzzing: it trapped).
        XCTAssertEqual(try error(idx(type: 0x08, [0, 0xFFFF_FFFF, 0xFFFF_FFFF], [])),
                       "bad-idx3-ubyte: declares dimensions [0, 4294967295, 4294967295] too large to address")
        XCTAssertEqual(try error(idx(type: 0x0D, [60000, 784], [])),
                       "bad-idx3-ubyte: is truncated: dimensions [60000, 784] of 32-bit floats need 188160000 bytes of data, and 0 follow the header")
        XCTAssertEqual(try error(idx(type: 0x0D, [2], bigEndian([Float(1), .nan].map(\.bitPattern)))),
                       "bad-idx3-ubyte: element 1 (row 1) is not a finite float32 number")
        var compressed = try XCTUnwrap(run(["gzip", "-c"], input: idx(type: 0x08, [4], [1, 2, 3, 4])))
        compressed[compressed.count - 6] ^= 0x01
        let corrupt = try error(compressed, name: "bad-idx1-ubyte.gz")
        XCTAssertTrue(corrupt.hasPrefix("bad-idx1-ubyte.gz: cannot be decompressed (gzip data, byte ") && corrupt.contains("CRC-32 mismatch"), corrupt)
        XCTAssertEqual(message { try PointCloud.make([("file", try write("flat-idx1-ubyte", idx(type: 0x08, [3], [9, 9, 9]))), ("scale", "unit")]) }
            .replacingOccurrences(of: folder + "/", with: ""), "flat-idx1-ubyte: cannot be scaled to a range: every value is 9.0")
    }
}
