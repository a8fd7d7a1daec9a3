import Autodiff
import Foundation
import Workbench

/// Two interleaving half circles: the classic non-convex toy whose two parts a generator must not bridge
/// (a GAN that fits a blob, or joins the moons with a line of samples, shows at a glance).
public final class TwoMoons: Dataset {
    public static let noise: ParameterKey<Float> = .real("noise", 0...1, default: 0.05, "standard deviation of the added Gaussian noise")

    public static let spec = PluginSpec(
        kind: .dataset, name: "moons", aliases: ["two-moons"],
        summary: "two interleaving half circles (scikit-learn's make_moons) with Gaussian noise",
        discussion: """
            Each sample picks a moon with one word of the data stream and an angle t ~ U[0, π) with another: \
            the upper moon is (cos t, sin t), the lower one (1 − cos t, ½ − sin t); then N(0, noise²·I) is added \
            (the noise of the whole batch is drawn after its moons and angles). The points lie in [−1, 2] × \
            [−½, 1] up to the noise; no mode layout (the moons are curves, not Gaussians).
            """,
        parameters: [noise.spec],
        reference: "Pedregosa et al. 2011, scikit-learn make_moons")

    public let parameters: ParameterValues
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    public var dimension: Int { 2 }
    public var modes: ModeLayout? { nil }

    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        var points = [Float](repeating: 0, count: 2 * count)
        for row in 0..<count {
            let lower = stream.nextInt(below: 2) == 1
            // In Double, rounded once: the angle's cosine and sine at full precision.
            let t = Double.pi * Double(stream.nextUniform())
            points[2 * row] = Float(lower ? 1 - cos(t) : cos(t))
            points[2 * row + 1] = Float(lower ? 0.5 - sin(t) : sin(t))
        }
        let noise = Tensor.randomNormal([count, 2], standardDeviation: parameters[Self.noise], using: stream).scalars
        return Tensor(shape: [count, 2]) { out in
            for i in 0..<(2 * count) { out[i] = points[i] + noise[i] }
        }
    }
}
