import _GantryTestSupport

/// Seeded random mutations of fuzz inputs: bit flips, interesting bytes and numbers, insertions, deletions,
/// truncations, duplications, splices with other inputs and dictionary tokens. The same seed gives the same
/// sequence of inputs on every machine.
public struct Mutator {
    private var random: SplitMix64
    /// Tokens of the input format, inserted or written over the input.
    public let dictionary: [[UInt8]]

    /// A mutator seeded with `seed`, inserting tokens from `dictionary`.
    public init(seed: UInt64, dictionary: [String]) {
        random = SplitMix64(state: seed)
        self.dictionary = dictionary.map { Array($0.utf8) }
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

    /// Interesting numbers written over digits.
    private static let numbers = ["0", "1", "-1", "2", "255", "256", "65535", "4294967295", "4294967296", "9223372036854775807",
                                  "9223372036854775808", "-9223372036854775808", "1e308", "1e-320", "nan", "3.5"]

    /// Interesting bytes.
    private static let bytes: [UInt8] = [0, 1, 0x7F, 0x80, 0xFF, 0x20, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x0A, 0x30, 0x39]

    mutating func below(_ bound: Int) -> Int { bound <= 1 ? 0 : random.below(bound) }

    /// `input` changed by one mutation drawn from `seed` (libFuzzer's custom mutator calls this).
    public static func mutateOnce(_ input: [UInt8], seed: UInt64, dictionary: [String]) -> [UInt8] {
        var mutator = Mutator(seed: seed, dictionary: dictionary)
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
        // Inside a safetensors header, most edits change its length: rewriting the length keeps the file
        // readable as safetensors, so the edit reaches the checks behind the format.
        if below(3) == 0, bytes.count >= 8 {
            let length = (0..<8).reduce(0) { $0 | Int(bytes[$1]) << (8 * $1) }
            if length > 0 && length <= bytes.count - 8 {
                var header = Array(bytes[8..<(8 + length)])
                mutateOnce(&header, [])
                var newLength = UInt64(header.count).littleEndian
                bytes = withUnsafeBytes(of: &newLength) { Array($0) } + header + bytes[(8 + length)...]
                return
            }
        }
        let at = below(bytes.count + 1)
        switch below(11) {
        case 0 where !bytes.isEmpty:  // flip one bit
            bytes[below(bytes.count)] ^= 1 << UInt8(below(8))
        case 1 where !bytes.isEmpty:  // an interesting byte
            bytes[below(bytes.count)] = Self.bytes[below(Self.bytes.count)]
        case 2:  // insert random bytes
            bytes.insert(contentsOf: (0..<(1 + below(8))).map { _ in UInt8(truncatingIfNeeded: random.next()) }, at: at)
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
        default:  // a little-endian length at the start (a safetensors header length)
            guard bytes.count >= 8 else { return }
            let lengths: [UInt64] = [0, 1, 2, UInt64(bytes.count), UInt64(bytes.count - 8), 100_000_000, 100_000_001, .max,
                                     UInt64(below(bytes.count))]
            var length = lengths[below(lengths.count)]
            withUnsafeBytes(of: &length) { bytes.replaceSubrange(0..<8, with: $0) }
        }
    }
}
