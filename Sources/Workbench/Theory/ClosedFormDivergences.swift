import Foundation

/// Two distributions known by formula, whose divergences can be computed rather than estimated from samples:
/// what the document's arguments are about before any network is trained.
public enum DistributionPair: Sendable, Equatable {
    /// p = N(μ₁, σ₁²) and q = N(μ₂, σ₂²) on the line.
    case gaussians(mu1: Double, sigma1: Double, mu2: Double, sigma2: Double)
    /// p = U[a₁, b₁] and q = U[a₂, b₂] on the line.
    case uniforms(a1: Double, b1: Double, a2: Double, b2: Double)
    /// WGAN's Example 1 in the plane: p = (0, U[0, 1]) and q = (θ, U[0, 1]), two parallel segments.
    case parallelLines(theta: Double)

    /// Refuses parameters that make no distribution: a standard deviation that is not positive, an interval
    /// that is empty, a value that is not finite.
    public func validated() throws(DistributionError) -> DistributionPair {
        func finite(_ values: [(String, Double)]) throws(DistributionError) {
            if let bad = values.first(where: { !$0.1.isFinite }) {
                throw DistributionError(parameter: bad.0, "\(bad.0)=\(theoryText(bad.1)) is not a finite number")
            }
        }
        switch self {
        case .gaussians(let mu1, let sigma1, let mu2, let sigma2):
            try finite([("mu1", mu1), ("sigma1", sigma1), ("mu2", mu2), ("sigma2", sigma2)])
            for (name, sigma) in [("sigma1", sigma1), ("sigma2", sigma2)] where sigma <= 0 {
                throw DistributionError(parameter: name, "\(name)=\(theoryText(sigma)): a Gaussian's standard deviation must be positive")
            }
        case .uniforms(let a1, let b1, let a2, let b2):
            try finite([("a1", a1), ("b1", b1), ("a2", a2), ("b2", b2)])
            for (which, a, b) in [("1", a1, b1), ("2", a2, b2)] where !(a < b) {
                throw DistributionError(parameter: "b" + which, "a\(which)=\(theoryText(a)), b\(which)=\(theoryText(b)): a uniform distribution needs a\(which) < b\(which)")
            }
        case .parallelLines(let theta):
            try finite([("theta", theta)])
        }
        return self
    }

    /// The densities of p and q at x, for the pairs on the line; nil for the parallel lines, which have no
    /// density in the plane (each lives on a segment).
    public func densities(at x: Double) -> (p: Double, q: Double)? {
        switch self {
        case .gaussians(let mu1, let sigma1, let mu2, let sigma2):
            return (exp(Self.logNormalDensity(x, mu1, sigma1)), exp(Self.logNormalDensity(x, mu2, sigma2)))
        case .uniforms(let a1, let b1, let a2, let b2):
            return ((a1...b1).contains(x) ? 1 / (b1 - a1) : 0, (a2...b2).contains(x) ? 1 / (b2 - a2) : 0)
        case .parallelLines:
            return nil
        }
    }

    /// Where most of both distributions' mass lies on the line (for pictures of the densities).
    public var typicalRange: ClosedRange<Double> {
        switch self {
        case .gaussians(let mu1, let sigma1, let mu2, let sigma2):
            return min(mu1 - 4 * sigma1, mu2 - 4 * sigma2)...max(mu1 + 4 * sigma1, mu2 + 4 * sigma2)
        case .uniforms(let a1, let b1, let a2, let b2):
            let low = min(a1, a2), high = max(b1, b2), margin = (high - low) / 10
            return (low - margin)...(high + margin)
        case .parallelLines(let theta):
            return min(0, theta) - 1...max(0, theta) + 1
        }
    }

    /// KL(p‖q), KL(q‖p), JS, total variation and W1 between p and q (nats; +∞ where a divergence is infinite).
    public func divergences() -> Divergences {
        switch self {
        case .gaussians(let mu1, let sigma1, let mu2, let sigma2):
            return Divergences(kl: Self.gaussianKL(mu1, sigma1, mu2, sigma2), reverseKL: Self.gaussianKL(mu2, sigma2, mu1, sigma1),
                               js: Self.gaussianJS(mu1, sigma1, mu2, sigma2), tv: Self.gaussianTV(mu1, sigma1, mu2, sigma2),
                               w1: Self.gaussianW1(mu1, sigma1, mu2, sigma2), numerical: [.js])
        case .uniforms(let a1, let b1, let a2, let b2):
            return Self.uniformDivergences(a1, b1, a2, b2)
        case .parallelLines(let theta):
            // The segments are disjoint unless θ = 0: each distribution puts all its mass where the other has none.
            let apart = theta != 0
            return Divergences(kl: apart ? .infinity : 0, reverseKL: apart ? .infinity : 0, js: apart ? log(2) : 0,
                               tv: apart ? 1 : 0, w1: abs(theta), numerical: [])
        }
    }

