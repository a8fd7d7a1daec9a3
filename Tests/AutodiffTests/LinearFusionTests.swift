import XCTest
import Autodiff
import Kernels

/// The fused `linear` must be the three operations it replaces in every bit: values, gradients, and the
/// gradients of a gradient penalty (the second order WGAN-GP needs).
final class LinearFusionTests: XCTestCase {
    let rectifiers: [(Rectifier, (Tensor) -> Tensor)] = [
        (.identity, { $0 }), (.relu, { $0.relu() }), (.leakyRelu(slope: 0.2), { $0.leakyRelu(slope: 0.2) }),
        (.leakyRelu(slope: 0), { $0.leakyRelu(slope: 0) }), (.leakyRelu(slope: -0.5), { $0.leakyRelu(slope: -0.5) }),
    ]

    /// A two-layer critic's penalty λ·mean((‖∇ₓD‖ − 1)²), D built with `layer`, and its gradients.
    func penaltyAndGradients(_ weights: [Tensor], _ points: Tensor,
                             _ layer: (Tensor, Tensor, Tensor) throws -> Tensor) throws -> [Tensor] {
        let x = points.requiringGradient()
        let hidden = try layer(x, weights[0], weights[1])
        let score = try hidden.matmul(weights[2], transposeOther: true) + weights[3]
        let gradient = try gradients(of: score.sum(), wrt: [x], createGraph: true)[0]
        let penalty = try (gradient.rowNorms() - 1).squared().mean() * 10
        return [penalty] + (try gradients(of: penalty + score.mean(), wrt: weights))
    }

    func testFusedLinearIsBitIdenticalToItsParts() throws {
        let (savedThreads, savedWide) = (ComputeThreads.count, GEMM.usesWideVectors)
        defer { (ComputeThreads.count, GEMM.usesWideVectors) = (savedThreads, savedWide) }
        ComputeThreads.count = 2
        // Shapes that take the packed kernel with edges, the skinny path (one output), and two threads; on
        // the AVX-512 path (bias and rectifier inside the kernel) and the AVX2 one (a pass after it).
        for wide in GEMM.usesWideVectors ? [true, false] : [false] {
            GEMM.usesWideVectors = wide
            for (rows, inputs, outputs) in [(37, 19, 23), (128, 2, 128), (256, 128, 1), (64, 300, 130), (256, 300, 300)] {
                let stream = RandomStream(seed: UInt64(rows * 1000 + outputs), name: "fusion")
                let x = Tensor.randomNormal([rows, inputs], using: stream)
                let w = Tensor.randomNormal([outputs, inputs], standardDeviation: 0.3, using: stream).requiringGradient()
                let b = Tensor.randomNormal([outputs], using: stream).requiringGradient()
                let upstream = Tensor.randomNormal([rows, outputs], using: stream)
                for (rectifier, apply) in rectifiers {
                    let fused = try x.linear(weight: w, bias: b, rectifier: rectifier)
                    let parts = apply(try x.matmul(w, transposeOther: true) + b)
                    XCTAssertTrue(fused.isBitwiseEqual(to: parts), "\(rectifier) \(rows)×\(inputs)→\(outputs): values differ")
                    let fusedGradients = try gradients(of: (fused * upstream).sum(), wrt: [w, b])
                    let partGradients = try gradients(of: (parts * upstream).sum(), wrt: [w, b])
                    for (f, p) in zip(fusedGradients, partGradients) {
                        XCTAssertTrue(f.isBitwiseEqual(to: p), "\(rectifier) \(rows)×\(inputs)→\(outputs): gradients differ")
                    }
                }
            }
        }
    }

    func testFusedLinearKeepsSecondOrderGradients() throws {
        let stream = RandomStream(seed: 4, name: "fusion.penalty")
        let weights = [Tensor.randomNormal([16, 2], standardDeviation: 0.5, using: stream),
                       Tensor.randomNormal([16], standardDeviation: 0.5, using: stream),
                       Tensor.randomNormal([1, 16], standardDeviation: 0.5, using: stream),
                       Tensor.randomNormal([1], using: stream)].map { $0.requiringGradient() }
        let points = Tensor.randomNormal([9, 2], using: stream)
        for (rectifier, apply) in rectifiers {
            let fused = try penaltyAndGradients(weights, points) { try $0.linear(weight: $1, bias: $2, rectifier: rectifier) }
            let parts = try penaltyAndGradients(weights, points) { apply(try $0.matmul($1, transposeOther: true) + $2) }
            for (index, (f, p)) in zip(fused, parts).enumerated() {
                XCTAssertTrue(f.isBitwiseEqual(to: p), "\(rectifier): output \(index) differs: \(f) vs \(p)")
            }
            // Not vacuous: the penalty moves the first layer's weights.
            XCTAssertGreaterThan(fused[1].abs().sum().scalar!, 1e-4)
        }
    }

    func testLinearRejectsMismatchedShapes() {
        let x = Tensor.zeros([4, 3])
        XCTAssertThrowsError(try x.linear(weight: Tensor.zeros([2, 5]), bias: nil))
        XCTAssertThrowsError(try x.linear(weight: Tensor.zeros([2, 3]), bias: Tensor.zeros([3])))
        XCTAssertThrowsError(try Tensor.zeros([3]).linear(weight: Tensor.zeros([2, 3]), bias: nil))
    }
}
