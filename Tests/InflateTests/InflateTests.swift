import XCTest
import Foundation
import Inflate
import _GantryTestSupport

/// The DEFLATE decoder and gzip reader against the system's gzip (and Python's zlib where it exists), on
/// stored, fixed and dynamic blocks, and on every kind of damage.
final class InflateTests: XCTestCase {
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-inflate-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }

    /// Runs a tool with `input` on standard input and returns its standard output.
    func run(_ tool: String, _ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let source = folder.appendingPathComponent("input-\(UUID().uuidString)")
        try Data(input).write(to: source)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.standardInput = try FileHandle(forReadingFrom: source)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, "\(tool) \(arguments) failed")
        return [UInt8](output)
    }

    func gzip(_ data: [UInt8], level: Int = 6) throws -> [UInt8] { try run("gzip", ["-c", "-\(level)"], input: data) }

    /// Text-like bytes (repetitive, so dynamic blocks with long matches), random bytes (stored blocks) and a mix.
    func samples() -> [(name: String, bytes: [UInt8])] {
        var random = SplitMix64(state: 8)
        let words = ["gantry", "step", "loss", "wgan-gp", "critic", "\n", " ", "0.5", "1e-4", "ring8"]
        let text = (0..<40_000).flatMap { _ in Array(words[random.below(words.count)].utf8) }
        let noise = (0..<70_000).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let runs = (0..<300).flatMap { i in [UInt8](repeating: UInt8(i % 7), count: 1 + i % 300) }
        return [("empty", []), ("one byte", [42]), ("short", Array("hello, hello, hello".utf8)), ("text", text),
                ("random", noise), ("runs", runs), ("mixed", text.prefix(5000) + noise.prefix(5000) + runs)]
    }

    func testDecodesWhatGzipWritesAtEveryLevel() throws {
        for (name, bytes) in samples() {
            for level in [1, 6, 9] {
                let compressed = try gzip(bytes, level: level)
                XCTAssertTrue(Gzip.isCompressed(compressed))
                XCTAssertEqual(try Gzip.decompress(compressed), bytes, "\(name) at level \(level)")
            }
        }
    }

    func testConcatenatedMembersAndZeroPaddingAndHeaderFields() throws {
        let first = try gzip(Array("first member\n".utf8)), second = try gzip(Array("second member\n".utf8))
        XCTAssertEqual(try Gzip.decompress(first + second + [0, 0, 0]), Array("first member\nsecond member\n".utf8))
        // A header with extra field, name, comment and header CRC, written by hand around gzip's own stream.
        let body = Array(first[10..<first.count])
        var header: [UInt8] = [0x1F, 0x8B, 8, 4 | 8 | 16 | 2, 0, 0, 0, 0, 0, 3]
        header += [3, 0, 9, 9, 9] + Array("name.txt".utf8) + [0] + Array("a comment".utf8) + [0]
        let crc = CRC32.checksum(of: header) & 0xFFFF
        header += [UInt8(crc & 0xFF), UInt8(crc >> 8)]
        XCTAssertEqual(try Gzip.decompress(header + body), Array("first member\n".utf8))
        var badHeaderCRC = header
        badHeaderCRC[badHeaderCRC.count - 1] ^= 1
        XCTAssertThrowsError(try Gzip.decompress(badHeaderCRC + body)) {
            XCTAssertTrue("\($0)".contains("header checksum"), "\($0)")
        }
    }

    func testRawStreamsFromPythonZlibIncludingStoredAndFixedBlocks() throws {
        // python3 is required by the suite (the picture tests decode PNGs with it too): missing, `run` throws
        // and the test fails saying so.
        for (name, bytes) in samples() {
            for (level, strategy) in [(0, "zlib.Z_DEFAULT_STRATEGY"), (6, "zlib.Z_FIXED"), (9, "zlib.Z_HUFFMAN_ONLY"), (6, "zlib.Z_RLE")] {
                let script = "import sys, zlib; c = zlib.compressobj(\(level), zlib.DEFLATED, -15, 9, \(strategy)); "
                    + "sys.stdout.buffer.write(c.compress(sys.stdin.buffer.read()) + c.flush())"
                let raw = try run("python3", ["-c", script], input: bytes)
                let (output, end) = try Inflater.inflate(raw)
                XCTAssertEqual(output, bytes, "\(name), level \(level), \(strategy)")
                XCTAssertEqual(end, raw.count, "\(name): the whole stream is used")
            }
        }
    }

    func testALimitStopsDecodingAsSoonAsItIsReachedAndAPrefixDecodesNoFurther() throws {
        let first = Array("first member\n".utf8)
        let bomb = try gzip(Array("header".utf8) + [UInt8](repeating: 0, count: 8 << 20), level: 9)
        let twoMembers = try gzip(first) + bomb
        // The limit is the caller's whole, across members, and says so in a field callers can test.
        XCTAssertThrowsError(try Gzip.decompress(twoMembers, limit: 100)) {
            let error = $0 as? InflateError
            XCTAssertEqual(error?.exceededLimit, 100)
            XCTAssertTrue(error?.description.hasSuffix("the decompressed data exceeds the limit of 100 bytes") == true, "\($0)")
        }
        XCTAssertThrowsError(try Gzip.decompress(Array(bomb.dropLast(3)))) {
            XCTAssertNil(($0 as? InflateError)?.exceededLimit, "damage is not a limit")
        }
        XCTAssertEqual(try Gzip.prefix(bomb, count: 6), Array("header".utf8))
        XCTAssertEqual(try Gzip.prefix(twoMembers, count: 16), first + Array("hea".utf8), "a prefix runs on into the next member")
        XCTAssertEqual(try Gzip.prefix(try gzip(first), count: 100), first, "a prefix longer than the data is all of it")
        // Nothing after the prefix is decoded, so damage there goes unseen: the prefix stopped before it.
        var damaged = bomb
        damaged[damaged.count - 6] ^= 1
        XCTAssertEqual(try Gzip.prefix(damaged, count: 6), Array("header".utf8))
        XCTAssertEqual(try Gzip.prefix(Array(bomb.prefix(bomb.count / 2)), count: 6), Array("header".utf8))
        XCTAssertEqual(try Inflater.prefix([0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63], count: 2), Array("ab".utf8))
        // The buffer grows geometrically but never past the limit: data of exactly the limit's size fits in a
        // buffer of about that size (left to itself, an array would double to as much as twice it).
        for size in stride(from: 3_000_000, to: 4_600_000, by: 200_000) {
            let exact = [UInt8](repeating: 7, count: size)
            let output = try Gzip.decompress(try gzip(exact, level: 9), limit: size)
            XCTAssertEqual(output.count, size)
            XCTAssertLessThanOrEqual(output.capacity, size + 16384, "a limit of \(size) bytes")
        }
    }

    func testHandMadeBlocks() throws {
        // A stored block: final, type 0, then LEN = 3, NLEN = ~3, "abc".
        XCTAssertEqual(try Inflater.inflate([0x01, 0x03, 0x00, 0xFC, 0xFF, 0x61, 0x62, 0x63]).output, Array("abc".utf8))
        // A fixed block: "a" (0x61 → 8-bit code 0x91), then a copy of length 3 at distance 1, then end of block.
        XCTAssertEqual(try Inflater.inflate([0x4B, 0x04, 0x02, 0x00]).output, Array("aaaa".utf8))
        XCTAssertEqual(CRC32.checksum(of: Array("123456789".utf8)), 0xCBF4_3926)
    }

    /// The eight-bytes-at-a-time CRC equals the definition (one bit at a time) for every length around the
    /// eight-byte steps, at every alignment, and taken in pieces.
    func testCRC32EqualsTheBitwiseDefinition() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        var state: UInt32 = 12345
        let bytes = (0..<300).map { _ -> UInt8 in
            state = state &* 1_103_515_245 &+ 12345
            return UInt8(truncatingIfNeeded: state >> 16)
        }
        for start in 0..<9 {
            for end in start...(start + 70) {
                XCTAssertEqual(CRC32.checksum(of: bytes[start..<end]), bitwise(bytes[start..<end]), "\(start)..<\(end)")
            }
        }
        var pieces = CRC32()
        for cut in stride(from: 0, to: 300, by: 37) { pieces.update(bytes[cut..<min(300, cut + 37)]) }
        XCTAssertEqual(pieces.value, bitwise(bytes[...]))
    }

    func testDamageIsAnErrorNeverATrap() throws {
        let original = samples()[3].bytes
        let compressed = try gzip(original)
        func failure(_ bytes: [UInt8], limit: Int = .max) -> String {
            do {
                _ = try Gzip.decompress(bytes, limit: limit)
                return "no error"
            } catch {
                return error.description
            }
        }
        XCTAssertTrue(failure(Array(compressed.prefix(5))).contains("at least 18 bytes"))
        XCTAssertTrue(failure(Array(compressed.prefix(compressed.count / 2))).contains("unexpected end"))
        XCTAssertTrue(failure(Array(compressed.dropLast(3))).contains("unexpected end of gzip data (no trailer)"))
        XCTAssertTrue(failure([0x1F, 0x8C] + compressed.dropFirst(2)).contains("no 1f 8b magic"))
        XCTAssertTrue(failure([0x1F, 0x8B, 7] + compressed.dropFirst(3)).contains("compression method 7"))
        var crc = compressed
        crc[crc.count - 6] ^= 0x40
        XCTAssertTrue(failure(crc).contains("CRC-32 mismatch"), failure(crc))
        var length = compressed
        length[length.count - 2] ^= 1
        XCTAssertTrue(failure(length).contains("length mismatch"))
        XCTAssertTrue(failure(compressed, limit: 1000).contains("exceeds the limit of 1000 bytes"))
        XCTAssertTrue(failure(compressed + [7]).contains("at least 18 bytes"), "trailing garbage")
        XCTAssertEqual(try Inflater.inflate([0x03, 0x00]).output, [], "an empty fixed block")  // sanity for the cases below
        XCTAssertThrowsError(try Inflater.inflate([0x07])) { XCTAssertTrue("\($0)".contains("block type 3")) }
        XCTAssertThrowsError(try Inflater.inflate([0x01, 0x03, 0x00, 0xFC, 0xFE, 0x61, 0x62, 0x63])) {
            XCTAssertTrue("\($0)".contains("complement"))
        }
        // A fixed block whose first symbol is a back-reference: nothing to copy from.
        XCTAssertThrowsError(try Inflater.inflate([0x03, 0x02, 0x00])) { XCTAssertTrue("\($0)".contains("before the start"), "\($0)") }
        // Every single-bit flip and every truncation of a small stream either decodes or fails cleanly.
        let small = try gzip(Array("the quick brown fox jumps over the lazy dog, the quick brown fox".utf8))
        for index in 0..<small.count {
            for bit in 0..<8 {
                var flipped = small
                flipped[index] ^= 1 << bit
                _ = failure(flipped)
            }
            _ = failure(Array(small.prefix(index)))
        }
    }
}
