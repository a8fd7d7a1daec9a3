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
