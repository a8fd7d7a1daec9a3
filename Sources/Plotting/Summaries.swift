/// Histograms as step outlines, so that several can be overlaid on one canvas.
public enum Histogram {
    /// How many of `values` fall in each of `bins` equal bins over `range` (the top edge belongs to the
    /// last bin; values outside are not counted).
    public static func counts(_ values: [Double], bins: Int, range: ClosedRange<Double>) -> [Int] {
        var counts = [Int](repeating: 0, count: bins)
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        guard width > 0 else { return counts }
        for value in values where value >= range.lowerBound && value <= range.upperBound {
            counts[min(Int((value - range.lowerBound) / width), bins - 1)] += 1
        }
        return counts
    }

    /// The outline of the density histogram (each bin's height is its share of the values divided by its
    /// width, so histograms of different sample counts compare): a path up and down the bin edges, from
    /// zero at the left end to zero at the right end.
    public static func outline(_ values: [Double], bins: Int, range: ClosedRange<Double>) -> [Point] {
        let counts = counts(values, bins: bins, range: range)
        let width = (range.upperBound - range.lowerBound) / Double(bins)
        let total = Double(max(values.count, 1))
        var path = [Point(range.lowerBound, 0)]
        for (index, count) in counts.enumerated() {
            let height = Double(count) / total / width
            let left = range.lowerBound + Double(index) * width
            path.append(Point(left, height))
            path.append(Point(left + width, height))
        }
        path.append(Point(range.upperBound, 0))
        return path
    }
}

/// A one-line chart of a series: each character's height is the mean of its share of the values.
public enum Sparkline {
    /// Eight heights drawn with block characters.
    static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// Eight heights in ASCII.
    static let asciiLevels: [Character] = ["_", ".", "-", "~", "=", "+", "*", "#"]

    /// `values` in at most `width` characters (fewer when there are fewer values); non-finite values are
    /// left out. Empty when nothing is finite.
    public static func render(_ values: [Double], width: Int, unicode: Bool) -> String {
        let finite = values.filter(\.isFinite)
        guard !finite.isEmpty, width > 0 else { return "" }
        let count = min(width, finite.count)
        let means = (0..<count).map { bucket -> Double in
            let start = bucket * finite.count / count, end = (bucket + 1) * finite.count / count
            return finite[start..<end].reduce(0, +) / Double(end - start)
        }
        let low = means.min()!, high = means.max()!
        let levels = unicode ? blocks : asciiLevels
        return String(means.map { mean in
            let t = high > low ? (mean - low) / (high - low) : 0.5
            return levels[min(Int(t * Double(levels.count)), levels.count - 1)]
        })
    }
}
