/// Lays a canvas out in pixels for the file back ends: title, plot frame with ticks and labels, the
/// layers clipped to the frame, then the axis label, legend and captions underneath.
struct FigureLayout {
    let width: Int
    let height: Int
    /// Size of a font pixel in image pixels: 2 from 480 pixels across, so text stays legible.
    var scale: Int { width >= 480 ? 2 : 1 }
    private var characterWidth: Double { Double(BitmapFont.advance * scale) }
    private var lineHeight: Double { Double(BitmapFont.lineHeight * scale) }
    /// The height of capitals, for centring labels on ticks.
    private var capitalHeight: Double { Double(7 * scale) }

    static let frameBackground = RGB(250, 250, 250)
    static let gridColour = RGB(228, 228, 228)

    /// The plot's frame and the y ticks it was sized for.
    func frame(_ canvas: Canvas) -> (frame: PixelRect, yTicks: [Tick]) {
        let view = Viewport(canvas)
        let legendRows = rows(of: canvas.showsLegend ? legendEntries(canvas) : [])
        var top = 10.0
        if !canvas.title.isEmpty { top += lineHeight + 6 }
        if !canvas.yAxis.label.isEmpty { top += lineHeight + 2 }
        var bottom = 10.0 + 6 + 4 + lineHeight
        if !canvas.xAxis.label.isEmpty { bottom += lineHeight + 4 }
        bottom += Double(legendRows.count) * (lineHeight + 6) + (legendRows.isEmpty ? 0 : 6)
        bottom += Double(captionLines(canvas).count) * (lineHeight + 2)
        let plotHeight = max(Double(height) - top - bottom, 20)
        let yTicks = view.yTicks(max(2, Int(plotHeight / (lineHeight * 3.5))))
        let labelColumns = Double(yTicks.map(\.label.count).max() ?? 1)
        let left = 10 + labelColumns * characterWidth + 10
        return (PixelRect(x: left, y: top, width: max(Double(width) - left - 20, 20), height: plotHeight), yTicks)
    }

    private func captionLines(_ canvas: Canvas) -> [String] {
        canvas.captions.flatMap { Geometry.wrap($0, columns: max(10, Int((Double(width) - 20) / characterWidth))) }
    }

