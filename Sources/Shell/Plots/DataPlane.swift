import Foundation
import Plotting

/// How points of the data space are shown in the plane: as they are (two dimensions), by their first
/// two coordinates, or along the two principal axes of the real samples; and the way back, so that D can
/// be evaluated at every point of the picture.
struct DataPlane {
    /// How data of more than two dimensions is shown.
    enum Kind: String, CaseIterable, Sendable {
        /// Coordinates 1 and 2; D is evaluated on the plane through the real mean.
        case firstTwo = "first-two"
        /// The two directions of largest variance of the real samples.
        case pca
    }

    let dimension: Int
    /// The mean of the real samples (where the plane passes through).
    let mean: [Double]
    /// The principal axes, when projecting along them.
    let axes: [[Double]]?
    /// What the reader must know about the view.
    let captions: [String]

    /// The plane for data whose real samples are `real`.
    init(real: [[Double]], projection: Kind) {
        dimension = real.first?.count ?? 2
        var sums = [Double](repeating: 0, count: dimension)
        for row in real { for index in 0..<dimension { sums[index] += row[index] } }
        mean = sums.map { $0 / Double(max(real.count, 1)) }
        guard dimension > 2 else {
            axes = nil
            captions = []
            return
        }
        switch projection {
        case .firstTwo:
            axes = nil
            captions = ["the data has \(dimension) dimensions: the picture shows coordinates 1 and 2 (projection=first-two); D is "
                        + "evaluated on that plane through the mean of the real samples"]
        case .pca:
            let principal = Projection.principalAxes(real)
            axes = principal.axes
            let projected = Projection.project(real, mean: principal.mean, axes: principal.axes)
            let shown = projected.reduce(0) { $0 + $1.x * $1.x + $1.y * $1.y }
            let total = real.reduce(0) { total, row in total + zip(row, principal.mean).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            let share = total > 0 ? Int((100 * shown / total).rounded()) : 100
            captions = ["the data has \(dimension) dimensions: the picture shows its two principal axes (projection=pca), "
                        + "\(share) % of the real samples' variance; D is evaluated on that plane through their mean"]
        }
    }

    /// The labels of the two axes.
    var labels: (x: String, y: String) { axes == nil ? ("x1", "x2") : ("pc1", "pc2") }

    /// A data point in the picture.
    func project(_ row: [Double]) -> Point {
        guard let axes else { return Point(row[0], row.count > 1 ? row[1] : 0) }
        return Projection.project([row], mean: mean, axes: axes)[0]
    }

    /// A direction (a gradient) in the picture.
    func projectDirection(_ vector: [Double]) -> Point {
        guard let axes else { return Point(vector[0], vector.count > 1 ? vector[1] : 0) }
        return Projection.project([vector], mean: vector.map { _ in 0 }, axes: axes)[0]
    }

    /// The data point a point of the picture stands for.
    func point(_ point: Point) -> [Double] {
        guard let axes else {
            var row = mean
            row[0] = point.x
            if dimension > 1 { row[1] = point.y }
            return row
        }
        return (0..<dimension).map { mean[$0] + point.x * axes[0][$0] + point.y * axes[1][$0] }
    }
}
