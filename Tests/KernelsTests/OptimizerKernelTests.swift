import XCTest
@testable import Kernels
import HostCPU

final class OptimizerKernelTests: XCTestCase {
    /// Adam on every vector path the processor has (AVX-512 and AVX2) gives the bits of the update written
    /// out per element in Float, and measures exactly `Reductions.sumOfSquares` of the gradient and the new
    /// parameter; at lengths that end inside a 16-lane vector, an 8-lane one and a block, with and without
    /// weight decay, on one and two threads.
    func testEveryVectorPathGivesTheBitsOfTheScalarFormula() {
        let (savedWide, savedThreads) = (GEMM.usesWideVectors, ComputeThreads.count)
        defer { (GEMM.usesWideVectors, ComputeThreads.count) = (savedWide, savedThreads) }
        var state: UInt64 = 9
        func next() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(bitPattern: state >> 11) % 20001 - 10000) / 7000
        }
        let (lr, beta1, beta2, epsilon, correction1, correction2): (Float, Float, Float, Float, Float, Float) =
            (1e-3, 0.5, 0.999, 1e-8, 0.5, 0.001)
        for (count, decay) in [(7, Float(0)), (31, 0.01), (1031, 0), (70_001, 0.1), (300_000, 0)] {
            let (p, g, m) = ((0..<count).map { _ in next() }, (0..<count).map { _ in next() }, (0..<count).map { _ in next() })
            let v = (0..<count).map { _ in abs(next()) }
            var expected = [Float](repeating: 0, count: 3 * count)
            for i in 0..<count {
                let grad = decay == 0 ? g[i] : g[i] + p[i] * decay
                let m2 = m[i] * beta1 + grad * (1 - beta1)
                let v2 = v[i] * beta2 + (grad * grad) * (1 - beta2)
                let denominator = v2.squareRoot() / correction2.squareRoot() + epsilon
                (expected[i], expected[count + i], expected[2 * count + i]) = (p[i] - (m2 / denominator) * (lr / correction1), m2, v2)
            }
            for (wide, threads) in (CPUFeatures.has("avx512f") ? [true, false] : [false]).flatMap({ w in [(w, 1), (w, 2)] }) {
                (GEMM.usesWideVectors, ComputeThreads.count) = (wide, threads)
                var (pOut, mOut, vOut) = ([Float](repeating: 0, count: count), [Float](repeating: 0, count: count),
                                          [Float](repeating: 0, count: count))
                let sums = OptimizerKernels.adam(parameter: p, gradient: g, firstMoment: m, secondMoment: v,
                                                 newParameter: &pOut, newFirstMoment: &mOut, newSecondMoment: &vOut,
                                                 count: count, learningRate: lr, beta1: beta1, beta2: beta2, epsilon: epsilon,
                                                 weightDecay: decay, biasCorrection1: correction1, biasCorrection2: correction2)
                let label = "count \(count), wide \(wide), \(threads) threads"
                XCTAssertEqual((pOut + mOut + vOut).map(\.bitPattern), expected.map(\.bitPattern), label)
                XCTAssertEqual(sums.gradientSquares.bitPattern, Reductions.sumOfSquares(g, count: count).bitPattern, label)
                XCTAssertEqual(sums.parameterSquares.bitPattern, Reductions.sumOfSquares(pOut, count: count).bitPattern, label)
            }
        }
    }
}
