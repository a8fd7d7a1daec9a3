/// A zlib stream (RFC 1950) around DEFLATE data (RFC 1951), written here so that PNG files need no
/// system library: LZ77 matching over a 32 KiB window with a hash of three bytes, coded with the fixed
/// Huffman tables, and stored blocks wherever coding would not make the data smaller.
public enum Deflate {
    /// `data` as a complete zlib stream: header, DEFLATE blocks, Adler-32 of the data.
    public static func zlib(_ data: [UInt8]) -> [UInt8] {
        // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF·256 + FLG a multiple of 31.
        var output: [UInt8] = [0x78, 0x01]
        output += deflate(data)
        let checksum = adler32(data)
        output += [UInt8(checksum >> 24), UInt8((checksum >> 16) & 0xFF), UInt8((checksum >> 8) & 0xFF), UInt8(checksum & 0xFF)]
        return output
    }

    /// The Adler-32 checksum of `data` (RFC 1950 §9).
    public static func adler32(_ data: [UInt8]) -> UInt32 {
        var a: UInt32 = 1, b: UInt32 = 0
        // 5552 bytes is the most that can be summed before b may overflow 32 bits.
        var index = 0
        while index < data.count {
            let end = min(index + 5552, data.count)
            for byte in data[index..<end] {
                a += UInt32(byte)
                b += a
            }
            a %= 65521
            b %= 65521
            index = end
        }
        return (b << 16) | a
    }

    /// Raw DEFLATE blocks for `data`: the input is cut into pieces of at most 64 KiB; each piece is written
    /// as a fixed-Huffman block or, when that would be longer, as stored blocks.
    public static func deflate(_ data: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        if data.isEmpty {
            writer.write(1, bits: 1)
            writer.write(1, bits: 2)
            writer.writeHuffman(fixedLiteralCode(256))
            return writer.finished()
        }
        let tokens = LZ77.tokens(data)
        var tokenIndex = 0
        var position = 0
        let pieceSize = 65_535
        while position < data.count {
            // The tokens covering the next piece (a match may run past its end: the piece grows with it).
            var end = position
            let firstToken = tokenIndex
            while tokenIndex < tokens.count && end - position < pieceSize {
                end += tokens[tokenIndex].length
                tokenIndex += 1
            }
            let pieceTokens = tokens[firstToken..<tokenIndex]
            let final = end >= data.count
            let codedBits = 3 + pieceTokens.reduce(0) { $0 + $1.fixedCodeBits } + 7
            let storedBits = (end - position + 65_534) / 65_535 * (5 * 8) + (end - position) * 8 + 7
            if codedBits <= storedBits {
                writer.write(final ? 1 : 0, bits: 1)
                writer.write(1, bits: 2)
                for token in pieceTokens { writer.writeFixed(token) }
                writer.writeHuffman(fixedLiteralCode(256))
            } else {
                var start = position
                while start < end {
                    let chunkEnd = min(start + 65_535, end)
                    writer.write(final && chunkEnd == end ? 1 : 0, bits: 1)
                    writer.write(0, bits: 2)
                    writer.alignToByte()
                    let length = chunkEnd - start
                    writer.appendBytes([UInt8(length & 0xFF), UInt8(length >> 8),
                                        UInt8(~length & 0xFF), UInt8((~length >> 8) & 0xFF)])
                    writer.appendBytes(Array(data[start..<chunkEnd]))
                    start = chunkEnd
                }
            }
            position = end
        }
        return writer.finished()
    }

    /// The fixed Huffman code of a literal/length symbol (RFC 1951 §3.2.6): (code, length in bits).
    static func fixedLiteralCode(_ symbol: Int) -> (code: Int, length: Int) {
        switch symbol {
        case 0...143: return (0x30 + symbol, 8)
        case 144...255: return (0x190 + symbol - 144, 9)
        case 256...279: return (symbol - 256, 7)
        default: return (0xC0 + symbol - 280, 8)
        }
    }

    /// Base lengths of symbols 257…285 and their extra bits.
    static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                              131, 163, 195, 227, 258]
    static let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    /// Base distances of distance symbols 0…29 and their extra bits.
    static let distanceBases = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtraBits = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12,
                                    12, 13, 13]

    /// The symbol index whose base is the largest not above `value`.
    static func symbolIndex(_ value: Int, bases: [Int]) -> Int {
        var low = 0, high = bases.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if bases[middle] <= value { low = middle } else { high = middle - 1 }
        }
        return low
    }
}

/// A literal byte or a back-reference (length 3…258 at distance 1…32768).
struct LZToken {
    /// The byte, for a literal.
    var literal: UInt8
    /// 0 for a literal, else the match length.
    var matchLength: Int
    /// How far back the match starts.
    var distance: Int

    /// Bytes of input the token stands for.
    var length: Int { matchLength == 0 ? 1 : matchLength }

