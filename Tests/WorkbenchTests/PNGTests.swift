import XCTest
import Foundation
import Autodiff
import NeuralNet
import _GantryTestSupport
@testable import Workbench

/// Gantry's PNG decoder against files Python writes with NumPy and zlib (every colour type and depth, every
/// filter, palettes, transparency, Adam7), hostile files, and the `png` data set over folders.
final class PNGTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try ScratchFolder.make("png") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func message(_ body: () throws -> Any) -> String { errorText(body) }

    func decode(_ bytes: [UInt8], _ name: String = "t.png") throws -> PNGImage { try PNGDecoder.decode(bytes, path: name) }

    /// Writes PNG files by hand in Python (rows filtered with filter types 0–4 in turn, zlib at level 9) and
    /// beside each the samples a decoder must find: "channels maximum" then every sample.
    static let writer = """
        import sys, zlib, struct, numpy as np
        out = sys.argv[1]
        rng = np.random.default_rng(7)
        def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
        def pack(values, depth):
            if depth == 16: return values.astype('>u2').tobytes()
            if depth == 8: return values.astype(np.uint8).tobytes()
            bits = np.unpackbits(values.astype(np.uint8)[:, None], axis=1)[:, 8 - depth:].reshape(-1)
            return np.packbits(bits).tobytes()
        def filtered(raw, prev, kind, bpp):
            out = bytearray(len(raw))
            for i in range(len(raw)):
                a = raw[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                if kind == 0: p = 0
                elif kind == 1: p = a
                elif kind == 2: p = b
                elif kind == 3: p = (a + b) // 2
                else:
                    q = a + b - c
                    pa, pb, pc = abs(q - a), abs(q - b), abs(q - c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                out[i] = (raw[i] - p) & 255
            return bytes(out)
        def encode(stored, depth, ctype, interlace, extra=b''):
            h, w, s = stored.shape
            bpp = max(1, s * depth // 8)
            passes = [(0,0,8,8),(4,0,8,8),(0,4,4,8),(2,0,4,4),(0,2,2,4),(1,0,2,2),(0,1,1,2)] if interlace else [(0,0,1,1)]
            data, k = b'', 0
            for x0, y0, dx, dy in passes:
                sub = stored[y0::dy, x0::dx]
                if sub.size == 0: continue
                prev = bytes(len(pack(sub[0].reshape(-1), depth)))
                for row in sub:
                    raw = pack(row.reshape(-1), depth)
                    data += bytes([k % 5]) + filtered(raw, prev, k % 5, bpp)
                    prev, k = raw, k + 1
            header = struct.pack('>IIBBBBB', w, h, depth, ctype, 0, 0, interlace)
            return b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', header) + extra + chunk(b'IDAT', zlib.compress(data, 9)) + chunk(b'IEND', b'')
        def save(name, png, expected, maximum):
            open(f'{out}/{name}.png', 'wb').write(png)
            values = ' '.join(str(int(v)) for v in expected.reshape(-1))
            open(f'{out}/{name}.txt', 'w').write(f'{expected.shape[2]} {maximum}\\n{values}\\n')
        channels = {0: 1, 2: 3, 4: 2, 6: 4}
        for ctype, depth, h, w, interlace in [(0, 1, 5, 13, 0), (0, 2, 4, 7, 0), (0, 4, 3, 9, 0), (0, 8, 6, 5, 0),
                                              (0, 16, 4, 3, 0), (2, 8, 5, 4, 0), (2, 16, 3, 3, 0), (4, 8, 4, 4, 0),
                                              (4, 16, 2, 5, 0), (6, 8, 5, 6, 0), (6, 16, 3, 2, 0), (0, 8, 11, 13, 1),
                                              (6, 16, 9, 10, 1), (0, 1, 1, 1, 1), (2, 8, 3, 2, 1), (0, 4, 10, 3, 1)]:
            stored = rng.integers(0, 2 ** depth, size=(h, w, channels[ctype]))
            save(f'c{ctype}-d{depth}-{h}x{w}-i{interlace}', encode(stored, depth, ctype, interlace), stored, 2 ** depth - 1)
        for depth, interlace in [(2, 0), (4, 1), (8, 0)]:
            entries = 3 if depth == 2 else 10
            palette = rng.integers(0, 256, size=(entries, 3))
            alpha = rng.integers(0, 256, size=entries - 1)
            index = rng.integers(0, entries, size=(7, 6, 1))
            expected = np.concatenate([palette[index[:, :, 0]], np.append(alpha, 255)[index]], axis=2)
            extra = chunk(b'PLTE', palette.astype(np.uint8).tobytes()) + chunk(b'tRNS', alpha.astype(np.uint8).tobytes())
            save(f'palette-d{depth}-i{interlace}', encode(index, depth, 3, interlace, extra), expected, 255)
        grey = rng.integers(0, 4, size=(6, 6, 1))
        key = np.concatenate([grey, np.where(grey == 2, 0, 255)], axis=2)
        save('grey-key', encode(grey, 8, 0, 0, chunk(b'tRNS', struct.pack('>H', 2))), key, 255)
        rgb = rng.integers(0, 2, size=(4, 5, 3))
        transparent = (rgb == [1, 0, 1]).all(axis=2, keepdims=True)
        save('rgb-key', encode(rgb, 16, 2, 0, chunk(b'tRNS', struct.pack('>HHH', 1, 0, 1))), np.concatenate([rgb, np.where(transparent, 0, 65535)], axis=2), 65535)
        big = rng.integers(0, 256, size=(64, 48, 3))
        save('plain-big', encode(big, 8, 2, 0), big, 255)
        save('adam7-big', encode(big, 8, 2, 1), big, 255)
        bomb = zlib.compress(bytes(50_000_000), 9)
        header = struct.pack('>IIBBBBB', 8, 8, 8, 0, 0, 0, 0)
        open(f'{out}/bomb.bin', 'wb').write(b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', header) + chunk(b'IDAT', bomb) + chunk(b'IEND', b''))
        """

    func testDecodesWhatPythonWrites() throws {
        guard PointFileTests.numpyAvailable else { return XCTFail("python3 with NumPy is needed (scripts/setup test)") }
        XCTAssertEqual(PointFileTests.python(Self.writer, [folder]).status, 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertEqual(names.count, 16 + 3 + 2 + 2)
        for name in names {
            let path = folder + "/" + name
            let image = try decode(try PointFile.readBytes(path: path), path)
            let expected = try String(contentsOfFile: path.replacingOccurrences(of: ".png", with: ".txt"), encoding: .utf8)
                .split(separator: "\n")
            let header = expected[0].split(separator: " ").map { Int($0)! }
            XCTAssertEqual(image.channels, header[0], name)
            XCTAssertEqual(image.maximum, header[1], name)
            XCTAssertEqual(image.samples, expected[1].split(separator: " ").map { UInt16($0)! }, name)
        }
        let plain = try decode(try PointFile.readBytes(path: folder + "/plain-big.png"))
        XCTAssertEqual(try decode(try PointFile.readBytes(path: folder + "/adam7-big.png")), plain)
        // 50 MB of zeros in 49 kB: refused when the output passes the 8×8 image's 72 bytes.
        let bomb = try PointFile.readBytes(path: folder + "/bomb.bin")
        XCTAssertLessThan(bomb.count, 100_000)
        XCTAssertEqual(message { try self.decode(bomb) },
                       "t.png: has image data that inflates beyond the 72 bytes its 8×8 header declares; refused without inflating the rest")
    }

    /// A 2×2 greyscale image, stored uncompressed.
    var small: [UInt8] { ImageFixtures.png(width: 2, height: 2, rows: [[10, 20], [30, 40]]) }

    func testRefusesDamagedAndHostileFiles() throws {
        XCTAssertEqual(try decode(small).samples, [10, 20, 30, 40])
        func refusal(_ bytes: [UInt8]) -> String { message { try self.decode(bytes) } }
        XCTAssertEqual(refusal(Array("GIF89a".utf8)), "t.png: is not a PNG file: it does not start with PNG's 8-byte signature")
        // Cut anywhere: refused, never a crash.
        for length in 8..<small.count {
            XCTAssertTrue(refusal(Array(small.prefix(length))).hasPrefix("t.png: is truncated"), "\(length): \(refusal(Array(small.prefix(length))))")
        }
        var flipped = small
        flipped[41] ^= 1  // a byte of the IDAT chunk's data
        XCTAssertEqual(refusal(flipped), "t.png: its IDAT chunk at byte 33 fails its CRC check (stored 0xe7cc17ac, computed 0x606adcef): the file is damaged")
        let huge = ImageFixtures.png(width: 0x7FFF_FFFF, height: 0x7FFF_FFFF, rows: [])
        XCTAssertEqual(refusal(huge), "t.png: declares an image of 2147483647×2147483647 pixels, more than the 16777216 (4096×4096) an image of a data set may have")
        XCTAssertEqual(refusal(ImageFixtures.png(width: 0, height: 3, rows: [])), "t.png: declares an image of 0×3 pixels; PNG's sides are 1 to 2³¹ − 1")
        XCTAssertEqual(refusal(ImageFixtures.png(width: 2, height: 2, depth: 4, colourType: 2, rows: [])),
                       "t.png: has bit depth 4 with colour type 2, which allows 8, 16")
        XCTAssertEqual(refusal(ImageFixtures.png(width: 2, height: 2, interlace: 2, rows: [])),
                       "t.png: has interlace method 2; PNG's are 0 (none) and 1 (Adam7)")
        // Chunk order.
        let signature = Array(small.prefix(8)), ihdr = Array(small[8..<33])
        let idat = Array(small[33 ..< small.count - 12]), iend = Array(small.suffix(12))
        XCTAssertEqual(refusal(signature + idat + ihdr + iend), "t.png: its first chunk is IDAT; a PNG file starts with IHDR")
        XCTAssertEqual(refusal(signature + ihdr + iend), "t.png: has no image data (IDAT chunk)")
        XCTAssertEqual(refusal(signature + ihdr + idat + ImageFixtures.chunk("tEXt", Array("a\0b".utf8)) + idat + iend),
                       "t.png: has image data (IDAT) chunks that are not consecutive (another at byte 77)")
        XCTAssertEqual(refusal(signature + ihdr + ImageFixtures.chunk("ZZZZ", []) + idat + iend),
                       "t.png: has a critical chunk ZZZZ that this decoder does not know")
        XCTAssertEqual(try decode(signature + ihdr + ImageFixtures.chunk("zzZZ", [1]) + idat + iend).samples, [10, 20, 30, 40])
        XCTAssertEqual(refusal(signature + ihdr + idat), "t.png: is truncated: it ends at byte 62, before its IEND chunk")
        // Image data: a bad filter type, too little data, a wrong checksum, a palette index beyond the palette.
        let filter7 = ImageFixtures.chunk("IDAT", ImageFixtures.zlibStored([0, 10, 20, 7, 30, 40]))
        XCTAssertEqual(refusal(signature + ihdr + filter7 + iend), "t.png: row 1 has filter type 7; PNG's are 0 to 4")
        let short = ImageFixtures.chunk("IDAT", ImageFixtures.zlibStored([0, 10, 20]))
        XCTAssertEqual(refusal(signature + ihdr + short + iend),
                       "t.png: is truncated: its image data inflates to 3 bytes, and its 2×2 header declares 6")
        var stream = ImageFixtures.zlibStored([0, 10, 20, 0, 30, 40])
        stream[stream.count - 1] ^= 1
        XCTAssertEqual(refusal(signature + ihdr + ImageFixtures.chunk("IDAT", stream) + iend),
                       "t.png: has image data that fails its Adler-32 check (stored 0xec0064, computed 0xec0065): the file is damaged")
        let palette = ImageFixtures.chunk("PLTE", [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(refusal(ImageFixtures.png(width: 2, height: 1, colourType: 3, rows: [[1, 2]], before: [palette])),
                       "t.png: pixel (1, 0) uses palette entry 2, but the palette has 2")
        XCTAssertEqual(try decode(ImageFixtures.png(width: 2, height: 1, colourType: 3, rows: [[1, 0]], before: [palette])).samples,
                       [4, 5, 6, 1, 2, 3])
        XCTAssertEqual(refusal(ImageFixtures.png(width: 2, height: 1, colourType: 3, rows: [[1, 0]])),
                       "t.png: has image data before its palette (PLTE)")
        XCTAssertEqual(refusal(ImageFixtures.png(width: 2, height: 1, rows: [[1, 0]], before: [palette])),
                       "t.png: is a greyscale image with a palette (PLTE chunk), which PNG does not allow")
    }

    // MARK: The png data set

    func write(_ bytes: [UInt8], _ name: String) throws { try ImageFixtures.write(bytes, to: folder + "/" + name) }

    func testFolderOfSubFoldersIsLabelledInNameOrder() throws {
        for (sub, values) in [("b-shirts", [200, 100]), ("a-shoes", [0, 50, 255])] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
            for (index, value) in values.enumerated() {
                try write(ImageFixtures.greyPNG(width: 3, height: 2, value: UInt8(value)), "\(sub)/\(10 - index).png")
            }
        }
        try write(Array("not a picture".utf8), "a-shoes/notes.txt")
        try FileManager.default.createDirectory(atPath: folder + "/a-shoes/deeper", withIntermediateDirectories: true)
        try write(ImageFixtures.greyPNG(width: 9, height: 9, value: 1), "a-shoes/deeper/ignored.png")
        let data = try PNGFolder.make([("folder", folder), ("range", "unit")])
        XCTAssertEqual(data.imageShape, ImageShape(channels: 1, height: 2, width: 3))
        XCTAssertEqual(data.classNames, ["a-shoes", "b-shirts"])
        // "10.png" sorts before "9.png" and "8.png" (bytes, not numbers).
        XCTAssertEqual(try data.examples(.train)?.labels, [0, 0, 0, 1])
        XCTAssertEqual(try data.examples(.test)?.labels, [1])
        XCTAssertEqual(stride(from: 0, to: 30, by: 6).map { data.filePoints!.points.scalars[$0] }, [0, 255, 50, 200, 100].map { Float($0) / 255 })
        let (samples, labels) = try XCTUnwrap(data.labelledSample(40, using: RandomStream(seed: 3, name: "data")))
        let values: [[Float]] = [[0, 255, 50], [200, 100]].map { $0.map { Float($0) / 255 } }
        XCTAssertEqual(Set(labels), [0, 1])
        for (row, label) in labels.enumerated() {
            XCTAssertTrue(values[label].contains(samples.scalars[row * 6]), "row \(row)")
        }
        // PNG files at the top as well as in sub-folders are refused.
        try write(ImageFixtures.greyPNG(width: 3, height: 2, value: 9), "top.png")
        XCTAssertEqual(message { try PNGFolder.make([("folder", self.folder)]) },
                       folder + ": holds .png files both at its top (top.png) and in sub-folders (a-shoes); put every image in a class sub-folder, or none")
    }

    func testImagesOfAnotherSizeOrAFIFOAreNamed() throws {
        try write(ImageFixtures.greyPNG(width: 3, height: 2, value: 9), "a.png")
        try write(ImageFixtures.greyPNG(width: 2, height: 3, value: 9), "b.PNG")
        XCTAssertEqual(message { try PNGFolder.make([("folder", self.folder)]) },
                       folder + "/b.PNG: is 2×3 pixels, but \(folder)/a.png is 3×2; every image of a data set has the same size")
        try FileManager.default.removeItem(atPath: folder + "/b.PNG")
        XCTAssertEqual(mkfifo(folder + "/c.png", 0o600), 0)
        XCTAssertEqual(message { try PNGFolder.make([("folder", self.folder)]) }, folder + "/c.png: is a FIFO (named pipe), not a regular file")
        try FileManager.default.removeItem(atPath: folder + "/c.png")
        try write(Array(ImageFixtures.greyPNG(width: 3, height: 2, value: 9).dropLast(5)), "d.png")
        XCTAssertEqual(message { try PNGFolder.make([("folder", self.folder)]) },
                       folder + "/d.png: is truncated: it ends at byte 71, before its IEND chunk")
        XCTAssertEqual(message { try PNGFolder.make([("folder", self.folder + "/a.png")]) }, folder + "/a.png: is not a folder")
        let empty = folder + "/empty"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        XCTAssertEqual(message { try PNGFolder.make([("folder", empty)]) }, empty + ": holds no .png files, at its top or in its sub-folders")
    }

    /// Greyscale images join RGB ones as three equal channels; transparency is composited onto black or
    /// white, or kept as a channel.
    func testColourAndAlpha() throws {
        try write(ImageFixtures.greyPNG(width: 1, height: 1, value: 51), "a.png")
        // RGBA, 8 bits: (255, 0, 102) at alpha 51 (a fifth).
        try write(ImageFixtures.png(width: 1, height: 1, colourType: 6, rows: [[255, 0, 102, 51]]), "b.png")
        func pixels(_ alpha: String) throws -> [Float] {
            try PNGFolder.make([("folder", folder), ("alpha", alpha), ("range", "unit")]).filePoints!.points.scalars
        }
        func f(_ value: Double) -> Float { Float(value) }
        let black = try PNGFolder.make([("folder", folder), ("range", "unit")])
        XCTAssertEqual(black.imageShape, ImageShape(channels: 3, height: 1, width: 1))
        XCTAssertEqual(black.filePoints!.points.scalars, [0.2, 0.2, 0.2, f(1 * 0.2), 0, f(0.4 * 0.2)])
        XCTAssertEqual(try pixels("white"), [0.2, 0.2, 0.2, f(1 * 0.2 + (1 - 0.2)), f(1 - 0.2), f(0.4 * 0.2 + (1 - 0.2))])
        XCTAssertEqual(try pixels("keep"), [0.2, 0.2, 0.2, 1, 1, 0, 0.4, 0.2])
        let symmetric: [Double] = [0.2, 0.2, 0.2, 1, 1, 0, 0.4, 0.2]
        XCTAssertEqual(try PNGFolder.make([("folder", folder), ("alpha", "keep")]).filePoints!.points.scalars,
                       symmetric.map { f(2 * $0 - 1) })
    }
}
