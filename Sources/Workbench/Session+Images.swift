import Autodiff
import Foundation
import NeuralNet

/// The way between two noise vectors that an interpolation strip follows.
public enum InterpolationPath: String, Sendable {
    /// The straight line: for noise whose support is convex (a cube), every point of it is a possible draw.
    case line
    /// The great circle (spherical interpolation): for Gaussian noise, whose draws all lie near one sphere,
    /// the straight line's middle is about 1/√2 as long as any draw G has seen.
    case greatCircle = "great circle"

    /// The weights of `a` and `b` at `t` ∈ [0, 1]: 1 − t and t on the line; sin((1 − t)Ω)/sin Ω and
    /// sin(tΩ)/sin Ω on the great circle, Ω the angle between them (the line again when they are parallel,
    /// where the circle is not defined).
    public func weights(_ a: [Double], _ b: [Double], _ t: Double) -> (Double, Double) {
        let normA = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), normB = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
        guard self == .greatCircle, normA > 0, normB > 0 else { return (1 - t, t) }
        let cosine = min(max(zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } / (normA * normB), -1), 1)
        let omega = acos(cosine)
        let sine = sin(omega)
        guard sine > 1e-6 else { return (1 - t, t) }
        return (sin((1 - t) * omega) / sine, sin(t * omega) / sine)
    }
}

/// Images of G between pairs of noise vectors: every strip starts at one draw and ends at the next.
public struct InterpolationStrips: Sendable {
    /// `strips × steps` samples, row after row (a strip is a row), each a flat image.
    public let samples: [[Float]]
    /// The noise vectors decoded, in the same order.
    public let noise: [[Float]]
    /// The way they follow.
    public let path: InterpolationPath
}

extension Session {
    /// G (in evaluation mode, the averaged copy when a trick keeps one) along `strips` paths of `steps`
    /// points, both ends included, between pairs of noise vectors drawn from the stream `streamName` of the
    /// seed, started afresh: the same session and name always give the same strips, and drawing them changes
    /// no stream that training or other pictures read. The path is the great circle when the noise
    /// concentrates on a sphere, else the straight line.
    public func interpolationStrips(strips: Int, steps: Int, streamName: String) throws -> InterpolationStrips {
        precondition(strips >= 1 && steps >= 2, "a strip needs two ends")
        let ends = noise.sample(2 * strips, using: RandomStream(seed: seed, name: streamName)).scalars
        let dimension = noise.dimension
        let path: InterpolationPath = noise.concentratesOnASphere ? .greatCircle : .line
        var vectors: [[Float]] = []
        for strip in 0..<strips {
            let a = ends[(2 * strip * dimension)..<((2 * strip + 1) * dimension)].map(Double.init)
            let b = ends[((2 * strip + 1) * dimension)..<((2 * strip + 2) * dimension)].map(Double.init)
            for step in 0..<steps {
                let t = Double(step) / Double(steps - 1)
                let (u, v) = path.weights(a, b, t)
                vectors.append(zip(a, b).map { Float(u * $0 + v * $1) })
            }
        }
        let z = try Tensor(vectors.flatMap { $0 }, shape: [vectors.count, dimension])
        let network = samplingNetwork
        let images = try withoutGradients { try network.forward(z, ForwardContext(training: false)) }
        let width = images.elementCount / vectors.count
        let values = images.scalars
        let samples = (0..<vectors.count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        return InterpolationStrips(samples: samples, noise: vectors, path: path)
    }

    /// `count` generated images (G in evaluation mode) of the plot stream's noise: the same z every time,
    /// and the first ones the same whatever the count, so grids of any size drawn while training show one
    /// batch changing.
    public func fixedGeneratedImages(_ count: Int) throws -> [[Float]] {
        let z = noise.sample(count, using: plotStream())
        let network = samplingNetwork
        let values = try withoutGradients { try network.forward(z, ForwardContext(training: false)) }.scalars
        let width = values.count / max(count, 1)
        return (0..<count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// `count` real images from the plot stream.
    public func realImages(_ count: Int) -> [[Float]] {
        let values = dataset.sample(count, using: plotStream()).scalars
        let width = dataset.dimension
        return (0..<count).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }
}
