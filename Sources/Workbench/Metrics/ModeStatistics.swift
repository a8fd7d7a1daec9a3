import Foundation
import Kernels

/// Mode statistics of samples from a model of a Gaussian mixture (the VEEGAN / PacGAN protocol).
public struct ModeStatistics: Sendable, Equatable {
    /// How many high-quality samples have each mode as their nearest, one count per mode centre.
    public let histogram: [Int]
    /// The number of samples assessed.
    public let sampleCount: Int
    /// Samples within the threshold of their nearest centre.
    public let highQualityCount: Int

    /// The number of modes in the layout.
    public var modesTotal: Int { histogram.count }
    /// Modes that are the nearest mode of at least one high-quality sample.
    public var modesCaptured: Int { histogram.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
    /// High-quality samples as a fraction of all samples.
    public var highQualityFraction: Double { sampleCount == 0 ? 0 : Double(highQualityCount) / Double(sampleCount) }

    /// KL(p̂ ‖ uniform) in nats, where p̂ is the mode histogram of the high-quality samples; empty bins
    /// contribute 0 (the 0·log 0 convention). Between 0 (all modes equally used) and log K (one mode);
    /// covering m of K modes evenly gives log(K/m). NaN when there is no high-quality sample (p̂ is undefined).
    public var reverseKL: Double {
        guard highQualityCount > 0 else { return .nan }
        let total = Double(highQualityCount), modes = Double(histogram.count)
        var kl = 0.0
        for count in histogram where count > 0 {
            let p = Double(count) / total
            kl += p * Foundation.log(p * modes)
        }
        return Swift.max(0, kl)  // rounding can leave −1e-17 for a perfectly even histogram
    }

    /// Assigns every row of `samples` to its nearest centre and counts it as high quality when its distance
    /// to that centre is at most `threshold`·σ (3σ in the papers: a 2-D Gaussian sample lands there with
    /// probability 1 − e^(−4.5) ≈ 98.9 %).
    public init(samples: SampleMatrix, centres: [[Double]], standardDeviation: Double, threshold: Double = 3) {
        precondition(!centres.isEmpty, "ModeStatistics needs at least one centre")
        precondition(centres.allSatisfy { $0.count == samples.dimension }, "ModeStatistics: centre dimension differs")
        let d = samples.dimension, k = centres.count
        var flatCentres = [Double]()
        flatCentres.reserveCapacity(k * d)
        for centre in centres { flatCentres.append(contentsOf: centre) }
        let radius = threshold * standardDeviation
        let radiusSquared = radius * radius
        var histogram = [Int](repeating: 0, count: k)
        let good = samples.values.withUnsafeBufferPointer { xs in
            flatCentres.withUnsafeBufferPointer { cs in
                histogram.withUnsafeMutableBufferPointer { counts in
                    PairwiseDistances.nearestCentreCounts(xs.baseAddress!, count: samples.count, centres: cs.baseAddress!,
                                                          count: k, dimension: d, radiusSquared: radiusSquared,
                                                          into: counts.baseAddress!)
                }
            }
        }
        self.histogram = histogram
        self.sampleCount = samples.count
        self.highQualityCount = good
    }
}

/// Modes captured, share of high-quality samples and reverse KL on a Gaussian-mixture data set.
public final class ModesMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 1...1_000_000, default: 2500, "generated samples to assess")
    static let threshold: ParameterKey<Double> = .real("threshold", 0.1...100, default: 3, "high-quality radius, in σ")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "modes", aliases: ["mode-stats"],
        summary: "modes captured, % high-quality samples and reverse KL over modes (mixture data sets)",
        discussion: """
            Each generated sample is assigned to its nearest mode centre and is high quality (HQ) when it lies \
            within threshold·σ of it (3σ). modes = modes that are the nearest mode of at least one HQ sample; \
            high_quality = HQ / N; reverse_kl = KL(p̂ ‖ uniform) in nats over the mode histogram p̂ of the HQ \
            samples, skipping empty bins (0 for perfect balance, log(K/m) when m of K modes are covered evenly). \
            A perfect ring8 generator scores ≈ 98.9 % HQ (1 − e^(−4.5)) and reverse KL ≈ 0.0014 at N = 2500 \
            (grid25: ≈ 0.0048), from sampling noise alone. The published tables use N = 2500. Only generated \
            samples are used; needs a data set with known mode centres.
            """,
        parameters: [n.spec, threshold.spec],
        reference: "Srivastava et al. 2017, VEEGAN (arXiv:1705.07761), Table 1; "
            + "Lin et al. 2018, PacGAN (arXiv:1712.04086), Table 1")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The mode statistics of the generated samples.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name
        guard let layout = input.modes, !layout.centres.isEmpty else {
            throw MetricError("metric modes needs a data set with known mode centres (ring8, grid25, …); "
                              + "the current data set has none")
        }
        let generated = try SampleMatrix(input.generated, role: "generated", metric: name)
        let centreDimension = layout.centres[0].count
        guard layout.centres.allSatisfy({ $0.count == centreDimension }), centreDimension == generated.dimension else {
            throw MetricError("metric modes: the mode centres have dimension \(centreDimension) but the generated "
                              + "samples have dimension \(generated.dimension)")
        }
        guard layout.standardDeviation > 0, layout.standardDeviation.isFinite else {
            throw MetricError("metric modes: the mode layout's standard deviation must be positive; "
                              + "got \(layout.standardDeviation)")
        }
        let statistics = ModeStatistics(samples: generated,
                                        centres: layout.centres.map { $0.map(Double.init) },
                                        standardDeviation: Double(layout.standardDeviation),
                                        threshold: parameters[Self.threshold])
        var notes: [String] = []
        if statistics.highQualityCount == 0 {
            notes.append("no generated sample lies within \(ParameterValue.canonical(parameters[Self.threshold]))σ "
                         + "of a mode: reverse KL is undefined (reported as nan)")
        }
        return MetricReport(metric: name, values: [
            ("modes", Double(statistics.modesCaptured)),
            ("modes_total", Double(statistics.modesTotal)),
            ("high_quality", statistics.highQualityFraction),
            ("reverse_kl", statistics.reverseKL),
        ], notes: notes)
    }
}
