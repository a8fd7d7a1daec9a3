import Foundation
import Kernels

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