    // MARK: Gaussians

    static func logNormalDensity(_ x: Double, _ mu: Double, _ sigma: Double) -> Double {
        let z = (x - mu) / sigma
        return -0.5 * z * z - log(sigma) - 0.5 * log(2 * Double.pi)
    }

    /// The standard normal distribution function, through erfc so that the far tails keep their digits.
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }

    /// KL(N(μ₁, σ₁²) ‖ N(μ₂, σ₂²)) = log(σ₂/σ₁) + (σ₁² + (μ₁ − μ₂)²)/(2σ₂²) − ½.
    static func gaussianKL(_ mu1: Double, _ sigma1: Double, _ mu2: Double, _ sigma2: Double) -> Double {
        log(sigma2 / sigma1) + (sigma1 * sigma1 + (mu1 - mu2) * (mu1 - mu2)) / (2 * sigma2 * sigma2) - 0.5
    }

    /// W1 through the quantile coupling: F_p⁻¹(u) − F_q⁻¹(u) = (μ₁ − μ₂) + (σ₁ − σ₂)·Φ⁻¹(u), so W1 = E|a + bZ|
    /// for Z standard normal, the mean of a folded normal: b·√(2/π)·e^(−a²/2b²) + a·(1 − 2Φ(−a/b)).
    static func gaussianW1(_ mu1: Double, _ sigma1: Double, _ mu2: Double, _ sigma2: Double) -> Double {
        let a = mu1 - mu2, b = abs(sigma1 - sigma2)
        guard b > 0 else { return abs(a) }
        return b * (2 / Double.pi).squareRoot() * exp(-a * a / (2 * b * b)) + a * (1 - 2 * normalCDF(-a / b))
    }

    /// Total variation sup_A |P(A) − Q(A)| = P(S) − Q(S) on S = {p > q}, whose ends are where the densities
    /// cross: one point when σ₁ = σ₂, otherwise the two roots of a quadratic.
    static func gaussianTV(_ mu1: Double, _ sigma1: Double, _ mu2: Double, _ sigma2: Double) -> Double {
        if sigma1 == sigma2 {
            return 2 * normalCDF(abs(mu1 - mu2) / (2 * sigma1)) - 1
        }
        // log p − log q = A x² + B x + C.
        let a = 1 / (2 * sigma2 * sigma2) - 1 / (2 * sigma1 * sigma1)
        let b = mu1 / (sigma1 * sigma1) - mu2 / (sigma2 * sigma2)
        let c = mu2 * mu2 / (2 * sigma2 * sigma2) - mu1 * mu1 / (2 * sigma1 * sigma1) + log(sigma2 / sigma1)
        let root = (b * b - 4 * a * c).squareRoot()
        let q = -0.5 * (b + (b >= 0 ? root : -root))
        let pair = [q / a, c / q].sorted()
        func mass(_ mu: Double, _ sigma: Double) -> Double {
            normalCDF((pair[1] - mu) / sigma) - normalCDF((pair[0] - mu) / sigma)
        }
        // Between the crossings the narrower density is the larger one.
        return abs(mass(mu1, sigma1) - mass(mu2, sigma2))
    }

    /// JS by quadrature (no closed form exists): Simpson's rule with `simpsonPanels` panels on each piece between
    /// the breakpoints μᵢ and μᵢ ± 12σᵢ; beyond them both densities are below e⁻⁷² of their peaks.
    static func gaussianJS(_ mu1: Double, _ sigma1: Double, _ mu2: Double, _ sigma2: Double) -> Double {
        let breaks = Array(Set([mu1, mu1 - 12 * sigma1, mu1 + 12 * sigma1, mu2, mu2 - 12 * sigma2, mu2 + 12 * sigma2])).sorted()
        func integrand(_ x: Double) -> Double {
            let lp = logNormalDensity(x, mu1, sigma1), lq = logNormalDensity(x, mu2, sigma2)
            let high = max(lp, lq)
            let lm = high + log1p(exp(min(lp, lq) - high)) - log(2)
            return 0.5 * exp(lp) * (lp - lm) + 0.5 * exp(lq) * (lq - lm)
        }
        var total = 0.0
        for (low, high) in zip(breaks, breaks.dropFirst()) {
            total += simpson(integrand, low, high, panels: simpsonPanels)
        }
        return min(max(total, 0), log(2))
    }

    /// Panels per piece of the JS quadrature.
    public static let simpsonPanels = 4096

    /// Composite Simpson's rule with an even number of panels.
    static func simpson(_ f: (Double) -> Double, _ low: Double, _ high: Double, panels: Int) -> Double {
        let h = (high - low) / Double(panels)
        var sum = f(low) + f(high)
        for i in 1..<panels { sum += f(low + Double(i) * h) * (i % 2 == 1 ? 4 : 2) }
        return sum * h / 3
    }

    // MARK: Uniforms

    /// Every divergence of two uniforms in closed form: both densities are constant on the overlap and on the
    /// parts where only one is positive.
    static func uniformDivergences(_ a1: Double, _ b1: Double, _ a2: Double, _ b2: Double) -> Divergences {
        let l1 = b1 - a1, l2 = b2 - a2
        let overlap = max(0, min(b1, b2) - max(a1, a2))
        func kl(_ aFrom: Double, _ bFrom: Double, _ aTo: Double, _ bTo: Double) -> Double {
            aTo <= aFrom && bFrom <= bTo ? log((bTo - aTo) / (bFrom - aFrom)) : .infinity
        }
        let pOnly = (l1 - overlap) / l1, qOnly = (l2 - overlap) / l2
        let tv = 0.5 * (pOnly + qOnly + overlap * abs(1 / l1 - 1 / l2))
        // On the overlap m = ½(1/l₁ + 1/l₂); where only one density is positive, m is half of it.
        let mOverlap = 0.5 * (1 / l1 + 1 / l2)
        var js = 0.5 * (pOnly + qOnly) * log(2)
        if overlap > 0 {
            js += 0.5 * overlap / l1 * log((1 / l1) / mOverlap) + 0.5 * overlap / l2 * log((1 / l2) / mOverlap)
        }
        // W1 = ∫₀¹ |c + d·u| du with F_p⁻¹(u) − F_q⁻¹(u) = c + d·u, a linear function of u.
        let c = a1 - a2, d = l1 - l2
        let w1: Double
        if d == 0 || c * (c + d) >= 0 {
            w1 = abs(c + d / 2)
        } else {
            let zero = -c / d
            w1 = abs(c) * zero / 2 + abs(c + d) * (1 - zero) / 2
        }
        return Divergences(kl: kl(a1, b1, a2, b2), reverseKL: kl(a2, b2, a1, b1), js: min(max(js, 0), log(2)), tv: tv, w1: w1,
                           numerical: [])
    }
}

