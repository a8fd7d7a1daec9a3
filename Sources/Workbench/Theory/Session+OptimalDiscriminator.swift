import Autodiff
import Foundation
import NeuralNet

/// D along the line of one-dimensional data: what it outputs and how fast that changes.
public struct DiscriminatorCurve: Sendable {
    /// Where D was evaluated.
    public let xs: [Double]
    /// σ(D(x)), the probability that x is real, under a cross-entropy loss; the critic's D(x) otherwise.
    public let output: [Double]
    /// d output/dx: σ'(D)·D′(x) under a cross-entropy loss, D′(x) otherwise.
    public let slope: [Double]
    /// Whether `output` is a probability σ(D).
    public let isProbability: Bool
}

/// The trained D beside the optimal one, D*(x) = p_r(x)/(p_r(x) + p_g(x)), on a grid of the line.
public struct OptimalDiscriminatorComparison: Sendable {
    /// The trained D as a probability.
    public let trained: DiscriminatorCurve
    /// D* at each point (½ where neither distribution has mass).
    public let optimal: [Double]
    /// The data's density p_r at each point.
    public let real: [Double]
    /// G's density p_g at each point.
    public let generated: [Double]
    /// max |σ(D) − D*| over the points where p_r + p_g is at least 1 % of its largest value (elsewhere D is
    /// never trained and D* is a ratio of vanishing densities).
    public let gapMax: Double
    /// E_{x∼m} |σ(D(x)) − D*(x)| with m = ½(p_r + p_g): the gap where the samples D sees lie.
    public let gapMean: Double
    /// V(D, G) = E_{p_r} log σ(D) + E_{p_g} log(1 − σ(D)), by the trapezoid rule on the grid: minus D's loss
    /// on infinitely many samples.
    public let value: Double
    /// V(D*, G) = 2·JS(p_r‖p_g) − 2 log 2, by the same rule: the most D can reach against this G.
    public let optimalValue: Double
}

extension Session {
    /// An interval of the line holding nearly all real and generated samples: the range of 2000 of each
    /// (from the plot stream, so it never changes training) widened by a fifth of its span on each side.
    public func lineRange() throws -> ClosedRange<Double> {
        guard dataset.dimension == 1 else {
            throw SessionError("the data are \(dataset.dimension)-dimensional: D is drawn along a line only for one-dimensional data (data mixture1d)")
        }
        let (real, generated) = try probeSamples(2000)
        let values = (real + generated).map { $0[0] }
        let low = values.min()!, high = values.max()!
        let margin = max(high - low, 1e-3) / 5
        return (low - margin)...(high + margin)
    }

    /// D at each of `xs` (one-dimensional data), as a probability under a cross-entropy loss, with its slope
    /// from automatic differentiation.
    public func discriminatorCurve(at xs: [Double]) throws -> DiscriminatorCurve {
        guard dataset.dimension == 1 else {
            throw SessionError("the data are \(dataset.dimension)-dimensional: D is drawn along a line only for one-dimensional data (data mixture1d)")
        }
        if let problem = discriminatorProbeProblem { throw SessionError(problem) }
        guard discriminatorScoresPointsIndependently else {
            throw SessionError("D compares the samples of a batch (trick minibatch-discrimination), so it has no value at a single point")
        }
        let input = try Tensor(xs.map(Float.init), shape: [xs.count, 1]).requiringGradient()
        let scores = try discriminator.forward(input, ForwardContext(training: false))
        let derivative = try gradients(of: scores.sum(), wrt: [input])[0].scalars.map(Double.init)
        let logits = scores.scalars.map(Double.init)
        guard loss.isCrossEntropy else { return DiscriminatorCurve(xs: xs, output: logits, slope: derivative, isProbability: false) }
        let probabilities = logits.map { 1 / (1 + exp(-$0)) }
        let slopes = zip(probabilities, derivative).map { $0 * (1 - $0) * $1 }
        return DiscriminatorCurve(xs: xs, output: probabilities, slope: slopes, isProbability: true)
    }

    /// Why D* cannot be computed for this session, or nil when it can: it needs a cross-entropy loss (D* is
    /// that loss's optimum), one-dimensional data with a known density and a generator whose density is known.
    public var optimalDiscriminatorProblem: String? {
        if !loss.isCrossEntropy {
            return "D*(x) = p_r/(p_r + p_g) is the optimum of the cross-entropy losses; the loss \(loss.name) has another optimum"
        }
        if dataset.dimension != 1 || dataset.density(at: [0]) == nil {
            return "D* needs one-dimensional data whose density is known (data mixture1d); \(dataset.name) has none"
        }
        if players.generator.model.generatedDensity(of: generator, noise: noise) == nil {
            return "D* needs p_g, the density of what G generates: use generator gaussian mu=… sigma=… with noise normal dim=1 (or uniform dim=1)"
        }
        return nil
    }

    /// The trained D against D* on `points` points of `lineRange()`.
    public func optimalDiscriminatorComparison(points: Int) throws -> OptimalDiscriminatorComparison {
        if let problem = optimalDiscriminatorProblem { throw SessionError(problem) }
        let range = try lineRange()
        let xs = (0..<points).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(points - 1) }
        let density = players.generator.model.generatedDensity(of: generator, noise: noise)!
        let real = xs.map { dataset.density(at: [$0])! }
        let generated = xs.map(density)
        let optimal = zip(real, generated).map { $0 + $1 > 0 ? $0 / ($0 + $1) : 0.5 }
        let curve = try discriminatorCurve(at: xs)
        let mass = zip(real, generated).map { $0 + $1 }
        let threshold = 0.01 * mass.max()!
        let gaps = zip(curve.output, optimal).map { abs($0 - $1) }
        let gapMax = zip(gaps, mass).filter { $1 >= threshold }.map(\.0).max() ?? 0
        func softplus(_ t: Double) -> Double { max(t, 0) + log1p(exp(-abs(t))) }
        func xlog(_ weight: Double, _ value: Double) -> Double { weight > 0 ? weight * log(value) : 0 }
        let step = (range.upperBound - range.lowerBound) / Double(points - 1)
        func trapezoid(_ values: [Double]) -> Double {
            (values.reduce(0, +) - 0.5 * (values.first! + values.last!)) * step
        }
        // From the logits, log σ(D) = −softplus(−D) and log(1 − σ(D)) = −softplus(D) stay finite where σ rounds to 0 or 1.
        let trainedLogits = try discriminatorValues(at: xs.map { [$0] })
        let value = trapezoid(xs.indices.map { i in
            -real[i] * softplus(-trainedLogits[i]) - generated[i] * softplus(trainedLogits[i])
        })
        let optimalValue = trapezoid(xs.indices.map { i in xlog(real[i], optimal[i]) + xlog(generated[i], 1 - optimal[i]) })
        let gapMean = trapezoid(xs.indices.map { 0.5 * mass[$0] * gaps[$0] })
        return OptimalDiscriminatorComparison(trained: curve, optimal: optimal, real: real, generated: generated, gapMax: gapMax,
                                              gapMean: gapMean, value: value, optimalValue: optimalValue)
    }
}
