/// Tricks beyond the document that users of other GAN tools expect.
enum ExtraTricks {
    /// Registered in the order `list tricks` shows them.
    nonisolated(unsafe) static let all: [any Trick.Type] = [TTURTrick.self, SpectralNormTrick.self, PackingTrick.self, EMAGeneratorTrick.self, ReplayBufferTrick.self, ConsensusTrick.self]
}
