import Foundation

/// Draws a canvas as an SVG document.
public struct SVGRenderer: Sendable {
    /// Pixels across.
    public var width: Int
    /// Pixels down.
    public var height: Int

    /// A renderer for a picture of `width × height` pixels.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Width over height of the plot area `canvas` gets (the picture less title, ticks, legend and
    /// captions), so a caller can choose data ranges that keep circles round.
    public func plotAspect(_ canvas: Canvas) -> Double {
        let frame = FigureLayout(width: width, height: height).frame(canvas).frame
        return frame.width / frame.height
    }

    /// The SVG text of `canvas` (coordinates rounded to hundredths of a pixel).
    public func render(_ canvas: Canvas) -> String {
        let scene = FigureLayout(width: width, height: height).scene(canvas)
        var lines = ["<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" font-family=\"monospace\">",
                     "<rect width=\"\(width)\" height=\"\(height)\" fill=\"\(scene.background.hex)\"/>"]
        for (index, shape) in scene.shapes.enumerated() { lines += svg(shape, number: index) }
        lines.append("</svg>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The elements of one shape; `number` makes the ids it defines unique in the document.
    private func svg(_ shape: Shape, number: Int) -> [String] {
        switch shape {
        case .rectangle(let rect, let fill, let opacity):
            return ["<rect x=\"\(n(rect.x))\" y=\"\(n(rect.y))\" width=\"\(n(rect.width))\" height=\"\(n(rect.height))\" fill=\"\(fill.hex)\"\(opacityAttribute("fill-opacity", opacity))/>"]
        case .heatMap(let map, let extent, let clip):
            // One pixel per cell in an embedded PNG (top row first, so the map's last row), stretched over
            // the map's extent and cut to the plot: a few kilobytes where a rectangle per cell would take
            // hundreds, and smooth where the viewer scales it.
            var pixels: [UInt8] = []
            pixels.reserveCapacity(map.columns * map.rows * 3)
            for row in (0..<map.rows).reversed() {
                for column in 0..<map.columns {
                    let colour = ColourRamp.heat.colour(at: map.fraction(map.values[row * map.columns + column]))
                    pixels += [colour.red, colour.green, colour.blue]
                }
            }
            let image = Data(PNGEncoder.encode(width: map.columns, height: map.rows, rgb: pixels)).base64EncodedString()
            let identifier = "clip-\(number)"
            return ["<clipPath id=\"\(identifier)\"><rect x=\"\(n(clip.x))\" y=\"\(n(clip.y))\" width=\"\(n(clip.width))\" height=\"\(n(clip.height))\"/></clipPath>",
                    "<image x=\"\(n(extent.x))\" y=\"\(n(extent.y))\" width=\"\(n(extent.width))\" height=\"\(n(extent.height))\" preserveAspectRatio=\"none\" clip-path=\"url(#\(identifier))\" xlink:href=\"data:image/png;base64,\(image)\"/>"]
        case .polyline(let points, let stroke, let width, let opacity):
            let coordinates = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
            return ["<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke.hex)\" stroke-width=\"\(n(width))\" stroke-linejoin=\"round\" stroke-linecap=\"round\"\(opacityAttribute("stroke-opacity", opacity))/>"]
        case .segments(let segments, let stroke, let width, let opacity):
            let path = segments.map { "M\(n($0.0.x)) \(n($0.0.y))L\(n($0.1.x)) \(n($0.1.y))" }.joined()
            return ["<path d=\"\(path)\" fill=\"none\" stroke=\"\(stroke.hex)\" stroke-width=\"\(n(width))\"\(opacityAttribute("stroke-opacity", opacity))/>"]
        case .circle(let centre, let radius, let fill, let opacity):
            return ["<circle cx=\"\(n(centre.x))\" cy=\"\(n(centre.y))\" r=\"\(n(radius))\" fill=\"\(fill.hex)\"\(opacityAttribute("fill-opacity", opacity))/>"]
        case .polygon(let points, let fill):
            guard !points.isEmpty else { return [] }
            return ["<polygon points=\"\(points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " "))\" fill=\"\(fill.hex)\"/>"]
        case .text(let text, let x, let y, let anchor, let scale, let colour, let bold):
            // The bitmap font's capitals are 7 font pixels high and its advance 6: a monospace font of
            // size 10 per font pixel has about the same advance, and its baseline sits 7 below the top.
            let anchorName = anchor == .start ? "start" : anchor == .middle ? "middle" : "end"
            return ["<text x=\"\(n(x))\" y=\"\(n(y + Double(7 * scale)))\" font-size=\"\(10 * scale)\" text-anchor=\"\(anchorName)\" fill=\"\(colour.hex)\"\(bold ? " font-weight=\"bold\"" : "")>\(escaped(text))</text>"]
        }
    }

    private func opacityAttribute(_ name: String, _ opacity: Double) -> String {
        opacity >= 1 ? "" : " \(name)=\"\(n(opacity))\""
    }

    /// A coordinate with at most two decimals and no trailing zeros.
    private func n(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    private func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}

/// Draws a canvas as a PNG image.
public struct PNGRenderer: Sendable {
    /// Pixels across.
    public var width: Int
    /// Pixels down.
    public var height: Int

    /// A renderer for a picture of `width × height` pixels.
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    /// Width over height of the plot area `canvas` gets (the same layout as SVG).
    public func plotAspect(_ canvas: Canvas) -> Double {
        SVGRenderer(width: width, height: height).plotAspect(canvas)
    }

    /// The PNG file of `canvas`.
    public func render(_ canvas: Canvas) -> [UInt8] {
        let image = raster(canvas)
        return PNGEncoder.encode(width: image.width, height: image.height, rgb: image.rgb)
    }

    /// The painted image of `canvas`, before encoding.
    public func raster(_ canvas: Canvas) -> Raster {
        let scene = FigureLayout(width: width, height: height).scene(canvas)
        var image = Raster(width: width, height: height, background: scene.background)
        for shape in scene.shapes { paint(shape, on: &image) }
        return image
    }

    private func paint(_ shape: Shape, on image: inout Raster) {
        switch shape {
        case .rectangle(let rect, let fill, let opacity):
            image.fillRectangle(x: rect.x, y: rect.y, width: rect.width, height: rect.height, fill, opacity: opacity)
        case .heatMap(let map, let extent, let clip):
            guard let area = extent.intersection(clip) else { return }
            let x0 = max(0, Int((area.x - 0.5).rounded(.up))), x1 = min(image.width - 1, Int((area.x + area.width - 0.5).rounded(.up)) - 1)
            let y0 = max(0, Int((area.y - 0.5).rounded(.up))), y1 = min(image.height - 1, Int((area.y + area.height - 0.5).rounded(.up)) - 1)
            guard x0 <= x1, y0 <= y1 else { return }
            let xSpan = map.xRange.upperBound - map.xRange.lowerBound, ySpan = map.yRange.upperBound - map.yRange.lowerBound
            for py in y0...y1 {
                // The top of the extent is the map's largest y.
                let y = map.yRange.upperBound - (Double(py) + 0.5 - extent.y) / extent.height * ySpan
                for px in x0...x1 {
                    let x = map.xRange.lowerBound + (Double(px) + 0.5 - extent.x) / extent.width * xSpan
                    image.set(px, py, ColourRamp.heat.colour(at: map.fraction(map.value(atX: x, y: y))))
                }
            }
        case .polyline(let points, let stroke, let width, let opacity):
            if points.count == 2 && points[0] == points[1] {
                image.fillCircle(points[0], radius: width / 2, stroke, opacity: opacity)
            }
            for (a, b) in zip(points, points.dropFirst()) { image.strokeSegment(a, b, lineWidth: width, stroke, opacity: opacity) }
        case .segments(let segments, let stroke, let width, let opacity):
            for (a, b) in segments { image.strokeSegment(a, b, lineWidth: width, stroke, opacity: opacity) }
        case .circle(let centre, let radius, let fill, let opacity):
            image.fillCircle(centre, radius: radius, fill, opacity: opacity)
        case .polygon(let points, let fill):
            image.fillConvexPolygon(points, fill)
        case .text(let text, let x, let y, let anchor, let scale, let colour, let bold):
            let textWidth = Double(BitmapFont.width(of: text, scale: scale))
            let left = anchor == .start ? x : anchor == .middle ? x - textWidth / 2 : x - textWidth
            image.drawText(text, x: Int(left.rounded()), y: Int(y.rounded()), scale: scale, colour)
            if bold { image.drawText(text, x: Int(left.rounded()) + 1, y: Int(y.rounded()), scale: scale, colour) }
        }
    }
}
