import Kernels

/// Density and coverage computed on classifier features instead of raw samples.
public final class FeatureDensityCoverageMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2000, "samples per set")
    static let k: ParameterKey<Int> = .integer("k", 1...100, default: 5, "neighbour that sets each ball's radius")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "feature-dc", aliases: ["fdc"],
        summary: "density and coverage in a classifier's feature space, with the real-vs-real floor",
        discussion: """
            density-coverage (k-NN balls around the real samples; see help density-coverage) computed on the \
            features of classifier=FILE rather than on the raw samples. density_floor and coverage_floor \
            compare n train-split with n test-split examples, or two independent real sets of n samples for data \
            without a split (the note says which; coverage ≈ 1 − 2^(−k) for equal distributions). \
            classifier=none uses the samples themselves.
            """,
        parameters: [n.spec, k.spec] + FeatureSpaceSetting.parameters,
        reference: "Naeem, Oh, Uh, Choi & Yoo 2020, Reliable Fidelity and Diversity Metrics for Generative "
            + "Models, ICML (arXiv:2002.09797)")

    /// The parameters, with the classifier's hash filled in.
    public let parameters: ParameterValues
    let classifier: ImageClassifier?

    /// Reads the classifier, if any.
    public init(_ parameters: ParameterValues) throws {
        (self.parameters, classifier) = try FeatureSpaceSetting.resolve(parameters, spec: Self.spec)
    }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// Density and coverage of the model and of a second real set.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name, k = parameters[Self.k], map = FeatureSpaceSetting.map(classifier, input)
        let real = try FeatureSpaceSetting.features(input.real, map, role: "real", metric: name)
        let generated = try FeatureSpaceSetting.features(input.generated, map, role: "generated", metric: name)
        let floorSets = try FeatureSpaceSetting.floorSets(input, real: real, count: real.count, map: map, metric: name)
        guard real.count >= k + 1 else {
            throw MetricError("metric \(name) needs at least \(k + 1) real samples (k = \(k) neighbours besides the "
                              + "sample itself); got \(real.count)")
        }
        let model = NearestNeighbourBalls.densityCoverage(real: real, generated: generated, k: k)
        let floor = NearestNeighbourBalls.densityCoverage(real: floorSets.first, generated: floorSets.second, k: k)
        return MetricReport(metric: name, values: [
            ("density", model.density), ("coverage", model.coverage),
            ("density_floor", floor.density), ("coverage_floor", floor.coverage),
        ], notes: [floorSets.note])
    }
}
