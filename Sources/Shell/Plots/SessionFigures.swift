import Foundation
import Plotting
import Workbench

/// What `plot` can show in the data plane; several may share one picture.
enum SpatialView: String, CaseIterable {
    /// Real and generated samples.
    case samples
    /// D's output as a heat map with contours, samples on top.
    case critic
    /// Arrows where G's loss pushes generated samples.
    case gradients
    /// G's image of a regular noise grid.
    case manifold
}

/// Why a figure cannot be drawn.
struct FigureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The session as canvases: the views of `plot` and the picture of the live view. Everything comes from
/// the session's probes, so drawing never changes the session.
struct SessionFigures {
    let session: Session
    /// Real and generated samples drawn.
    var sampleCount = 500
    /// How data of more than two dimensions is shown.
    var projection = DataPlane.Kind.firstTwo
    /// Width over height of the plot area, in units that are equal on screen (so a ring looks round).
    var aspect = 1.0
    /// Heat-map cells across; rows follow the aspect.
    var gridColumns = 64
    /// Contour lines on a heat map.
    var contourCount = 5
    /// Most arrows drawn.
    var arrowCount = 40
    /// Captions under the picture (the live view leaves them out).
    var withCaptions = true

    /// The data-plane views combined in one canvas, in a fixed order of layers: heat map, noise grid, real
    /// samples, generated samples, arrows.
    func spatial(_ views: [SpatialView]) throws -> Canvas {
        if session.dataset.dimension == 1 { return try oneDimensional(views) }
        let samples = try session.probeSamples(sampleCount)
        let plane = DataPlane(real: samples.real, projection: projection)
        let real = samples.real.map(plane.project), generated = samples.generated.map(plane.project)
        let (xRange, yRange) = viewRange(real: real, generated: generated)
        var captions = plane.captions
        var layers: [Layer] = []
        if views.contains(.critic) {
            layers.append(.heatMap(try criticMap(plane, x: xRange, y: yRange)))
            if !session.discriminatorScoresPointsIndependently {
                captions.append("D compares the samples of a batch (minibatch discrimination): the map scores the grid in batches of "
                                + "\(session.batchSize) points")
            }
        }
        if views.contains(.manifold) {
            let image = try session.noiseGridImage(lines: 11, pointsPerLine: 41)
            layers.append(.lines(LineSeries("G(noise grid)", colour: Palette.series(0), marker: "+",
                                            paths: image.imageLines.map { $0.map(plane.project) })))
            captions.append(noiseCaption(image))
        }
        layers.append(.points(PointSeries("real", colour: Palette.real, marker: "o", points: real)))
        if !views.contains(.manifold) || views.count > 1 {
            layers.append(.points(PointSeries("generated", colour: Palette.generated, marker: "x", points: generated)))
        }
        if views.contains(.gradients) {
            let (arrows, caption) = try pushArrows(samples.generated, plane: plane, span: yRange.upperBound - yRange.lowerBound)
            layers.append(.arrows(ArrowSeries("push", colour: Palette.accent, arrows: arrows)))
            captions.append(caption)
        }
        let outside = generated.filter { !xRange.contains($0.x) || !yRange.contains($0.y) }.count
        if outside > 0 { captions.append("\(outside) of \(generated.count) generated samples lie outside the view") }
        let labels = plane.labels
        return Canvas(title: title(views), xAxis: Axis(labels.x, range: xRange), yAxis: Axis(labels.y, range: yRange),
                      layers: layers, captions: withCaptions ? captions : [])
    }

    private func title(_ views: [SpatialView]) -> String {
        views.map(\.rawValue).joined(separator: " + ") + " at iteration \(session.iteration)"
    }

    /// D over the view, `gridColumns` cells across.
    private func criticMap(_ plane: DataPlane, x: ClosedRange<Double>, y: ClosedRange<Double>) throws -> HeatMap {
        let columns = gridColumns, rows = max(8, Int((Double(gridColumns) / aspect).rounded()))
        let values: [Double]
        if plane.axes == nil {
            values = try session.discriminatorGrid(x: x, y: y, columns: columns, rows: rows, held: plane.mean)
        } else {
            var points: [[Double]] = []
            for row in 0..<rows {
                for column in 0..<columns {
                    points.append(plane.point(Point(x.lowerBound + (Double(column) + 0.5) * (x.upperBound - x.lowerBound) / Double(columns),
                                                    y.lowerBound + (Double(row) + 0.5) * (y.upperBound - y.lowerBound) / Double(rows))))
                }
            }
            values = try session.discriminatorValues(at: points)
        }
        var map = HeatMap(criticName, columns: columns, rows: rows, values: values, xRange: x, yRange: y)
        map.contourLevels = map.evenLevels(contourCount)
        return map
    }

