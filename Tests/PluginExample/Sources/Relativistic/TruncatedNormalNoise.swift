import Autodiff
import Foundation
import Workbench

/// The truncated normal: z ~ N(0, I) with every coordinate beyond ±threshold drawn again. BigGAN's
/// "truncation trick" samples G's input this way to trade variety for fidelity; as the training noise it
/// keeps G's input bounded.
public final class TruncatedNormalNoise: NoiseDistribution {
    public static let threshold: ParameterKey<Double> = .real("threshold", 0.05...10, default: 2, "the largest |z| of a coordinate")

    public static let spec = PluginSpec(
        kind: .noise, name: "truncated", aliases: ["truncated-normal"],
        summary: "z ~ N(0, I) truncated to [−threshold, threshold] per coordinate (BigGAN's truncation trick)",
        discussion: """
            The batch is drawn as normal noise, then every coordinate whose magnitude exceeds the threshold is \
            drawn again, in row-major order, until it falls inside (each redraw takes two words of the noise \
            stream). A small threshold gives samples close to G's mode, a large one is the normal distribution; \
            at threshold 2 about 4.6% of coordinates are redrawn.
            """,
        parameters: [NoiseParameters.dim.spec, threshold.spec],
        reference: "Brock, Donahue & Simonyan, Large Scale GAN Training for High Fidelity Natural Image Synthesis (BigGAN), ICLR 2019")

    public let parameters: ParameterValues
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    var bound: Float { Float(parameters[Self.threshold]) }

    public var typicalRange: ClosedRange<Double> { -Double(bound)...Double(bound) }

    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        var values = Tensor.randomNormal([count, dimension], using: stream).scalars
        for index in values.indices {
            while abs(values[index]) > bound {
                values[index] = Tensor.randomNormal([1], using: stream).scalars[0]
            }
        }
        return Tensor(shape: [count, dimension]) { out in
            for i in values.indices { out[i] = values[i] }
        }
    }

    /// φ(z)/(2Φ(t) − 1) inside the bounds, in one dimension.
    public func density(at z: Double) -> Double? {
        guard dimension == 1 else { return nil }
        let t = Double(bound)
        guard abs(z) <= t else { return 0 }
        return exp(-z * z / 2) / (2 * Double.pi).squareRoot() / erf(t / 2.0.squareRoot())
    }
}
