/// A rectangle in pixels.
struct PixelRect: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    func contains(_ point: PixelPoint) -> Bool {
        point.x >= x - 1e-9 && point.x <= x + width + 1e-9 && point.y >= y - 1e-9 && point.y <= y + height + 1e-9
    }

    /// The overlap with `other`, or nil.
    func intersection(_ other: PixelRect) -> PixelRect? {
        let left = max(x, other.x), right = min(x + width, other.x + other.width)
        let top = max(y, other.y), bottom = min(y + height, other.y + other.height)
        return left < right && top < bottom ? PixelRect(x: left, y: top, width: right - left, height: bottom - top) : nil
    }
}

/// Where a text's position is: its left end, its middle or its right end (the position is the top of
/// the glyphs).
enum TextAnchor: Equatable {
    case start
    case middle
    case end
}

/// One shape of a figure laid out in pixels: what the SVG writer and the PNG painter both draw, so the
/// two files of a canvas show the same picture.
enum Shape {
    /// A filled rectangle.
    case rectangle(PixelRect, fill: RGB, opacity: Double)
    /// A heat map whose full grid covers `extent`, drawn only inside `clip`.
    case heatMap(HeatMap, extent: PixelRect, clip: PixelRect)
    /// Connected straight strokes.
    case polyline([PixelPoint], stroke: RGB, width: Double, opacity: Double)
    /// Separate straight strokes (contour lines, grid lines, ticks).
    case segments([(PixelPoint, PixelPoint)], stroke: RGB, width: Double, opacity: Double)
    /// A filled disc.
    case circle(PixelPoint, radius: Double, fill: RGB, opacity: Double)
    /// A filled convex polygon (arrow heads).
    case polygon([PixelPoint], fill: RGB)
    /// A line of text in the bitmap font at `scale` (SVG: monospace of the same advance), top at `y`.
    case text(String, x: Double, y: Double, anchor: TextAnchor, scale: Int, colour: RGB, bold: Bool)
}

/// A canvas laid out for a file of `width × height` pixels.
struct Scene {
    let width: Int
    let height: Int
    let background: RGB
    var shapes: [Shape] = []
}
