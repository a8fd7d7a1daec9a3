import Plotting
import Workbench

extension SessionFigures {
    /// The series `plot history` can draw: every history column but the iteration, and every value the
    /// measurements reported (METRIC.VALUE).
    var historyNames: [String] {
        Array(History.columns.dropFirst()) + session.history.measurementNames
    }

    /// Series over iterations with a legend, on a logarithmic axis when asked or when every series is a
    /// gradient norm. Long histories are thinned to the smallest and largest value of each of 1000 spans
    /// of iterations, so spikes stay visible.
    func history(_ requested: [String], logarithmic: Bool) throws -> Canvas {
        let names = requested.isEmpty ? ["d_loss", "g_loss"] : requested
        let rows = session.history.rows
        var layers: [Layer] = []
        var dropped = 0
        for (index, name) in names.enumerated() {
            let points: [Point]
            if let column = session.history.series(name), name != "iteration" {
                guard !rows.isEmpty else { throw FigureError("no iterations yet: train with step N first") }
                points = zip(rows, column).map { Point(Double($0.iteration), $1) }
            } else if let measured = session.history.measurementSeries(name) {
                points = measured.map { Point(Double($0.iteration), $0.value) }
            } else {
                throw FigureError(unknownSeries(name))
            }
            let useLog = logarithmic || names.allSatisfy(\.isGradientNorm)
            let shown = points.filter { $0.y.isFinite && (!useLog || $0.y > 0) }
            guard !shown.isEmpty else {
                throw FigureError("\(name) has no \(useLog ? "positive " : "")values to plot"
                                  + (points.contains { $0.y.isFinite } ? "" : " (the loss \(session.loss.canonicalText.split(separator: " ")[0]) does not record it)"))
            }
            dropped += points.filter(\.y.isFinite).count - shown.count
            let colour = Palette.series(index)
            let marker = Self.historyMarkers[index % Self.historyMarkers.count]
            let paths = Self.finiteRuns(points, positiveOnly: useLog).map { Self.envelope($0, spans: 1000) }
            layers.append(.lines(LineSeries(name, colour: colour, marker: marker, paths: paths)))
            if session.history.series(name) == nil {
                // Measurements are few: mark each one.
                layers.append(.points(PointSeries("", colour: colour, marker: marker, points: shown)))
            }
        }
        let useLog = logarithmic || names.allSatisfy(\.isGradientNorm)
        var captions: [String] = []
        if dropped > 0 { captions.append("\(dropped) values ≤ 0 cannot be shown on the logarithmic axis") }
        return Canvas(title: "history at iteration \(session.iteration)" + (useLog ? " (log scale)" : ""),
                      xAxis: Axis("iteration"), yAxis: Axis(names.count == 1 ? names[0] : "", scale: useLog ? .logarithmic : .linear),
                      layers: layers, captions: withCaptions ? captions : [])
    }

    static let historyMarkers: [Character] = ["*", "+", "#", "%", "&", "$", "=", "@"]

    /// Why `name` is not a series, with the closest name and the list.
    func unknownSeries(_ name: String) -> String {
        let known = historyNames
        let suggestion = Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? ""
        let parts = name.split(separator: ".", maxSplits: 1)
        if parts.count == 2, Plugins.metrics.named(String(parts[0])) != nil {
            return "no measurement of \(name) yet: run metric \(parts[0]) first (or step … every=K do=\"metric \(parts[0])\")" + suggestion
        }
        return "unknown series '\(name)'\(suggestion); plot history draws \(known.joined(separator: ", "))"
    }

    /// The stretches of consecutive finite (and, on a log axis, positive) values.
    static func finiteRuns(_ points: [Point], positiveOnly: Bool) -> [[Point]] {
        var runs: [[Point]] = []
        var current: [Point] = []
        for point in points {
            if point.y.isFinite && (!positiveOnly || point.y > 0) {
                current.append(point)
            } else if !current.isEmpty {
                runs.append(current)
                current = []
            }
        }
        if !current.isEmpty { runs.append(current) }
        return runs
    }

    /// At most two points per span: the smallest and largest value, in the order they occur.
    static func envelope(_ points: [Point], spans: Int) -> [Point] {
        guard points.count > 2 * spans else { return points }
        var thinned: [Point] = []
        for span in 0..<spans {
            let slice = points[(span * points.count / spans)..<((span + 1) * points.count / spans)]
            guard let low = slice.indices.min(by: { slice[$0].y < slice[$1].y }),
                  let high = slice.indices.max(by: { slice[$0].y < slice[$1].y }) else { continue }
            thinned += low == high ? [slice[low]] : low < high ? [slice[low], slice[high]] : [slice[high], slice[low]]
        }
        return thinned
    }
}

private extension String {
    /// Whether this names a gradient-norm column (drawn on a log scale by default).
    var isGradientNorm: Bool { hasPrefix("grad_norm") }
}
