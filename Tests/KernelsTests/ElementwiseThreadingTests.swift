import XCTest
@testable import Kernels

final class ElementwiseThreadingTests: XCTestCase {
    /// Long passes are shared out over threads in slices; every element must still get its own value (the
    /// scalar formula) whatever the thread count, with broadcast operands too.
    func testLongPassesGiveTheScalarValuesOnAnyThreadCount() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        let count = 300_001
        let a = (0..<count).map { Float($0 % 1000) / 37 - 13 }, b = (0..<count).map { Float($0 % 777) / 19 - 20 }
        let scalar: [Float] = [2.5]
        for threads in [1, 2, 3] {
            ComputeThreads.count = threads
            var sum = [Float](repeating: 0, count: count), scaled = sum, masked = sum, leaky = sum
            Elementwise.apply(.add, a, stride: 1, b, stride: 1, into: &sum, count: count)
            Elementwise.apply(.multiply, scalar, stride: 0, b, stride: 1, into: &scaled, count: count)
            Elementwise.rectifierGradient(a, output: b, slope: nil, into: &masked, count: count)
            Elementwise.rectifierGradient(a, output: b, slope: 0.2, into: &leaky, count: count)
            for i in stride(from: 0, to: count, by: 997) + [count - 1] {
                XCTAssertEqual(sum[i].bitPattern, (a[i] + b[i]).bitPattern, "\(threads) threads, element \(i)")
                XCTAssertEqual(scaled[i].bitPattern, (2.5 * b[i]).bitPattern)
                XCTAssertEqual(masked[i].bitPattern, (b[i] > 0 ? a[i] : 0).bitPattern)
                XCTAssertEqual(leaky[i].bitPattern, (a[i] * (b[i] > 0 ? 1 : 0.2)).bitPattern)
            }
        }
    }

    /// The cheap unary passes (rectifiers, squares, absolute values) and selection are shared out too: each element
    /// keeps its scalar value on any thread count, at an odd length.
    func testUnaryPassesAndSelectionGiveTheScalarValuesOnAnyThreadCount() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        let count = 300_001
        let x = (0..<count).map { Float($0 % 1001) / 41 - 12 }, other = (0..<count).map { Float($0 % 313) - 150 }
        let zero: [Float] = [0]
        for threads in [1, 2, 3] {
            ComputeThreads.count = threads
            var relu = [Float](repeating: .nan, count: count), leaky = relu, square = relu, absolute = relu, chosen = relu
            Elementwise.apply(.relu, x, into: &relu, count: count)
            Elementwise.apply(.leakyRelu(slope: 0.2), x, into: &leaky, count: count)
            Elementwise.apply(.square, x, into: &square, count: count)
            Elementwise.apply(.absolute, x, into: &absolute, count: count)
            Elementwise.select(x, stride: 1, other, stride: 1, zero, stride: 0, into: &chosen, count: count)
            for i in stride(from: 0, to: count, by: 331) + [count - 1] {
                XCTAssertEqual(relu[i].bitPattern, (x[i] <= 0 ? 0 : x[i]).bitPattern, "\(threads) threads, element \(i)")
                XCTAssertEqual(leaky[i].bitPattern, (x[i] <= 0 ? x[i] * 0.2 : x[i]).bitPattern)
                XCTAssertEqual(square[i].bitPattern, (x[i] * x[i]).bitPattern)
                XCTAssertEqual(absolute[i].bitPattern, abs(x[i]).bitPattern)
                XCTAssertEqual(chosen[i].bitPattern, (x[i] != 0 ? other[i] : 0).bitPattern)
            }
        }
    }
}