    func scene(_ canvas: Canvas) -> Scene {
        var scene = Scene(width: width, height: height, background: Palette.paper)
        let view = Viewport(canvas)
        let legendRows = rows(of: canvas.showsLegend ? legendEntries(canvas) : [])
        let captionLines = captionLines(canvas)
        let (frame, yTicks) = frame(canvas)
        let xTicks = view.xTicks(max(2, Int(frame.width / (characterWidth * 10))))
        func px(_ u: Double) -> Double { frame.x + u * frame.width }
        func py(_ v: Double) -> Double { frame.y + (1 - v) * frame.height }

        scene.shapes.append(.rectangle(frame, fill: Self.frameBackground, opacity: 1))
        let gridLines = xTicks.map { (PixelPoint(px($0.fraction), frame.y), PixelPoint(px($0.fraction), frame.y + frame.height)) }
            + yTicks.map { (PixelPoint(frame.x, py($0.fraction)), PixelPoint(frame.x + frame.width, py($0.fraction))) }
        scene.shapes.append(.segments(gridLines, stroke: Self.gridColour, width: 1, opacity: 1))

        func position(_ point: Point) -> PixelPoint? {
            guard let u = view.u(point.x), let v = view.v(point.y), abs(u) < 1e6, abs(v) < 1e6 else { return nil }
            return PixelPoint(px(u), py(v))
        }
        let strokeWidth = 1 + 0.5 * Double(scale)
        for layer in canvas.layers {
            switch layer {
            case .heatMap(let map):
                guard let u0 = view.u(map.xRange.lowerBound), let u1 = view.u(map.xRange.upperBound),
                      let v0 = view.v(map.yRange.lowerBound), let v1 = view.v(map.yRange.upperBound) else { continue }
                let extent = PixelRect(x: px(u0), y: py(v1), width: px(u1) - px(u0), height: py(v0) - py(v1))
                scene.shapes.append(.heatMap(map, extent: extent, clip: frame))
                let segments = map.contourSegments.compactMap { segment -> (PixelPoint, PixelPoint)? in
                    guard let a = position(segment.start), let b = position(segment.end) else { return nil }
                    return Self.clip(a, b, to: frame)
                }
                if !segments.isEmpty {
                    scene.shapes.append(.segments(segments, stroke: Palette.contour, width: strokeWidth * 0.75, opacity: 0.85))
                }
            case .lines(let series):
                for path in series.paths {
                    for run in Self.clippedRuns(path.map(position), to: frame) {
                        scene.shapes.append(.polyline(run, stroke: series.colour, width: strokeWidth, opacity: 1))
                    }
                }
            case .points(let series):
                for point in series.points {
                    guard let centre = position(point), frame.contains(centre) else { continue }
                    scene.shapes.append(.circle(centre, radius: 1 + Double(scale), fill: series.colour, opacity: 0.85))
                }
            case .arrows(let series):
                for arrow in series.arrows {
                    guard let from = position(arrow.from), let to = position(arrow.to), frame.contains(from),
                          let (a, b) = Self.clip(from, to, to: frame) else { continue }
                    scene.shapes.append(.polyline([a, b], stroke: series.colour, width: strokeWidth, opacity: 1))
                    if frame.contains(to) { scene.shapes.append(.polygon(arrowHead(from: from, to: to), fill: series.colour)) }
                }
            }
        }

        let frameCorners = [PixelPoint(frame.x, frame.y), PixelPoint(frame.x + frame.width, frame.y),
                            PixelPoint(frame.x + frame.width, frame.y + frame.height), PixelPoint(frame.x, frame.y + frame.height),
                            PixelPoint(frame.x, frame.y)]
        scene.shapes.append(.polyline(frameCorners, stroke: Palette.ink, width: 1, opacity: 1))
        let tickLength = 5.0
        var ticks: [(PixelPoint, PixelPoint)] = []
        var lastLabelEnd = -Double.infinity
        for tick in xTicks {
            let x = px(tick.fraction)
            ticks.append((PixelPoint(x, frame.y + frame.height), PixelPoint(x, frame.y + frame.height + tickLength)))
            let labelWidth = Double(tick.label.count) * characterWidth
            guard x - labelWidth / 2 > lastLabelEnd + characterWidth else { continue }
            lastLabelEnd = x + labelWidth / 2
            scene.shapes.append(.text(tick.label, x: x, y: frame.y + frame.height + tickLength + 4, anchor: .middle,
                                      scale: scale, colour: Palette.ink, bold: false))
        }
        for tick in yTicks {
            let y = py(tick.fraction)
            ticks.append((PixelPoint(frame.x - tickLength, y), PixelPoint(frame.x, y)))
            scene.shapes.append(.text(tick.label, x: frame.x - tickLength - 4, y: y - capitalHeight / 2, anchor: .end,
                                      scale: scale, colour: Palette.ink, bold: false))
        }
        scene.shapes.append(.segments(ticks, stroke: Palette.ink, width: 1, opacity: 1))

        var cursor = 10.0
        if !canvas.title.isEmpty {
            scene.shapes.append(.text(canvas.title, x: frame.x + frame.width / 2, y: cursor, anchor: .middle, scale: scale,
                                      colour: Palette.ink, bold: true))
            cursor += lineHeight + 6
        }
        if !canvas.yAxis.label.isEmpty {
            scene.shapes.append(.text(canvas.yAxis.label, x: frame.x, y: cursor, anchor: .start, scale: scale, colour: Palette.ink, bold: false))
        }
        cursor = frame.y + frame.height + tickLength + 4 + lineHeight + 4
        if !canvas.xAxis.label.isEmpty {
            scene.shapes.append(.text(canvas.xAxis.label, x: frame.x + frame.width / 2, y: cursor, anchor: .middle, scale: scale,
                                      colour: Palette.ink, bold: false))
            cursor += lineHeight + 4
        }
        if !legendRows.isEmpty { cursor += 6 }
        for row in legendRows {
            var x = frame.x
            for entry in row {
                scene.shapes += entry.shapes(x: x, y: cursor, scale: scale)
                x += entry.width(scale: scale) + 3 * characterWidth
            }
            cursor += lineHeight + 6
        }
        for line in captionLines {
            scene.shapes.append(.text(line, x: 10, y: cursor, anchor: .start, scale: scale, colour: Palette.ink, bold: false))
            cursor += lineHeight + 2
        }
        return scene
    }

    /// A triangle at `to` pointing away from `from`.
    private func arrowHead(from: PixelPoint, to: PixelPoint) -> [PixelPoint] {
        let dx = to.x - from.x, dy = to.y - from.y
        let length = (dx * dx + dy * dy).squareRoot()
        guard length > 0 else { return [] }
        let (ux, uy) = (dx / length, dy / length)
        let headLength = min(4 + 2 * Double(scale), length), halfWidth = 2 + Double(scale)
        let base = PixelPoint(to.x - ux * headLength, to.y - uy * headLength)
        return [to, PixelPoint(base.x - uy * halfWidth, base.y + ux * halfWidth), PixelPoint(base.x + uy * halfWidth, base.y - ux * halfWidth)]
    }

    // MARK: Legend

    private func legendEntries(_ canvas: Canvas) -> [LegendEntry] {
        canvas.layers.compactMap { layer in
            switch layer {
            case .heatMap(let map):
                return LegendEntry(kind: .colourScale(low: TerminalRenderer.number(map.valueRange.lowerBound),
                                                      high: TerminalRenderer.number(map.valueRange.upperBound)),
                                   name: map.name, colour: Palette.ink)
            case .points(let series) where !series.name.isEmpty:
                return LegendEntry(kind: .point, name: series.name, colour: series.colour)
            case .lines(let series) where !series.name.isEmpty:
                return LegendEntry(kind: .line, name: series.name, colour: series.colour)
            case .arrows(let series) where !series.name.isEmpty:
                return LegendEntry(kind: .arrow, name: series.name, colour: series.colour)
            default:
                return nil
            }
        }
    }

