import Foundation
import Autodiff

/// `normal`: z ~ N(0, I), the usual input of a GAN's generator.
public final class NormalNoise: NoiseDistribution {
    /// The declaration: only the dimension.
    public static let spec = PluginSpec(
        kind: .noise, name: "normal",
        summary: "z ~ N(0, I): independent standard normal coordinates",
        discussion: """
            Every coordinate of z is an independent standard normal draw, taken from the noise stream in \
            row-major order. Pictures of G's image of a grid of z span ±2 in each coordinate.
            """,
        parameters: [NoiseParameters.dim.spec])

    /// The parameters it was made with.
    public let parameters: ParameterValues

    /// Normal noise from validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    /// Normal noise of `dimension` coordinates.
    public convenience init(dimension: Int) throws {
        try self.init(ParameterValues(Self.spec, values: [NoiseParameters.dim(dimension)]))
    }

    /// ±2: about 95 % of each coordinate's mass.
    public var typicalRange: ClosedRange<Double> { -2...2 }

    /// Yes: |z| is close to √dim for nearly every draw once dim is more than a few.
    public var concentratesOnASphere: Bool { true }

    /// φ(z) in one dimension.
    public func density(at z: Double) -> Double? {
        dimension == 1 ? exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() : nil
    }

    /// `count` draws, [count, dim].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        Tensor.randomNormal([count, dimension], using: stream)
    }
}
