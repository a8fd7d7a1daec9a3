import Foundation
import Autodiff

/// What the discriminator itself says about the two distributions, on fresh samples: how well it tells
/// them apart, the Jensen–Shannon divergence its cross-entropy implies, and its Wasserstein estimate.
public final class CriticMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 1...1_000_000, default: 10_000, "samples per set")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "critic", aliases: ["discriminator"],
        summary: "D's own view on fresh samples: accuracy, implied JS, Wasserstein estimate",
        discussion: """
            Scores n fresh real and n fresh generated samples with D (evaluation mode) and reports accuracy \
            (the fraction of real samples with D > 0 and generated ones with D < 0), js = log 2 − ½·(mean \
            softplus(−D(x)) + mean softplus(D(x̃))) in nats — the Jensen–Shannon divergence between the two \
            distributions when D is the optimal discriminator of the cross-entropy loss, and a lower bound of \
            it otherwise (Goodfellow et al. 2014, Theorem 1) — and wasserstein = mean D(x) − mean D(x̃), the \
            critic's estimate of W1 when D is 1-Lipschitz (up to the Lipschitz constant under weight \
            clipping), plus both mean scores. Unlike the history columns, which come from one training batch, \
            these use n samples that training never sees.
            """,
        parameters: [n.spec],
        reference: "Goodfellow et al. 2014, Generative Adversarial Nets; Arjovsky, Chintala, Bottou 2017, Wasserstein GAN")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`.
    public var sampleCount: Int { parameters[Self.n] }

    /// D's accuracy, implied JS, Wasserstein estimate and mean scores.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        guard let critic = input.critic else {
            throw MetricError("critic: D does not score single samples here (packing is on: it sees several at once)")
        }
        let realScores = try critic(input.real).scalars.map(Double.init)
        let fakeScores = try critic(input.generated).scalars.map(Double.init)
        func softplus(_ x: Double) -> Double { max(x, 0) + log1p(exp(-abs(x))) }
        let realMean = realScores.reduce(0, +) / Double(realScores.count)
        let fakeMean = fakeScores.reduce(0, +) / Double(fakeScores.count)
        let crossEntropy = realScores.reduce(0) { $0 + softplus(-$1) } / Double(realScores.count)
            + fakeScores.reduce(0) { $0 + softplus($1) } / Double(fakeScores.count)
        let correct = realScores.filter { $0 > 0 }.count + fakeScores.filter { $0 < 0 }.count
        return MetricReport(metric: Self.spec.name, values: [
            ("accuracy", Double(correct) / Double(realScores.count + fakeScores.count)),
            ("js", log(2) - 0.5 * crossEntropy),
            ("wasserstein", realMean - fakeMean),
            ("real", realMean),
            ("fake", fakeMean),
        ])
    }
}
