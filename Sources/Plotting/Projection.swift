/// Views of points with more than two coordinates in the plane.
public enum Projection {
    /// The first two coordinates of each row (rows with fewer are padded with 0).
    public static func firstTwo(_ rows: [[Double]]) -> [Point] {
        rows.map { Point($0.first ?? 0, $0.count > 1 ? $0[1] : 0) }
    }

    /// The mean of `rows` and its two principal axes (unit vectors of the largest variance, the second
    /// orthogonal to the first), by power iteration on the covariance matrix. Each axis is signed so its
    /// largest component is positive, so the picture does not flip between runs.
    public static func principalAxes(_ rows: [[Double]]) -> (mean: [Double], axes: [[Double]]) {
        let dimension = rows.first?.count ?? 0
        guard dimension > 0 else { return ([], []) }
        var mean = [Double](repeating: 0, count: dimension)
        for row in rows { for index in 0..<dimension { mean[index] += row[index] } }
        mean = mean.map { $0 / Double(max(rows.count, 1)) }
        var covariance = [Double](repeating: 0, count: dimension * dimension)
        for row in rows {
            for i in 0..<dimension {
                let di = row[i] - mean[i]
                for j in 0..<dimension { covariance[i * dimension + j] += di * (row[j] - mean[j]) }
            }
        }
        var axes: [[Double]] = []
        for _ in 0..<min(2, dimension) {
            // A start that is not orthogonal to any particular axis in general position.
            var vector = (0..<dimension).map { 1 + 0.1 * Double($0) }
            for _ in 0..<500 {
                for axis in axes {
                    let along = zip(vector, axis).reduce(0) { $0 + $1.0 * $1.1 }
                    vector = zip(vector, axis).map { $0 - along * $1 }
                }
                var next = [Double](repeating: 0, count: dimension)
                for i in 0..<dimension {
                    for j in 0..<dimension { next[i] += covariance[i * dimension + j] * vector[j] }
                }
                let norm = next.reduce(0) { $0 + $1 * $1 }.squareRoot()
                guard norm > 0 else { break }
                next = next.map { $0 / norm }
                let change = zip(next, vector).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }
                vector = next
                if change < 1e-20 { break }
            }
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            vector = vector.map { $0 / max(norm, 1e-300) }
            if let largest = vector.max(by: { abs($0) < abs($1) }), largest < 0 { vector = vector.map { -$0 } }
            axes.append(vector)
        }
        return (mean, axes)
    }

    /// Each row's coordinates along two axes, relative to `mean`.
    public static func project(_ rows: [[Double]], mean: [Double], axes: [[Double]]) -> [Point] {
        rows.map { row in
            let centred = zip(row, mean).map { $0 - $1 }
            let coordinates = axes.map { axis in zip(centred, axis).reduce(0) { $0 + $1.0 * $1.1 } }
            return Point(coordinates.first ?? 0, coordinates.count > 1 ? coordinates[1] : 0)
        }
    }
}
