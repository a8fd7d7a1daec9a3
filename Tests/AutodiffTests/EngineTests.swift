import XCTest
import Autodiff
import Kernels
import _GantryTestSupport

final class EngineTests: XCTestCase {
    /// λ·mean(‖∇ₓD(x̂)‖ − 1)² for a two-layer critic, as a function of the critic's weights.
    func gradientPenalty(_ weights: [Tensor], points: Tensor, activation: (Tensor) throws -> Tensor) throws -> Tensor {
        let (w1, b1, w2, b2) = (weights[0], weights[1], weights[2], weights[3])
        let x = points.requiringGradient()
        let score = try (try activation(try x.matmul(w1) + b1)).matmul(w2) + b2
        let gradient = try gradients(of: score.sum(), wrt: [x], createGraph: true)[0]
        return try (gradient.rowNorms() - 1).squared().mean() * 10
    }

    func testWGANGradientPenaltyGradientMatchesFiniteDifferences() throws {
        let stream = RandomStream(seed: 9, name: "wgan-gp")
        // Weights scaled so that ‖∇ₓD‖ ≈ 1 and the penalty is O(1), where Float32 central differences are
        // accurate to the check's tolerance (a penalty of ~100 would need a looser one).
        let weights = [Tensor.randomNormal([2, 8], standardDeviation: 0.5, using: stream),
                       Tensor.randomNormal([8], standardDeviation: 0.5, using: stream),
                       Tensor.randomNormal([8, 1], standardDeviation: 0.5, using: stream),
                       Tensor.randomNormal([1], using: stream)]
        let points = Tensor.randomNormal([6, 2], using: stream)
        for (name, activation) in [("leaky relu", { (t: Tensor) in t.leakyRelu(slope: 0.2) }),
                                   ("tanh", { (t: Tensor) in t.tanh() })] as [(String, (Tensor) throws -> Tensor)] {
            let report = try GradientCheck.firstOrder(weights) {
                try self.gradientPenalty($0, points: points, activation: activation)
            }
            XCTAssertTrue(report.passed, "\(name): \(report)")
            // The penalty really depends on every weight (the check is not vacuous).
            let variables = weights.map { $0.requiringGradient() }
            let grads = try gradients(of: try gradientPenalty(variables, points: points, activation: activation), wrt: variables)
            // ∇ₓD does not depend on the output bias, nor (leaky ReLU being piecewise linear) on b1.
            for (i, g) in grads.enumerated() where i == 0 || i == 2 || (i == 1 && name == "tanh") {
                XCTAssertGreaterThan(g.abs().sum().scalar!, 1e-4, "\(name): weight \(i) got no gradient")
            }
        }
    }

    func testErrorsAreThrownWithClearMessages() throws {
        let a = Tensor.zeros([3]), b = Tensor.zeros([4]), m = Tensor.zeros([2, 3])
        func message(_ body: () throws -> Any) -> String {
            do { _ = try body(); return "no error" } catch { return "\(error)" }
        }
        XCTAssertEqual(message { try a + b }, "add: shapes [3] and [4] cannot be broadcast together")
        XCTAssertEqual(message { try m.matmul(m) }, "matmul: shapes [2, 3] and [2, 3] have inner dimensions 3 and 2")
        XCTAssertEqual(message { try m.matmul(m, transposeOther: true).matmul(a) },
                       "matmul: shapes [2, 2] and [3] must both be matrices")
        XCTAssertEqual(message { try m.sum(axis: 2) }, "sum: axis 2 is out of range for a tensor of rank 2")
        XCTAssertEqual(message { try m.reshaped(to: [4]) },
                       "reshape: shapes [2, 3] and [4] have different element counts (6 and 4)")
        XCTAssertEqual(message { try Tensor([1, 2, 3], shape: [2, 2]) }, "Tensor(_:shape:): expected 4 elements, got 3")
        XCTAssertEqual(message { try Tensor(rows: [[1, 2], [3]]) }, "Tensor(rows:): row 1 has 1 elements but row 0 has 2")
        XCTAssertEqual(message { try Tensor.concatenate([m, Tensor.zeros([2, 2, 1])], axis: 0) },
                       "concatenate: shapes [2, 3] and [2, 2, 1] must agree in every dimension but 0")
        XCTAssertEqual(message { try m.slice(axis: 1, 2..<5) }, "slice: range 2..<5 is outside 0..<3 on axis 1 of shape [2, 3]")
        XCTAssertEqual(message { try a.clamped(lower: 1, upper: 0) }, "clamp: lower bound 1.0 exceeds upper bound 0.0")
        let x = m.requiringGradient()
        XCTAssertEqual(message { try gradients(of: x * 2, wrt: [x]) },
                       "gradients: the loss must be a scalar (one element), but it has shape [2, 3]; reduce it with sum() or mean() first")
        XCTAssertEqual(message { try gradients(of: x.sum(), wrt: [x, a]) },
                       "gradients: wrt[1] (shape [3]) does not record gradients; create it with requiringGradient()")
    }