/// Parameters that make no distribution: which one, and why.
public struct DistributionError: Error, Equatable, CustomStringConvertible {
    /// The parameter to point at.
    public let parameter: String
    /// What is wrong, in the user's terms.
    public let description: String

    init(parameter: String, _ description: String) {
        self.parameter = parameter
        self.description = description
    }
}

/// A number as the theory's messages write it: whole values without a fraction, others as Swift prints them.
func theoryText(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
}

/// The five divergences of a `DistributionPair`, in nats.
public struct Divergences: Sendable, Equatable {
    /// KL(p‖q).
    public var kl: Double
    /// KL(q‖p).
    public var reverseKL: Double
    /// Jensen–Shannon: ½KL(p‖m) + ½KL(q‖m), m = ½(p + q); at most log 2.
    public var js: Double
    /// Total variation: sup_A |P(A) − Q(A)| = ½∫|p − q|.
    public var tv: Double
    /// Wasserstein-1 (earth mover's) distance.
    public var w1: Double
    /// The divergences computed by quadrature rather than a closed form.
    public var numerical: Set<Name>

    /// The divergences by name.
    public enum Name: String, Sendable, CaseIterable {
        case kl, reverseKL = "reverse_kl", js, tv, w1
    }

    /// A divergence by name.
    public subscript(_ name: Name) -> Double {
        switch name {
        case .kl: kl
        case .reverseKL: reverseKL
        case .js: js
        case .tv: tv
        case .w1: w1
        }
    }
}
