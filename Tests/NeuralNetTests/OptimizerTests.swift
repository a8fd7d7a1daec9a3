import XCTest
import Autodiff
import NeuralNet
import Kernels

/// Three steps of each optimizer against the update rules written out by hand in Double, as PyTorch
/// documents them.
final class OptimizerTests: XCTestCase {
    let start: [Float] = [0.5, -1.5, 2.0]
    let gradientSequence: [[Float]] = [[0.1, -0.2, 0.3], [-0.4, 0.5, 0.05], [0.2, 0.2, -0.6]]

    func run(_ optimizer: any Optimizer) throws -> [Float] {
        let parameter = Parameter(Tensor(start))
        for g in gradientSequence { try optimizer.update([parameter], gradients: [Tensor(g)]) }
        XCTAssertTrue(parameter.value.isVariable)
        return parameter.value.scalars
    }

    func assertClose(_ got: [Float], _ want: [Double], file: StaticString = #filePath, line: UInt = #line) {
        for (a, b) in zip(got, want) { XCTAssertEqual(Double(a), b, accuracy: 1e-6 * max(1, abs(b)), file: file, line: line) }
    }

    /// Adam's fused norms are the separate sums of squares, bit for bit, at lengths that end in every way
    /// the kernel's 16- and 8-lane loops can end; optimizers without a fused kernel say nil.
    func testAdamMeasuresTheNormsItPassesOver() throws {
        let stream = RandomStream(seed: 3, name: "measure")
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        // The last sizes are shared out over threads in blocks; the bits must not depend on the thread count.
        for counts in [[1], [7, 16], [15, 17, 33], [256, 3], [300_001], [65_536 * 4, 65_535]] {
            let start = counts.map { Tensor.randomNormal([$0], using: stream) }
            let gradients = counts.map { Tensor.randomNormal([$0], using: stream) }
            var results: [[Tensor]] = []
            for threads in [1, 2] {
                ComputeThreads.count = threads
                let parameters = start.map { Parameter($0) }
                let measured = try XCTUnwrap(try Adam(learningRate: 0.1).updateMeasuring(parameters, gradients: gradients))
                XCTAssertEqual(measured.gradientSquares.bitPattern,
                               gradients.reduce(0.0) { $0 + $1.squaredNorm() }.bitPattern, "\(counts), \(threads) threads")
                XCTAssertEqual(measured.parameterSquares.bitPattern,
                               parameters.reduce(0.0) { $0 + $1.value.squaredNorm() }.bitPattern, "\(counts), \(threads) threads")
                results.append(parameters.map(\.value))
            }
            for (one, two) in zip(results[0], results[1]) { XCTAssertTrue(one.isBitwiseEqual(to: two), "\(counts)") }
        }
        let parameter = Parameter(Tensor([1, 2]))
        XCTAssertNil(try SGD().updateMeasuring([parameter], gradients: [Tensor([1, 1])]))
        XCTAssertEqual(parameter.value.scalars, [0.99, 1.99], "the fallback still updates")
    }

    func testAdamMatchesTheHandComputedUpdates() throws {
        let (lr, b1, b2, eps, wd) = (0.01, 0.5, 0.9, 1e-8, 0.1)
        var p = start.map(Double.init), m = [0.0, 0, 0], v = [0.0, 0, 0]
        for (t, g0) in gradientSequence.enumerated() {
            for i in 0..<3 {
                let g = Double(g0[i]) + wd * p[i]
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                let mHat = m[i] / (1 - pow(b1, Double(t + 1))), vHat = v[i] / (1 - pow(b2, Double(t + 1)))
                p[i] -= lr * mHat / (vHat.squareRoot() + eps)
            }
        }
        let adam = Adam(learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-8, weightDecay: 0.1)
        assertClose(try run(adam), p)
        XCTAssertEqual(adam.bufferNames, ["exp_avg", "exp_avg_sq"])
    }

    func testSGDWithMomentumAndNesterovMatchesTheHandComputedUpdates() throws {
        for nesterov in [false, true] {
            let (lr, mu, wd) = (0.1, 0.9, 0.01)
            var p = start.map(Double.init), b = [0.0, 0, 0]
            for (t, g0) in gradientSequence.enumerated() {
                for i in 0..<3 {
                    var g = Double(g0[i]) + wd * p[i]
                    b[i] = t == 0 ? g : mu * b[i] + g
                    g = nesterov ? g + mu * b[i] : b[i]
                    p[i] -= lr * g
                }
            }
            assertClose(try run(SGD(learningRate: 0.1, momentum: 0.9, nesterov: nesterov, weightDecay: 0.01)), p)
        }
        var plain = start.map(Double.init)
        for g in gradientSequence { for i in 0..<3 { plain[i] -= 0.1 * Double(g[i]) } }
        assertClose(try run(SGD(learningRate: 0.1)), plain)
    }

    func testRMSPropMatchesTheHandComputedUpdates() throws {
        let (lr, alpha, eps) = (5e-5, 0.99, 1e-8)
        var p = start.map(Double.init), s = [0.0, 0, 0]
        for g0 in gradientSequence {
            for i in 0..<3 {
                let g = Double(g0[i])
                s[i] = alpha * s[i] + (1 - alpha) * g * g
                p[i] -= lr * g / (s[i].squareRoot() + eps)
            }
        }
        assertClose(try run(RMSProp(learningRate: 5e-5)), p)
    }

    func testStateIsInspectableAndSnapshotsRestoreExactly() throws {
        let parameter = Parameter(Tensor(start))
        let adam = Adam(learningRate: 0.1)
        try adam.update([parameter], gradients: [Tensor(gradientSequence[0])])
        XCTAssertEqual(adam.stepCount(of: parameter), 1)
        XCTAssertEqual(adam.buffers(of: parameter).map(\.name), ["exp_avg", "exp_avg_sq"])
        XCTAssertEqual(adam.buffers(of: parameter)[0].value.scalars.map { ($0 * 1e6).rounded() }, [10000, -20000, 30000])
        let savedState = adam.state, savedValue = parameter.value
        try adam.update([parameter], gradients: [Tensor(gradientSequence[1])])
        let afterTwo = parameter.value
        adam.state = savedState
        parameter.value = savedValue
        XCTAssertEqual(adam.stepCount(of: parameter), 1)
        try adam.update([parameter], gradients: [Tensor(gradientSequence[1])])
        XCTAssertTrue(parameter.value.isBitwiseEqual(to: afterTwo), "restoring a snapshot must replay exactly")
    }

    func testMismatchedGradientsAreRefused() {
        let parameter = Parameter(Tensor(start))
        XCTAssertThrowsError(try Adam().update([parameter], gradients: [Tensor.zeros([2])])) { error in
            XCTAssertEqual("\(error)", "adam: parameter 0 has shape [3] but its gradient [2]")
        }
        XCTAssertThrowsError(try SGD().update([parameter], gradients: [])) { error in
            XCTAssertEqual("\(error)", "sgd: 1 parameters but 0 gradients")
        }
    }
}
