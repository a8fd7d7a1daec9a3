import Autodiff

/// Seeded random mutations of fuzz inputs: bit flips, interesting bytes and numbers, insertions, deletions,
/// truncations, duplications, splices with other inputs and dictionary tokens. The same seed gives the same
/// sequence of inputs on every machine.
public struct Mutator {
    // The product's own counter-based generator: the shipped fuzzer links nothing of the test support.
    private let random: RandomStream
    /// Tokens of the input format, inserted or written over the input.
    public let dictionary: [[UInt8]]
    /// The length field that frames the input's header, kept consistent by some mutations.
    public let framing: Framing

    /// Where an input format stores the length of its header.
    public enum Framing: Sendable {
        /// safetensors: an 8-byte little-endian length at the start.
        case safetensors
        /// NumPy `.npy`: after the magic and the version, a 2-byte (version 1) or 4-byte little-endian length.
        case npy
        /// No header length to keep consistent.
        case none
    }

    /// A mutator seeded with `seed`, inserting tokens from `dictionary` and keeping `framing` consistent.
    public init(seed: UInt64, dictionary: [[UInt8]], framing: Framing) {
        random = RandomStream(seed: seed, name: "fuzz")
        self.dictionary = dictionary
        self.framing = framing
    }

    /// A mutator for `target`'s input format.
    public init(seed: UInt64, target: FuzzTarget) {
        self.init(seed: seed, dictionary: target.dictionary, framing: target.framing)
    }

    /// Tokens of the `.gan` language and of its commands.
    public static let scriptTokens = [
        "step", "repeat 3 {", "}", "{", ";", "\n", "=", "\"", "\\\"", "#", "[", "]", ",", "trick on ", "loss wgan-gp ",
        "data points file=", "hidden=", "lambda=", "do=\"", "every=", "1e308", "-1", "0", "99999999999999999999",
        "0x10", "-", ".", "é", "∇", "\t", "\r\n", "generator mlp ", "optimizer both adam ", "metric modes n=",
        "checkpoint save ", "export samples ", "history export ", "expect iteration == ", "~", ">=",
    ]

    /// Tokens of safetensors headers and checkpoint metadata.
    public static let checkpointTokens = [
        "{", "}", "[", "]", ",", ":", "\"", "\\\"", "\\u0000", "\\ud800", "\"dtype\"", "\"F32\"", "\"F64\"", "\"F16\"",
        "\"shape\"", "\"data_offsets\"", "\"__metadata__\"", "0", "-1", "1e9", "4294967296", "18446744073709551615",
        "null", "true", "\"type\"", "\"Linear\"", "\"BatchNorm\"", "\"VBNReference\"", "\"MinibatchDiscrimination\"",
        "\"replaced\"", "\"parameters\"", "\"state\"", "\"step\"", "\"buffers\"", "gantry.", "G.0.weight", "D.0.bias",
        "optim.G.exp_avg.", "trick.", "extra.", "history", "\\n", "step 1", "batch 3", "hidden=1",
    ]

    /// Tokens of `.npy` headers: the Python literals NumPy writes, dtypes, and the magic.
    public static let npyTokens = [
        "{", "}", "(", ")", "[", "]", ",", ":", "'", "\"", "\\", "'descr'", "'fortran_order'", "'shape'", "'<f4'", "'<f8'",
        "'|u1'", "'<i2'", "'>f4'", "'<i8'", "'|b1'", "'|O'", "'<c8'", "'<U3'", "[('x', '<f4'), ('y', '<f4')]", "True",
        "False", "None", "L", "0", "-1", "1", "18446744073709551615", "4611686018427387904", "\n", " ", "é",
    ]

