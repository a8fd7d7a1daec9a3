/// A straight piece of a contour line, in data coordinates.
public struct Segment: Sendable, Equatable {
    /// One end.
    public var start: Point
    /// The other end.
    public var end: Point
}

extension HeatMap {
    /// The contour line at `level` as segments (marching squares over the cell centres, with crossings
    /// placed by linear interpolation and saddles decided by the average of the four corners).
    public func contour(at level: Double) -> [Segment] {
        let dx = (xRange.upperBound - xRange.lowerBound) / Double(columns)
        let dy = (yRange.upperBound - yRange.lowerBound) / Double(rows)
        func centre(_ column: Int, _ row: Int) -> Point {
            Point(xRange.lowerBound + (Double(column) + 0.5) * dx, yRange.lowerBound + (Double(row) + 0.5) * dy)
        }
        func value(_ column: Int, _ row: Int) -> Double { values[row * columns + column] }
        /// Where the level crosses the edge from corner a to corner b.
        func crossing(_ a: Point, _ va: Double, _ b: Point, _ vb: Double) -> Point {
            let t = va == vb ? 0.5 : min(max((level - va) / (vb - va), 0), 1)
            return Point(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))
        }
        var segments: [Segment] = []
        for row in 0..<(rows - 1) {
            for column in 0..<(columns - 1) {
                // Corners counter-clockwise from the bottom left.
                let corners = [centre(column, row), centre(column + 1, row), centre(column + 1, row + 1), centre(column, row + 1)]
                let cornerValues = [value(column, row), value(column + 1, row), value(column + 1, row + 1), value(column, row + 1)]
                guard cornerValues.allSatisfy(\.isFinite) else { continue }
                let above = cornerValues.map { $0 >= level }
                // Edge i runs from corner i to corner i + 1; it is crossed when its ends disagree.
                let crossed = (0..<4).filter { above[$0] != above[($0 + 1) % 4] }
                let points = crossed.map { edge in
                    crossing(corners[edge], cornerValues[edge], corners[(edge + 1) % 4], cornerValues[(edge + 1) % 4])
                }
                if points.count == 2 {
                    segments.append(Segment(start: points[0], end: points[1]))
                } else if points.count == 4 {
                    // A saddle: the centre's side decides which corners the lines cut off.
                    // When it sides with corners 0 and 2, the lines cut off corners 1 and 3 (corner i lies
                    // between edges i − 1 and i), else corners 0 and 2.
                    let centreAbove = cornerValues.reduce(0, +) / 4 >= level
                    if centreAbove == above[0] {
                        segments.append(Segment(start: points[0], end: points[1]))
                        segments.append(Segment(start: points[2], end: points[3]))
                    } else {
                        segments.append(Segment(start: points[3], end: points[0]))
                        segments.append(Segment(start: points[1], end: points[2]))
                    }
                }
            }
        }
        return segments
    }

    /// Every contour line of `contourLevels`.
    public var contourSegments: [Segment] { contourLevels.flatMap { contour(at: $0) } }
}
