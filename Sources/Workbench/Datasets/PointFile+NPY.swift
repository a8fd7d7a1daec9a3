import Foundation
import Autodiff

extension PointFile {
    /// A NumPy `.npy` file's array as an [n, d] tensor (see `decodeNPY` for what is accepted).
    public static func readNPY(path: String) throws -> Tensor {
        try decodeNPY(readBytes(path: path), path: path)
    }

    /// The first bytes of every `.npy` file.
    static let npyMagic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// Decodes the bytes of a `.npy` file into an [n, d] tensor (a 1-D array becomes [n, 1]).
    ///
    /// Accepted: format versions 1.0, 2.0 and 3.0; C order; little-endian (or byte-order-free) dtypes
    /// float32 `<f4`, float64 `<f8` (rounded to float32), signed and unsigned integers of 1, 2, 4 or 8
    /// bytes and bool (converted to float32, so integers beyond 2²⁴ round); 1-D or 2-D arrays of finite
    /// values. `path` only names the source in errors.
    public static func decodeNPY(_ bytes: [UInt8], path: String) throws -> Tensor {
        let layout = try npyLayout(bytes, path: path)
        let (header, element, columns, count, dataStart, needed) = (layout.header, layout.element, layout.columns,
                                                                   layout.count, layout.dataStart, layout.needed)
        let shapeText = pythonTuple(header.shape)
        let available = bytes.count - dataStart
        if available < needed {
            throw DataFileError(path: path, "truncated: shape \(shapeText) of '\(header.descr ?? "")' needs \(needed) bytes of data, but only \(available) follow the header")
        }
        if available > needed {
            throw DataFileError(path: path, "\(available - needed) unexpected bytes after the data of shape \(shapeText)")
        }
        var values = [Float](repeating: 0, count: count)
        var bad: (index: Int, value: Double)?
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let (single, wide) = element.load(from: raw, at: dataStart + i * element.size)
                if !single.isFinite && bad == nil { bad = (i, wide) }
                values[i] = single
            }
        }
        if let (index, value) = bad {
            let at = header.shape.count == 1 ? "[\(index)]" : "[\(index / columns), \(index % columns)]"
            throw DataFileError(path: path, value.isFinite ? "element \(at) = \(value) is outside the float32 range"
                                                          : "element \(at) is \(value); data must be finite")
        }
        return SampleBuffer.matrix(rows: layout.rows, columns: columns) { out in
            for i in 0..<count { out[i] = values[i] }
        }
    }

    /// What a `.npy` file's preamble and header say: the array's shape and element type, and where its data
    /// starts and how many bytes it takes.
    struct NPYLayout {
        let header: NPYHeader
        let element: NPYElement
        let rows: Int, columns: Int
        /// The number of elements.
        let count: Int
        /// The offset of the first data byte.
        let dataStart: Int
        /// The bytes of data the shape and type need.
        let needed: Int
    }

    /// The header text shown in messages about it, cut short: a hostile header can be megabytes long.
    static let quotedHeaderLimit = 200

    /// Reads and checks the preamble and header at the start of `bytes`, which need not hold the data: the
    /// same checks, in the same order, as `decodeNPY` makes before it looks at the data.
    static func npyLayout(_ bytes: [UInt8], path: String) throws -> NPYLayout {
        func fail(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }
        guard !bytes.isEmpty else { throw fail("the file is empty") }
        guard bytes.count >= npyMagic.count, bytes[0..<npyMagic.count].elementsEqual(npyMagic) else {
            throw fail("not a NumPy .npy file (it does not start with the bytes \\x93NUMPY)")
        }
        guard bytes.count >= 10 else { throw fail("truncated inside the .npy preamble (\(bytes.count) bytes)") }
        guard [1, 2, 3].contains(bytes[6]) && bytes[7] == 0 else {
            throw fail("unsupported .npy format version \(bytes[6]).\(bytes[7]); expected 1.0, 2.0 or 3.0")
        }
        guard let dataStart = npyDataStart(bytes) else { throw fail("truncated inside the .npy preamble (\(bytes.count) bytes)") }
        let headerStart = bytes[6] == 1 ? 10 : 12
        guard bytes.count >= dataStart else {
            throw fail("truncated: the header should have \(dataStart - headerStart) bytes but the file ends after \(bytes.count - headerStart)")
        }
        let headerBytes = bytes[headerStart..<dataStart]
        // Versions 1 and 2 store the header in Latin-1, version 3 in UTF-8.
        let text = bytes[6] == 3 ? String(decoding: headerBytes, as: UTF8.self)
            : String(String.UnicodeScalarView(headerBytes.map { Unicode.Scalar($0) }))
        let header: NPYHeader
        do throws(NPYHeader.Failure) { header = try NPYHeader(parsing: text) } catch {
            var quoted = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if quoted.count > quotedHeaderLimit { quoted = quoted.prefix(quotedHeaderLimit) + "…" }
            throw fail(error.reason + ": " + quoted)
        }
        let element = try NPYElement(header.descr, path: path)
        if header.fortranOrder {
            throw fail("Fortran-order (column-major) arrays are not supported; save a C-order copy (numpy.ascontiguousarray)")
        }
        let shapeText = pythonTuple(header.shape)
        let (rows, columns): (Int, Int)
        switch header.shape.count {
        case 1: (rows, columns) = (header.shape[0], 1)
        case 2: (rows, columns) = (header.shape[0], header.shape[1])
        default: throw fail("holds a \(header.shape.count)-D array of shape \(shapeText); expected a 1-D or 2-D array")
        }
        let (count, countOverflow) = rows.multipliedReportingOverflow(by: columns)
        let (needed, neededOverflow) = count.multipliedReportingOverflow(by: element.size)
        guard !countOverflow && !neededOverflow && needed <= Int.max - dataStart else {
            throw fail("the shape \(shapeText) is too large")
        }
        return NPYLayout(header: header, element: element, rows: rows, columns: columns, count: count, dataStart: dataStart,
                         needed: needed)
    }

    /// Where the data of a `.npy` file starts, from its preamble (magic, version, header length), or nil when
    /// the preamble is cut short or has an unknown version.
    static func npyDataStart(_ bytes: [UInt8]) -> Int? {
        guard bytes.count >= 10 else { return nil }
        let lengthBytes: Int
        switch (bytes[6], bytes[7]) {
        case (1, 0): lengthBytes = 2
        case (2, 0), (3, 0): lengthBytes = 4
        default: return nil
        }
        guard bytes.count >= 8 + lengthBytes else { return nil }
        return 8 + lengthBytes + (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
    }

    /// Writes a tensor of any rank as a `.npy` file (float32, C order, format 1.0), replacing the file
    /// atomically.
    public static func writeNPY(_ tensor: Tensor, to path: String) throws {
        try writeAtomically(npyBytes(tensor), to: path)
    }

    /// The bytes `writeNPY` writes: the magic, version 1.0, a header padded with spaces to end in a newline
    /// at a multiple of 64 bytes (so the data is aligned, as NumPy itself pads), then little-endian float32.
    public static func npyBytes(_ tensor: Tensor) -> [UInt8] {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(pythonTuple(tensor.shape.dimensions)), }"
        let unpadded = npyMagic.count + 4 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = header.utf8.count  // under 200 bytes: a shape has at most six dimensions
        var bytes = npyMagic + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(header.utf8)
        bytes.reserveCapacity(bytes.count + 4 * tensor.elementCount)
        tensor.withUnsafeBufferPointer { values in
            for value in values {
                let word = value.bitPattern
                bytes += [UInt8(truncatingIfNeeded: word), UInt8(truncatingIfNeeded: word >> 8),
                          UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 24)]
            }
        }
        return bytes
    }

    /// A shape as Python writes a tuple: `()`, `(5,)`, `(3, 2)`.
    static func pythonTuple(_ dimensions: [Int]) -> String {
        dimensions.count == 1 ? "(\(dimensions[0]),)" : "(" + dimensions.map(String.init).joined(separator: ", ") + ")"
    }
}

