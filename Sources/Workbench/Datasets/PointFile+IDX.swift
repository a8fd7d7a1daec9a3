import Foundation
import Autodiff
import Inflate

extension PointFile {
    /// Whether the path names an IDX file as MNIST distributes them: `…-ubyte`, `.idx`, `.idx1`…`.idx3`
    /// (the caller has already taken off a `.gz`).
    static func isIDX(_ path: String) -> Bool {
        let name = path.lowercased()
        return name.hasSuffix("-ubyte") || name.hasSuffix(".idx") || ["1", "2", "3"].contains { name.hasSuffix(".idx\($0)") }
    }

    /// An IDX file's array as an [n, d] tensor (see `decodeIDX`); gzip-compressed files are decompressed.
    public static func readIDX(path: String) throws -> Tensor {
        try decodeIDX(try decompressedIfGzip(try readBytes(path: path), path: path, expecting: .idx), path: path)
    }

    /// The element types of IDX files: their type byte, size and name.
    static let idxTypes: [UInt8: (size: Int, name: String)] = [
        0x08: (1, "unsigned byte"), 0x09: (1, "signed byte"), 0x0B: (2, "16-bit integer"), 0x0C: (4, "32-bit integer"),
        0x0D: (4, "32-bit float"), 0x0E: (8, "64-bit float"),
    ]

    /// Whether `bytes` have an IDX header whose dimensions match the file's size exactly (how a file with
    /// another name is recognised as IDX).
    static func looksLikeIDX(_ bytes: [UInt8]) -> Bool {
        guard startsLikeIDX(bytes) else { return false }
        return (try? idxLayout(bytes, path: "")).map { $0.dataStart + $0.count * idxTypes[bytes[2]]!.size == bytes.count } ?? false
    }

    /// Whether `bytes` start as an IDX header does: two zero bytes, a known type, 1 to 8 dimensions.
    static func startsLikeIDX(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 4 && bytes[0] == 0 && bytes[1] == 0 && idxTypes[bytes[2]] != nil && (1...8).contains(Int(bytes[3]))
    }

    /// The longest IDX header: the magic number and 255 dimensions.
    static let longestIDXHeader = 4 + 4 * 255

    /// What an IDX header says, checked without the data: the dimensions, the number of elements, the offset
    /// of the data and the bytes of data they need. `bytes` need only hold the header.
    static func idxHeader(_ bytes: [UInt8], path: String) throws -> (dimensions: [Int], count: Int, dataStart: Int, needed: Int) {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }
        guard bytes.count >= 4 else { throw fail("is not an IDX file: it has \(bytes.count) bytes, fewer than the 4 of the magic number") }
        guard bytes[0] == 0, bytes[1] == 0 else {
            throw fail("is not an IDX file: its magic number \(bytes[0..<4].map { String(format: "%02x", $0) }.joined()) does not start with two zero bytes")
        }
        guard let type = idxTypes[bytes[2]] else { throw fail("has an unknown IDX element type 0x\(String(format: "%02x", bytes[2]))") }
        let rank = Int(bytes[3])
        guard rank >= 1 else { throw fail("declares an IDX array of 0 dimensions") }
        let dataStart = 4 + 4 * rank
        guard bytes.count >= dataStart else {
            throw fail("is truncated: its header declares \(rank) dimensions (\(dataStart) bytes), but the file has \(bytes.count) bytes")
        }
        let dimensions = (0..<rank).map { axis in
            (0..<4).reduce(0) { $0 << 8 | Int(bytes[4 + 4 * axis + $1]) }  // big-endian
        }
        var count = 1, overflow = false
        for dimension in dimensions where !overflow { (count, overflow) = count.multipliedReportingOverflow(by: dimension) }
        // The columns (every dimension after the first) must be a number too, even when no rows make the
        // count 0: [0, 2³², 2³²] holds nothing, yet has 2⁶⁴ columns.
        var columns = 1
        for dimension in dimensions.dropFirst() where !overflow {
            (columns, overflow) = columns.multipliedReportingOverflow(by: dimension)
        }
        let (needed, tooLarge) = count.multipliedReportingOverflow(by: type.size)
        guard !overflow && !tooLarge && needed <= Int.max - dataStart else {
            throw fail("declares dimensions \(dimensions) too large to address")
        }
        return (dimensions, count, dataStart, needed)
    }

    /// The dimensions and the start of the data of an IDX file, checked against its size.
    private static func idxLayout(_ bytes: [UInt8], path: String) throws -> (dimensions: [Int], count: Int, dataStart: Int) {
        let (dimensions, count, dataStart, needed) = try idxHeader(bytes, path: path)
        let available = bytes.count - dataStart
        guard available == needed else {
            throw DataFileError(path: path, (available < needed ? "is truncated: " : "has \(available - needed) unexpected bytes after the data: ")
                                + "dimensions \(dimensions) of \(idxTypes[bytes[2]]!.name)s need \(needed) bytes of data, and \(available) follow the header")
        }
        return (dimensions, count, dataStart)
    }

    /// Decodes an IDX file (the format of MNIST: two zero bytes, a type byte, the number of dimensions, each
    /// dimension as a big-endian 32-bit integer, then big-endian data) into an [n, d] tensor: the first
    /// dimension is the rows, the others are flattened (28×28 images become 784 columns); a 1-D array (labels)
    /// is one column. Element types: unsigned and signed bytes, 16- and 32-bit integers, 32- and 64-bit
    /// floats, all converted to float32; values must be finite. `path` only names the source in errors.
    public static func decodeIDX(_ bytes: [UInt8], path: String) throws -> Tensor {
        let (dimensions, count, dataStart) = try idxLayout(bytes, path: path)
        let type = bytes[2], size = idxTypes[type]!.size
        let rows = dimensions[0], columns = dimensions.dropFirst().reduce(1, *)
        var bad: Int?
        let tensor = SampleBuffer.matrix(rows: rows, columns: columns) { out in
            bytes.withUnsafeBufferPointer { raw in
                func word(_ offset: Int) -> UInt64 { (0..<size).reduce(0) { $0 << 8 | UInt64(raw[offset + $1]) } }
                for index in 0..<count {
                    let at = dataStart + index * size
                    let value: Float
                    switch type {
                    case 0x08: value = Float(raw[at])
                    case 0x09: value = Float(Int8(bitPattern: raw[at]))
                    case 0x0B: value = Float(Int16(bitPattern: UInt16(word(at))))
                    case 0x0C: value = Float(Int32(bitPattern: UInt32(word(at))))
                    case 0x0D: value = Float(bitPattern: UInt32(word(at)))
                    default: value = Float(Double(bitPattern: word(at)))
                    }
                    if !value.isFinite && bad == nil { bad = index }
                    out[index] = value
                }
            }
        }
        if let bad {
            throw DataFileError(path: path, "element \(bad) (row \(bad / max(columns, 1))) is not a finite float32 number")
        }
        return tensor
    }
}
