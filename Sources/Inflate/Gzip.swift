/// The gzip file format (RFC 1952): members of a header, a DEFLATE stream and a trailer holding the CRC-32
/// and the length of the data. Decompression only.
public enum Gzip {
    /// Whether `bytes` start like a gzip file (the magic bytes 1f 8b).
    public static func isCompressed<Bytes: Collection>(_ bytes: Bytes) -> Bool where Bytes.Element == UInt8 {
        bytes.starts(with: [0x1F, 0x8B])
    }

    /// The data of every member, concatenated, checked against each member's CRC-32 and length. Zero
    /// bytes after the last member (padding) are allowed; anything else there is an error. The output
    /// never exceeds `limit` bytes: decoding stops with an error whose `exceededLimit` is `limit` as soon as
    /// the data would grow beyond it, so a caller that knows how large the data can legitimately be (from
    /// a header read with `prefix`) never decodes more.
    public static func decompress(_ bytes: [UInt8], limit: Int = Int.max) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        repeat {
            do {
                position = try member(bytes, at: position, into: &output, limit: limit, stopAfter: .max).end
            } catch where error.exceededLimit != nil {
                // A later member saw only what was left of the limit; the caller's limit is the whole.
                throw InflateError.beyond(limit, offset: error.offset)
            }
        } while hasAnotherMember(bytes, at: position)
        return output
    }

    /// The first `count` bytes of the data (all of it when it is shorter), decoding nothing after them: a
    /// file's header, read to learn how large the rest can legitimately be before decompressing it. The
    /// bytes are not checked against the CRC-32, which covers a whole member.
    public static func prefix(_ bytes: [UInt8], count: Int) throws(InflateError) -> [UInt8] {
        var output: [UInt8] = []
        var position = 0
        repeat {
            let (end, stopped) = try member(bytes, at: position, into: &output, limit: .max, stopAfter: count - output.count)
            if stopped { break }
            position = end
        } while output.count < count && hasAnotherMember(bytes, at: position)
        return Array(output.prefix(count))
    }

    /// Whether anything but zero padding follows the member that ends at `position`.
    private static func hasAnotherMember(_ bytes: [UInt8], at position: Int) -> Bool {
        position < bytes.count && bytes[position...].contains(where: { $0 != 0 })
    }

    private static let flagHeaderCRC: UInt8 = 2, flagExtra: UInt8 = 4, flagName: UInt8 = 8,
                       flagComment: UInt8 = 16

    /// Decodes the member at `start`, appending its data to `output`; returns where the next member starts,
    /// or, when `stopAfter` bytes of it are decoded first, that it stopped there (unchecked: the trailer's
    /// checksum covers the whole member).
    private static func member(_ bytes: [UInt8], at start: Int, into output: inout [UInt8], limit: Int,
                               stopAfter: Int) throws(InflateError) -> (end: Int, stopped: Bool) {
        guard bytes.count - start >= 18 else {
            throw InflateError(offset: bytes.count, "unexpected end of gzip data (a member needs at least 18 bytes)")
        }
        guard bytes[start] == 0x1F && bytes[start + 1] == 0x8B else {
            throw InflateError(offset: start, "not gzip data (no 1f 8b magic bytes)")
        }
        guard bytes[start + 2] == 8 else {
            throw InflateError(offset: start + 2, "unknown gzip compression method \(bytes[start + 2]) (only 8, deflate, exists)")
        }
        let flags = bytes[start + 3]
        guard flags & 0xE0 == 0 else { throw InflateError(offset: start + 3, "reserved gzip header flags are set") }
        var position = start + 10
        func skipZeroTerminated(_ what: String) throws(InflateError) {
            guard let end = bytes[position...].firstIndex(of: 0) else {
                throw InflateError(offset: bytes.count, "unexpected end of gzip data in the \(what)")
            }
            position = end + 1
        }
        if flags & flagExtra != 0 {
            guard position + 2 <= bytes.count else { throw InflateError(offset: bytes.count, "unexpected end of gzip data in the extra field") }
            position += 2 + (Int(bytes[position]) | Int(bytes[position + 1]) << 8)
            guard position <= bytes.count else { throw InflateError(offset: bytes.count, "unexpected end of gzip data in the extra field") }
        }
        if flags & flagName != 0 { try skipZeroTerminated("file name") }
        if flags & flagComment != 0 { try skipZeroTerminated("comment") }
        if flags & flagHeaderCRC != 0 {
            guard position + 2 <= bytes.count else { throw InflateError(offset: bytes.count, "unexpected end of gzip data in the header") }
            let stored = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
            guard stored == CRC32.checksum(of: bytes[start..<position]) & 0xFFFF else {
                throw InflateError(offset: position, "the gzip header checksum does not match")
            }
            position += 2
        }
        guard position <= bytes.count else { throw InflateError(offset: bytes.count, "unexpected end of gzip data in the header") }
        let (data, end, stopped) = try Inflater.decode(bytes, from: position, limit: limit - output.count, stopAfter: stopAfter)
        if stopped {
            output += data
            return (end, true)
        }
        guard end + 8 <= bytes.count else { throw InflateError(offset: bytes.count, "unexpected end of gzip data (no trailer)") }
        func word(_ at: Int) -> UInt32 { (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[at + $1]) << (8 * UInt32($1)) } }
        let crc = CRC32.checksum(of: data)
        guard word(end) == crc else {
            throw InflateError(offset: end, "CRC-32 mismatch: the data is corrupt (stored \(hex(word(end))), computed \(hex(crc)))")
        }
        guard word(end + 4) == UInt32(truncatingIfNeeded: data.count) else {
            throw InflateError(offset: end + 4, "length mismatch: the trailer says \(word(end + 4)) bytes (mod 2³²), the data has \(data.count)")
        }
        // The first member's data becomes the output as it is: appending would copy it, for a moment doubling
        // the memory of a large file.
        if output.isEmpty { output = data } else { output += data }
        return (end + 8, false)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
