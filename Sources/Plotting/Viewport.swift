import Foundation

/// A tick on an axis: where it is (as a fraction of the axis, 0 at the low end) and its label.
struct Tick: Equatable {
    /// 0 at the lowest value shown, 1 at the highest.
    let fraction: Double
    /// The value as printed.
    let label: String
}

/// The rectangle of data a canvas shows, and how values map into it: what every back end asks before
/// drawing. On a logarithmic axis positions are computed from log₁₀ of the value.
struct Viewport {
    /// The x range in axis space (log₁₀ of the values on a logarithmic axis).
    let x: ClosedRange<Double>
    /// The y range in axis space.
    let y: ClosedRange<Double>
    let xScale: AxisScale
    let yScale: AxisScale

    /// The view of `canvas`: each axis's own range when given, else the heat maps' rectangle when there
    /// is one, else everything drawn with a margin of 5 % on each side.
    init(_ canvas: Canvas) {
        xScale = canvas.xAxis.scale
        yScale = canvas.yAxis.scale
        var xs: [Double] = [], ys: [Double] = []
        var mapX: ClosedRange<Double>?, mapY: ClosedRange<Double>?
        for layer in canvas.layers {
            switch layer {
            case .heatMap(let map):
                mapX = mapX.map { min($0.lowerBound, map.xRange.lowerBound)...max($0.upperBound, map.xRange.upperBound) } ?? map.xRange
                mapY = mapY.map { min($0.lowerBound, map.yRange.lowerBound)...max($0.upperBound, map.yRange.upperBound) } ?? map.yRange
            case .points(let series):
                for point in series.points { xs.append(point.x); ys.append(point.y) }
            case .lines(let series):
                for path in series.paths { for point in path { xs.append(point.x); ys.append(point.y) } }
            case .arrows(let series):
                for arrow in series.arrows { xs += [arrow.from.x, arrow.to.x]; ys += [arrow.from.y, arrow.to.y] }
            }
        }
        x = Viewport.fit(given: canvas.xAxis.range, map: mapX, values: xs, scale: xScale)
        y = Viewport.fit(given: canvas.yAxis.range, map: mapY, values: ys, scale: yScale)
    }

    private static func fit(given: ClosedRange<Double>?, map: ClosedRange<Double>?, values: [Double],
                            scale: AxisScale) -> ClosedRange<Double> {
        if let range = given ?? map, let low = transform(range.lowerBound, scale), let high = transform(range.upperBound, scale),
           low < high {
            return low...high
        }
        let transformed = values.compactMap { transform($0, scale) }
        guard var low = transformed.min(), var high = transformed.max() else { return 0...1 }
        if high - low < 1e-12 * max(1, abs(low)) {
            let half = scale == .logarithmic ? 0.5 : max(abs(low) * 0.1, 0.5)
            return (low - half)...(high + half)
        }
        let margin = (high - low) * 0.05
        low -= margin
        high += margin
        return low...high
    }

    /// A value in axis space: itself, or its log₁₀ (nil for values a logarithmic axis cannot show).
    static func transform(_ value: Double, _ scale: AxisScale) -> Double? {
        guard value.isFinite else { return nil }
        switch scale {
        case .linear: return value
        case .logarithmic: return value > 0 ? log10(value) : nil
        }
    }

    /// Where `value` falls across the view, 0 at the left edge and 1 at the right (outside: < 0 or > 1);
    /// nil when it cannot be placed.
    func u(_ value: Double) -> Double? {
        Viewport.transform(value, xScale).map { ($0 - x.lowerBound) / (x.upperBound - x.lowerBound) }
    }

    /// Where `value` falls up the view, 0 at the bottom and 1 at the top; nil when it cannot be placed.
    func v(_ value: Double) -> Double? {
        Viewport.transform(value, yScale).map { ($0 - y.lowerBound) / (y.upperBound - y.lowerBound) }
    }

    /// The x value at fraction `u` across.
    func xValue(_ u: Double) -> Double { inverse(x.lowerBound + u * (x.upperBound - x.lowerBound), xScale) }

