/// The CRC-32 of gzip, PNG and zip (IEEE 802.3 polynomial, reflected, initial value and final XOR
/// 0xFFFFFFFF): `CRC32.checksum(of: Array("123456789".utf8)) == 0xCBF43926`.
public struct CRC32: Sendable {
    /// The checksum of the bytes seen so far.
    public private(set) var value: UInt32 = 0

    /// A checksum of no bytes.
    public init() {}

    /// The remainder of every byte value, for the reflected polynomial 0xEDB88320 (entries 0..<256), then
    /// seven more tables of 256, each the previous one's remainders advanced by one zero byte: table k gives
    /// the effect of a byte followed by k zero bytes, so eight bytes are taken in with eight independent
    /// lookups ("slicing by eight") instead of eight dependent ones. Checksumming a data set of images for a
    /// checkpoint (188 MB for Fashion-MNIST's training split) is four to five times faster; the value is the same.
    private static let table: [UInt32] = {
        var table = (0..<256).map { (index: Int) -> UInt32 in
            var remainder = UInt32(index)
            for _ in 0..<8 { remainder = remainder & 1 == 1 ? 0xEDB8_8320 ^ (remainder >> 1) : remainder >> 1 }
            return remainder
        }
        for slice in 1..<8 {
            for index in 0..<256 {
                let previous = table[(slice - 1) * 256 + index]
                table.append(table[Int(previous & 0xFF)] ^ (previous >> 8))
            }
        }
        return table
    }()

    /// Takes in more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        var crc = ~value
        guard let start = bytes.baseAddress else { return }
        var index = 0
        Self.table.withUnsafeBufferPointer { table in
            let t = table.baseAddress!
            while index + 8 <= bytes.count {
                let low = crc ^ UInt32(littleEndian: start.loadUnaligned(fromByteOffset: index, as: UInt32.self))
                let high = UInt32(littleEndian: start.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int(low >> 8 & 0xFF)]
                    ^ t[5 * 256 + Int(low >> 16 & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int(high >> 8 & 0xFF)]
                    ^ t[256 + Int(high >> 16 & 0xFF)] ^ t[Int(high >> 24)]
                index += 8
            }
            while index < bytes.count {
                crc = t[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        value = ~crc
    }

    /// Takes in more bytes.
    public mutating func update<Bytes: Collection>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        if let done: Void = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) { return done }
        update(Array(bytes))
    }

    /// The checksum of `bytes`.
    public static func checksum<Bytes: Collection>(of bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc = CRC32()
        crc.update(bytes)
        return crc.value
    }
}
