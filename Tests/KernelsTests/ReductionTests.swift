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
}
