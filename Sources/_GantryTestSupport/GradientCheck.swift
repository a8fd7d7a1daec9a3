import Autodiff

/// Numerical checks of first and second derivatives against central differences, shared by every test
/// that defines an operation.
///
/// The function under test may return a tensor of any shape; it is contracted with fixed random weights
/// into a scalar L = Σ w ⊙ f(x), so one check covers the whole Jacobian–vector product.
public enum GradientCheck {
    /// The outcome of a check: the worst disagreement and where it happened.
    public struct Report: CustomStringConvertible {
        /// Whether every element agreed within the tolerances.
        public var passed = true
        /// The largest |analytic − numeric| seen.
        public var maxAbsoluteError: Float = 0
        /// The first disagreement, described for the test log.
        public var firstFailure: String?

        /// A one-line summary.
        public var description: String {
            passed ? "passed (max abs error \(maxAbsoluteError))" : "FAILED: \(firstFailure ?? "")"
        }
    }

    // Tolerances. In Float32 the central difference (L(x+h) − L(x−h)) / 2h carries a rounding error of
    // about ε·|L|/h ≈ 6e-8·10/1e-3 ≈ 6e-4 for the |L| ≲ 10 of these tests, and a truncation error of
    // h²·|L'''|/6 ≈ 1e-6. A bound of 4e-3 + 4e-3·|g| leaves a margin of ~6× over that noise while still
    // catching any wrong derivative rule (those are off by O(|g|)).
    /// Default step of the central difference.
    public static let defaultStep: Float = 1e-3
    /// Default absolute tolerance (see the comment above).
    public static let defaultAbsoluteTolerance: Float = 4e-3
    /// Default relative tolerance.
    public static let defaultRelativeTolerance: Float = 4e-3

    /// Checks `gradients(of: L, wrt: inputs)` against central differences of L, where L = Σ w ⊙ f(inputs).
    public static func firstOrder(
        _ inputs: [Tensor], seed: UInt64 = 7, step: Float = defaultStep,
        absoluteTolerance: Float = defaultAbsoluteTolerance, relativeTolerance: Float = defaultRelativeTolerance,
        _ f: ([Tensor]) throws -> Tensor
    ) throws -> Report {
        let variables = inputs.map { $0.detached().requiringGradient() }
        let weights = try contractionWeights(for: f(variables).shape, seed: seed)
        func scalarFunction(_ x: [Tensor]) throws -> Tensor { try (f(x) * weights).sum() }
        let analytic = try gradients(of: scalarFunction(variables), wrt: variables)
        return try compare(analytic, inputs: inputs, step: step, absoluteTolerance: absoluteTolerance,
                           relativeTolerance: relativeTolerance) { perturbed in
            // Recording stays on: f may take gradients itself (a gradient penalty); the perturbed inputs
            // are constants, so nothing else records.
            try scalarFunction(perturbed).scalar!
        }
    }

    /// Checks the derivative of S = Σᵢ ⟨∇ᵢL, vᵢ⟩ (the gradient of L contracted with random vᵢ) computed by
    /// differentiating twice (`createGraph: true`) against central differences of S.
    public static func secondOrder(
        _ inputs: [Tensor], seed: UInt64 = 11, step: Float = defaultStep,
        absoluteTolerance: Float = 2 * defaultAbsoluteTolerance, relativeTolerance: Float = 2 * defaultRelativeTolerance,
        _ f: ([Tensor]) throws -> Tensor
    ) throws -> Report {
        let probe = inputs.map { $0.detached().requiringGradient() }
        let weights = try contractionWeights(for: f(probe).shape, seed: seed)
        let stream = RandomStream(seed: seed, name: "gradcheck.directions")
        let directions = inputs.map { Tensor.randomNormal($0.shape, using: stream) }
        func contractedGradient(_ variables: [Tensor], createGraph: Bool) throws -> Tensor {
            let loss = try (f(variables) * weights).sum()
            let firstGradients = try gradients(of: loss, wrt: variables, createGraph: createGraph)
            var total = Tensor(0)
            for (g, v) in zip(firstGradients, directions) { total = try total + (g * v).sum() }
            return total
        }
        let variables = inputs.map { $0.detached().requiringGradient() }
        let s = try contractedGradient(variables, createGraph: true)
        let analytic = try gradients(of: s, wrt: variables)
        return try compare(analytic, inputs: inputs, step: step, absoluteTolerance: absoluteTolerance,
                           relativeTolerance: relativeTolerance) { perturbed in
            try contractedGradient(perturbed.map { $0.requiringGradient() }, createGraph: false).scalar!
        }
    }

    /// Fixed weights in [0.5, 1.5) with random signs, so no element's contribution can cancel to zero.
    static func contractionWeights(for shape: Shape, seed: UInt64) throws -> Tensor {
        let stream = RandomStream(seed: seed, name: "gradcheck.weights")
        let magnitudes = Tensor.randomUniform(shape, lower: 0.5, upper: 1.5, using: stream)
        let signs = Tensor.randomUniform(shape, lower: -1, upper: 1, using: stream).sign()
        return try magnitudes * signs
    }

    /// Compares each analytic gradient element with (L(x + h·eᵢ) − L(x − h·eᵢ)) / 2h.
    static func compare(_ analytic: [Tensor], inputs: [Tensor], step: Float, absoluteTolerance: Float,
                        relativeTolerance: Float, _ evaluate: ([Tensor]) throws -> Float) throws -> Report {
        var report = Report()
        for (which, input) in inputs.enumerated() {
            let expected = analytic[which].scalars
            for element in 0..<input.elementCount {
                let base = input.scalars[element]
                let h = step * Swift.max(1, Swift.abs(base))
                var plus = inputs, minus = inputs
                plus[which] = try perturb(input, element, by: h)
                minus[which] = try perturb(input, element, by: -h)
                let numeric = (try evaluate(plus) - evaluate(minus)) / (2 * h)
                let error = Swift.abs(numeric - expected[element])
                report.maxAbsoluteError = Swift.max(report.maxAbsoluteError, error)
                if !(error <= absoluteTolerance + relativeTolerance * Swift.abs(numeric)) && report.passed {
                    report.passed = false
                    report.firstFailure = "input \(which) element \(element) (x = \(base)): analytic \(expected[element]), numeric \(numeric)"
                }
            }
        }
        return report
    }

    static func perturb(_ tensor: Tensor, _ element: Int, by delta: Float) throws -> Tensor {
        var values = tensor.scalars
        values[element] += delta
        return try Tensor(values, shape: tensor.shape)
    }
}
