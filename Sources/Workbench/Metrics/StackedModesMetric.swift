import Foundation
import Autodiff

/// Mode counting on stacked images (PacGAN's protocol): classify each channel, count the combinations.
public final class StackedModesMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 1...1_000_000, default: 26_000, "generated samples to classify")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "stacked-modes", aliases: [],
        summary: "modes captured and KL to uniform over the class combinations of stacked images (PacGAN's protocol)",
        discussion: """
            A stacked sample holds c images of the classifier's size side by side (the channels of an NCHW \
            row, as the stacked data sets build them). Each is given its most probable class under \
            classifier=FILE, and the c classes name the sample's mode, one of K^c (1000 for three \
            channels of a 10-class set). modes = modes with at least one sample; kl = KL(p̂ ‖ uniform) = \
            Σ p̂ log(p̂·K^c) in nats over the modes' histogram p̂. The published protocol classifies 26 000 \
            samples (the default n); at that n, even a perfect generator leaves kl ≈ (K^c − 1)/(2n) ≈ 0.02 \
            for 1000 modes, and a generator of one mode scores kl = log K^c ≈ 6.9. modes_floor and kl_floor \
            are the same counts on n real samples. Without a classifier the classes are a mixture data set's \
            components, and each sample is one block.
            """,
        parameters: [n.spec] + FeatureSpaceSetting.parameters,
        reference: "Lin, Khetan, Fanti & Oh 2018, PacGAN (NeurIPS, arXiv:1712.04086), Tables 2–3; "
            + "Metz, Poole, Pfau & Sohl-Dickstein 2017, Unrolled GANs (ICLR), stacked MNIST")

    /// The parameters, with the classifier's hash filled in.
    public let parameters: ParameterValues
    let classifier: ImageClassifier?

    /// Reads the classifier, if any.
    public init(_ parameters: ParameterValues) throws {
        (self.parameters, classifier) = try FeatureSpaceSetting.resolve(parameters, spec: Self.spec)
    }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The mode counts of the generated samples and of real ones.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name, map = FeatureSpaceSetting.map(classifier, input, forClasses: true)
        let model = try Self.count(input.generated, map, role: "generated", metric: name)
        let floor = try Self.count(input.real, map, role: "real", metric: name)
        return MetricReport(metric: name, values: [
            ("modes", Double(model.modes)), ("modes_total", model.total), ("kl", model.kl),
            ("modes_floor", Double(floor.modes)), ("kl_floor", floor.kl),
        ])
    }

    /// Modes captured, the number of modes K^c and KL(p̂ ‖ uniform) of `rows` under `map`.
    public static func count(_ rows: Tensor, _ map: any FeatureMap, role: String,
                             metric: String) throws -> (modes: Int, total: Double, kl: Double) {
        let (probabilities, blocks) = try FeatureSpaceSetting.blockProbabilities(rows, map, role: role, metric: metric)
        let k = probabilities.dimension, n = probabilities.count / blocks
        let total = Foundation.pow(Double(k), Double(blocks))
        guard total <= 1e15 else {
            throw MetricError("metric \(metric): \(k)^\(blocks) modes are more than can be counted")
        }
        var histogram: [Int: Int] = [:]
        for r in 0..<n {
            var mode = 0
            for b in 0..<blocks {
                let row = r * blocks + b
                var best = 0
                for c in 1..<k where probabilities[row, c] > probabilities[row, best] { best = c }
                mode = mode * k + best
            }
            histogram[mode, default: 0] += 1
        }
        // Summed in the order of the modes, not of the dictionary, so the bits never depend on hashing.
        var kl = 0.0
        for mode in histogram.keys.sorted() {
            let p = Double(histogram[mode]!) / Double(n)
            kl += p * Foundation.log(p * total)
        }
        return (histogram.count, total, kl)
    }
}
