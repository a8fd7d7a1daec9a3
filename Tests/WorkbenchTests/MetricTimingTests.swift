import XCTest
import Foundation
import Autodiff
import Workbench

/// The exact W1 at the sizes the workbench uses. Debug builds compile the Workbench target without
/// optimisation, so this runs only in a release build:
/// `swift test -c release --disable-swift-testing --filter MetricTimingTests`.
final class MetricTimingTests: XCTestCase {
    func testExactW1AtOneAndTwoThousandSamplesInTwoDimensions() throws {
        #if DEBUG
        throw XCTSkip("timing runs in release builds only")
        #else
        for n in [1000, 2000] {
            // A partly collapsed generator against ring8: the assignment must move mass between modes.
            let x = try SampleMatrix(MetricFixtures.ring(n, sigma: 0.05, seed: 61), role: "real", metric: "w1")
            let y = try SampleMatrix(MetricFixtures.ring(n, modes: [0, 1, 2, 5], sigma: 0.1, seed: 62),
                                     role: "generated", metric: "w1")
            let start = DispatchTime.now().uptimeNanoseconds
            let result = Wasserstein.exactW1(x, y)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("exact W1, n = \(n), 2-D: \(String(format: "%.3f", seconds)) s, W1 = \(result.distance)")
            XCTAssertLessThan(seconds, 2, "n = \(n)")
            // The certificate: the solution's duals are feasible.
            var costs = [Double](repeating: 0, count: n * n)
            for i in 0..<n { for j in 0..<n { costs[i * n + j] = hypot(x[i, 0] - y[j, 0], x[i, 1] - y[j, 1]) } }
            let solution = LinearAssignment.solve(costs: costs, size: n)
            XCTAssertLessThan(LinearAssignment.dualInfeasibility(of: solution, costs: costs, size: n), 1e-9)
            XCTAssertEqual(solution.cost / Double(n), result.distance, accuracy: 1e-12)
            if n == 1000 {
                // For comparison: Jonker–Volgenant's own start stalls on this clustered problem.
                let start = DispatchTime.now().uptimeNanoseconds
                let other = LinearAssignment.solve(costs: costs, size: n, start: .reduction)
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                print("  (the same with the reduction start: \(String(format: "%.3f", seconds)) s)")
                XCTAssertEqual(other.cost, solution.cost, accuracy: 1e-9)
            }
        }
        #endif
    }

    func testEveryMetricAtItsDefaultSize() throws {
        #if DEBUG
        throw XCTSkip("timing runs in release builds only")
        #else
        for type in MetricRegistry.all {
            let metric = try type.init(ParameterValues(type.spec))
            let n = metric.sampleCount
            let input = MetricFixtures.input(MetricFixtures.ring(n, seed: 71),
                                             MetricFixtures.ring(n, modes: [0, 1, 2, 5], seed: 72),
                                             modes: MetricFixtures.ringLayout)
            let start = DispatchTime.now().uptimeNanoseconds
            let report = try metric.measure(input)
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let values = report.values.map { "\($0.name) \(String(format: "%.4g", $0.value))" }.joined(separator: ", ")
            print("\(type.spec.name), n = \(n): \(String(format: "%.3f", seconds)) s — \(values)")
            XCTAssertLessThan(seconds, 3, type.spec.name)
        }
        #endif
    }
}