    /// Bits the token takes with the fixed codes.
    var fixedCodeBits: Int {
        if matchLength == 0 { return Deflate.fixedLiteralCode(Int(literal)).length }
        let lengthIndex = Deflate.symbolIndex(matchLength, bases: Deflate.lengthBases)
        let distanceIndex = Deflate.symbolIndex(distance, bases: Deflate.distanceBases)
        return Deflate.fixedLiteralCode(257 + lengthIndex).length + Deflate.lengthExtraBits[lengthIndex] + 5
            + Deflate.distanceExtraBits[distanceIndex]
    }
}

/// Greedy LZ77 matching with hash chains.
enum LZ77 {
    static let window = 32_768
    static let minimumMatch = 3
    static let maximumMatch = 258
    /// How many earlier positions with the same hash are tried: enough for plots, whose pixels repeat.
    static let chainLimit = 48

    static func tokens(_ data: [UInt8]) -> [LZToken] {
        let count = data.count
        var tokens: [LZToken] = []
        tokens.reserveCapacity(count / 4)
        let hashSize = 1 << 15
        var head = [Int](repeating: -1, count: hashSize)
        var previous = [Int](repeating: -1, count: window)
        func hash(_ index: Int) -> Int {
            (Int(data[index]) << 10 ^ Int(data[index + 1]) << 5 ^ Int(data[index + 2])) & (hashSize - 1)
        }
        func insert(_ index: Int) {
            guard index + 2 < count else { return }
            let h = hash(index)
            previous[index % window] = head[h]
            head[h] = index
        }
        var index = 0
        while index < count {
            var bestLength = 0, bestDistance = 0
            if index + minimumMatch <= count {
                var candidate = head[hash(index)]
                var tries = 0
                let limit = min(maximumMatch, count - index)
                while candidate >= 0 && index - candidate <= window && tries < chainLimit {
                    if data[candidate + bestLength] == data[index + bestLength] || bestLength == 0 {
                        var length = 0
                        while length < limit && data[candidate + length] == data[index + length] { length += 1 }
                        if length > bestLength {
                            bestLength = length
                            bestDistance = index - candidate
                            if length == limit { break }
                        }
                    }
                    let next = previous[candidate % window]
                    if next >= candidate { break }
                    candidate = next
                    tries += 1
                }
            }
            if bestLength >= minimumMatch {
                tokens.append(LZToken(literal: 0, matchLength: bestLength, distance: bestDistance))
                for position in index..<(index + bestLength) { insert(position) }
                index += bestLength
            } else {
                tokens.append(LZToken(literal: data[index], matchLength: 0, distance: 0))
                insert(index)
                index += 1
            }
        }
        return tokens
    }
}

/// Bits packed least significant first, as DEFLATE wants them.
struct BitWriter {
    private var bytes: [UInt8] = []
    private var buffer: UInt64 = 0
    private var bufferedBits = 0

    /// Appends the low `bits` bits of `value`, least significant first.
    mutating func write(_ value: Int, bits: Int) {
        buffer |= UInt64(value & ((1 << bits) - 1)) << UInt64(bufferedBits)
        bufferedBits += bits
        while bufferedBits >= 8 {
            bytes.append(UInt8(buffer & 0xFF))
            buffer >>= 8
            bufferedBits -= 8
        }
    }

    /// Appends a Huffman code, whose bits go most significant first.
    mutating func writeHuffman(_ code: (code: Int, length: Int)) {
        var reversed = 0
        for bit in 0..<code.length where code.code & (1 << bit) != 0 { reversed |= 1 << (code.length - 1 - bit) }
        write(reversed, bits: code.length)
    }

    /// Appends a token with the fixed codes.
    mutating func writeFixed(_ token: LZToken) {
        if token.matchLength == 0 {
            writeHuffman(Deflate.fixedLiteralCode(Int(token.literal)))
            return
        }
        let lengthIndex = Deflate.symbolIndex(token.matchLength, bases: Deflate.lengthBases)
        writeHuffman(Deflate.fixedLiteralCode(257 + lengthIndex))
        write(token.matchLength - Deflate.lengthBases[lengthIndex], bits: Deflate.lengthExtraBits[lengthIndex])
        let distanceIndex = Deflate.symbolIndex(token.distance, bases: Deflate.distanceBases)
        writeHuffman((distanceIndex, 5))
        write(token.distance - Deflate.distanceBases[distanceIndex], bits: Deflate.distanceExtraBits[distanceIndex])
    }

    /// Pads with zero bits to the next byte boundary.
    mutating func alignToByte() {
        if bufferedBits > 0 { write(0, bits: 8 - bufferedBits) }
    }

    /// Appends whole bytes (the writer must be byte-aligned).
    mutating func appendBytes(_ more: [UInt8]) {
        precondition(bufferedBits == 0, "bytes must start on a byte boundary")
        bytes += more
    }

    /// The bytes written, the last one padded with zero bits.
    func finished() -> [UInt8] {
        bufferedBits > 0 ? bytes + [UInt8(buffer & 0xFF)] : bytes
    }
}
