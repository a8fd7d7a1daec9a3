/// Every built-in plugin, one registry per kind, each in the order `list` shows them: the one place a new
/// plugin is registered (one line). Help, completion, validation, `list`, `save` and checkpoints read these.
public enum Plugins {
    /// The GAN objectives. The seventh remedy of "From GAN to WGAN", the Wasserstein distance, is the
    /// wgan family here, not a trick.
    /// Entries are values, so that a loss defined in the language (`define loss`) is one of them.
    public static let losses = PluginRegistry<PluginEntry<any Loss>>(.loss, [
        MinimaxLoss.self, NonSaturatingLoss.self, WGANLoss.self, WGANGPLoss.self, LeastSquaresLoss.self, HingeLoss.self,
    ].map(PluginEntry.init), spec: { $0.spec })

    /// The training tricks: the document's remedies first, then those users of other GAN tools expect.
    /// Entries are values, so that a penalty defined in the language (`define penalty`) is one of them.
    public static let tricks = PluginRegistry<TrickEntry>(.trick, [
        LabelSmoothing.self, InstanceNoise.self, FeatureMatching.self, HistoricalAveraging.self,
        MinibatchDiscrimination.self, VirtualBatchNormalization.self,
        TTURTrick.self, SpectralNormTrick.self, PackingTrick.self, EMAGeneratorTrick.self, ReplayBufferTrick.self,
        ConsensusTrick.self,
        ExtragradientTrick.self, UnrolledGANTrick.self,
    ].map(TrickEntry.init), spec: { $0.spec })

    /// The data sets: mode-collapse benchmarks first, then the WGAN-GP toys, GAN Lab's four, the analytic
    /// examples and files. Entries are values, so that a data set defined in the language (`define data`) is one.
    public static let datasets = PluginRegistry<PluginEntry<any Dataset>>(.dataset, [
        RingGaussians.self, GridGaussians.self,
        EightGaussians.self, TwentyFiveGaussians.self, SwissRoll.self,
        GANLabLine.self, GANLabTwoGaussians.self, GANLabRing.self, GANLabDisjoint.self,
        ParallelLines.self, GaussianMixture1D.self, UniformCube.self, PointCloud.self,
        Subspace.self,
        BarsAndStripes.self,
        UniformImages.self,
        FashionMNIST.self, MNIST.self, Digits.self, PNGFolder.self, StackedImages.self,
        ImageBlobs.self,
    ].map(PluginEntry.init), spec: { $0.spec })

    /// The distributions of the generator's input.
    public static let noise = PluginRegistry<any NoiseDistribution.Type>(.noise, [
        NormalNoise.self, UniformNoise.self,
    ], spec: { $0.spec })

    /// The measurements. Entries are values, so that a metric defined in the language (`define metric`) is one.
    public static let metrics = PluginRegistry<PluginEntry<any Metric>>(.metric, [
        ModesMetric.self, W1Metric.self, SlicedWassersteinMetric.self, MMDMetric.self, EnergyMetric.self,
        PrecisionRecallMetric.self, DensityCoverageMetric.self, HistogramMetric.self, CriticMetric.self,
        BatchDependenceMetric.self,
        LipschitzMetric.self,
        FrechetDistanceMetric.self, KernelDistanceMetric.self, FeaturePrecisionRecallMetric.self,
        FeatureDensityCoverageMetric.self, ClassifierScoreMetric.self, StackedModesMetric.self,
    ].map(PluginEntry.init), spec: { $0.spec })

    /// The two-player toy games.
    public static let games = PluginRegistry<any Game.Type>(.game, [XYGame.self, DiracGame.self], spec: { $0.spec })

    /// The network architectures; `mlp` first, the model of a player no command has set.
    public static let models = PluginRegistry<any Model.Type>(.model, [
        MLPModel.self, OffsetModel.self, GaussianModel.self,
        SubspaceModel.self,
        DCGANModel.self,
    ], spec: { $0.spec })

    /// The update rules.
    public static let optimizers = PluginRegistry<any UpdateRule.Type>(.optimizer, [
        AdamRule.self, SGDRule.self, RMSPropRule.self,
    ], spec: { $0.spec })

    /// Runs `body`, then removes whatever it registered in any registry (a transcript's definitions).
    public static func keepingRegistrations<T>(_ body: () throws -> T) rethrows -> T {
        try losses.keepingRegistrations { try tricks.keepingRegistrations { try datasets.keepingRegistrations {
            try noise.keepingRegistrations { try metrics.keepingRegistrations { try games.keepingRegistrations {
                try models.keepingRegistrations { try optimizers.keepingRegistrations(body) } } } } } } }
    }

    /// The declarations of every plugin of `kind`, in listing order.
    public static func specs(of kind: PluginKind) -> [PluginSpec] {
        switch kind {
        case .loss: losses.specs
        case .trick: tricks.specs
        case .dataset: datasets.specs
        case .noise: noise.specs
        case .metric: metrics.specs
        case .model: models.specs
        case .optimizer: optimizers.specs
        case .game: games.specs
        }
    }

    /// The declaration of the plugin of `kind` called `name` (canonical name or alias, ignoring case).
    public static func spec(_ kind: PluginKind, named name: String) -> PluginSpec? {
        let wanted = name.lowercased()
        let candidates = specs(of: kind)
        return candidates.first { $0.name.lowercased() == wanted }
            ?? candidates.first { $0.aliases.contains { $0.lowercased() == wanted } }
    }

    /// The name or alias of `kind` closest to a misspelt `name`.
    public static func suggestion(_ kind: PluginKind, for name: String) -> String? {
        Suggestion.closest(to: name.lowercased(), among: specs(of: kind).flatMap { [$0.name] + $0.aliases })
    }
}