    func testUnusedVariablesGetZeroGradients() throws {
        let used = Tensor.ones([2]).requiringGradient(), unused = Tensor.ones([3]).requiringGradient()
        let grads = try gradients(of: (used * 3).sum(), wrt: [used, unused])
        XCTAssertEqual(grads[0].scalars, [3, 3])
        XCTAssertEqual(grads[1].scalars, [0, 0, 0])
        // A loss that depends on nothing recorded: all zeros, no error.
        XCTAssertEqual(try gradients(of: Tensor(1), wrt: [used])[0].scalars, [0, 0])
    }

    func testCreateGraphDecidesWhetherGradientsRecord() throws {
        let x = try Tensor([1, 2], shape: [2]).requiringGradient()
        let loss = (x.pow(3)).sum()
        XCTAssertFalse(try gradients(of: loss, wrt: [x])[0].requiresGradient)
        let first = try gradients(of: loss, wrt: [x], createGraph: true)[0]
        XCTAssertTrue(first.requiresGradient)
        XCTAssertEqual(first.scalars, [3, 12])
        XCTAssertEqual(try gradients(of: first.sum(), wrt: [x])[0].scalars, [6, 12])
        let inside = withoutGradients { (x * 2).sum() }
        XCTAssertFalse(inside.requiresGradient)
        XCTAssertTrue(GradientMode.isRecording)
    }

    func testGradientsAccumulateOverSharedSubexpressions() throws {
        let x = try Tensor([2], shape: [1]).requiringGradient()
        let y = x * 3
        let loss = try ((try y * y) + y).sum()  // 9x² + 3x → 18x + 3 = 39
        XCTAssertEqual(try gradients(of: loss, wrt: [x])[0].scalars, [39])
        // An intermediate result may be a target too.
        let both = try gradients(of: loss, wrt: [y, x])
        XCTAssertEqual(both[0].scalars, [13])
        XCTAssertEqual(both[1].scalars, [39])
    }

    func testMutationCopiesSharedStorageAndKeepsVariables() throws {
        var weight = Tensor.ones([3]).requiringGradient()
        let snapshot = weight
        weight.withUnsafeMutableBufferPointer { $0[0] = 5 }
        XCTAssertEqual(snapshot.scalars, [1, 1, 1], "a copy must not see the write")
        XCTAssertEqual(weight.scalars, [5, 1, 1])
        XCTAssertTrue(weight.isVariable)
        var computed = weight * 2
        computed.withUnsafeMutableBufferPointer { $0[1] = 0 }
        XCTAssertFalse(computed.requiresGradient, "an edited result no longer matches its recorded op")
    }

    /// sigmoid gives the same bits with and without recording, is accurate on both tails and never
    /// overflows into its gradient.
    func testSigmoidIsAccurateOnBothTailsWithAFiniteGradient() throws {
        var values: [Float] = [0, -0, 1e-30, -1e-30, 0.5, -0.5, 3, -3, 20, -20, 88, -88, 100, -100, .infinity, -.infinity]
        values += Tensor.randomNormal([2000], standardDeviation: 12, using: RandomStream(seed: 4, name: "sigmoid")).scalars
        let x = Tensor(values)
        let plain = withoutGradients { x.sigmoid() }
        let variable = x.requiringGradient()
        let recorded = variable.sigmoid()
        XCTAssertEqual(plain.scalars.map(\.bitPattern), recorded.scalars.map(\.bitPattern))
        XCTAssertEqual(plain.scalars[0], 0.5)
        XCTAssertEqual(plain.scalars[14], 1)
        XCTAssertEqual(plain.scalars[15], 0)
        for (input, output) in zip(values, plain.scalars) where input.isFinite {
            let exact = 1 / (1 + exp(-Double(input)))
            XCTAssertEqual(Double(output), exact, accuracy: 2 * Double(Float.ulpOfOne) * exact + 1e-45, "σ(\(input))")
        }
        let slope = try gradients(of: recorded.sum(), wrt: [variable])[0].scalars
        XCTAssertTrue(slope.allSatisfy(\.isFinite))
        XCTAssertEqual(Double(slope[11]), exp(-88.0), accuracy: 1e-6 * exp(-88.0))
    }

