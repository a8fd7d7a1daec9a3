import Autodiff
import Plotting
import Workbench

/// The live view of `step N watch=K`: the samples over D's heat map and a sparkline of both losses,
/// sized to fit the terminal with the progress line under it.
struct Dashboard {
    let session: Session
    /// Columns of the terminal.
    let width: Int
    /// Rows of the terminal.
    let height: Int
    let style: TerminalStyle

    /// Rows the frame takes besides the plot area: title, axis, tick labels, legend, sparklines, progress.
    static let otherRows = 7

    /// The frame's lines, without the progress line.
    func lines() -> [String] {
        var lines: [String] = []
        let plotRows = min(TerminalRenderer.defaultHeight(forWidth: width), height - Self.otherRows - 1)
        if plotRows >= 4 {
            var figures = SessionFigures(session: session)
            figures.sampleCount = 250
            figures.gridColumns = 48
            figures.contourCount = 3
            figures.withCaptions = false
            figures.aspect = Double(max(width - 8, 8) * 2) / Double(plotRows * 4)
            let view: SpatialView = session.discriminatorProbeProblem == nil ? .critic : .samples
            do {
                lines += TerminalRenderer(width: width, height: plotRows, style: style).render(try figures.spatial([view]))
            } catch {
                lines.append("(no picture: \(error))")
            }
        }
        lines.append(sparklines())
        return lines
    }

    /// "D loss ▇▅▃▂▂▁ 1.21   G loss ▁▂▃▅▆▇ 0.84" over the whole history.
    func sparklines() -> String {
        let rows = session.history.rows
        guard let last = rows.last else { return "no iterations yet" }
        let labels = ["D loss ", "G loss "]
        let values = [Tensor.format(Float(last.discriminatorLoss)), Tensor.format(Float(last.generatorLoss))]
        let fixed = labels.reduce(0) { $0 + $1.count } + values.reduce(0) { $0 + $1.count } + 5
        let sparkWidth = max(4, (width - fixed - 1) / 2)
        let series = [rows.map(\.discriminatorLoss), rows.map(\.generatorLoss)]
        return (0..<2).map { index in
            labels[index] + Sparkline.render(series[index], width: sparkWidth, unicode: style == .colour) + " " + values[index]
        }.joined(separator: "   ")
    }
}
