import XCTest
import Workbench
@testable import Shell

/// `expect`'s summaries of a course over training, against the series they summarise computed here.
final class ExpectSummaryTests: XCTestCase {
    /// The largest step up between consecutive values, by a plain loop.
    private func largestRise(_ values: ArraySlice<Double>) -> Double {
        var largest = 0.0
        for index in values.indices.dropFirst() { largest = max(largest, values[index] - values[index - 1]) }
        return largest
    }

    func testMaxriseOfAColumnIsTheLargestStepUpAndHonoursAfter() throws {
        // Consensus spirals the x·y game slowly into the origin, so x rises and falls by less each turn: the
        // largest rise is early, and after= leaves it out.
        let (shell, drain) = try makeTestInterpreter()
        XCTAssertTrue(shell.execute("game xy lr=0.3 x=1 y=1 consensus=0.2; step 40", file: "t"))
        let x = try XCTUnwrap(shell.session.recordSeries("x"))
        var distinct: Set<Double> = []
        for after in [0, 10, 20, 30] {
            let rise = largestRise(x.dropFirst(after))
            distinct.insert(rise)
            _ = drain()
            XCTAssertTrue(shell.execute("expect x.maxrise == \(rise) after=\(after)", file: "t"), drain().errors.joined())
        }
        XCTAssertGreaterThan(distinct.count, 1, "after= made no difference, so it was not tested")
        XCTAssertFalse(shell.execute("expect x.maxrise < \(largestRise(x[...]))", file: "t"))
        XCTAssertEqual(drain().errors.first?.contains("expectation failed: x.maxrise = "), true)
    }

    func testMaxriseIsZeroForACourseThatNeverRises() throws {
        // Consensus optimisation pulls the x·y game into its equilibrium: the radius shrinks at every step.
        let (shell, drain) = try makeTestInterpreter()
        XCTAssertTrue(shell.execute("game xy lr=0.1 x=1 y=1 consensus=1; step 30", file: "t"))
        let radius = try XCTUnwrap(shell.session.recordSeries("radius"))
        XCTAssertTrue(zip(radius, radius.dropFirst()).allSatisfy { $1 < $0 })
        XCTAssertTrue(shell.execute("expect radius.maxrise == 0", file: "t"), drain().errors.joined())
    }

    func testMaxriseOfMeasurementsSummarisesTheCourseTheHistoryKept() throws {
        let (shell, drain) = try makeTestInterpreter()
        XCTAssertTrue(shell.execute("generator mlp hidden=8; critic mlp hidden=8; step 12 every=1 do=\"metric w1 n=40\"", file: "t"),
                      drain().errors.joined())
        let course = shell.session.history.measurements.filter { $0.report.metric == "w1" }.compactMap { $0.report.value("w1") }
        XCTAssertEqual(course.count, 12)
        XCTAssertGreaterThan(largestRise(course[...]), 0)
        for after in [0, 6] {
            let rise = largestRise(course.dropFirst(after))
            XCTAssertTrue(shell.execute("expect w1.w1.maxrise == \(rise) after=\(after)", file: "t"), drain().errors.joined())
        }
    }
}