    func testSoftplusAndCrossEntropyAreStableAtExtremes() throws {
        let x = try Tensor([-200, -40, -30, 0, 30, 40, 200], shape: [7]).requiringGradient()
        let y = try x.softplus()
        let expected: [Double] = [-200, -40, -30, 0, 30, 40, 200].map { $0 > 0 ? $0 + log1p(exp(-$0)) : log1p(exp($0)) }
        for (got, want) in zip(y.scalars, expected) {
            XCTAssertTrue(got.isFinite)
            XCTAssertEqual(Double(got), want, accuracy: 1e-6 * max(1, abs(want)))
        }
        let slope = try gradients(of: y.sum(), wrt: [x])[0].scalars
        let sigma: [Double] = [-200, -40, -30, 0, 30, 40, 200].map { 1 / (1 + exp(-$0)) }
        for (got, want) in zip(slope, sigma) {
            XCTAssertTrue(got.isFinite)
            // The gradient stays accurate relative to σ even where softplus itself underflows.
            XCTAssertEqual(Double(got), want, accuracy: 1e-6 * want + 1e-30)
        }
        let bce = try Tensor.binaryCrossEntropy(logits: x, targets: Tensor.ones([7]))
        XCTAssertTrue(bce.scalars.allSatisfy(\.isFinite))
        XCTAssertEqual(bce.scalars[0], 200, accuracy: 1e-4)
    }

    /// The one-operation softplus has the bits of the composite it replaced — max(x, 0) + log(1 + exp(−|x|))
    /// with −|x| as select(x > 0, −x, x) — in value, in gradient (for a gradient of varied signs and
    /// zeros) and in the gradient of the gradient.
    func testSoftplusHasTheBitsOfItsComposite() throws {
        func composite(_ x: Tensor) throws -> Tensor {
            try x.relu() + (1 + (try Tensor.select(x.isGreater(than: 0), -x, x).exp())).log()
        }
        var values: [Float] = [0, -0, 1e-30, -1e-30, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, 0.5, -0.5,
                               3, -3, 17, -17, 88, -88, 104, -104, 1e30, -1e30, .infinity, -.infinity]
        let stream = RandomStream(seed: 8, name: "softplus")
        values += Tensor.randomNormal([45], standardDeviation: 6, using: stream).scalars
        let weights = Tensor.randomNormal([values.count], using: stream).scalars.enumerated().map { $0.offset % 7 == 0 ? 0 : $0.element }
        let x = try Tensor(values, shape: [values.count]).requiringGradient()
        let w = try Tensor(weights, shape: [values.count])
        let fused = try x.softplus(), reference = try composite(x)
        XCTAssertEqual(fused.scalars.map(\.bitPattern), reference.scalars.map(\.bitPattern))
        let fusedGradient = try gradients(of: (fused * w).sum(), wrt: [x])[0]
        let referenceGradient = try gradients(of: (reference * w).sum(), wrt: [x])[0]
        XCTAssertEqual(fusedGradient.scalars.map(\.bitPattern), referenceGradient.scalars.map(\.bitPattern))
        let finite = try Tensor(Array(values.prefix(18)) + values.suffix(45), shape: [63]).requiringGradient()
        let v = try Tensor(Array(weights.prefix(18)) + weights.suffix(45), shape: [63])
        let fusedSecond = try gradients(
            of: (try gradients(of: (try finite.softplus() * v).sum(), wrt: [finite], createGraph: true)[0]).squared().sum(),
            wrt: [finite])[0]
        let referenceSecond = try gradients(
            of: (try gradients(of: (try composite(finite) * v).sum(), wrt: [finite], createGraph: true)[0]).squared().sum(),
            wrt: [finite])[0]
        XCTAssertEqual(fusedSecond.scalars.map(\.bitPattern), referenceSecond.scalars.map(\.bitPattern))
    }

