import Kernels

/// One seeded sequence of random numbers: our own Philox generator, so the same seed and name give the
/// same numbers on every machine and Swift version.
///
/// A stream's state is its identity (session seed and name) plus a position, the number of 32-bit words
/// drawn so far, so it can be saved, restored and compared. Streams are reference types: the parts of a
/// session that draw from "noise" share one position.
public final class RandomStream {
    /// The session seed this stream was derived from.
    public let seed: UInt64
    /// The stream's name ("data", "noise", "init", "trick.vbn", …).
    public let name: String
    let generator: Philox4x32
    /// The number of 32-bit words drawn so far.
    public var position: UInt64 = 0

    /// The stream `name` of the session seeded with `seed`, at position 0.
    public init(seed: UInt64, name: String) {
        self.seed = seed
        self.name = name
        let nameHash = RandomStream.fnv1a(name)
        generator = Philox4x32(key: RandomStream.mix(seed ^ RandomStream.mix(nameHash)),
                               counterHigh: RandomStream.mix(nameHash &+ 0x9E37_79B9_7F4A_7C15))
    }

    /// A copy at the same position that draws independently from now on.
    public func copy() -> RandomStream {
        let twin = RandomStream(seed: seed, name: name)
        twin.position = position
        return twin
    }

    /// Writes the next `count` words and advances the position by `count`.
    public func fill(words: UnsafeMutablePointer<UInt32>, count: Int) {
        var written = 0
        // Whole blocks straight from the vectorised generator, once the position is at a block boundary.
        while written < count && position % 4 != 0 {
            words[written] = generator.block(position / 4)[Int(position % 4)]
            written += 1
            position += 1
        }
        let wholeBlocks = (count - written) / 4
        if wholeBlocks > 0 {
            generator.fill(blocks: wholeBlocks, from: position / 4, into: words + written)
            written += 4 * wholeBlocks
            position += UInt64(4 * wholeBlocks)
        }
        while written < count {
            let block = generator.block(position / 4)
            var lane = Int(position % 4)
            while lane < 4 && written < count {
                words[written] = block[lane]
                written += 1
                lane += 1
                position += 1
            }
        }
    }

    /// The next 32 random bits.
    public func nextWord() -> UInt32 {
        let word = generator.block(position / 4)[Int(position % 4)]
        position += 1
        return word
    }

    /// A float uniform in [0, 1).
    public func nextUniform() -> Float { RandomTransforms.unitInterval(nextWord()) }

    /// An integer uniform in 0..<bound (bound ≥ 1, below 2³²), by Lemire's multiply-and-reject method
    /// (unbiased; rarely draws more than one word).
    public func nextInt(below bound: Int) -> Int {
        precondition(bound >= 1 && bound <= Int(UInt32.max), "bound \(bound) outside 1…\(UInt32.max)")
        let n = UInt64(bound)
        var product = UInt64(nextWord()) * n
        if UInt32(truncatingIfNeeded: product) < UInt32(truncatingIfNeeded: n) {
            let threshold = UInt32(truncatingIfNeeded: (0 &- n) % n)
            while UInt32(truncatingIfNeeded: product) < threshold {
                product = UInt64(nextWord()) * n
            }
        }
        return Int(product >> 32)
    }

    /// A uniformly random ordering of 0..<count (Fisher–Yates with `nextInt(below:)`).
    public func permutation(_ count: Int) -> [Int] {
        var order = Array(0..<count)
        var i = count - 1
        while i > 0 {
            order.swapAt(i, nextInt(below: i + 1))
            i -= 1
        }
        return order
    }

    /// SplitMix64's finaliser: a bijective 64-bit mix.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// FNV-1a over the UTF-8 bytes: a stable string hash (Swift's `Hasher` is seeded per process).
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }
}

/// The named random streams of one session, all derived from one seed. Drawing from one stream never
/// changes another's numbers, so switching a loss or a trick leaves the data and noise batches as they were.
public final class RandomStreams {
    /// The session seed.
    public let seed: UInt64
    private var streams: [(name: String, stream: RandomStream)] = []

    /// The streams of a session seeded with `seed`.
    public init(seed: UInt64) { self.seed = seed }

    /// The stream called `name`, created at position 0 on first use.
    public func stream(_ name: String) -> RandomStream {
        if let found = streams.first(where: { $0.name == name }) { return found.stream }
        let created = RandomStream(seed: seed, name: name)
        streams.append((name, created))
        return created
    }

    /// Sets the positions of the named streams (creating them when needed); others are left as they are.
    public func restore(positions: [(name: String, position: UInt64)]) {
        for (name, position) in positions { stream(name).position = position }
    }

    /// Every stream used so far with its position, in order of first use.
    public var positions: [(name: String, position: UInt64)] {
        streams.map { ($0.name, $0.stream.position) }
    }
}
