/// Why compressed data could not be decoded: what is wrong and at which byte of the input.
public struct InflateError: Error, Equatable, CustomStringConvertible {
    /// The offset of the input byte being read when the problem showed (0-based).
    public let offset: Int
    /// What is wrong.
    public let reason: String
    /// The caller's output limit, when the problem is that the data decodes to more than that: the data
    /// may be intact, but it is larger than the caller said it can legitimately be.
    public let exceededLimit: Int?

    /// An error at an input offset.
    public init(offset: Int, _ reason: String, exceededLimit: Int? = nil) {
        self.offset = offset
        self.reason = reason
        self.exceededLimit = exceededLimit
    }

    /// The error of data that decodes to more than `limit` bytes.
    static func beyond(_ limit: Int, offset: Int) -> InflateError {
        InflateError(offset: offset, "the decompressed data exceeds the limit of \(limit) bytes", exceededLimit: limit)
    }

    /// "byte 1234: invalid distance code 30".
    public var description: String { "byte \(offset): \(reason)" }
}

/// A DEFLATE (RFC 1951) decoder: stored, fixed-Huffman and dynamic-Huffman blocks. Every malformed input is
/// an `InflateError` (never a trap), and the output never grows beyond a caller's limit — checked before
/// each byte is added, and the buffer itself never reserved beyond it — so a small corrupt or hostile file
/// (a decompression bomb) cannot exhaust memory.
public enum Inflater {
    /// Decodes the raw DEFLATE stream that starts at `start` in `input`; returns the decoded bytes and the
    /// offset of the first input byte after the stream (where a gzip trailer begins). Output beyond `limit`
    /// bytes is an error whose `exceededLimit` is `limit`.
    public static func inflate(_ input: [UInt8], from start: Int = 0, limit: Int = Int.max) throws(InflateError)
        -> (output: [UInt8], end: Int) {
        let decoded = try decode(input, from: start, limit: limit, stopAfter: .max)
        return (decoded.output, decoded.end)
    }

    /// The first `count` bytes the stream at `start` decodes to (all of them when it is shorter), decoding
    /// nothing after them: enough to read a file's header without paying for the rest.
    public static func prefix(_ input: [UInt8], from start: Int = 0, count: Int) throws(InflateError) -> [UInt8] {
        Array(try decode(input, from: start, limit: .max, stopAfter: count).output.prefix(count))
    }

    /// Decodes until the end of the stream or, when `stopAfter` bytes are out, earlier (`stopped`; the output
    /// may then hold up to one block or back-reference more, and `end` is where decoding stopped).
    static func decode(_ input: [UInt8], from start: Int, limit: Int, stopAfter: Int) throws(InflateError)
        -> (output: [UInt8], end: Int, stopped: Bool) {
        var decoder = Decoder(input: input, position: start, limit: limit, stopAfter: stopAfter)
        try decoder.run()
        return (decoder.output, decoder.unreadPosition, decoder.stopped)
    }
}

/// A canonical Huffman code: code lengths in, symbols out.
struct HuffmanCode {
    /// How many primary-table bits are looked up at once; longer codes are decoded bit by bit.
    static let fastBits = 9
    /// The number of codes of each length 0…15.
    var counts = [Int](repeating: 0, count: 16)
    /// The symbols in canonical order (by length, then by symbol).
    var symbols: [Int] = []
    /// For each value of the next `fastBits` input bits: symbol << 4 | length, or 0 when the code is longer.
    var fast = [Int](repeating: 0, count: 1 << HuffmanCode.fastBits)

    /// Why a set of lengths was refused, or nil. Over-subscribed sets never make a code; incomplete sets are
    /// allowed only as a single code of length 1 (RFC 1951 allows one distance code; zlib also accepts it
    /// for literals), which `allowsIncomplete` says.
    init(lengths: ArraySlice<Int>, allowsIncomplete: Bool, offset: Int, what: String) throws(InflateError) {
        for length in lengths { counts[length] += 1 }
        var left = 1
        for length in 1...15 {
            left = left * 2 - counts[length]
            if left < 0 { throw InflateError(offset: offset, "over-subscribed \(what) code lengths") }
        }
        let used = lengths.count - counts[0]
        if left > 0 && !(allowsIncomplete && used == 1) && used != 0 {
            throw InflateError(offset: offset, "incomplete \(what) code lengths")
        }
        var firstIndex = [Int](repeating: 0, count: 16)
        for length in 1..<15 { firstIndex[length + 1] = firstIndex[length] + counts[length] }
        symbols = [Int](repeating: 0, count: used)
        for (symbol, length) in zip(0..., lengths) where length != 0 {
            symbols[firstIndex[length]] = symbol
            firstIndex[length] += 1
        }
        // Fill the primary table: DEFLATE sends codes most significant bit first, so a code's bits appear in
        // reversed order in the little-endian bit buffer.
        var code = 0, index = 0
        for length in 1...15 {
            for _ in 0..<counts[length] {
                if length <= Self.fastBits {
                    var reversed = 0
                    for bit in 0..<length where code & (1 << bit) != 0 { reversed |= 1 << (length - 1 - bit) }
                    var slot = reversed
                    while slot < fast.count {
                        fast[slot] = symbols[index] << 4 | length
                        slot += 1 << length
                    }
                }
                code += 1
                index += 1
            }
            code <<= 1
        }
    }
}

