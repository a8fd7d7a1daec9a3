import Foundation
import Autodiff
import Kernels

/// Energy distance between real and generated samples.
public final class EnergyMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...100_000, default: 2500, "samples per set")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "energy", aliases: ["energy-distance"],
        summary: "energy distance (2E‖X − Y‖ − E‖X − X′‖ − E‖Y − Y′‖)^½",
        discussion: """
            energy = (2·mean_{i,j} ‖xᵢ − yⱼ‖ − mean_{i≠j} ‖xᵢ − xⱼ‖ − mean_{i≠j} ‖yᵢ − yⱼ‖)^½, with U-statistics \
            within each set; energy2 is the value under the root. The population quantity is ≥ 0 and zero only \
            for equal distributions; the estimate can dip below 0 from sampling noise, in which case energy is \
            reported as 0 and a note gives the negative value. Equals MMD² for the distance-induced kernel; no \
            bandwidth to choose. Cost O((m + n)²) distances.
            """,
        parameters: [n.spec],
        reference: "Székely & Rizzo 2013, Energy statistics: A class of statistics based on distances, "
            + "J. Stat. Plan. Inference 143:1249–1272")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The energy distance and its square.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        let (real, generated) = try MetricChecks.pair(input, metric: Self.spec.name, minimumCount: 2,
                                                      reason: "the within-set means leave out i = j")
        let squared = EnergyDistance.squared(real, generated)
        var notes: [String] = []
        if squared < 0 {
            notes.append("the estimate of the squared energy distance is \(squared) < 0 (sampling noise: the "
                         + "samples are indistinguishable at this size); energy is reported as 0")
        }
        return MetricReport(metric: Self.spec.name,
                            values: [("energy", Swift.max(0, squared).squareRoot()), ("energy2", squared)],
                            notes: notes)
    }
}
