import XCTest
@testable import Plotting

/// The arithmetic under the figures: ticks, contours, histograms, sparklines, projections.
final class GeometryTests: XCTestCase {
    func testTicksAreRoundAndLabelledWithTheDecimalsTheyNeed() {
        XCTAssertEqual(Ticks.values(-1.5...1.5, count: 6).map(\.0), [-1.5, -1, -0.5, 0, 0.5, 1, 1.5])
        XCTAssertEqual(Ticks.values(-1.5...1.5, count: 4).map(\.0), [-1, 0, 1])
        XCTAssertEqual(Ticks.ticks(0...10, scale: .linear, count: 5).map(\.label), ["0", "2", "4", "6", "8", "10"])
        XCTAssertEqual(Ticks.ticks(-0.05...0.3, scale: .linear, count: 4).map(\.label), ["0", "0.1", "0.2", "0.3"])
        XCTAssertEqual(Ticks.ticks(-3...1, scale: .logarithmic, count: 5).map(\.label), ["0.001", "0.01", "0.1", "1", "10"])
        XCTAssertEqual(Ticks.label(250_000, step: 50_000), "2.5e5")
        XCTAssertEqual(Ticks.label(0.0002, step: 0.0001), "2e-4")
        XCTAssertEqual(Ticks.label(-1e-17, step: 0.5), "0")
    }

    func testViewportFitsTheDataWithAMarginAndDropsWhatALogAxisCannotShow() {
        let canvas = Canvas(yAxis: Axis(scale: .logarithmic),
                            layers: [.lines(LineSeries("s", colour: Palette.ink, marker: "*", paths: [[Point(0, 1), Point(10, 100), Point(20, -5)]]))])
        let view = Viewport(canvas)
        XCTAssertEqual(view.x.lowerBound, -1, accuracy: 1e-12)
        XCTAssertEqual(view.x.upperBound, 21, accuracy: 1e-12)
        XCTAssertEqual(view.y.lowerBound, -0.1, accuracy: 1e-12)
        XCTAssertEqual(view.y.upperBound, 2.1, accuracy: 1e-12)
        XCTAssertNil(view.v(-5))
        XCTAssertEqual(view.v(10)!, 0.5, accuracy: 1e-12)
    }

    func testContoursOfAPlaneAreStraightAndOnTheirLevel() {
        let map = HeatMap("f", columns: 10, rows: 8, xRange: 0...1, yRange: 0...2) { x, y in x + y }
        let segments = map.contour(at: 1.2)
        XCTAssertFalse(segments.isEmpty)
        for segment in segments {
            XCTAssertEqual(segment.start.x + segment.start.y, 1.2, accuracy: 1e-9)
            XCTAssertEqual(segment.end.x + segment.end.y, 1.2, accuracy: 1e-9)
        }
        XCTAssertTrue(map.contour(at: 10).isEmpty)
    }

    func testHeatMapValuesInterpolateBetweenCellCentres() {
        let map = HeatMap("f", columns: 4, rows: 4, xRange: 0...4, yRange: 0...4) { x, y in 2 * x - y }
        XCTAssertEqual(map.values[0], 2 * 0.5 - 0.5)
        XCTAssertEqual(map.value(atX: 1.7, y: 2.2), 2 * 1.7 - 2.2, accuracy: 1e-12)
        XCTAssertEqual(map.valueRange, (2 * 0.5 - 3.5)...(2 * 3.5 - 0.5))
    }

    func testHistogramOutlineIsADensity() {
        let values = [0.1, 0.2, 0.3, 0.6, 0.9]
        XCTAssertEqual(Histogram.counts(values, bins: 2, range: 0...1), [3, 2])
        let outline = Histogram.outline(values, bins: 2, range: 0...1)
        XCTAssertEqual(outline, [Point(0, 0), Point(0, 1.2), Point(0.5, 1.2), Point(0.5, 0.8), Point(1, 0.8), Point(1, 0)])
    }

    func testSparklineShowsTheShapeOfASeries() {
        XCTAssertEqual(Sparkline.render([1, 2, 3, 4, 5, 6, 7, 8], width: 8, unicode: true), "▁▂▃▄▅▆▇█")
        XCTAssertEqual(Sparkline.render([8, 7, 6, 5, 4, 3, 2, 1], width: 4, unicode: false), "#+-_")
        XCTAssertEqual(Sparkline.render([.nan], width: 4, unicode: true), "")
        XCTAssertEqual(Sparkline.render([3, 3], width: 4, unicode: true), "▅▅")
    }

    func testPrincipalAxesFindTheDirectionsOfLargestVariance() {
        // Points spread along (1, 1, 0) a lot and along (0, 0, 1) a little, uncorrelated.
        let rows = (0..<50).map { index -> [Double] in
            let t = Double(index / 2 - 12) / 5
            let s = index % 2 == 0 ? 0.3 : -0.3
            return [t + 2, t - 1, s]
        }
        let (mean, axes) = Projection.principalAxes(rows)
        XCTAssertEqual(mean[0] - mean[1], 3, accuracy: 1e-9)
        XCTAssertEqual(axes[0][0], 1 / 2.0.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(axes[0][1], 1 / 2.0.squareRoot(), accuracy: 1e-6)
        XCTAssertEqual(abs(axes[1][2]), 1, accuracy: 1e-6)
        let projected = Projection.project([[2, -1, 0]], mean: mean, axes: axes)
        XCTAssertEqual(projected[0].x, (2 - mean[0] - 1 - mean[1]) / 2.0.squareRoot(), accuracy: 1e-9)
        XCTAssertEqual(Projection.firstTwo([[1, 2, 3], [4]]), [Point(1, 2), Point(4, 0)])
    }
}