    /// Byte tokens of IDX and gzip data: IDX magic numbers, big-endian dimensions, gzip member headers.
    public static let idxTokens: [[UInt8]] = [
        [0, 0, 8, 1], [0, 0, 8, 3], [0, 0, 9, 2], [0, 0, 0x0B, 1], [0, 0, 0x0C, 2], [0, 0, 0x0D, 2], [0, 0, 0x0E, 1],
        [0, 0, 8, 0], [0, 0, 8, 9], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0x1C], [0, 0, 0xEA, 0x60], [0xFF, 0xFF, 0xFF, 0xFF],
        [0x7F, 0xFF, 0xFF, 0xFF], [0x7F, 0xC0, 0, 0], [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 0xFF], [0x1F, 0x8B],
        [0x93] + Array("NUMPY".utf8) + [1, 0], Array("1,2\n".utf8), [0x03, 0x00], [0x01, 0x00, 0x00, 0xFF, 0xFF],
    ]

    /// Interesting numbers written over digits.
    private static let numbers = ["0", "1", "-1", "2", "255", "256", "65535", "4294967295", "4294967296", "9223372036854775807",
                                  "9223372036854775808", "-9223372036854775808", "1e308", "1e-320", "nan", "3.5"]

    /// Interesting bytes.
    private static let bytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x20, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x0A, 0x30, 0x39]

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : random.nextInt(below: bound) }

    /// `input` changed by one mutation drawn from `seed` (libFuzzer's custom mutator calls this).
    public static func mutateOnce(_ input: [UInt8], seed: UInt64, target: FuzzTarget) -> [UInt8] {
        var mutator = Mutator(seed: seed, target: target)
        var bytes = input
        mutator.mutateOnce(&bytes, [])
        return bytes
    }

    /// `input` changed by one to four mutations; `others` supplies inputs to splice in.
    public mutating func mutate(_ input: [UInt8], others: [[UInt8]]) -> [UInt8] {
        var bytes = input
        for _ in 0...below(4) { mutateOnce(&bytes, others) }
        return bytes
    }

    private mutating func mutateOnce(_ bytes: inout [UInt8], _ others: [[UInt8]]) {
        // Inside a framed header, most edits change its length: rewriting the length keeps the file readable
        // as its format, so the edit reaches the checks behind the header.
        if below(3) == 0, let (start, width) = headerLength(bytes) {
            let length = (0..<width).reduce(0) { $0 | Int(bytes[start + $1]) << (8 * $1) }
            let headerStart = start + width
            if length > 0 && length <= bytes.count - headerStart {
                var header = Array(bytes[headerStart..<(headerStart + length)])
                mutateOnce(&header, [])
                if header.count < 1 << (8 * Swift.min(width, 7)) {
                    bytes = Array(bytes[..<start]) + (0..<width).map { UInt8(truncatingIfNeeded: header.count >> (8 * $0)) } + header
                        + bytes[(headerStart + length)...]
                    return
                }
            }
        }
        let at = below(bytes.count + 1)
        switch below(11) {
        case 0 where !bytes.isEmpty:  // flip one bit
            bytes[below(bytes.count)] ^= 1 << UInt8(below(8))
        case 1 where !bytes.isEmpty:  // an interesting byte
            bytes[below(bytes.count)] = Self.bytes[below(Self.bytes.count)]
        case 2:  // insert random bytes
            bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: random.nextWord()) }, at: at)
        case 3 where !bytes.isEmpty:  // delete a range
            let length = Swift.min(1 + below(16), bytes.count - Swift.min(at, bytes.count - 1))
            let start = Swift.min(at, bytes.count - 1)
            bytes.removeSubrange(start..<(start + length))
        case 4:  // truncate
            bytes.removeSubrange(at...)
        case 5 where !bytes.isEmpty:  // duplicate a range
            let start = below(bytes.count), length = 1 + below(Swift.min(64, bytes.count - start))
            bytes.insert(contentsOf: bytes[start..<(start + length)], at: at)
        case 6 where !others.isEmpty:  // splice: this input's start, another's end
            let other = others[below(others.count)]
            bytes = Array(bytes[..<at]) + other[below(other.count + 1)...]
        case 7:  // insert a token
            bytes.insert(contentsOf: dictionary[below(dictionary.count)], at: at)
        case 8 where !bytes.isEmpty:  // write a token over the input
            let token = dictionary[below(dictionary.count)]
            let start = below(bytes.count)
            bytes.replaceSubrange(start..<Swift.min(bytes.count, start + token.count), with: token)
        case 9:  // a run of digits becomes an interesting number
            let digits = bytes.indices.filter { (0x30...0x39).contains(bytes[$0]) }
            guard let start = digits.isEmpty ? nil : digits[below(digits.count)] else { return }
            var end = start
            while end < bytes.count && (0x30...0x39).contains(bytes[end]) { end += 1 }
            bytes.replaceSubrange(start..<end, with: Array(Self.numbers[below(Self.numbers.count)].utf8))
        default:  // an interesting header length (for unframed formats, a bit flip instead)
            guard let (start, width) = headerLength(bytes) else {
                if !bytes.isEmpty { bytes[below(bytes.count)] ^= 1 << UInt8(below(8)) }
                return
            }
            let lengths: [UInt64] = [0, 1, 2, UInt64(bytes.count), UInt64(bytes.count - start - width), 100_000_000, 100_000_001,
                                     .max, UInt64(below(bytes.count))]
            let length = lengths[below(lengths.count)]
            bytes.replaceSubrange(start..<(start + width), with: (0..<width).map { UInt8(truncatingIfNeeded: length >> (8 * UInt64($0))) })
        }
    }

    /// Where the header length of `bytes` is (its offset and width in bytes), if the framing has one and
    /// the input is long enough to hold it.
    private func headerLength(_ bytes: [UInt8]) -> (start: Int, width: Int)? {
        switch framing {
        case .safetensors:
            return bytes.count >= 8 ? (0, 8) : nil
        case .npy:
            guard bytes.count >= 12 else { return nil }
            return (8, bytes[6] == 1 ? 2 : 4)
        case .none:
            return nil
        }
    }
}
