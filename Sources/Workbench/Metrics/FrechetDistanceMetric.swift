import Foundation
import Kernels

/// The Fréchet distance between Gaussians fitted to features: FID with a classifier of our own.
public final class FrechetDistanceMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2000, "samples per set")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "fd", aliases: ["frechet"],
        summary: "Fréchet distance between Gaussians fitted to classifier features (FID's formula), with its real-vs-real floor",
        discussion: """
            Fits a Gaussian to the features of each set (mean μ, covariance Σ with divisor n − 1) and reports \
            fd = ‖μ_r − μ_g‖² + tr Σ_r + tr Σ_g − 2 tr √(Σ_r Σ_g): FID's formula, in the feature space of \
            classifier=FILE (its last hidden layer; see classifier train) instead of Inception's, so the \
            numbers are not comparable with published FIDs. The matrix square root comes from two symmetric \
            Jacobi eigendecompositions (eigenvalues within about 1e-15 of the largest of LAPACK's; fd within 1e-14 \
            relative of SciPy's sqrtm on the tests' inputs). fd_floor \
            is the same distance between n examples of the data set's train split and n of its test split \
            (drawn with replacement), or, for data without a split, between two independent real sets of n \
            samples from the data stream (the report's note says which): FD is \
            biased upward at finite n, and the floor at the same n is the bias a perfect generator would \
            show. classifier=none uses the samples themselves as features: quick for points, slow for \
            images (each Jacobi sweep is O(d³): 784 pixels take about a minute, a classifier's 64 features \
            a tenth of a second).
            """,
        parameters: [n.spec] + FeatureSpaceSetting.parameters,
        reference: "Heusel, Ramsauer, Unterthiner, Nessler & Hochreiter 2017, GANs Trained by a Two Time-Scale "
            + "Update Rule Converge to a Local Nash Equilibrium, NeurIPS (arXiv:1706.08500)")

    /// The parameters, with the classifier's hash filled in.
    public let parameters: ParameterValues
    let classifier: ImageClassifier?

    /// Reads the classifier, if any.
    public init(_ parameters: ParameterValues) throws {
        (self.parameters, classifier) = try FeatureSpaceSetting.resolve(parameters, spec: Self.spec)
    }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The distance and its floor.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let name = Self.spec.name, map = FeatureSpaceSetting.map(classifier, input)
        let real = try FeatureSpaceSetting.features(input.real, map, role: "real", metric: name)
        let generated = try FeatureSpaceSetting.features(input.generated, map, role: "generated", metric: name)
        let floorSets = try FeatureSpaceSetting.floorSets(input, real: real, count: real.count, map: map, metric: name)
        for (role, set) in [("real", real), ("generated", generated)] where set.count < 2 {
            throw MetricError("metric fd needs at least 2 \(role) samples for a covariance; got \(set.count)")
        }
        return MetricReport(metric: name, values: [
            ("fd", Self.distance(real, generated)),
            ("fd_floor", Self.distance(floorSets.first, floorSets.second)),
        ], notes: [floorSets.note])
    }

    /// The Fréchet distance between Gaussians fitted to the rows of `a` and of `b` (each at least 2 rows).
    public static func distance(_ a: SampleMatrix, _ b: SampleMatrix) -> Double {
        precondition(a.dimension == b.dimension && a.count >= 2 && b.count >= 2, "fd needs two sets of at least 2 rows")
        let d = a.dimension
        func fit(_ x: SampleMatrix) -> (mean: [Double], covariance: [Double]) {
            var mean = [Double](repeating: 0, count: d), covariance = [Double](repeating: 0, count: d * d)
            x.values.withUnsafeBufferPointer { rows in
                mean.withUnsafeMutableBufferPointer { m in
                    covariance.withUnsafeMutableBufferPointer { c in
                        FeatureStatistics.meanAndCovariance(rows.baseAddress!, count: x.count, dimension: d,
                                                            mean: m.baseAddress!, covariance: c.baseAddress!)
                    }
                }
            }
            return (mean, covariance)
        }
        let (ma, ca) = fit(a), (mb, cb) = fit(b)
        var squared = 0.0, traces = 0.0
        for i in 0..<d {
            squared += (ma[i] - mb[i]) * (ma[i] - mb[i])
            traces += ca[i * d + i] + cb[i * d + i]
        }
        let cross = ca.withUnsafeBufferPointer { pa in
            cb.withUnsafeBufferPointer { pb in
                FeatureStatistics.traceSquareRootOfProduct(pa.baseAddress!, pb.baseAddress!, dimension: d)
            }
        }
        return squared + traces - 2 * cross
    }
}
