import Autodiff
import NeuralNet

/// The image through G of a regular grid of noise vectors: how G warps its input space.
public struct NoiseGridImage: Sendable {
    /// Each grid line's noise coordinates that vary (one or two numbers per point).
    public let noiseLines: [[[Double]]]
    /// Each grid line's image: one row of the data's dimension per point.
    public let imageLines: [[[Double]]]
    /// The range each varied noise coordinate covers.
    public let range: ClosedRange<Double>
    /// How many noise coordinates vary (1 or 2); the rest are held at `heldValue`.
    public let variedCoordinates: Int
    /// The value of the coordinates that do not vary (the centre of the noise distribution).
    public let heldValue: Double
}

/// Looking at the session for pictures: plain numbers from the networks and the data, computed in
/// evaluation mode, without recording gradients for training and without touching any stream training
/// draws from. Every probe restarts the stream "plot" of the seed, so the same session always gives the
/// same picture, and plotting never changes what training does next.
extension Session {
    /// A fresh copy of the plot stream.
    func plotStream() -> RandomStream { RandomStream(seed: seed, name: "plot") }

    /// The network plots sample G from (an EMA copy when a trick keeps one).
    var samplingNetwork: Sequential { hooks.compactMap(\.samplingGenerator).last ?? generator }

    /// Why D cannot be asked about single points, or nil when it can: packing makes D read several
    /// samples per row.
    public var discriminatorProbeProblem: String? {
        discriminatorInputWidth == dataset.dimension ? nil
            : "D reads \(discriminatorInputWidth / dataset.dimension) samples per row (trick packing), so it has no value at a single point"
    }

    /// Whether D scores each point on its own; false when a trick compares the samples of a batch
    /// (minibatch discrimination), so a point's score depends on the points scored with it.
    public var discriminatorScoresPointsIndependently: Bool { hooks.allSatisfy(\.keepsSamplesIndependent) }

    /// `count` real and `count` generated samples (G in evaluation mode), one row per sample.
    public func probeSamples(_ count: Int) throws -> (real: [[Double]], generated: [[Double]]) {
        let stream = plotStream()
        let real = dataset.sample(count, using: stream)
        let z = noise.sample(count, using: stream)
        let network = samplingNetwork
        let generated = try withoutGradients { try network.forward(z, ForwardContext(training: false)) }
        return (rows(real), rows(generated))
    }

    /// D's raw output at each point (rows of the data's dimension), in evaluation mode. When D compares
    /// the samples of a batch, the points go through it in batches of the training batch size, as
    /// training shows them to it (and without the memory a comparison of thousands of points would take).
    public func discriminatorValues(at points: [[Double]]) throws -> [Double] {
        if let problem = discriminatorProbeProblem { throw SessionError(problem) }
        let chunk = discriminatorScoresPointsIndependently ? max(points.count, 1) : batchSize
        var values: [Double] = []
        values.reserveCapacity(points.count)
        for start in stride(from: 0, to: points.count, by: chunk) {
            let part = points[start..<min(start + chunk, points.count)]
            let input = try Tensor(part.flatMap { $0.map(Float.init) }, shape: [part.count, dataset.dimension])
            values += try discriminatorScores(input).scalars.map(Double.init)
        }
        return values
    }

    /// D at the centres of a `columns × rows` grid over the rectangle, row-major with the **bottom** row
    /// (lowest y) first and the lowest x first in each row. The first two input coordinates vary; the
    /// others are held at `held` (missing ones at 0). One-dimensional data uses x only.
    public func discriminatorGrid(x: ClosedRange<Double>, y: ClosedRange<Double>, columns: Int, rows: Int,
                                  held: [Double] = []) throws -> [Double] {
        let dimension = dataset.dimension
        var points: [[Double]] = []
        points.reserveCapacity(columns * rows)
        for row in 0..<rows {
            let yValue = y.lowerBound + (Double(row) + 0.5) * (y.upperBound - y.lowerBound) / Double(rows)
            for column in 0..<columns {
                let xValue = x.lowerBound + (Double(column) + 0.5) * (x.upperBound - x.lowerBound) / Double(columns)
                var point = (0..<dimension).map { $0 < held.count ? held[$0] : 0 }
                point[0] = xValue
                if dimension > 1 { point[1] = yValue }
                points.append(point)
            }
        }
        return try discriminatorValues(at: points)
    }

    /// Where G's loss pushes each of `points` (generated samples, rows of the data's dimension): −∇ₓ L_G
    /// at the point, scaled by the number of points so that it is the gradient of that point's own term
    /// of the batch mean. For the losses here it points along ∇ₓD wherever G wants D larger.
    public func generatorPush(at points: [[Double]]) throws -> [[Double]] {
        if let problem = discriminatorProbeProblem { throw SessionError(problem) }
        guard !points.isEmpty else { return [] }
        let input = try Tensor(points.flatMap { $0.map(Float.init) }, shape: [points.count, dataset.dimension])
            .requiringGradient()
        let scores = try discriminator.forward(input, ForwardContext(training: false))
        let objective = try loss.generatorLoss(fakeScores: scores)
        let gradient = try gradients(of: objective, wrt: [input])[0]
        return rows(gradient).map { row in row.map { -$0 * Double(points.count) } }
    }

    /// G's image of a regular grid of noise: `lines` lines of constant z₁ and `lines` of constant z₂,
    /// `pointsPerLine` points each, over ±2 for normal noise or the uniform range. With noise of more
    /// than two dimensions the others are held at the centre of the distribution; with one, there is a
    /// single line.
    public func noiseGridImage(lines: Int, pointsPerLine: Int) throws -> NoiseGridImage {
        let range = noise.typicalRange
        let held = (range.lowerBound + range.upperBound) / 2
        let varied = min(noise.dimension, 2)
        func at(_ index: Int, of count: Int) -> Double {
            range.lowerBound + Double(index) / Double(max(count - 1, 1)) * (range.upperBound - range.lowerBound)
        }
        var noiseLines: [[[Double]]] = []
        if varied == 1 {
            noiseLines = [(0..<pointsPerLine).map { [at($0, of: pointsPerLine)] }]
        } else {
            for line in 0..<lines {
                let fixed = at(line, of: lines)
                noiseLines.append((0..<pointsPerLine).map { [fixed, at($0, of: pointsPerLine)] })
                noiseLines.append((0..<pointsPerLine).map { [at($0, of: pointsPerLine), fixed] })
            }
        }
        let vectors = noiseLines.flatMap { line in
            line.map { varying in (0..<noise.dimension).map { $0 < varying.count ? varying[$0] : held } }
        }
        let z = try Tensor(vectors.flatMap { $0.map(Float.init) }, shape: [vectors.count, noise.dimension])
        let network = samplingNetwork
        let images = rows(try withoutGradients { try network.forward(z, ForwardContext(training: false)) })
        var imageLines: [[[Double]]] = []
        var start = 0
        for line in noiseLines {
            imageLines.append(Array(images[start..<(start + line.count)]))
            start += line.count
        }
        return NoiseGridImage(noiseLines: noiseLines, imageLines: imageLines, range: range, variedCoordinates: varied,
                              heldValue: held)
    }

    /// The rows of a [n, d] tensor as arrays of Double.
    private func rows(_ tensor: Tensor) -> [[Double]] {
        let width = tensor.rank == 2 ? tensor.shape[1] : 1
        let values = tensor.scalars
        return stride(from: 0, to: values.count, by: width).map { values[$0..<($0 + width)].map(Double.init) }
    }
}
