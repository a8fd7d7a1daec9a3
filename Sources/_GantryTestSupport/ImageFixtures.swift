import Foundation
import Inflate

/// Small image files written byte by byte for tests: IDX arrays (MNIST's format) and PNG files whose image
/// data is stored uncompressed (DEFLATE's stored blocks), so that every byte is known.
public enum ImageFixtures {
    /// An IDX array of unsigned bytes: the magic (0, 0, 8, rank), big-endian dimensions, the elements.
    public static func idx(_ dimensions: [Int], _ elements: [UInt8], type: UInt8 = 0x08) -> [UInt8] {
        [0, 0, type, UInt8(dimensions.count)] + dimensions.flatMap(bigEndian32) + elements
    }

    /// The four big-endian bytes of `value`.
    public static func bigEndian32(_ value: Int) -> [UInt8] {
        (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * (3 - $0))) }
    }

    /// Writes `bytes` to `path` and returns the path.
    @discardableResult
    public static func write(_ bytes: [UInt8], to path: String) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// `count` images of height×width whose every pixel of image i is `value(i)`, and their labels `i % classes`,
    /// as two IDX files in `folder`; returns their paths.
    public static func writeIDXSet(in folder: String, name: String = "set", count: Int, height: Int, width: Int, classes: Int,
                                   value: (Int) -> UInt8) throws -> (images: String, labels: String) {
        let pixels = (0..<count).flatMap { [UInt8](repeating: value($0), count: height * width) }
        let images = try write(idx([count, height, width], pixels), to: folder + "/\(name)-images-idx3-ubyte")
        let labels = try write(idx([count], (0..<count).map { UInt8($0 % classes) }), to: folder + "/\(name)-labels-idx1-ubyte")
        return (images, labels)
    }

    /// One PNG chunk: length, type, data, CRC-32 of type and data.
    public static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian32(data.count) + body + bigEndian32(Int(CRC32.checksum(of: body)))
    }

    /// A zlib stream of stored (uncompressed) blocks holding `data`.
    public static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let length = min(65_535, data.count - start)
            let final: UInt8 = start + length == data.count ? 1 : 0
            stream += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8 & 0xFF)]
            stream += data[start ..< start + length]
            start += length
        } while start < data.count
        var (a, b): (UInt32, UInt32) = (1, 0)
        for byte in data { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        return stream + bigEndian32(Int(b << 16 | a))
    }

    /// A PNG file: IHDR, the chunks of `before` (PLTE, tRNS…), one IDAT holding `rows` (each row's bytes as
    /// stored, after its filter byte 0) uncompressed, IEND.
    public static func png(width: Int, height: Int, depth: Int = 8, colourType: Int = 0, interlace: UInt8 = 0,
                           rows: [[UInt8]], before: [[UInt8]] = []) -> [UInt8] {
        let header = bigEndian32(width) + bigEndian32(height) + [UInt8(depth), UInt8(colourType), 0, 0, interlace]
        let data: [UInt8] = rows.flatMap { [UInt8(0)] + $0 }
        return [137, 80, 78, 71, 13, 10, 26, 10] + chunk("IHDR", header) + before.flatMap { $0 }
            + chunk("IDAT", zlibStored(data)) + chunk("IEND", [])
    }

    /// An 8-bit greyscale PNG whose every pixel is `value`.
    public static func greyPNG(width: Int, height: Int, value: UInt8) -> [UInt8] {
        png(width: width, height: height, rows: Array(repeating: [UInt8](repeating: value, count: width), count: height))
    }

    /// A small valid file for a data set's required file parameter, when the data set reads something other
    /// than a CSV of points: IDX images for `mnist`, a folder of PNG files for `png`; nil for the others.
    public static func datasetFixture(dataset: String, parameter: String, in folder: String) throws -> String? {
        switch (dataset, parameter) {
        case ("mnist", "images"):
            return try writeIDXSet(in: folder, name: "fixture", count: 6, height: 2, width: 3, classes: 3) { UInt8($0 * 40) }.images
        case ("png", "folder"):
            let images = folder + "/fixture-png"
            try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
            for index in 0..<4 { try write(greyPNG(width: 3, height: 2, value: UInt8(index * 60)), to: images + "/\(index).png") }
            return images
        default:
            return nil
        }
    }
}
