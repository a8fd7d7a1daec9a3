/// Helpers both back ends share: word wrapping for captions, and segment clipping.
enum Geometry {
    /// The words of `text` in lines of at most `columns` characters (a longer word gets a line of its own).
    static func wrap(_ text: String, columns: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ") {
            if !current.isEmpty && current.count + 1 + word.count > columns {
                lines.append(current)
                current = ""
            }
            current += (current.isEmpty ? "" : " ") + word
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }

    /// Liang–Barsky: the parameters t0 ≤ t1 in [0, 1] between which the segment from (x, y) along (dx, dy)
    /// stays inside [left, right] × [bottom, top], or nil when it never enters.
    static func clipParameters(x: Double, y: Double, dx: Double, dy: Double,
                               left: Double, right: Double, bottom: Double, top: Double) -> (Double, Double)? {
        var t0 = 0.0, t1 = 1.0
        for (p, q) in [(-dx, x - left), (dx, right - x), (-dy, y - bottom), (dy, top - y)] {
            if p == 0 {
                if q < 0 { return nil }
            } else {
                let t = q / p
                if p < 0 { t0 = max(t0, t) } else { t1 = min(t1, t) }
            }
        }
        return t0 <= t1 ? (t0, t1) : nil
    }
}
