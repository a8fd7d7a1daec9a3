import XCTest
import Foundation
@testable import Plotting

/// The zlib encoder against published check values and against Python's zlib, which must inflate every
/// stream back to its input.
final class DeflateTests: XCTestCase {
    func testChecksumsMatchTheirPublishedValues() {
        XCTAssertEqual(PNGEncoder.crc32(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(PNGEncoder.crc32([]), 0)
        XCTAssertEqual(Deflate.adler32(Array("Wikipedia".utf8)), 0x11E6_0398)
        XCTAssertEqual(Deflate.adler32([]), 1)
        // Long enough for the modular reduction to matter.
        XCTAssertEqual(Deflate.adler32([UInt8](repeating: 255, count: 100_000)), adler32Reference([UInt8](repeating: 255, count: 100_000)))
    }

    /// Adler-32 straight from its definition, reducing at every byte.
    func adler32Reference(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return (b << 16) | a
    }

    func testPythonInflatesEveryStreamToItsInput() throws {
        var state: UInt64 = 12345
        func noise(_ count: Int) -> [UInt8] {
            (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return UInt8(truncatingIfNeeded: state >> 56)
            }
        }
        let text = Array(String(repeating: "the critic scores real and generated samples; ", count: 300).utf8)
        let inputs: [(String, [UInt8])] = [
            ("empty", []), ("one", [42]), ("short", Array("abcabcabcabc".utf8)), ("text", text),
            ("zeros", [UInt8](repeating: 0, count: 200_000)), ("noise", noise(70_000)),
            ("mixed", noise(1000) + [UInt8](repeating: 7, count: 5000) + noise(66_000) + text),
        ]
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-deflate-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, data) in inputs {
            try Data(Deflate.zlib(data)).write(to: folder.appendingPathComponent(name + ".z"))
            try Data(data).write(to: folder.appendingPathComponent(name + ".raw"))
        }
        let program = """
            import sys, zlib
            folder = sys.argv[1]
            for name in sys.argv[2:]:
                packed = open(folder + '/' + name + '.z', 'rb').read()
                raw = open(folder + '/' + name + '.raw', 'rb').read()
                print(name, zlib.decompress(packed) == raw, len(packed), len(raw))
            """
        guard let output = Python.run(program, arguments: [folder.path] + inputs.map(\.0)) else { return }
        let results = output.split(separator: "\n").map { $0.split(separator: " ") }
        XCTAssertEqual(results.count, inputs.count)
        for result in results {
            XCTAssertEqual(result[1], "True", "\(result[0]) does not inflate to its input")
        }
        let sizes = Dictionary(uniqueKeysWithValues: results.map { (String($0[0]), Int($0[2])!) })
        XCTAssertLessThan(sizes["zeros"]!, 2000, "a run of zeros must compress (13 bits per 258 bytes with the fixed codes)")
        XCTAssertLessThan(sizes["text"]!, 2000, "repeated text must compress")
        XCTAssertLessThanOrEqual(sizes["noise"]!, 70_000 + 2 * 5 + 6 + 2, "noise must cost no more than stored blocks")
    }
}
