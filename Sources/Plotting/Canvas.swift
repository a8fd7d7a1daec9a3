/// A point of the data plane.
public struct Point: Sendable, Equatable {
    /// Horizontal coordinate.
    public var x: Double
    /// Vertical coordinate.
    public var y: Double

    /// A point from its coordinates.
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// How an axis maps values to positions.
public enum AxisScale: Sendable, Equatable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios (base 10); values ≤ 0 cannot be shown.
    case logarithmic
}

/// One axis: its label, the range it shows (nil: fitted to what is drawn), and its scale.
public struct Axis: Sendable, Equatable {
    /// The label under (x) or beside (y) the axis.
    public var label: String
    /// The values shown, or nil to fit the layers.
    public var range: ClosedRange<Double>?
    /// Linear or logarithmic.
    public var scale: AxisScale

    /// An axis.
    public init(_ label: String = "", range: ClosedRange<Double>? = nil, scale: AxisScale = .linear) {
        self.label = label
        self.range = range
        self.scale = scale
    }
}

/// Points drawn as dots (braille dots, a marker character, circles in files).
public struct PointSeries: Sendable, Equatable {
    /// The name the legend shows.
    public var name: String
    /// Its colour.
    public var colour: RGB
    /// The character that marks it where only ASCII can be used.
    public var marker: Character
    /// The points.
    public var points: [Point]

    /// A series of points.
    public init(_ name: String, colour: RGB, marker: Character, points: [Point]) {
        self.name = name
        self.colour = colour
        self.marker = marker
        self.points = points
    }
}

/// Polylines of one colour: a curve, a histogram outline, or many paths such as a warped grid.
public struct LineSeries: Sendable, Equatable {
    /// The name the legend shows (empty: not in the legend).
    public var name: String
    /// Its colour.
    public var colour: RGB
    /// The character that draws it where only ASCII can be used.
    public var marker: Character
    /// Each path is drawn as connected segments; paths are not joined to each other.
    public var paths: [[Point]]

    /// A series of one or more polylines.
    public init(_ name: String, colour: RGB, marker: Character, paths: [[Point]]) {
        self.name = name
        self.colour = colour
        self.marker = marker
        self.paths = paths
    }
}

/// An arrow from a point to another, in data coordinates.
public struct Arrow: Sendable, Equatable {
    /// Where it starts.
    public var from: Point
    /// Where its head is.
    public var to: Point

    /// An arrow.
    public init(from: Point, to: Point) {
        self.from = from
        self.to = to
    }
}

/// Arrows of one colour (a vector field sampled at points).
public struct ArrowSeries: Sendable, Equatable {
    /// The name the legend shows.
    public var name: String
    /// Its colour.
    public var colour: RGB
    /// The arrows.
    public var arrows: [Arrow]

    /// A series of arrows.
    public init(_ name: String, colour: RGB, arrows: [Arrow]) {
        self.name = name
        self.colour = colour
        self.arrows = arrows
    }
}

/// A function sampled on a regular grid over a rectangle, drawn as colours (or shades) with contour lines.
///
/// `values[row * columns + column]` is the value at the centre of a cell: column 0 is the left edge
/// (lowest x) and row 0 the **bottom** edge (lowest y), as in mathematics, not as in images. The back ends
/// turn it upside down for the screen, in one place each, and the tests check it with f(x, y) = x and
/// f(x, y) = y.
public struct HeatMap: Sendable, Equatable {
    /// What the values are, for the colour scale ("D(x)").
    public var name: String
    /// Cells across.
    public let columns: Int
    /// Cells up.
    public let rows: Int
    /// Row-major values, bottom row first.
    public let values: [Double]
    /// The x range the grid covers (cell edges).
    public let xRange: ClosedRange<Double>
    /// The y range the grid covers (cell edges).
    public let yRange: ClosedRange<Double>
    /// Values at which contour lines are drawn.
    public var contourLevels: [Double]
    /// The smallest and largest finite value (0…1 when there is none, so colours stay defined).
    public let valueRange: ClosedRange<Double>