/// One element type of a `.npy` file that can be read.
struct NPYElement {
    /// The kinds of number we convert.
    enum Kind { case float, signed, unsigned }
    let kind: Kind
    /// Bytes per element.
    let size: Int

    /// The element type of a dtype string such as `<f4`, or an error saying why it cannot be read.
    init(_ descr: String?, path: String) throws {
        guard let descr else {
            throw DataFileError(path: path, "structured dtypes (records with named fields) are not supported")
        }
        var rest = Substring(descr)
        let order = rest.first.flatMap { "<>|=".contains($0) ? $0 : nil }
        if order != nil { rest = rest.dropFirst() }
        let code = rest.first
        let size = Int(rest.dropFirst()) ?? 0
        switch (code, size) {
        case ("f", 4), ("f", 8): kind = .float
        case ("i", 1), ("i", 2), ("i", 4), ("i", 8): kind = .signed
        case ("u", 1), ("u", 2), ("u", 4), ("u", 8), ("b", 1): kind = .unsigned
        case ("O", _):
            throw DataFileError(path: path, "object arrays ('\(descr)') are not supported: they hold pickled Python objects")
        default:
            throw DataFileError(path: path, "unsupported dtype '\(descr)'; expected float32 ('<f4'), float64 ('<f8') or an integer type")
        }
        // '=' is native order, which NumPy never writes but is little-endian on every machine we run on.
        if order == ">" && size > 1 {
            throw DataFileError(path: path, "big-endian dtype '\(descr)' is not supported; convert with a.astype('<\(code!)\(size)')")
        }
        self.size = size
    }

    /// The element at byte `offset` as float32, and as float64 for messages about values float32 cannot hold.
    func load(from raw: UnsafeRawBufferPointer, at offset: Int) -> (Float, Double) {
        func word<T: FixedWidthInteger>(_: T.Type) -> T { T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self)) }
        switch (kind, size) {
        case (.float, 4): let v = Float(bitPattern: word(UInt32.self)); return (v, Double(v))
        case (.float, _): let v = Double(bitPattern: word(UInt64.self)); return (Float(v), v)
        case (.signed, 1): return (Float(word(Int8.self)), 0)
        case (.signed, 2): return (Float(word(Int16.self)), 0)
        case (.signed, 4): return (Float(word(Int32.self)), 0)
        case (.signed, _): return (Float(word(Int64.self)), 0)
        case (.unsigned, 1): return (Float(word(UInt8.self)), 0)
        case (.unsigned, 2): return (Float(word(UInt16.self)), 0)
        case (.unsigned, 4): return (Float(word(UInt32.self)), 0)
        case (.unsigned, _): return (Float(word(UInt64.self)), 0)
        }
    }
}
