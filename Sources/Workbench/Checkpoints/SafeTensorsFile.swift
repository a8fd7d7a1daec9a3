import Foundation
import Autodiff

#if _endian(big)
#error("safetensors data is little-endian; this file copies tensor bytes as they are in memory")
#endif

/// The safetensors format: an 8-byte little-endian header length N, N bytes of JSON naming each tensor's
/// dtype, shape and byte range (`data_offsets`, relative to the data section) plus string metadata under
/// `__metadata__`, then the raw little-endian tensor data. PyTorch, NumPy and JAX users read it with the
/// `safetensors` package, or with `json` and `struct` alone.
///
/// Reading checks everything before any tensor is made: the header length against the file, the JSON,
/// every entry's dtype, shape and byte range, and that the ranges tile the data section exactly (no
/// overlap, no gap, nothing after the last). Every problem is a `DataFileError` naming the file.
public struct SafeTensorsFile {
    /// The element types Gantry reads and writes.
    public enum DType: String, Sendable {
        /// 32-bit IEEE floats: every tensor of a network, optimizer or trick.
        case float32 = "F32"
        /// 64-bit IEEE floats: records that must keep every bit of a Double (the training history).
        case float64 = "F64"

        /// Bytes per element.
        public var size: Int { self == .float32 ? 4 : 8 }
    }

    /// One named tensor.
    public struct Entry {
        /// The name ("G.0.weight").
        public let name: String
        /// The element type.
        public let dtype: DType
        /// The dimensions.
        public let shape: [Int]
        /// The little-endian element bytes.
        let payload: Payload

        /// The number of data bytes.
        public var byteCount: Int {
            switch payload {
            case .float32(let tensor): return tensor.elementCount * 4
            case .float64(let values): return values.count * 8
            case .bytes(let bytes): return bytes.count
            }
        }

