import Foundation
import Autodiff

/// The Inception-score analogue: exp E[KL(p(y|x) ‖ p(y))] with a classifier of our own.
public final class ClassifierScoreMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...1_000_000, default: 5000, "generated samples to score")
    static let splits: ParameterKey<Int> = .integer("splits", 1...1000, default: 10, "parts scored separately")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "classifier-score", aliases: ["cs"],
        summary: "exp E[KL(p(y|x) ‖ p(y))] under a classifier (the Inception score's formula), with the real data's own score",
        discussion: """
            The Inception score's formula with classifier=FILE in place of Inception: the n generated samples \
            are cut into `splits` consecutive parts; in each, p(y) is the mean of the rows' class \
            probabilities p(y|x) and the part scores exp(mean over rows of Σ_y p(y|x) log(p(y|x)/p(y))). \
            score is the mean over parts and score_std their standard deviation. It rises with confident \
            predictions (fidelity) and with classes used evenly (diversity), up to the number of classes. \
            score_floor is the score of n real samples: what a perfect generator would get under this \
            classifier (below the number of classes when the classifier hesitates). Without a classifier \
            the classes are a mixture data set's components.
            """,
        parameters: [n.spec, splits.spec] + FeatureSpaceSetting.parameters,
        reference: "Salimans, Goodfellow, Zaremba, Cheung, Radford & Chen 2016, Improved Techniques for Training "
            + "GANs, NeurIPS (arXiv:1606.03498)")

    /// The parameters, with the classifier's hash filled in.
    public let parameters: ParameterValues
    let classifier: ImageClassifier?

    /// Reads the classifier, if any.
    public init(_ parameters: ParameterValues) throws {
        (self.parameters, classifier) = try FeatureSpaceSetting.resolve(parameters, spec: Self.spec)
    }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The score of the generated samples and of the real ones.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name, map = FeatureSpaceSetting.map(classifier, input, forClasses: true)
        let splits = parameters[Self.splits]
        func probabilities(_ rows: Tensor, _ role: String) throws -> SampleMatrix {
            let (p, blocks) = try FeatureSpaceSetting.blockProbabilities(rows, map, role: role, metric: name)
            guard blocks == 1 else {
                throw MetricError("metric \(name): \(role) samples hold \(blocks) images of the classifier's size; "
                                  + "score stacked images with metric stacked-modes")
            }
            guard p.count >= splits else {
                throw MetricError("metric \(name) needs at least splits = \(splits) \(role) samples; got \(p.count)")
            }
            return p
        }
        let model = Self.score(try probabilities(input.generated, "generated"), splits: splits)
        let floor = Self.score(try probabilities(input.real, "real"), splits: splits)
        return MetricReport(metric: name, values: [
            ("score", model.mean), ("score_std", model.standardDeviation),
            ("score_floor", floor.mean), ("score_floor_std", floor.standardDeviation),
        ])
    }

    /// The mean and standard deviation (divisor: the number of parts) of exp E[KL(p(y|x) ‖ p(y))] over
    /// `splits` consecutive parts of ⌊n/splits⌋ rows (the rows left over are not used, as in the reference).
    public static func score(_ probabilities: SampleMatrix, splits: Int) -> (mean: Double, standardDeviation: Double) {
        let k = probabilities.dimension, part = probabilities.count / splits
        precondition(part >= 1, "classifier-score needs at least one row per split")
        var scores: [Double] = []
        for s in 0..<splits {
            let rows = (s * part)..<((s + 1) * part)
            var marginal = [Double](repeating: 0, count: k)
            for r in rows { for c in 0..<k { marginal[c] += probabilities[r, c] } }
            for c in 0..<k { marginal[c] /= Double(part) }
            var divergence = 0.0
            for r in rows {
                for c in 0..<k {
                    let p = probabilities[r, c]
                    if p > 0 { divergence += p * Foundation.log(p / marginal[c]) }
                }
            }
            scores.append(Foundation.exp(divergence / Double(part)))
        }
        let mean = scores.reduce(0, +) / Double(splits)
        let variance = scores.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(splits)
        return (mean, variance.squareRoot())
    }
}
