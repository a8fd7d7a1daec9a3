import Autodiff

/// A mixture of isotropic Gaussians with one common standard deviation, optionally divided by a constant
/// after the draw (the WGAN-GP toy script rescales its data that way). Shared by every mixture data set so
/// they all consume their stream in the same, documented order.
///
/// Stream order for a batch of n rows in dimension d: first the n component choices (one
/// `nextInt(below: K)` each for equal weights, one `nextUniform()` each otherwise), then n·d standard
/// normals from `Tensor.randomNormal` in row-major order. The row is `(centre + σ·z) / divisor`,
/// computed in Float.
struct GaussianMixtureSampler {
    /// The σ every parameterised mixture data set declares: one name, range and summary for the family,
    /// each set giving its own published default.
    static func sigmaKey(default value: Double) -> ParameterKey<Float> {
        .real("sigma", 0.0001...100, default: value, "standard deviation of every mode")
    }


    /// Component centres before the division, one row each, all of the same length.
    let centres: [[Float]]
    /// The common standard deviation before the division.
    let sigma: Float
    /// What every coordinate is divided by at the end (1 for none).
    let divisor: Float
    /// Cumulative component probabilities (the last is exactly 1); nil for equal weights.
    let cumulative: [Float]?

    /// A mixture with equal weights, or with the given non-negative weights (normalised here).
    init(centres: [[Float]], sigma: Float, divisor: Float = 1, weights: [Double]? = nil) {
        precondition(!centres.isEmpty, "a mixture needs at least one component")
        self.centres = centres
        self.sigma = sigma
        self.divisor = divisor
        cumulative = weights.map(GaussianMixtureSampler.cumulativeProbabilities)
    }

    /// Cumulative sums of `weights` divided by their total, with the last entry forced to 1 so that a
    /// uniform draw in [0, 1) always lands in some component despite rounding.
    static func cumulativeProbabilities(_ weights: [Double]) -> [Float] {
        let total = weights.reduce(0, +)
        precondition(total > 0, "mixture weights must have a positive sum")
        var running = 0.0
        var result = weights.map { weight -> Float in
            running += weight
            return Float(running / total)
        }
        result[result.count - 1] = 1
        return result
    }

    /// The number of coordinates per sample.
    var dimension: Int { centres[0].count }

    /// Centres and σ in the final (divided) coordinates, for mode statistics.
    var layout: ModeLayout {
        ModeLayout(centres: centres.map { $0.map { $0 / divisor } }, standardDeviation: sigma / divisor)
    }

    /// Index of the component for a uniform draw `u` in [0, 1) under cumulative probabilities.
    static func component(for u: Float, cumulative: [Float]) -> Int {
        // Linear search: mixtures here have at most a few hundred components, and this keeps ties exact
        // (u below the first threshold strictly, as in `rand < 0.333` of the sources we follow).
        for (index, threshold) in cumulative.enumerated() where u < threshold { return index }
        return cumulative.count - 1
    }

    /// `count` component choices, drawn from `stream`.
    func components(_ count: Int, using stream: RandomStream) -> [Int] {
        if let cumulative {
            return (0..<count).map { _ in GaussianMixtureSampler.component(for: stream.nextUniform(), cumulative: cumulative) }
        }
        return (0..<count).map { _ in stream.nextInt(below: centres.count) }
    }

    /// `count` samples as a [count, dimension] tensor.
    func sample(_ count: Int, using stream: RandomStream) -> Tensor { labelledSample(count, using: stream).samples }

    /// `count` samples and the component each was drawn from: the components first, then the noise.
    func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int]) {
        precondition(count >= 0, "cannot draw \(count) samples")
        let d = dimension
        let chosen = components(count, using: stream)
        let noise = Tensor.randomNormal([count, d], using: stream)
        let samples = SampleBuffer.matrix(rows: count, columns: d) { out in
            noise.withUnsafeBufferPointer { z in
                for row in 0..<count {
                    let centre = centres[chosen[row]]
                    for column in 0..<d {
                        let index = row * d + column
                        out[index] = (centre[column] + sigma * z[index]) / divisor
                    }
                }
            }
        }
        return (samples, chosen)
    }
}

/// Building sample tensors without a throwing initialiser: the shape is right by construction.
enum SampleBuffer {
    /// A [rows, columns] tensor whose elements `fill` writes (it must write all of them).
    static func matrix(rows: Int, columns: Int, _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
        var tensor = Tensor.zeros([rows, columns])
        tensor.withUnsafeMutableBufferPointer(fill)
        return tensor
    }

    /// `count` uniforms in [0, 1), one `nextUniform()` each, in order.
    static func uniforms(_ count: Int, using stream: RandomStream) -> [Float] {
        (0..<count).map { _ in stream.nextUniform() }
    }
}

/// A curve traced by one uniform parameter, plus isotropic Gaussian noise, optionally divided by a constant
/// (GAN Lab's line and ring; the WGAN-GP swiss roll).
enum NoisyCurve {
    /// `count` rows: the u of every row first (one `nextUniform()` each), then [count, 2] standard normals
    /// z; row = (curve(u) + noise·z) / divisor, in Float.
    static func sample(_ count: Int, noise: Float, divisor: Float = 1, using stream: RandomStream,
                       _ curve: (Float) -> (Float, Float)) -> Tensor {
        precondition(count >= 0, "cannot draw \(count) samples")
        let u = SampleBuffer.uniforms(count, using: stream)
        let z = Tensor.randomNormal([count, 2], using: stream)
        return SampleBuffer.matrix(rows: count, columns: 2) { out in
            z.withUnsafeBufferPointer { z in
                for row in 0..<count {
                    let (x, y) = curve(u[row])
                    out[2 * row] = (x + noise * z[2 * row]) / divisor
                    out[2 * row + 1] = (y + noise * z[2 * row + 1]) / divisor
                }
            }
        }
    }
}