        /// Calls `body` with the element bytes.
        func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            switch payload {
            case .float32(let tensor): return try tensor.withUnsafeBufferPointer { try body(UnsafeRawBufferPointer($0)) }
            case .float64(let values): return try values.withUnsafeBytes(body)
            case .bytes(let bytes): return try bytes.withUnsafeBytes(body)
            }
        }
    }

    /// Where an entry's bytes are: a tensor to write, or a range of a file that was read.
    enum Payload {
        case float32(Tensor)
        case float64([Double])
        case bytes(ArraySlice<UInt8>)
    }

    /// The tensors, in the order of the file's data section.
    public private(set) var entries: [Entry] = []
    /// The `__metadata__` strings, in order.
    public var metadata: [(key: String, value: String)] = []

    /// The largest header a reader accepts (the `safetensors` package's own limit).
    public static let maximumHeaderSize = 100_000_000

    /// An empty file.
    public init() {}

    /// Appends a 32-bit tensor.
    public mutating func append(_ name: String, _ tensor: Tensor) {
        entries.append(Entry(name: name, dtype: .float32, shape: tensor.shape.dimensions, payload: .float32(tensor)))
    }

    /// Appends a 64-bit tensor of `shape` (row-major `values`).
    public mutating func append(_ name: String, doubles values: [Double], shape: [Int]) {
        entries.append(Entry(name: name, dtype: .float64, shape: shape, payload: .float64(values)))
    }

    /// The entry called `name`.
    public func entry(_ name: String) -> Entry? { entries.first { $0.name == name } }

    /// The metadata value of `key`.
    public func metadata(_ key: String) -> String? { metadata.first { $0.key == key }?.value }

    /// The F32 entry `name` as a tensor (nil when absent or not F32).
    public func tensor(_ name: String) -> Tensor? {
        guard let entry = entry(name), entry.dtype == .float32 else { return nil }
        if case .float32(let tensor) = entry.payload { return tensor }
        return entry.withBytes { bytes in
            Tensor(shape: Shape(entry.shape)) { out in
                if let base = bytes.baseAddress, bytes.count > 0 { UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: base, byteCount: bytes.count) }
            }
        }
    }

    /// The F64 entry `name` as row-major values (nil when absent or not F64).
    public func doubles(_ name: String) -> [Double]? {
        guard let entry = entry(name), entry.dtype == .float64 else { return nil }
        if case .float64(let values) = entry.payload { return values }
        return entry.withBytes { bytes in
            [Double](unsafeUninitializedCapacity: bytes.count / 8) { out, count in
                if let base = bytes.baseAddress, bytes.count > 0 {
                    UnsafeMutableRawPointer(out.baseAddress!).copyMemory(from: base, byteCount: bytes.count)
                }
                count = bytes.count / 8
            }
        }
    }

    /// The JSON header, padded with spaces to a multiple of 8 bytes so the data section starts aligned.
    func header() -> [UInt8] {
        var members: [(key: String, value: JSONValue)] = []
        if !metadata.isEmpty {
            members.append(("__metadata__", .object(metadata.map { ($0.key, JSONValue.string($0.value)) })))
        }
        var offset = 0
        for entry in entries {
            let end = offset + entry.byteCount
            members.append((entry.name, .object([
                ("dtype", .string(entry.dtype.rawValue)),
                ("shape", .array(entry.shape.map(JSONValue.integer))),
                ("data_offsets", .array([.integer(offset), .integer(end)])),
            ])))
            offset = end
        }
        var bytes = Array(JSONValue.object(members).serialized.utf8)
        bytes += repeatElement(UInt8(ascii: " "), count: (8 - bytes.count % 8) % 8)
        return bytes
    }

    /// Writes the file atomically (temporary file, fsync, rename). `shouldStop` is polled between tensors:
    /// when it says stop, the write is abandoned, the target left as it was, and `SafeTensorsWriteStopped`
    /// thrown.
    public func write(to path: String, shouldStop: () -> Bool = { false }) throws {
        let header = header()
        guard header.count <= Self.maximumHeaderSize else {
            throw DataFileError(path: path, "cannot write: the header would be \(header.count) bytes, more than the "
                                + "\(Self.maximumHeaderSize) safetensors readers accept")
        }
        try PointFile.writeAtomically(to: path) { sink in
            var length = UInt64(header.count).littleEndian
            try withUnsafeBytes(of: &length) { try sink.write($0) }
            try sink.write(header)
            for entry in entries {
                if shouldStop() { throw SafeTensorsWriteStopped(path: path) }
                try entry.withBytes { try sink.write($0) }
            }
        }
    }

    /// Reads and checks the file at `path`, refusing before reading one whose size exceeds `sizeLimit`
    /// bytes (with the size in the message).
    public static func read(path: String, sizeLimit: Int) throws -> SafeTensorsFile {
        try decode(try PointFile.readBytes(path: path, limit: sizeLimit), path: path)
    }

    /// Parses and checks a whole file's bytes; `path` names it in messages.
    public static func decode(_ bytes: [UInt8], path: String) throws -> SafeTensorsFile {
        func failure(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }
        guard bytes.count >= 8 else {
            throw failure("is not a safetensors file: it has \(bytes.count) bytes, fewer than the 8 of the header length (truncated?)")
        }
        let declared = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[$1]) << (8 * UInt64($1)) }
        guard declared <= UInt64(maximumHeaderSize) else {
            throw failure("is not a safetensors file: its first 8 bytes declare a header of \(declared) bytes, "
                          + "more than the \(maximumHeaderSize) allowed")
        }
        let headerEnd = 8 + Int(declared)
        guard headerEnd <= bytes.count else {
            throw failure("is truncated or not a safetensors file: its header should be \(declared) bytes, "
                          + "but only \(bytes.count - 8) follow the header length")
        }
        let headerBytes = bytes[8..<headerEnd]
        guard headerBytes.first(where: { $0 != UInt8(ascii: " ") }) == UInt8(ascii: "{") else {
            throw failure("is not a safetensors file: its header does not start with a JSON object")
        }
        let header: JSONValue
        do {
            header = try JSONValue.parse(headerBytes, maximumDepth: 8)
        } catch {
            throw failure("has a corrupt header (not valid JSON at header \(error))")
        }
        let data = bytes[headerEnd...]
        var file = SafeTensorsFile()
        var ranges: [(name: String, begin: Int, end: Int)] = []
        for (name, value) in header.objectValue ?? [] {
            if name == "__metadata__" {
                guard let members = value.objectValue else { throw failure("has a corrupt header: __metadata__ is not an object") }
                for (key, text) in members {
                    guard let string = text.stringValue else {
                        throw failure("has a corrupt header: metadata '\(key)' is not a string")
                    }
                    file.metadata.append((key, string))
                }
                continue
            }
            let (entry, begin) = try decodeEntry(name, value, data: data, failure: failure)
            ranges.append((name, begin, begin + entry.byteCount))
            file.entries.append(entry)
        }
        // The ranges must tile the data section: sorted by start, each begins where the previous ended.
        let order = ranges.indices.sorted { (ranges[$0].begin, ranges[$0].end) < (ranges[$1].begin, ranges[$1].end) }
        var covered = 0
        for index in order {
            let range = ranges[index]
            if range.begin < covered {
                let other = ranges[order[order.firstIndex(of: index)! - 1]]
                throw failure("has a corrupt header: tensors '\(other.name)' (bytes \(other.begin)–\(other.end)) and "
                              + "'\(range.name)' (bytes \(range.begin)–\(range.end)) overlap")
            }
            if range.begin > covered {
                throw failure("has a corrupt header: data bytes \(covered)–\(range.begin) belong to no tensor")
            }
            covered = range.end
        }
        guard covered == data.count else {
            let extra = data.count - covered
            throw failure("has \(extra) byte\(extra == 1 ? "" : "s") of data after the last tensor (it should end at byte \(covered) of the data)")
        }
        file.entries = order.map { file.entries[$0] }
        return file
    }

    /// One tensor's header entry, checked against the data section; returns it with its start offset.
    private static func decodeEntry(_ name: String, _ value: JSONValue, data: ArraySlice<UInt8>,
                                    failure: (String) -> DataFileError) throws -> (Entry, Int) {
        guard !name.isEmpty, let members = value.objectValue else {
            throw failure("has a corrupt header: entry '\(name)' is not a tensor description")
        }
        if let unknown = members.first(where: { !["dtype", "shape", "data_offsets"].contains($0.key) }) {
            throw failure("has a corrupt header: tensor '\(name)' has an unknown field '\(unknown.key)'")
        }
        guard let dtypeName = value["dtype"]?.stringValue else { throw failure("has a corrupt header: tensor '\(name)' has no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            throw failure("tensor '\(name)' has dtype \(dtypeName); Gantry checkpoints hold F32 tensors (and F64 records)")
        }
        guard let dimensions = value["shape"]?.arrayValue?.map(\.intValue), dimensions.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw failure("has a corrupt header: tensor '\(name)' has no shape of non-negative integers")
        }
        let shape = dimensions.map { $0! }
        guard shape.count <= Shape.maxRank else {
            throw failure("tensor '\(name)' has rank \(shape.count); Gantry tensors have at most \(Shape.maxRank) dimensions")
        }
        guard let offsets = value["data_offsets"]?.arrayValue?.compactMap(\.intValue), offsets.count == 2,
              value["data_offsets"]?.arrayValue?.count == 2 else {
            throw failure("has a corrupt header: tensor '\(name)' has no data_offsets [begin, end]")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard 0 <= begin, begin <= end else {
            throw failure("has a corrupt header: tensor '\(name)' has data_offsets [\(begin), \(end)]")
        }
        var bytes = dtype.size, overflow = false
        for dimension in shape where !overflow { (bytes, overflow) = bytes.multipliedReportingOverflow(by: dimension) }
        guard !overflow, bytes == end - begin else {
            throw failure("has a corrupt header: tensor '\(name)' of shape \(shape) needs "
                          + (overflow ? "more bytes than can be addressed" : "\(bytes) bytes") + ", but its data_offsets [\(begin), \(end)] span \(end - begin)")
        }
        guard end <= data.count else {
            throw failure("is truncated: tensor '\(name)' ends at byte \(end) of the data, but the file holds \(data.count) bytes of data")
        }
        let start = data.startIndex + begin
        return (Entry(name: name, dtype: dtype, shape: shape, payload: .bytes(data[start..<(start + bytes)])), begin)
    }
}

/// A safetensors write was abandoned because the user asked to stop (Ctrl-C); the target is unchanged.
public struct SafeTensorsWriteStopped: Error, CustomStringConvertible {
    /// The target path.
    public let path: String
    /// "interrupted: run.safetensors was not written".
    public var description: String { "interrupted: \(path) was not written (it is as it was before)" }
}
