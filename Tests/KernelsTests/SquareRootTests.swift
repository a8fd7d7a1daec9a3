import XCTest
@testable import Kernels

/// The vector square root (one vsqrtps) gives the bits of the scalar one, edge cases included, and the
/// elementwise and optimizer kernels that use it agree with their scalar formulas element by element.
final class SquareRootTests: XCTestCase {
    func testTheVectorSquareRootGivesTheScalarBits() {
        var inputs: [Float] = [0, -0, 1, 2, 0.25, .leastNonzeroMagnitude, .leastNormalMagnitude, .greatestFiniteMagnitude,
                               .infinity, -1, -.infinity, .nan, Float(bitPattern: 0x000116C2) /* a subnormal near 1e-40 */, 3.4e38, 0.1]
        var state: UInt32 = 12345
        for _ in 0..<100_000 {
            state = state &* 1_664_525 &+ 1_013_904_223
            inputs.append(Float(bitPattern: state & 0x7fff_ffff))
        }
        while inputs.count % 8 != 0 { inputs.append(4) }
        for start in stride(from: 0, to: inputs.count, by: 8) {
            let vector = SIMD8<Float>(inputs[start..<(start + 8)])
            let roots = Elementwise.squareRoot(vector)
            for lane in 0..<8 {
                let expected = inputs[start + lane].squareRoot()
                XCTAssertTrue(roots[lane].bitPattern == expected.bitPattern || (roots[lane].isNaN && expected.isNaN),
                              "√\(inputs[start + lane]): \(roots[lane]) vs \(expected)")
            }
        }
    }

    func testRMSPropMatchesItsScalarFormulaAtEveryPositionIncludingTheTail() {
        let count = 21
        let p = (0..<count).map { Float($0) * 0.37 - 3 }, g = (0..<count).map { Float($0 % 5) * 0.11 - 0.2 }
        let s = (0..<count).map { Float($0) * 0.013 }
        var pOut = [Float](repeating: 0, count: count), sOut = [Float](repeating: 0, count: count)
        OptimizerKernels.rmsProp(parameter: p, gradient: g, squareAverage: s, newParameter: &pOut, newSquareAverage: &sOut,
                                 count: count, learningRate: 0.01, alpha: 0.99, epsilon: 1e-8, weightDecay: 0.1)
        for i in 0..<count {
            let grad = g[i] + p[i] * 0.1
            let average = s[i] * 0.99 + (grad * grad) * (1 - 0.99)
            XCTAssertEqual(sOut[i].bitPattern, average.bitPattern, "s[\(i)]")
            XCTAssertEqual(pOut[i].bitPattern, (p[i] - (grad / (average.squareRoot() + 1e-8)) * 0.01).bitPattern, "p[\(i)]")
        }
    }
}
