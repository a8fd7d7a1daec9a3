/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator for test inputs, the same on every
/// platform, independent of the product's own random streams (so a change there cannot hide in tests).
public struct SplitMix64 {
    /// The generator's state; the seed.
    public var state: UInt64

    /// A generator seeded with `state`.
    public init(state: UInt64) { self.state = state }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// An integer in 0..<bound (modulo reduction: a negligible bias is fine for test inputs).
    public mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

    /// Uniform in [-1, 1), from the top 24 bits (exactly representable as Float).
    public mutating func nextFloat() -> Float {
        Float(Int32(truncatingIfNeeded: next() >> 40) - (1 << 23)) / Float(1 << 23)
    }
}
