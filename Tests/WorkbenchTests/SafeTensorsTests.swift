import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
@testable import Workbench

/// The safetensors reader and writer, and the JSON of their headers: round trips, exact bytes, and a clear
/// error for every kind of malformed file.
final class SafeTensorsTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("safetensors")
    }

    override func tearDownWithError() throws {
        PointFile.simulatedFreeSpace.store(-1, ordering: .relaxed)
        ScratchFolder.remove(folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func sample() throws -> SafeTensorsFile {
        var file = SafeTensorsFile()
        file.append("G.0.weight", try Tensor([1, -2.5, 3, .pi, -0.0, 1e-30], shape: [3, 2]))
        file.append("G.0.bias", Tensor([0.5, 0.25, -0.125]))
        file.append("empty", try Tensor([], shape: [0, 4]))
        file.append("history", doubles: [1, 0.1, .nan, -.infinity], shape: [2, 2])
        file.metadata = [("format", "pt"), ("note", "quotes \" backslash \\ newline \n tab \t unicode é ∇ 🎲 nul \u{0}")]
        return file
    }

    /// The bytes `file` writes.
    func bytes(_ file: SafeTensorsFile) throws -> [UInt8] {
        let target = path("bytes-\(UUID().uuidString).safetensors")
        try file.write(to: target)
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: target)))
    }

    func message(_ bytes: [UInt8]) -> String {
        do {
            _ = try SafeTensorsFile.decode(bytes, path: "f.safetensors")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    // MARK: JSON

    func testJSONRoundTripsAndRefusesWhatIsNotStrictJSON() throws {
        let value = JSONValue.object([("a", .array([.integer(1), .number("-2.5e-3"), .bool(true), .null])),
                                      ("text", .string("\"\\\n\u{1}é🎲")), ("big", .number("18446744073709551615"))])
        let text = value.serialized
        XCTAssertEqual(text, #"{"a":[1,-2.5e-3,true,null],"text":"\"\\\n\u0001é🎲","big":18446744073709551615}"#)
        XCTAssertEqual(try JSONValue.parse(Array(text.utf8)[...]), value)
        XCTAssertEqual(try JSONValue.parse(Array(#" { "s" : "\ud83c\udfb2\u00e9\/" } "#.utf8)[...])["s"], .string("🎲é/"))
        XCTAssertEqual(JSONValue.real(.nan).doubleValue?.isNaN, true)
        XCTAssertEqual(JSONValue.real(0.1).doubleValue, 0.1)
        func error(_ text: String) -> String {
            do { return "parsed \(try JSONValue.parse(Array(text.utf8)[...]))" } catch { return error.description }
        }
        XCTAssertEqual(error(#"{"a":1,"a":2}"#), #"byte 7: the key "a" appears twice"#)
        XCTAssertEqual(error("[1,]"), "byte 3: unexpected character ']'")
        XCTAssertEqual(error("{} x"), "byte 3: unexpected text after the JSON value")
        XCTAssertEqual(error("01"), "byte 1: unexpected text after the JSON value")
        XCTAssertEqual(error("\"a\u{1}\""), "byte 2: a control character inside a string")
        XCTAssertEqual(error(#""\ud800""#), #"byte 7: an unpaired surrogate in a \u escape"#)
        XCTAssertEqual(error(String(repeating: "[", count: 100)), "byte 65: nesting deeper than 64 levels")
        XCTAssertEqual(error("[1.]"), "byte 3: expected a digit after '.'")
        XCTAssertEqual(error(""), "byte 0: unexpected end of the JSON text")
        var invalid = Array("\"ab\"".utf8)
        invalid[1] = 0xFF
        XCTAssertThrowsError(try JSONValue.parse(invalid[...])) { XCTAssertTrue("\($0)".contains("not valid UTF-8"), "\($0)") }
    }

    // MARK: Format

    func testRoundTripKeepsEveryBitAndWritesTheSameBytesTwice() throws {
        let file = try sample()
        let written = try bytes(file)
        XCTAssertEqual(written, try bytes(file))
        let headerLength = Int(written[0]) | Int(written[1]) << 8
        XCTAssertEqual((8 + headerLength) % 8, 0, "the data section starts 8-byte aligned")
        let read = try SafeTensorsFile.decode(written, path: "x")
        XCTAssertEqual(read.entries.map(\.name), ["G.0.weight", "G.0.bias", "empty", "history"])
        XCTAssertTrue(try XCTUnwrap(read.tensor("G.0.weight")).isBitwiseEqual(to: try XCTUnwrap(file.tensor("G.0.weight"))))
        XCTAssertEqual(read.tensor("empty")?.shape, [0, 4])
        XCTAssertEqual(read.doubles("history")?.map(\.bitPattern), [1, 0.1, .nan, -.infinity].map(\.bitPattern))
        XCTAssertNil(read.tensor("history"), "an F64 entry is not an F32 tensor")
        XCTAssertEqual(read.metadata.map(\.key), ["format", "note"])
        XCTAssertEqual(read.metadata("note"), file.metadata("note"))
    }

    func testMalformedFilesGiveClearErrors() throws {
        let good = try bytes(try sample())
        let headerLength = Int(good[0]) | Int(good[1]) << 8
        func with(header: String, data: [UInt8] = []) -> [UInt8] {
            var length = UInt64(header.utf8.count).littleEndian
            return withUnsafeBytes(of: &length) { Array($0) } + Array(header.utf8) + data
        }
        XCTAssertEqual(message([1, 2, 3]), "f.safetensors: is not a safetensors file: it has 3 bytes, fewer than the 8 of the header length (truncated?)")
        XCTAssertEqual(message(Array("# Gantry session\nseed 1\n".utf8)),
                       "f.safetensors: is not a safetensors file: its first 8 bytes declare a header of 8751185043361570851 bytes, more than the 100000000 allowed")
        XCTAssertEqual(message(Array(good.prefix(100))),
                       "f.safetensors: is truncated or not a safetensors file: its header should be \(headerLength) bytes, but only 92 follow the header length")
        XCTAssertTrue(message(Array(good.dropLast(5))).contains("is truncated: tensor 'history' ends at byte 68 of the data, but the file holds 63"), message(Array(good.dropLast(5))))
        XCTAssertEqual(message(good + [0]), "f.safetensors: has 1 byte of data after the last tensor (it should end at byte 68 of the data)")
        XCTAssertEqual(message(with(header: "[1]")), "f.safetensors: is not a safetensors file: its header does not start with a JSON object")
        XCTAssertEqual(message(with(header: "{\"a\":")), "f.safetensors: has a corrupt header (not valid JSON at header byte 5: unexpected end of the JSON text)")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
                       "f.safetensors: tensor 'a' has dtype F16; Gantry checkpoints hold F32 tensors (and F64 records)")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#)),
                       "f.safetensors: has a corrupt header: tensor 'a' has no shape of non-negative integers")
        // A huge declared shape is refused from the header alone, before anything is allocated.
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[1000000000,1000000000],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
                       "f.safetensors: has a corrupt header: tensor 'a' of shape [1000000000, 1000000000] needs 4000000000000000000 bytes, but its data_offsets [0, 4] span 4")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#)),
                       "f.safetensors: has a corrupt header: tensor 'a' of shape [4611686018427387904, 4] needs more bytes than can be addressed, but its data_offsets [0, 4] span 4")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[1099511627776,1099511627780]}}"#)),
                       "f.safetensors: is truncated: tensor 'a' ends at byte 1099511627780 of the data, but the file holds 0 bytes of data")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))),
                       "f.safetensors: has a corrupt header: tensors 'a' (bytes 0–8) and 'b' (bytes 4–8) overlap")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, data: [UInt8](repeating: 0, count: 8))),
                       "f.safetensors: has a corrupt header: data bytes 0–4 belong to no tensor")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":1}}"#, data: [0, 0, 0, 0])),
                       "f.safetensors: has a corrupt header: tensor 'a' has an unknown field 'extra'")
        XCTAssertEqual(message(with(header: #"{"__metadata__":{"k":1}}"#)), "f.safetensors: has a corrupt header: metadata 'k' is not a string")
        XCTAssertEqual(message(with(header: #"{"a":{"dtype":"F32","shape":[1,1,1,1,1,1,1],"data_offsets":[0,4]}}"#, data: [0, 0, 0, 0])),
                       "f.safetensors: tensor 'a' has rank 7; Gantry tensors have at most 6 dimensions")
        XCTAssertEqual(message(with(header: "{}")), "no error", "an empty file of no tensors is a valid safetensors file")
        // Every truncation and every single-bit flip is an error or a valid file, never a trap.
        for length in 0..<good.count { XCTAssertNotEqual(message(Array(good.prefix(length))), "no error", "truncated to \(length)") }
        for index in 0..<good.count {
            for bit in 0..<8 {
                var flipped = good
                flipped[index] ^= 1 << bit
                _ = message(flipped)
            }
        }
    }

    // MARK: Writing

    func testAFullDiskAnUnwritableFolderOrAStopLeaveNothingBehind() throws {
        let target = path("kept.safetensors")
        let original = try sample()
        try original.write(to: target)
        let before = try Data(contentsOf: URL(fileURLWithPath: target))
        var bigger = try sample()
        bigger.append("more", Tensor.zeros([1000]))
        PointFile.simulatedFreeSpace.store(300, ordering: .relaxed)
        XCTAssertThrowsError(try bigger.write(to: target)) {
            XCTAssertEqual("\($0)", "\(target): cannot write: No space left on device")
        }
        PointFile.simulatedFreeSpace.store(-1, ordering: .relaxed)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), before, "the old file is intact")
        var polls = 0
        XCTAssertThrowsError(try bigger.write(to: target, shouldStop: { polls += 1; return polls > 2 })) {
            XCTAssertEqual("\($0)", "interrupted: \(target) was not written (it is as it was before)")
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: target)), before)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["kept.safetensors"], "no temporary file is left")
        let nowhere = path("missing/folder/x.safetensors")
        XCTAssertThrowsError(try original.write(to: nowhere)) {
            XCTAssertEqual("\($0)", "\(nowhere): cannot write: No such file or directory")
        }
        try FileManager.default.createDirectory(atPath: path("locked"), withIntermediateDirectories: false)
        chmod(path("locked"), 0o500)
        defer { chmod(path("locked"), 0o700) }
        if getuid() != 0 {  // root writes anywhere
            XCTAssertThrowsError(try original.write(to: path("locked/x.safetensors"))) {
                XCTAssertTrue("\($0)".hasSuffix("cannot write: Permission denied"), "\($0)")
            }
        }
        XCTAssertThrowsError(try SafeTensorsFile.read(path: target, sizeLimit: 10)) {
            XCTAssertTrue("\($0)".contains("GB; reading it would need more than"), "\($0)")
        }
        XCTAssertThrowsError(try SafeTensorsFile.read(path: "/dev/zero", sizeLimit: 1 << 30)) {
            XCTAssertEqual("\($0)", "/dev/zero: is a character device, not a regular file")
        }
    }
}
