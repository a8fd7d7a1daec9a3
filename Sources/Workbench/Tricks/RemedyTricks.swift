/// The remedies of "From GAN to WGAN" that are tricks (the seventh, the Wasserstein distance, is a loss).
enum RemedyTricks {
    /// Registered in the order `list tricks` shows them.
    nonisolated(unsafe) static let all: [any Trick.Type] = [
        LabelSmoothing.self,
        InstanceNoise.self,
        FeatureMatching.self,
        HistoricalAveraging.self,
        MinibatchDiscrimination.self,
        VirtualBatchNormalization.self,
    ]
}