/// The state of one decode: input position, bit buffer and output.
private struct Decoder {
    let input: [UInt8]
    var position: Int
    let limit: Int
    /// Decoding stops once the output has this many bytes.
    let stopAfter: Int
    /// Whether decoding stopped at `stopAfter` rather than at the end of the stream.
    var stopped = false
    var bits: UInt64 = 0
    var bitCount = 0
    var output: [UInt8] = []

    init(input: [UInt8], position: Int, limit: Int, stopAfter: Int) {
        self.input = input
        self.position = position
        self.limit = limit
        self.stopAfter = stopAfter
        output.reserveCapacity(Swift.min(limit, stopAfter, Swift.max(0, input.count - position) * 4))
    }

    /// The input offset of the first byte not yet used (bytes in the bit buffer are given back).
    var unreadPosition: Int { position - bitCount / 8 }

    static let lengthBase = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115,
                             131, 163, 195, 227, 258]
    static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBase = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                               2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    static let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
    static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// The fixed codes of block type 1.
    static let fixedCodes: (literals: HuffmanCode, distances: HuffmanCode) = {
        var lengths = [Int](repeating: 8, count: 288)
        for symbol in 144..<256 { lengths[symbol] = 9 }
        for symbol in 256..<280 { lengths[symbol] = 7 }
        // Built from constant, valid lengths: these cannot fail.
        let literals = try! HuffmanCode(lengths: lengths[...], allowsIncomplete: false, offset: 0, what: "literal/length")
        // 32 five-bit distance codes make a complete code; 30 and 31 never occur in valid data.
        let distances = try! HuffmanCode(lengths: [Int](repeating: 5, count: 32)[...], allowsIncomplete: false, offset: 0,
                                         what: "distance")
        return (literals, distances)
    }()

    /// Makes at least `count` bits (≤ 57) available, or fails at the end of the input.
    mutating func need(_ count: Int) throws(InflateError) {
        while bitCount < count {
            guard position < input.count else { throw InflateError(offset: position, "unexpected end of compressed data") }
            bits |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    /// Reads `count` bits, least significant first.
    mutating func take(_ count: Int) throws(InflateError) -> Int {
        try need(count)
        let value = Int(bits & ((1 << UInt64(count)) - 1))
        bits >>= UInt64(count)
        bitCount -= count
        return value
    }

    /// Fills the bit buffer as far as the input allows (up to 15 bits), for a Huffman lookup near the end.
    mutating func fillForCode() {
        while bitCount < 15 && position < input.count {
            bits |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
    }

    /// The next symbol of `code`.
    mutating func decode(_ code: HuffmanCode) throws(InflateError) -> Int {
        fillForCode()
        let entry = code.fast[Int(bits & UInt64(code.fast.count - 1))]
        if entry != 0 {
            let length = entry & 15
            guard length <= bitCount else { throw InflateError(offset: position, "unexpected end of compressed data") }
            bits >>= UInt64(length)
            bitCount -= length
            return entry >> 4
        }
        // A code longer than the primary table: walk the canonical code one bit at a time.
        var value = 0, first = 0, index = 0
        for length in 1...15 {
            guard length <= bitCount else { throw InflateError(offset: position, "unexpected end of compressed data") }
            value |= Int((bits >> UInt64(length - 1)) & 1)
            let count = code.counts[length]
            if value >= first && value - first < count {
                bits >>= UInt64(length)
                bitCount -= length
                return code.symbols[index + value - first]
            }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw InflateError(offset: position, "invalid Huffman code")
    }

    mutating func run() throws(InflateError) {
        var last = false
        while !last && !stopped {
            last = try take(1) == 1
            switch try take(2) {
            case 0: try storedBlock()
            case 1: try compressedBlock(Self.fixedCodes.literals, Self.fixedCodes.distances)
            case 2:
                let codes = try dynamicCodes()
                try compressedBlock(codes.literals, codes.distances)
            default: throw InflateError(offset: position, "invalid block type 3")
            }
        }
    }

    mutating func storedBlock() throws(InflateError) {
        // Skip to the byte boundary, and give back the whole bytes the bit buffer holds.
        bits >>= UInt64(bitCount % 8)
        bitCount -= bitCount % 8
        position -= bitCount / 8
        bits = 0
        bitCount = 0
        guard position + 4 <= input.count else { throw InflateError(offset: position, "unexpected end of compressed data") }
        let length = Int(input[position]) | Int(input[position + 1]) << 8
        let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
        guard length == complement ^ 0xFFFF else {
            throw InflateError(offset: position, "stored block length \(length) does not match its complement")
        }
        position += 4
        guard position + length <= input.count else { throw InflateError(offset: position, "unexpected end of compressed data") }
        try reserve(length)
        output.append(contentsOf: input[position..<(position + length)])
        position += length
        stopped = output.count >= stopAfter
    }

    /// Makes room for `count` more bytes, or fails when they would take the output beyond `limit`. The
    /// buffer grows geometrically as `append` would, but never beyond `limit`: left to itself, an array of
    /// 5 GB asks for 10 GB when it next grows.
    mutating func reserve(_ count: Int) throws(InflateError) {
        let needed = output.count + count
        guard needed <= limit else { throw InflateError.beyond(limit, offset: position) }
        if needed > output.capacity {
            output.reserveCapacity(Swift.min(limit, Swift.max(needed, output.capacity * 2)))
        }
    }

    mutating func dynamicCodes() throws(InflateError) -> (literals: HuffmanCode, distances: HuffmanCode) {
        let literalCount = try take(5) + 257, distanceCount = try take(5) + 1, lengthCodeCount = try take(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else {
            throw InflateError(offset: position, "\(literalCount) literal/length or \(distanceCount) distance codes (at most 286 and 30)")
        }
        var codeLengths = [Int](repeating: 0, count: 19)
        for index in 0..<lengthCodeCount { codeLengths[Self.codeLengthOrder[index]] = try take(3) }
        let lengthCode = try HuffmanCode(lengths: codeLengths[...], allowsIncomplete: false, offset: position, what: "code-length")
        var lengths: [Int] = []
        lengths.reserveCapacity(literalCount + distanceCount)
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(lengthCode)
            var repeated = 0, count = 0
            switch symbol {
            case 0..<16:
                lengths.append(symbol)
                continue
            case 16:
                guard let previous = lengths.last else {
                    throw InflateError(offset: position, "a length repeat with no length before it")
                }
                repeated = previous
                count = 3 + (try take(2))
            case 17: count = 3 + (try take(3))
            default: count = 11 + (try take(7))
            }
            guard lengths.count + count <= literalCount + distanceCount else {
                throw InflateError(offset: position, "code lengths run past the \(literalCount + distanceCount) declared")
            }
            lengths += repeatElement(repeated, count: count)
        }
        guard lengths[256] != 0 else { throw InflateError(offset: position, "the block has no end-of-block code") }
        let literals = try HuffmanCode(lengths: lengths[0..<literalCount], allowsIncomplete: true, offset: position,
                                       what: "literal/length")
        let distances = try HuffmanCode(lengths: lengths[literalCount...], allowsIncomplete: true, offset: position,
                                        what: "distance")
        return (literals, distances)
    }

    mutating func compressedBlock(_ literals: HuffmanCode, _ distances: HuffmanCode) throws(InflateError) {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                try reserve(1)
                output.append(UInt8(symbol))
                if output.count >= stopAfter { stopped = true; return }
                continue
            }
            if symbol == 256 { return }
            let lengthIndex = symbol - 257
            guard lengthIndex < Self.lengthBase.count else { throw InflateError(offset: position, "invalid length code \(symbol)") }
            let length = Self.lengthBase[lengthIndex] + (try take(Self.lengthExtra[lengthIndex]))
            guard distances.symbols.count > 0 else {
                throw InflateError(offset: position, "a back-reference in a block without distance codes")
            }
            let distanceIndex = try decode(distances)
            guard distanceIndex < Self.distanceBase.count else {
                throw InflateError(offset: position, "invalid distance code \(distanceIndex)")
            }
            let distance = Self.distanceBase[distanceIndex] + (try take(Self.distanceExtra[distanceIndex]))
            guard distance <= output.count else {
                throw InflateError(offset: position, "a back-reference \(distance) bytes back, before the start of the data")
            }
            try reserve(length)
            // Byte by byte: the source may overlap the bytes being written (a run).
            var from = output.count - distance
            for _ in 0..<length {
                output.append(output[from])
                from += 1
            }
            if output.count >= stopAfter { stopped = true; return }
        }
    }
}
