import Foundation
import Autodiff
import Kernels

/// The kernel distance (KID): unbiased MMD² with a cubic polynomial kernel on features, averaged over subsets.
public final class KernelDistanceMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2000, "samples per set")
    static let subsets: ParameterKey<Int> = .integer("subsets", 1...10_000, default: 50, "random subsets averaged")
    static let subsetSize: ParameterKey<Int> = .integer("subset_size", 2...100_000, default: 1000, "samples per subset")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "kid", aliases: ["kernel-distance"],
        summary: "kernel distance: unbiased MMD² with a cubic polynomial kernel on classifier features, over subsets",
        discussion: """
            KID of Bińkowski et al. in the feature space of classifier=FILE: k(x, y) = (⟨x, y⟩/d + 1)³ on d \
            features, and for each of `subsets` random subsets of subset_size samples of each set (distinct \
            within a subset, chosen from the metric's stream) the unbiased MMD² = Σ_{i≠j} k(xᵢ, xⱼ)/(m(m−1)) + \
            Σ_{i≠j} k(yᵢ, yⱼ)/(m(m−1)) − 2 Σ_{i,j} k(xᵢ, yⱼ)/m². kid is the mean over subsets and kid_std their \
            standard deviation; the defaults (50 subsets of 1000, degree 3, γ = 1/d, c₀ = 1) are those of the \
            reference code. A subset larger than a set is cut to the set's size. Unbiased, so it is near 0, \
            possibly negative, when the distributions agree. kid_floor is the same estimate between n \
            train-split and n test-split examples, or two independent real sets of n samples for data without \
            a split (the note says which). classifier=none uses the samples themselves as features.
            """,
        parameters: [n.spec, subsets.spec, subsetSize.spec] + FeatureSpaceSetting.parameters,
        reference: "Bińkowski, Sutherland, Arbel & Gretton 2018, Demystifying MMD GANs, ICLR (arXiv:1801.01401)")

    /// The parameters, with the classifier's hash filled in.
    public let parameters: ParameterValues
    let classifier: ImageClassifier?

    /// Reads the classifier, if any.
    public init(_ parameters: ParameterValues) throws {
        (self.parameters, classifier) = try FeatureSpaceSetting.resolve(parameters, spec: Self.spec)
    }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// KID and its floor.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name, map = FeatureSpaceSetting.map(classifier, input)
        let real = try FeatureSpaceSetting.features(input.real, map, role: "real", metric: name)
        let generated = try FeatureSpaceSetting.features(input.generated, map, role: "generated", metric: name)
        let floorSets = try FeatureSpaceSetting.floorSets(input, real: real, count: real.count, map: map, metric: name)
        let size = min(parameters[Self.subsetSize], real.count, generated.count)
        guard size >= 2 else { throw MetricError("metric kid needs at least 2 samples per set; got \(min(real.count, generated.count))") }
        var notes: [String] = []
        if size < parameters[Self.subsetSize] {
            notes.append("subsets hold \(size) samples, all there are (subset_size=\(parameters[Self.subsetSize]))")
        }
        let model = Self.estimate(real, generated, subsets: parameters[Self.subsets], subsetSize: size, using: input.stream)
        let floor = Self.estimate(floorSets.first, floorSets.second, subsets: parameters[Self.subsets], subsetSize: size, using: input.stream)
        return MetricReport(metric: name, values: [
            ("kid", model.mean), ("kid_std", model.standardDeviation),
            ("kid_floor", floor.mean), ("kid_floor_std", floor.standardDeviation),
        ], notes: notes + [floorSets.note])
    }

    /// The unbiased MMD² of the cubic polynomial kernel between two sets of equal size m.
    public static func unbiasedMMD2(_ x: SampleMatrix, _ y: SampleMatrix) -> Double {
        precondition(x.count == y.count && x.count >= 2 && x.dimension == y.dimension, "kid needs two sets of equal size ≥ 2")
        let m = Double(x.count)
        let sums = x.values.withUnsafeBufferPointer { px in
            y.values.withUnsafeBufferPointer { py in
                FeatureStatistics.polynomialKernelSums(px.baseAddress!, count: x.count, py.baseAddress!, count: y.count,
                                                       dimension: x.dimension, gamma: 1 / Double(x.dimension), coef0: 1,
                                                       degree: 3)
            }
        }
        return (sums.xx + sums.yy) / (m * (m - 1)) - 2 * sums.xy / (m * m)
    }

    /// The mean and standard deviation (divisor: the number of subsets) of the MMD² over `subsets` random
    /// subsets of `subsetSize` distinct rows of each set; a subset as large as its set takes the set as it is.
    public static func estimate(_ x: SampleMatrix, _ y: SampleMatrix, subsets: Int, subsetSize: Int,
                                using stream: RandomStream) -> (mean: Double, standardDeviation: Double) {
        let values = (0..<subsets).map { _ in
            unbiasedMMD2(x.subsample(subsetSize, using: stream), y.subsample(subsetSize, using: stream))
        }
        let mean = values.reduce(0, +) / Double(subsets)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(subsets)
        return (mean, variance.squareRoot())
    }
}