    /// The y value at fraction `v` up.
    func yValue(_ v: Double) -> Double { inverse(y.lowerBound + v * (y.upperBound - y.lowerBound), yScale) }

    private func inverse(_ value: Double, _ scale: AxisScale) -> Double {
        scale == .logarithmic ? pow(10, value) : value
    }

    /// About `count` ticks for the x axis.
    func xTicks(_ count: Int) -> [Tick] { Ticks.ticks(x, scale: xScale, count: count) }

    /// About `count` ticks for the y axis.
    func yTicks(_ count: Int) -> [Tick] { Ticks.ticks(y, scale: yScale, count: count) }
}

/// Round tick values (1, 2 or 5 times a power of ten apart; powers of ten on logarithmic axes) and their
/// labels.
enum Ticks {
    /// Ticks inside `range` (in axis space), about `count` of them.
    static func ticks(_ range: ClosedRange<Double>, scale: AxisScale, count: Int) -> [Tick] {
        let span = range.upperBound - range.lowerBound
        if scale == .logarithmic {
            let low = Int(ceil(range.lowerBound - 1e-9)), high = Int(floor(range.upperBound + 1e-9))
            if high - low + 1 >= 2 {
                let stride = max(1, (high - low + 1 + count - 1) / max(count, 1))
                return Swift.stride(from: low, through: high, by: stride).map {
                    Tick(fraction: (Double($0) - range.lowerBound) / span, label: label(pow(10, Double($0)), step: pow(10, Double($0))))
                }
            }
            // Less than a decade: round values on the plain scale, placed logarithmically.
            let plain = pow(10, range.lowerBound)...pow(10, range.upperBound)
            return values(plain, count: count).map { value, step in
                Tick(fraction: (log10(value) - range.lowerBound) / span, label: label(value, step: step))
            }
        }
        return values(range, count: count).map { value, step in
            Tick(fraction: (value - range.lowerBound) / span, label: label(value, step: step))
        }
    }

    /// Round values inside `range`, about `count` of them, with the step between them: of the steps 1, 2
    /// and 5 × 10ᵏ near span / count, the one whose number of ticks is closest to `count` (the larger step
    /// on a tie), never fewer than two when a step gives two.
    static func values(_ range: ClosedRange<Double>, count: Int) -> [(Double, Double)] {
        let span = range.upperBound - range.lowerBound
        guard span > 0, span.isFinite else { return [] }
        let target = max(count, 2)
        let power = pow(10, floor(log10(span / Double(target))))
        func badness(_ ticks: [(Double, Double)]) -> Int { ticks.count < 2 ? 1000 - ticks.count : abs(ticks.count - target) }
        var best: [(Double, Double)] = []
        for multiple in [10.0, 5, 2, 1, 0.5, 0.2, 0.1] {
            let candidate = values(range, step: multiple * power)
            if best.isEmpty || badness(candidate) < badness(best) { best = candidate }
        }
        return best
    }

    /// The multiples of `step` inside `range`.
    private static func values(_ range: ClosedRange<Double>, step: Double) -> [(Double, Double)] {
        var result: [(Double, Double)] = []
        var index = ceil(range.lowerBound / step - 1e-9)
        while index * step <= range.upperBound + step * 1e-9 {
            result.append((index * step, step))
            index += 1
        }
        return result
    }

    /// A value as a tick label, with as many decimals as the step needs: "0.5", "-2", "1e-4", "2e+05".
    static func label(_ value: Double, step: Double) -> String {
        if abs(value) < step * 1e-6 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 {
            let exponent = Int(floor(log10(magnitude)))
            let mantissa = value / pow(10, Double(exponent))
            let mantissaText = abs(mantissa - mantissa.rounded()) < 1e-6 ? String(Int(mantissa.rounded())) : String(format: "%.1f", mantissa)
            return "\(mantissaText)e\(exponent)"
        }
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        return String(format: "%.\(decimals)f", value)
    }
}