    /// A heat map; `values` must hold `columns × rows` numbers, bottom row first.
    public init(_ name: String, columns: Int, rows: Int, values: [Double], xRange: ClosedRange<Double>,
                yRange: ClosedRange<Double>, contourLevels: [Double] = []) {
        precondition(columns >= 2 && rows >= 2 && values.count == columns * rows, "a heat map needs columns × rows ≥ 2 × 2 values")
        self.name = name
        self.columns = columns
        self.rows = rows
        self.values = values
        self.xRange = xRange
        self.yRange = yRange
        self.contourLevels = contourLevels
        let finite = values.filter(\.isFinite)
        if let low = finite.min(), let high = finite.max() { valueRange = low...high } else { valueRange = 0...1 }
    }

    /// A heat map of `function` sampled at the cell centres.
    public init(_ name: String, columns: Int, rows: Int, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                function: (Double, Double) -> Double) {
        var values: [Double] = []
        values.reserveCapacity(columns * rows)
        for row in 0..<rows {
            for column in 0..<columns {
                let x = xRange.lowerBound + (Double(column) + 0.5) * (xRange.upperBound - xRange.lowerBound) / Double(columns)
                let y = yRange.lowerBound + (Double(row) + 0.5) * (yRange.upperBound - yRange.lowerBound) / Double(rows)
                values.append(function(x, y))
            }
        }
        self.init(name, columns: columns, rows: rows, values: values, xRange: xRange, yRange: yRange)
    }


    /// The value at (x, y), interpolated bilinearly between cell centres (clamped at the edges).
    public func value(atX x: Double, y: Double) -> Double {
        let u = (x - xRange.lowerBound) / (xRange.upperBound - xRange.lowerBound) * Double(columns) - 0.5
        let v = (y - yRange.lowerBound) / (yRange.upperBound - yRange.lowerBound) * Double(rows) - 0.5
        let cu = min(max(u, 0), Double(columns - 1)), cv = min(max(v, 0), Double(rows - 1))
        let c0 = min(Int(cu), columns - 2), r0 = min(Int(cv), rows - 2)
        let fu = cu - Double(c0), fv = cv - Double(r0)
        let v00 = values[r0 * columns + c0], v10 = values[r0 * columns + c0 + 1]
        let v01 = values[(r0 + 1) * columns + c0], v11 = values[(r0 + 1) * columns + c0 + 1]
        return (v00 * (1 - fu) + v10 * fu) * (1 - fv) + (v01 * (1 - fu) + v11 * fu) * fv
    }

    /// Where `value` falls between the smallest and largest value, in [0, 1].
    public func fraction(_ value: Double) -> Double {
        let range = valueRange
        let span = range.upperBound - range.lowerBound
        return span > 0 ? (value - range.lowerBound) / span : 0.5
    }

    /// `count` contour levels evenly spaced strictly inside the value range.
    public func evenLevels(_ count: Int) -> [Double] {
        let range = valueRange
        let span = range.upperBound - range.lowerBound
        guard count > 0, span > 0 else { return [] }
        return (1...count).map { range.lowerBound + span * Double($0) / Double(count + 1) }
    }
}

/// One thing drawn on a canvas; layers are drawn in order, later ones on top.
public enum Layer: Sendable, Equatable {
    /// A heat map with its contours.
    case heatMap(HeatMap)
    case lines(LineSeries)
    case points(PointSeries)
    case arrows(ArrowSeries)
}

/// A figure, independent of where it is drawn: layers over two axes, a title, a legend and captions.
/// The terminal, SVG and PNG back ends all draw the same canvas.
public struct Canvas: Sendable, Equatable {
    /// The line above the plot.
    public var title: String
    /// The horizontal axis.
    public var xAxis: Axis
    /// The vertical axis.
    public var yAxis: Axis
    /// What is drawn, bottom layer first.
    public var layers: [Layer]
    /// Lines of text under the legend (what a projection shows, what was left out).
    public var captions: [String]
    /// Whether to draw the legend (series names and the heat map's colour scale).
    public var showsLegend: Bool

    /// An empty canvas.
    public init(title: String = "", xAxis: Axis = Axis(), yAxis: Axis = Axis(), layers: [Layer] = [],
                captions: [String] = [], showsLegend: Bool = true) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.layers = layers
        self.captions = captions
        self.showsLegend = showsLegend
    }
}