    func testRowNormHasAZeroGradientAtTheOrigin() throws {
        let x = try Tensor(rows: [[0, 0], [3, 4]]).requiringGradient()
        let norms = try x.rowNorms()
        XCTAssertEqual(norms.scalars, [0, 5])
        let g = try gradients(of: norms.sum(), wrt: [x])[0].scalars
        XCTAssertEqual(g, [0, 0, 0.6, 0.8])
        let second = try gradients(of: try gradients(of: norms.sum(), wrt: [x], createGraph: true)[0].sum(), wrt: [x])[0]
        XCTAssertTrue(second.scalars.allSatisfy(\.isFinite))
    }

    func testPrintingUsesOneStableFormat() throws {
        XCTAssertEqual(Tensor(2.5).description, "Tensor(2.5)")
        XCTAssertEqual(try Tensor(rows: [[1, -2.5, 1e-7], [100000, 1234567, .nan]]).description, """
            Tensor [2, 3]
            [[          1,        -2.5,       1e-07],
             [     100000, 1.23457e+06,         nan]]
            """)
        XCTAssertEqual(Tensor([Float](repeating: 1, count: 10)).description, "Tensor [10]\n[1, 1, 1, …, 1, 1, 1]")
        XCTAssertEqual(Tensor.zeros([2, 1, 2]).description, "Tensor [2, 1, 2]\n[[[0, 0]],\n [[0, 0]]]")
        XCTAssertEqual(Tensor.format(-.infinity), "-inf")
    }

    /// A full forward and backward pass gives identical bits with one and with two threads.
    func testForwardAndBackwardAreBitIdenticalAcrossThreadCounts() throws {
        let stream = RandomStream(seed: 12, name: "mlp")
        let w1 = Tensor.randomNormal([64, 512], standardDeviation: 0.1, using: stream).requiringGradient()
        let w2 = Tensor.randomNormal([512, 512], standardDeviation: 0.05, using: stream).requiringGradient()
        let w3 = Tensor.randomNormal([512, 1], standardDeviation: 0.05, using: stream).requiringGradient()
        let x = Tensor.randomNormal([256, 64], using: stream)
        func pass() throws -> [Tensor] {
            let h = try x.matmul(w1).leakyRelu(slope: 0.2).matmul(w2).tanh().matmul(w3)
            let loss = try Tensor.binaryCrossEntropy(logits: h, targets: Tensor.ones(h.shape)).mean()
            return [loss] + (try gradients(of: loss, wrt: [w1, w2, w3]))
        }
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        ComputeThreads.count = 1
        let single = try pass()
        ComputeThreads.count = 2
        let double = try pass()
        for (a, b) in zip(single, double) { XCTAssertTrue(a.isBitwiseEqual(to: b)) }
    }

    /// Broadcast operations walk their runs on several threads when the result is long: a per-channel
    /// operand over a batch of images ([n, c, h·w] with [1, c, 1], odd sizes) gives every element the
    /// scalar formula's bits on any thread count, for the four operations, expanding and selecting.
    func testBroadcastRunsGiveTheScalarValuesOnAnyThreadCount() throws {
        let (n, c, plane) = (23, 37, 197)
        let stream = RandomStream(seed: 3, name: "broadcast")
        let x = Tensor.randomNormal([n, c, plane], using: stream)
        let perChannel = Tensor.randomNormal([1, c, 1], using: stream) + 3
        let (xs, ps) = (x.scalars, perChannel.scalars)
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        let formulas: [(Float, Float) -> Float] = [{ $0 - $1 }, { $0 / $1 }, { $0 * $1 }, { $1 + $0 }, { $1 }, { $0 != 0 ? $1 : 0 }]
        // Every result is kept until the end, so that no buffer is reused holding an earlier run's values.
        var kept: [[Tensor]] = []
        for threads in [1, 2, 3] {
            ComputeThreads.count = threads
            let results = [try x - perChannel, try x / perChannel, try x * perChannel, try perChannel + x,
                           try perChannel.expanded(to: x.shape), try Tensor.select(x, perChannel, Tensor(0))]
            kept.append(results)
            for (result, formula) in zip(results, formulas) {
                let got = result.scalars
                for i in 0..<got.count where got[i].bitPattern != formula(xs[i], ps[(i / plane) % c]).bitPattern {
                    XCTFail("\(threads) threads: element \(i) is \(got[i])")
                    break
                }
            }
        }
    }
}
