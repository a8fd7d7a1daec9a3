import Foundation

/// KL and JS divergences between histograms of real and generated samples on a fixed grid.
public final class HistogramMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 1...10_000_000, default: 2500, "samples per set")
    static let bins: ParameterKey<Int> = .integer("bins", 1...1000, default: 20, "cells per axis")
    static let lower: ParameterKey<[Double]> = .reals("lower", default: [], "lower corner of the grid (default: from the real data)")
    static let upper: ParameterKey<[Double]> = .reals("upper", default: [], "upper corner of the grid (default: from the real data)")
    static let epsilon: ParameterKey<Double> = .real("epsilon", 0...1, default: 1e-6, "smoothing added to every cell's frequency")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "histogram", aliases: ["hist", "kl", "js"],
        summary: "KL and JS divergences between grid histograms of real and generated samples (1-D, 2-D)",
        discussion: """
            Both sample sets are binned on one grid of `bins` cells per axis over a box: the real samples' \
            bounding box with each side padded by 10 % of its extent, or `lower` / `upper` when given (one value \
            for every axis, or one per axis). Samples outside the box are not dropped: they fall into one extra \
            overflow cell (so generated mass far from the data still costs), their counts are reported as \
            outside_real and outside_generated, and a note says so. Each cell's frequency is smoothed, \
            q = (count/N + ε)/(1 + Kε) over all K cells, so the divergences stay finite. Reports kl = \
            KL(real ‖ generated), reverse_kl = KL(generated ‖ real) and js = Jensen–Shannon, in nats (JS ≤ log 2 \
            ≈ 0.693). These are plug-in estimates: even two samples of the same distribution give a positive \
            value, of the order of (cells used)/(2N); compare runs at the same n and bins.
            """,
        parameters: [n.spec, bins.spec, lower.spec, upper.spec, epsilon.spec],
        reference: "Kahng, Thorat, Chau, Viégas & Wattenberg 2019, GAN Lab, IEEE TVCG 25(1)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The divergences and the outside counts.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name
        let (real, generated) = try MetricChecks.pair(input, metric: name)
        let d = real.dimension
        guard d <= 2 else {
            throw MetricError("metric histogram works on 1-D and 2-D samples; these have dimension \(d) "
                              + "(sliced-w, mmd and energy work in any dimension)")
        }
        let auto = GridHistogram.boundingBox(of: real)
        func corner(_ key: ParameterKey<[Double]>, fallback: [Double]) throws -> [Double] {
            let given = parameters[key]
            switch given.count {
            case 0: return fallback
            case 1: return [Double](repeating: given[0], count: d)
            case d: return given
            default:
                throw MetricError("metric histogram: \(key.name) has \(given.count) values; give one for every "
                                  + "axis or one per axis (\(d))")
            }
        }
        let lower = try corner(Self.lower, fallback: auto.lower), upper = try corner(Self.upper, fallback: auto.upper)
        for axis in 0..<d where !(lower[axis] < upper[axis]) {
            throw MetricError("metric histogram: lower (\(lower[axis])) must be below upper (\(upper[axis])) on axis \(axis)")
        }
        let grid = GridHistogram(lower: lower, upper: upper, bins: parameters[Self.bins])
        let realCounts = grid.counts(real), fakeCounts = grid.counts(generated)
        let epsilon = parameters[Self.epsilon]
        let result = GridHistogram.divergences(GridHistogram.probabilities(realCounts, epsilon: epsilon),
                                               GridHistogram.probabilities(fakeCounts, epsilon: epsilon))
        let outsideReal = realCounts[grid.gridCells], outsideFake = fakeCounts[grid.gridCells]
        var notes: [String] = []
        if outsideReal > 0 || outsideFake > 0 {
            notes.append("\(outsideReal) of \(real.count) real and \(outsideFake) of \(generated.count) generated "
                         + "samples fell outside the grid; they are counted together in one overflow cell")
        }
        if result.kl.isInfinite || result.reverseKL.isInfinite {
            notes.append("a cell is empty in one set but not the other and epsilon = 0: a KL is infinite")
        }
        return MetricReport(metric: name, values: [
            ("kl", result.kl), ("reverse_kl", result.reverseKL), ("js", result.js),
            ("outside_real", Double(outsideReal)), ("outside_generated", Double(outsideFake)),
        ], notes: notes)
    }
}