    private func rows(of entries: [LegendEntry]) -> [[LegendEntry]] {
        var rows: [[LegendEntry]] = []
        var current: [LegendEntry] = []
        var used = 0.0
        let available = Double(width) - 40
        for entry in entries {
            let entryWidth = entry.width(scale: scale) + 3 * characterWidth
            if !current.isEmpty && used + entryWidth > available {
                rows.append(current)
                current = []
                used = 0
            }
            current.append(entry)
            used += entryWidth
        }
        if !current.isEmpty { rows.append(current) }
        return rows
    }

    // MARK: Clipping

    /// The part of segment a–b inside `rect` (Liang–Barsky), or nil.
    static func clip(_ a: PixelPoint, _ b: PixelPoint, to rect: PixelRect) -> (PixelPoint, PixelPoint)? {
        let dx = b.x - a.x, dy = b.y - a.y
        guard let (t0, t1) = Geometry.clipParameters(x: a.x, y: a.y, dx: dx, dy: dy, left: rect.x, right: rect.x + rect.width,
                                                     bottom: rect.y, top: rect.y + rect.height) else { return nil }
        return (PixelPoint(a.x + t0 * dx, a.y + t0 * dy), PixelPoint(a.x + t1 * dx, a.y + t1 * dy))
    }


    /// A path cut to `rect`: the runs of connected pieces inside it (points that cannot be placed break
    /// the path).
    static func clippedRuns(_ path: [PixelPoint?], to rect: PixelRect) -> [[PixelPoint]] {
        var runs: [[PixelPoint]] = []
        var current: [PixelPoint] = []
        for (a, b) in zip(path, path.dropFirst()) {
            guard let a, let b, let (start, end) = clip(a, b, to: rect) else {
                if current.count >= 2 { runs.append(current) }
                current = []
                continue
            }
            if current.last != start {
                if current.count >= 2 { runs.append(current) }
                current = [start]
            }
            current.append(end)
            if end != b {
                runs.append(current)
                current = []
            }
        }
        if current.count >= 2 { runs.append(current) }
        if path.count == 1, let only = path[0], rect.contains(only) { runs.append([only, only]) }
        return runs
    }
}

/// One entry of a file's legend: a swatch and a name, or a heat map's colour scale.
struct LegendEntry {
    enum Kind {
        case point
        case line
        case arrow
        case colourScale(low: String, high: String)
    }

    let kind: Kind
    let name: String
    let colour: RGB

    static let barWidth = 64.0

    func width(scale: Int) -> Double {
        let character = Double(BitmapFont.advance * scale)
        switch kind {
        case .colourScale(let low, let high):
            return Double(name.count + low.count + high.count + 3) * character + Self.barWidth
        default:
            return 3 * character + Double(name.count) * character
        }
    }

    func shapes(x: Double, y: Double, scale: Int) -> [Shape] {
        let character = Double(BitmapFont.advance * scale)
        let middle = y + Double(7 * scale) / 2
        switch kind {
        case .point:
            return [.circle(PixelPoint(x + character, middle), radius: 1 + Double(scale), fill: colour, opacity: 1),
                    .text(name, x: x + 3 * character, y: y, anchor: .start, scale: scale, colour: Palette.ink, bold: false)]
        case .line:
            return [.polyline([PixelPoint(x, middle), PixelPoint(x + 2 * character, middle)], stroke: colour,
                              width: 1 + 0.5 * Double(scale), opacity: 1),
                    .text(name, x: x + 3 * character, y: y, anchor: .start, scale: scale, colour: Palette.ink, bold: false)]
        case .arrow:
            let tip = PixelPoint(x + 2 * character, middle)
            return [.polyline([PixelPoint(x, middle), tip], stroke: colour, width: 1 + 0.5 * Double(scale), opacity: 1),
                    .polygon([tip, PixelPoint(tip.x - 4 - 2 * Double(scale), middle - 2 - Double(scale)),
                              PixelPoint(tip.x - 4 - 2 * Double(scale), middle + 2 + Double(scale))], fill: colour),
                    .text(name, x: x + 3 * character, y: y, anchor: .start, scale: scale, colour: Palette.ink, bold: false)]
        case .colourScale(let low, let high):
            var shapes: [Shape] = [.text("\(name) \(low)", x: x, y: y, anchor: .start, scale: scale, colour: Palette.ink, bold: false)]
            let barX = x + Double(name.count + low.count + 2) * character
            let steps = 16
            for step in 0..<steps {
                let rect = PixelRect(x: barX + Double(step) * Self.barWidth / Double(steps), y: y - 1,
                                     width: Self.barWidth / Double(steps), height: Double(7 * scale) + 2)
                shapes.append(.rectangle(rect, fill: ColourRamp.heat.colour(at: (Double(step) + 0.5) / Double(steps)), opacity: 1))
            }
            shapes.append(.text(high, x: barX + Self.barWidth + character, y: y, anchor: .start, scale: scale, colour: Palette.ink, bold: false))
            return shapes
        }
    }
}