    /// What the heat map's values are: a logit for the cross-entropy losses, a critic value otherwise.
    private var criticName: String { session.loss.isCrossEntropy ? "D(x) logit" : "critic D(x)" }

    /// Arrows of −∇ₓ L_G at up to `arrowCount` of the generated samples, the longest drawn an eighth of
    /// `span` long, and the caption that says so.
    private func pushArrows(_ generated: [[Double]], plane: DataPlane, span: Double) throws -> ([Arrow], String) {
        let step = max(1, generated.count / arrowCount)
        let chosen = stride(from: 0, to: generated.count, by: step).map { generated[$0] }
        let push = try session.generatorPush(at: chosen)
        let directions = push.map(plane.projectDirection)
        let longest = directions.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }.max() ?? 0
        let scale = longest > 0 ? span / 8 / longest : 0
        let arrows = zip(chosen, directions).map { row, direction in
            let start = plane.project(row)
            return Arrow(from: start, to: Point(start.x + scale * direction.x, start.y + scale * direction.y))
        }
        return (arrows, "arrows: where G's loss pushes \(chosen.count) generated samples (−∇ₓ L_G); the longest, "
                + "|∇| = \(NumberText.format(longest)), is drawn an eighth of the view long")
    }

    private func noiseCaption(_ image: NoiseGridImage) -> String {
        let range = "[\(NumberText.format(image.range.lowerBound)), \(NumberText.format(image.range.upperBound))]"
        switch (session.noise.dimension, image.variedCoordinates) {
        case (1, _): return "the curve is G(z) for z across \(range)"
        case (2, _): return "the lines are G's image of a regular grid of z over \(range)²"
        default:
            return "the lines are G's image of a regular grid of z₁, z₂ over \(range)²; the other \(session.noise.dimension - 2) "
                + "noise coordinates are held at \(NumberText.format(image.heldValue))"
        }
    }

    private func oneDimensionalNoiseCaption(_ image: NoiseGridImage, curves: Int) -> String {
        let range = "[\(NumberText.format(image.range.lowerBound)), \(NumberText.format(image.range.upperBound))]"
        switch session.noise.dimension {
        case 1: return "the curve is G(z) for z across \(range)"
        case 2: return "the curves are G(z) for z₁ across \(range), one for each of \(curves) values of z₂ in \(range)"
        default:
            return "the curves are G(z) for z₁ across \(range), one for each of \(curves) values of z₂ in \(range); the other "
                + "\(session.noise.dimension - 2) noise coordinates are held at \(NumberText.format(image.heldValue))"
        }
    }

    /// The view: every real sample, and the generated ones unless they spread far beyond the real ones
    /// (then they may fall outside); a margin of a tenth; widened in one direction to the aspect.
    func viewRange(real: [Point], generated: [Point]) -> (ClosedRange<Double>, ClosedRange<Double>) {
        func box(_ points: [Point]) -> (x: ClosedRange<Double>, y: ClosedRange<Double>)? {
            let finite = points.filter { $0.x.isFinite && $0.y.isFinite }
            guard let minX = finite.map(\.x).min(), let maxX = finite.map(\.x).max(),
                  let minY = finite.map(\.y).min(), let maxY = finite.map(\.y).max() else { return nil }
            return (minX...maxX, minY...maxY)
        }
        let realBox = box(real) ?? (-1...1, -1...1)
        let realSpan = max(realBox.x.upperBound - realBox.x.lowerBound, realBox.y.upperBound - realBox.y.lowerBound, 1e-3)
        var chosen = realBox
        if let all = box(real + generated), all.x.upperBound - all.x.lowerBound <= 3 * realSpan,
           all.y.upperBound - all.y.lowerBound <= 3 * realSpan {
            chosen = all
        }
        let centreX = (chosen.x.lowerBound + chosen.x.upperBound) / 2, centreY = (chosen.y.lowerBound + chosen.y.upperBound) / 2
        var halfX = max((chosen.x.upperBound - chosen.x.lowerBound) / 2, 1e-3) * 1.1
        var halfY = max((chosen.y.upperBound - chosen.y.lowerBound) / 2, 1e-3) * 1.1
        if halfX / halfY < aspect { halfX = halfY * aspect } else { halfY = halfX / aspect }
        return ((centreX - halfX)...(centreX + halfX), (centreY - halfY)...(centreY + halfY))
    }

    // MARK: One dimension

    /// One-dimensional data: histograms of the samples, D as a curve with the samples on it (and arrows
    /// along x), or G as a function of z₁.
    private func oneDimensional(_ views: [SpatialView]) throws -> Canvas {
        let samples = try session.probeSamples(sampleCount)
        let real = samples.real.map { $0[0] }, generated = samples.generated.map { $0[0] }
        let (range, _) = viewRange(real: real.map { Point($0, 0) }, generated: generated.map { Point($0, 0) })
        switch views[0] {
        case .samples:
            let bins = 40
            return Canvas(title: title(views), xAxis: Axis("x", range: range), yAxis: Axis("density"),
                          layers: [.lines(LineSeries("real", colour: Palette.real, marker: "o", paths: [Histogram.outline(real, bins: bins, range: range)])),
                                   .lines(LineSeries("generated", colour: Palette.generated, marker: "x", paths: [Histogram.outline(generated, bins: bins, range: range)]))],
                          captions: withCaptions ? ["histograms of \(sampleCount) real and \(sampleCount) generated samples, \(bins) bins"] : [])
        case .manifold:
            let image = try session.noiseGridImage(lines: 7, pointsPerLine: 81)
            // Lines along z₁ are those whose first noise coordinate varies.
            let curves = zip(image.noiseLines, image.imageLines).filter { noise, _ in noise.count > 1 && noise[0][0] != noise[1][0] }
                .map { noise, image in zip(noise, image).map { Point($0[0], $1[0]) } }
            return Canvas(title: title(views), xAxis: Axis("z1"), yAxis: Axis("G(z)"),
                          layers: [.lines(LineSeries("G", colour: Palette.series(0), marker: "*", paths: curves))],
                          captions: withCaptions ? [oneDimensionalNoiseCaption(image, curves: curves.count)] : [])
        case .critic, .gradients:
            let xs = (0..<200).map { range.lowerBound + (Double($0) + 0.5) * (range.upperBound - range.lowerBound) / 200 }
            let curve = zip(xs, try session.discriminatorValues(at: xs.map { [$0] })).map { Point($0, $1) }
            let realScores = try session.discriminatorValues(at: real.map { [$0] })
            let generatedScores = try session.discriminatorValues(at: generated.map { [$0] })
            var layers: [Layer] = [.lines(LineSeries(criticName, colour: Palette.series(0), marker: "*", paths: [curve])),
                                   .points(PointSeries("real", colour: Palette.real, marker: "o", points: zip(real, realScores).map { Point($0, $1) })),
                                   .points(PointSeries("generated", colour: Palette.generated, marker: "x", points: zip(generated, generatedScores).map { Point($0, $1) }))]
            var captions = ["samples are drawn at their score D(x)"]
            if views.contains(.gradients) {
                let plane = DataPlane(real: samples.real, projection: .firstTwo)
                let (arrows, caption) = try pushArrows(samples.generated, plane: plane, span: range.upperBound - range.lowerBound)
                // Horizontal arrows at each sample's score.
                let scores = try session.discriminatorValues(at: arrows.map { [$0.from.x] })
                let atScores = zip(arrows, scores).map { Arrow(from: Point($0.from.x, $1), to: Point($0.to.x, $1)) }
                layers.append(.arrows(ArrowSeries("push", colour: Palette.accent, arrows: atScores)))
                captions.append(caption)
            }
            return Canvas(title: title(views), xAxis: Axis("x", range: range), yAxis: Axis("D(x)"), layers: layers,
                          captions: withCaptions ? captions : [])
        }
    }
}
