/// A position in pixels: x to the right, y down, (0, 0) the top-left corner of the top-left pixel.
public struct PixelPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    /// A pixel position.
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// An RGB image being painted: shapes with anti-aliased edges (coverage from the distance between each
/// pixel centre and the shape), text from `BitmapFont`.
public struct Raster: Sendable {
    /// Pixels across.
    public let width: Int
    /// Pixels down.
    public let height: Int
    /// Three bytes per pixel, rows from the top.
    public private(set) var rgb: [UInt8]

    /// An image filled with `background`.
    public init(width: Int, height: Int, background: RGB) {
        self.width = width
        self.height = height
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        for index in 0..<(width * height) {
            pixels[3 * index] = background.red
            pixels[3 * index + 1] = background.green
            pixels[3 * index + 2] = background.blue
        }
        rgb = pixels
    }

    /// The colour of pixel (x, y).
    public func pixel(_ x: Int, _ y: Int) -> RGB {
        let index = 3 * (y * width + x)
        return RGB(rgb[index], rgb[index + 1], rgb[index + 2])
    }

    /// Mixes `colour` into pixel (x, y) with weight `alpha` (ignored outside the image).
    mutating func blend(_ x: Int, _ y: Int, _ colour: RGB, _ alpha: Double) {
        guard x >= 0, y >= 0, x < width, y < height, alpha > 0 else { return }
        let index = 3 * (y * width + x)
        let a = min(alpha, 1)
        func mix(_ old: UInt8, _ new: UInt8) -> UInt8 { UInt8((Double(old) + (Double(new) - Double(old)) * a).rounded()) }
        rgb[index] = mix(rgb[index], colour.red)
        rgb[index + 1] = mix(rgb[index + 1], colour.green)
        rgb[index + 2] = mix(rgb[index + 2], colour.blue)
    }

    /// Sets pixel (x, y) (ignored outside the image).
    mutating func set(_ x: Int, _ y: Int, _ colour: RGB) { blend(x, y, colour, 1) }

    /// Fills the pixels whose centres lie in the rectangle.
    mutating func fillRectangle(x: Double, y: Double, width w: Double, height h: Double, _ colour: RGB, opacity: Double = 1) {
        let x0 = max(0, Int((x - 0.5).rounded(.up))), x1 = min(width - 1, Int((x + w - 0.5).rounded(.up)) - 1)
        let y0 = max(0, Int((y - 0.5).rounded(.up))), y1 = min(height - 1, Int((y + h - 0.5).rounded(.up)) - 1)
        guard x0 <= x1, y0 <= y1 else { return }
        for py in y0...y1 { for px in x0...x1 { blend(px, py, colour, opacity) } }
    }

    /// A filled disc with a soft one-pixel edge.
    mutating func fillCircle(_ centre: PixelPoint, radius: Double, _ colour: RGB, opacity: Double = 1) {
        let x0 = Int((centre.x - radius - 1).rounded(.down)), x1 = Int((centre.x + radius + 1).rounded(.up))
        let y0 = Int((centre.y - radius - 1).rounded(.down)), y1 = Int((centre.y + radius + 1).rounded(.up))
        for py in max(0, y0)...max(0, min(height - 1, y1)) {
            for px in max(0, x0)...max(0, min(width - 1, x1)) {
                let dx = Double(px) + 0.5 - centre.x, dy = Double(py) + 0.5 - centre.y
                let coverage = min(max(radius + 0.5 - (dx * dx + dy * dy).squareRoot(), 0), 1)
                blend(px, py, colour, coverage * opacity)
            }
        }
    }

    /// A straight stroke `lineWidth` pixels wide with round ends and a soft edge.
    mutating func strokeSegment(_ a: PixelPoint, _ b: PixelPoint, lineWidth: Double, _ colour: RGB, opacity: Double = 1) {
        let half = lineWidth / 2
        let x0 = Int((min(a.x, b.x) - half - 1).rounded(.down)), x1 = Int((max(a.x, b.x) + half + 1).rounded(.up))
        let y0 = Int((min(a.y, b.y) - half - 1).rounded(.down)), y1 = Int((max(a.y, b.y) + half + 1).rounded(.up))
        guard x1 >= 0, y1 >= 0, x0 < width, y0 < height else { return }
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        for py in max(0, y0)...min(height - 1, y1) {
            for px in max(0, x0)...min(width - 1, x1) {
                let cx = Double(px) + 0.5, cy = Double(py) + 0.5
                let t = lengthSquared > 0 ? min(max(((cx - a.x) * dx + (cy - a.y) * dy) / lengthSquared, 0), 1) : 0
                let ex = cx - (a.x + t * dx), ey = cy - (a.y + t * dy)
                let coverage = min(max(half + 0.5 - (ex * ex + ey * ey).squareRoot(), 0), 1)
                blend(px, py, colour, coverage * opacity)
            }
        }
    }

    /// A filled convex polygon, its edges smoothed by sampling each pixel at 4 × 4 points.
    mutating func fillConvexPolygon(_ points: [PixelPoint], _ colour: RGB, opacity: Double = 1) {
        guard points.count >= 3 else { return }
        let x0 = max(0, Int(points.map(\.x).min()!.rounded(.down))), x1 = min(width - 1, Int(points.map(\.x).max()!.rounded(.up)))
        let y0 = max(0, Int(points.map(\.y).min()!.rounded(.down))), y1 = min(height - 1, Int(points.map(\.y).max()!.rounded(.up)))
        guard x0 <= x1, y0 <= y1 else { return }
        // The sign of the polygon's area tells which side of each edge is inside.
        var area = 0.0
        for (index, p) in points.enumerated() {
            let q = points[(index + 1) % points.count]
            area += p.x * q.y - q.x * p.y
        }
        let orientation: Double = area >= 0 ? 1 : -1
        func inside(_ x: Double, _ y: Double) -> Bool {
            for (index, p) in points.enumerated() {
                let q = points[(index + 1) % points.count]
                if ((q.x - p.x) * (y - p.y) - (q.y - p.y) * (x - p.x)) * orientation < 0 { return false }
            }
            return true
        }
        for py in y0...y1 {
            for px in x0...x1 {
                var hits = 0
                for sy in 0..<4 {
                    for sx in 0..<4 where inside(Double(px) + (Double(sx) + 0.5) / 4, Double(py) + (Double(sy) + 0.5) / 4) {
                        hits += 1
                    }
                }
                blend(px, py, colour, Double(hits) / 16 * opacity)
            }
        }
    }

    /// `text` in the bitmap font, each font pixel `scale` × `scale` image pixels, its top-left corner at
    /// (x, y).
    mutating func drawText(_ text: String, x: Int, y: Int, scale: Int, _ colour: RGB) {
        var left = x
        for character in text {
            let rows = BitmapFont.rows(character)
            for (rowIndex, bits) in rows.enumerated() where bits != 0 {
                for column in 0..<BitmapFont.glyphWidth where bits & (1 << (BitmapFont.glyphWidth - 1 - column)) != 0 {
                    for dy in 0..<scale {
                        for dx in 0..<scale { set(left + column * scale + dx, y + rowIndex * scale + dy, colour) }
                    }
                }
            }
            left += BitmapFont.advance * scale
        }
    }
}
