import XCTest
@testable import Kernels

final class ReductionTests: XCTestCase {
    func testSumOfSquaresMatchesADoubleLoopAtEveryLength() {
        var state: UInt64 = 5
        for count in [0, 1, 7, 15, 16, 17, 33, 1000, 4099, 65_536, 200_003] {
            let values: [Float] = (0..<count).map { _ in
                state = state &* 6364136223846793005 &+ 1442695040888963407
                return Float(Int64(bitPattern: state >> 11) % 2001 - 1000) / 37
            }
            let expected = values.reduce(0.0) { $0 + Double($1) * Double($1) }
            let got = values.withUnsafeBufferPointer { Reductions.sumOfSquares($0.baseAddress!, count: count) }
            XCTAssertEqual(got, expected, accuracy: 1e-12 * max(1, expected), "count \(count)")
        }
    }

    func testSumOfSquaresNeitherOverflowsNorHidesNonFiniteValues() {
        let huge = [Float](repeating: .greatestFiniteMagnitude, count: 40)
        let total = huge.withUnsafeBufferPointer { Reductions.sumOfSquares($0.baseAddress!, count: 40) }
        XCTAssertEqual(total, 40 * Double(Float.greatestFiniteMagnitude) * Double(Float.greatestFiniteMagnitude),
                       accuracy: 1e-9 * total)
        for position in [0, 15, 16, 39] {
            for bad in [Float.nan, .infinity, -.infinity] {
                var values = [Float](repeating: 1, count: 40)
                values[position] = bad
                let sum = values.withUnsafeBufferPointer { Reductions.sumOfSquares($0.baseAddress!, count: 40) }
                XCTAssertFalse(sum.isFinite, "\(bad) at \(position) was hidden")
            }
        }
    }

    /// Sums along an axis are shared out over threads by output elements (by o when there are enough, else
    /// by slices of j); every output keeps its one sequential chain over l, so the bits are a plain loop's
    /// on any thread count, at odd sizes.
    func testAxisSumsAreAPlainLoopsOnAnyThreadCount() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        for (outer, length, inner) in [(1, 67, 12_547), (5, 3, 70_001), (129, 61, 17), (3, 0, 9), (7, 61, 3_001)] {
            let x = (0..<(outer * length * inner)).map { Float(($0 * 7919) % 4099) / 13 - 150 }
            var want = [Float](repeating: 0, count: outer * inner)
            for o in 0..<outer {
                for j in 0..<inner {
                    var sum: Float = length > 0 ? x[o * length * inner + j] : 0
                    for l in stride(from: 1, to: length, by: 1) { sum += x[(o * length + l) * inner + j] }
                    want[o * inner + j] = sum
                }
            }
            for threads in [1, 2, 3] {
                ComputeThreads.count = threads
                var got = [Float](repeating: .nan, count: outer * inner)
                Reductions.sum(x, outer: outer, length: length, inner: inner, into: &got)
                XCTAssertEqual(got.map(\.bitPattern), want.map(\.bitPattern), "[\(outer), \(length), \(inner)], \(threads) threads")
            }
        }
    }
}
