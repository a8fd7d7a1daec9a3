import Foundation
import Autodiff

/// How steep D is: its per-sample gradient norms on real, generated and interpolated points, two lower
/// bounds of its Lipschitz constant, and how its weights sit against their largest value (weight clipping
/// piles them up at ±c).
public final class LipschitzMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...1_000_000, default: 1000, "samples per set")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "lipschitz", aliases: ["gradient-norms"],
        summary: "D's gradient norms ‖∇ₓD‖ on real, generated and interpolated points, its Lipschitz constant from below, its weights at ±max",
        discussion: """
            Differentiates D (evaluation mode) with respect to its input at n real samples x, n generated \
            samples x̃ and n interpolates x̂ = εx + (1 − ε)x̃ (ε ~ U[0, 1] per pair, WGAN-GP's points) and \
            reports the mean and largest norm ‖∇ₓD‖ of each set; above_one, the fraction of the 3n points \
            where it exceeds 1; interp_gap, the mean (‖∇ₓD(x̂)‖ − 1)², WGAN-GP's penalty without λ. Two \
            estimates of D's Lipschitz constant, both lower bounds: lipschitz, the largest gradient norm \
            seen, and pair_ratio, the largest |D(a) − D(b)|/‖a − b‖ over the n pairs (x, x̃), the n pairs \
            (x, x̂) and the n − 1 pairs of consecutive real samples. ranking is the fraction of the pairs \
            (x, x̃) that D orders the right way, D(x) > D(x̃) (0.5 for a critic that cannot tell). Of D's parameters (every entry of every \
            weight and bias, the ones weight clipping clips): max_weight = max |w| and at_max, the fraction of \
            entries with |w| ≥ 0.99·max |w| — under clipping at c most weights end at ±c (Gulrajani et al., \
            Figure 1b), while a gradient penalty leaves a spread of sizes with few near the largest.
            """,
        parameters: [n.spec],
        reference: "Gulrajani et al. 2017, Improved Training of Wasserstein GANs (NeurIPS), §3 and Figure 1")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// The statistics of the gradient norms, the Lipschitz estimates and the weights.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        guard let probe = input.discriminator else {
            throw MetricError("lipschitz: D does not score single samples here (packing is on: it sees several at once)")
        }
        guard probe.isRowwise else {
            throw MetricError("lipschitz: D compares the samples of a batch (minibatch discrimination), so the gradient of "
                              + "its summed scores is not a per-sample gradient")
        }
        let (real, fake) = (input.real, input.generated)
        let count = real.shape[0]
        let epsilon = Tensor.randomUniform([count, 1], using: input.stream)
        let mixed = try real * epsilon + fake * (1 - epsilon)
        let (realScores, realNorms) = try Self.scoresAndGradientNorms(probe, real)
        let (fakeScores, fakeNorms) = try Self.scoresAndGradientNorms(probe, fake)
        let (mixedScores, mixedNorms) = try Self.scoresAndGradientNorms(probe, mixed)
        let all = realNorms + fakeNorms + mixedNorms
        let rows = (real.rowsOfDoubles, fake.rowsOfDoubles, mixed.rowsOfDoubles)
        var ratio = 0.0, ranked = 0
        for i in 0..<count {
            if realScores[i] > fakeScores[i] { ranked += 1 }
            ratio = max(ratio, Self.ratio(realScores[i], fakeScores[i], rows.0[i], rows.1[i]))
            ratio = max(ratio, Self.ratio(realScores[i], mixedScores[i], rows.0[i], rows.2[i]))
            if i + 1 < count { ratio = max(ratio, Self.ratio(realScores[i], realScores[i + 1], rows.0[i], rows.0[i + 1])) }
        }
        let weights = probe.weights.flatMap { $0.value.scalars.map { abs(Double($0)) } }
        let largest = weights.max() ?? 0
        let atMax = weights.isEmpty ? 0 : Double(weights.filter { $0 >= 0.99 * largest }.count) / Double(weights.count)
        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
        return MetricReport(metric: Self.spec.name, values: [
            ("real_mean", mean(realNorms)), ("real_max", realNorms.max()!),
            ("fake_mean", mean(fakeNorms)), ("fake_max", fakeNorms.max()!),
            ("interp_mean", mean(mixedNorms)), ("interp_max", mixedNorms.max()!),
            ("interp_gap", mean(mixedNorms.map { ($0 - 1) * ($0 - 1) })),
            ("above_one", Double(all.filter { $0 > 1 }.count) / Double(all.count)),
            ("lipschitz", all.max()!),
            ("pair_ratio", ratio),
            ("ranking", Double(ranked) / Double(count)),
            ("max_weight", largest),
            ("at_max", atMax),
        ])
    }

    /// D's scores of `points` and each row's ‖∇ₓD(x)‖: the gradient of the summed scores, which is each
    /// row's own gradient since D scores rows independently.
    static func scoresAndGradientNorms(_ probe: DiscriminatorProbe, _ points: Tensor) throws -> ([Double], [Double]) {
        let x = points.detached().requiringGradient()
        let scores = try probe.scores(x)
        let gradient = try gradients(of: scores.sum(), wrt: [x])[0]
        let norms = gradient.rowsOfDoubles.map { row in row.reduce(0) { $0 + $1 * $1 }.squareRoot() }
        return (scores.scalars.map(Double.init), norms)
    }

    /// |D(a) − D(b)| / ‖a − b‖, 0 for coinciding points.
    static func ratio(_ scoreA: Double, _ scoreB: Double, _ a: [Double], _ b: [Double]) -> Double {
        let distance = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        return distance > 0 ? abs(scoreA - scoreB) / distance : 0
    }
}

private extension Tensor {
    /// The rows of a [rows, columns] tensor, in Double.
    var rowsOfDoubles: [[Double]] {
        let values = scalars.map(Double.init), width = shape[1]
        return (0..<shape[0]).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
    }
}
