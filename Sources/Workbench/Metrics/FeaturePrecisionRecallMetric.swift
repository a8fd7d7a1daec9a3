import Kernels

/// Improved precision and recall computed on classifier features instead of raw samples.
public final class FeaturePrecisionRecallMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2000, "samples per set")
    static let k: ParameterKey<Int> = .integer("k", 1...100, default: 3, "neighbour that sets each ball's radius")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "feature-pr", aliases: ["fpr"],
        summary: "improved precision and recall in a classifier's feature space, with the real-vs-real floor",
        discussion: """
            precision-recall (k-NN balls; see help precision-recall) computed on the features of \
            classifier=FILE rather than on the raw samples, as the published metric is computed on a \
            network's features. precision_floor and recall_floor compare n train-split with n test-split \
            examples, or two independent real sets of n samples for data without a split (the note says which): with finite sets even a perfect generator scores below 1. classifier=none uses the \
            samples themselves.
            """,
        parameters: [n.spec, k.spec] + FeatureSpaceSetting.parameters,
        reference: "Kynkäänniemi, Karras, Laine, Lehtinen & Aila 2019, Improved Precision and Recall Metric for "
            + "Assessing Generative Models, NeurIPS (arXiv:1904.06991)")

    /// The parameters, with the classifier's hash filled in.
    public let parameters: ParameterValues
    let classifier: ImageClassifier?

    /// Reads the classifier, if any.
    public init(_ parameters: ParameterValues) throws {
        (self.parameters, classifier) = try FeatureSpaceSetting.resolve(parameters, spec: Self.spec)
    }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// Precision and recall of the model and of a second real set.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name, k = parameters[Self.k], map = FeatureSpaceSetting.map(classifier, input)
        let real = try FeatureSpaceSetting.features(input.real, map, role: "real", metric: name)
        let generated = try FeatureSpaceSetting.features(input.generated, map, role: "generated", metric: name)
        let floorSets = try FeatureSpaceSetting.floorSets(input, real: real, count: real.count, map: map, metric: name)
        for (role, set) in [("real", real), ("generated", generated)] where set.count < k + 1 {
            throw MetricError("metric \(name) needs at least \(k + 1) \(role) samples (k = \(k) neighbours besides the "
                              + "sample itself); got \(set.count)")
        }
        let model = NearestNeighbourBalls.precisionRecall(real: real, generated: generated, k: k)
        let floor = NearestNeighbourBalls.precisionRecall(real: floorSets.first, generated: floorSets.second, k: k)
        return MetricReport(metric: name, values: [
            ("precision", model.precision), ("recall", model.recall),
            ("precision_floor", floor.precision), ("recall_floor", floor.recall),
        ], notes: [floorSets.note])
    }
}
