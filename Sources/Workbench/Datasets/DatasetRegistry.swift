/// Every data set the workbench knows, in the order `help data` lists them, with name and alias lookup.
public enum DatasetRegistry {
    // `nonisolated(unsafe)`: a constant array of metatypes has no mutable state, but Swift 6.2+ only
    // treats `any Dataset.Type` as Sendable when `Dataset` refines `SendableMetatype`.
    /// All data-set types: mode-collapse benchmarks first, then the WGAN-GP toys, GAN Lab's four, the
    /// analytic examples and files.
    nonisolated(unsafe) public static let all: [any Dataset.Type] = [
        RingGaussians.self, GridGaussians.self,
        EightGaussians.self, TwentyFiveGaussians.self, SwissRoll.self,
        GANLabLine.self, GANLabTwoGaussians.self, GANLabRing.self, GANLabDisjoint.self,
        ParallelLines.self, GaussianMixture1D.self, UniformCube.self, PointCloud.self,
    ]

    /// The canonical names, in listing order (for completion).
    public static var names: [String] { all.map { $0.spec.name } }

    /// The data set called `name` (its canonical name or an alias, ignoring case), if any.
    public static func named(_ name: String) -> (any Dataset.Type)? {
        let wanted = name.lowercased()
        return all.first { $0.spec.name.lowercased() == wanted }
            ?? all.first { $0.spec.aliases.contains { $0.lowercased() == wanted } }
    }

    /// The known name or alias closest to a misspelt `name`, for "did you mean …?".
    public static func suggestion(for name: String) -> String? {
        Suggestion.closest(to: name.lowercased(), among: all.flatMap { [$0.spec.name] + $0.spec.aliases })
    }
}

extension Dataset {
    /// An instance from text assignments such as `[("sigma", "0.02")]`, validated against the spec and
    /// completed with defaults: what the shell does for `data ring8 sigma=0.02`.
    public static func make(_ assignments: [(name: String, value: String)] = []) throws -> Self {
        try Self(ParameterValues(spec, assignments: assignments))
    }
}
