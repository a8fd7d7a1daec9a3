/// PNG files (ISO/IEC 15948): the signature, an IHDR chunk (8-bit RGB, no interlacing), one IDAT chunk
/// holding the filtered rows as a zlib stream (`Deflate`), and IEND; every chunk with its CRC-32.
public enum PNGEncoder {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// A PNG file of an image `width × height` pixels whose `rgb` holds three bytes per pixel, rows from
    /// the top.
    public static func encode(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        precondition(width > 0 && height > 0 && rgb.count == width * height * 3, "rgb must hold width × height × 3 bytes")
        var header: [UInt8] = []
        header += bigEndian(UInt32(width))
        header += bigEndian(UInt32(height))
        // Bit depth 8, colour type 2 (RGB), deflate compression, adaptive filtering, no interlace.
        header += [8, 2, 0, 0, 0]
        var file = signature
        file += chunk("IHDR", header)
        file += chunk("IDAT", Deflate.zlib(filteredRows(width: width, height: height, rgb: rgb)))
        file += chunk("IEND", [])
        return file
    }

    /// One chunk: length, type, data, and the CRC-32 of type and data.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        return bigEndian(UInt32(data.count)) + typeBytes + data + bigEndian(crc32(typeBytes + data))
    }

    /// The rows, each preceded by its filter type, with the filter chosen per row as the one whose
    /// output has the smallest sum of absolute values (the usual heuristic: small residues compress well).
    static func filteredRows(width: Int, height: Int, rgb: [UInt8]) -> [UInt8] {
        let stride = width * 3
        var output: [UInt8] = []
        output.reserveCapacity((stride + 1) * height)
        var candidate = [UInt8](repeating: 0, count: stride)
        var best = [UInt8](repeating: 0, count: stride)
        let zeros = [UInt8](repeating: 0, count: stride)
        for row in 0..<height {
            let current = Array(rgb[(row * stride)..<((row + 1) * stride)])
            let above = row > 0 ? Array(rgb[((row - 1) * stride)..<(row * stride)]) : zeros
            var bestType = 0
            var bestCost = Int.max
            for type in 0...4 {
                var cost = 0
                for index in 0..<stride {
                    let left = index >= 3 ? Int(current[index - 3]) : 0
                    let up = Int(above[index])
                    let upperLeft = index >= 3 ? Int(above[index - 3]) : 0
                    let predictor: Int
                    switch type {
                    case 0: predictor = 0
                    case 1: predictor = left
                    case 2: predictor = up
                    case 3: predictor = (left + up) / 2
                    default: predictor = paeth(left, up, upperLeft)
                    }
                    let residue = UInt8(truncatingIfNeeded: Int(current[index]) - predictor)
                    candidate[index] = residue
                    cost += residue < 128 ? Int(residue) : 256 - Int(residue)
                }
                if cost < bestCost {
                    bestCost = cost
                    bestType = type
                    swap(&best, &candidate)
                }
            }
            output.append(UInt8(bestType))
            output += best
        }
        return output
    }

    /// The Paeth predictor: whichever of left, up and upper-left is closest to left + up − upper-left.
    static func paeth(_ left: Int, _ up: Int, _ upperLeft: Int) -> Int {
        let estimate = left + up - upperLeft
        let toLeft = abs(estimate - left), toUp = abs(estimate - up), toUpperLeft = abs(estimate - upperLeft)
        if toLeft <= toUp && toLeft <= toUpperLeft { return left }
        return toUp <= toUpperLeft ? up : upperLeft
    }

    /// The CRC-32 of PNG and zlib (polynomial 0xEDB88320, reflected, initial and final XOR with all ones).
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 != 0 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}
