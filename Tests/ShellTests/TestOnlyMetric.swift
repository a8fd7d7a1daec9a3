import XCTest
import Foundation
import Autodiff
import _GantryTestSupport
import Workbench

/// A metric only the tests know: declared in this file alone and registered at run time, it must then work
/// everywhere a built-in metric does, which shows that adding one needs no other file.
final class MeanGapMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 1...100_000, default: 500, "samples per set")
    static let squared: ParameterKey<Bool> = .boolean("squared", default: false, "report the squared distance")
    static let spec = PluginSpec(
        kind: .metric, name: "test-mean-gap",
        summary: "the distance between the real and the generated sample means (tests only)",
        discussion: """
            The Euclidean distance between the mean of the real samples and the mean of the generated ones, or \
            its square with squared=true. It exists so that the tests can show a metric declared outside the \
            workbench working in every command.
            """,
        parameters: [n.spec, squared.spec])

    let parameters: ParameterValues
    init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    var sampleCount: Int { parameters[Self.n] }

    func measure(_ input: MetricInput) throws -> MetricReport {
        func mean(_ samples: Tensor) -> [Double] {
            let (rows, columns) = (samples.shape[0], samples.shape[1])
            let values = samples.scalars
            return (0..<columns).map { column in (0..<rows).reduce(0.0) { $0 + Double(values[$1 * columns + column]) } / Double(rows) }
        }
        let squaredGap = zip(mean(input.real), mean(input.generated)).reduce(0.0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
        return MetricReport(metric: Self.spec.name, values: [("gap", parameters[Self.squared] ? squaredGap : squaredGap.squareRoot())])
    }
}

final class TestOnlyMetricTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        XCTAssertNoThrow(try Plugins.metrics.register(MeanGapMetric.self))
    }

    override class func tearDown() {
        Plugins.metrics.unregister(named: MeanGapMetric.spec.name)
        super.tearDown()
    }

    func testARegisteredMetricWorksLikeABuiltInOne() throws {
        let folder = try ScratchFolder.make("test-mean-gap")
        defer { ScratchFolder.remove(folder) }
        let coverage = PluginCoverage(verb: "metric", listWord: "metrics", folder: folder)
        try coverage.assertCovered(MeanGapMetric.spec)
        let (shell, sink) = try coverage.interpreter()
        XCTAssertTrue(shell.execute("metric test-mean-gap n=100 squared=true", file: "t"), sink.errors.joined())
        XCTAssertEqual(shell.session.history.measurements.last?.report.metric, "test-mean-gap")
        XCTAssertTrue(sink.output.contains { $0.contains("gap") }, sink.output.joined(separator: "\n"))
    }
}
