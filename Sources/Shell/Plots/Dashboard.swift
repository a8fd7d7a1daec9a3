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
    /// How image pixels are shown, when the samples are images.
    var imageStyle: ImageCellStyle = .text

    /// The frame's lines, without the progress line: together with it they fit the terminal with a row
    /// to spare (a frame taller than the window could not be redrawn in place).
    func lines() -> [String] {
        let available = height - 1 - 2  // the sparkline and progress lines
        if let figures = ImageFigures(session: session) { return imageGrid(figures, rows: available) + [sparklines()] }
        // Below 40 columns a figure would be wider than the window.
        var plotRows = width >= 40 ? min(TerminalRenderer.defaultHeight(forWidth: width), available - 7) : 0
        var picture: [String] = []
        while plotRows >= 4 {
            picture = self.picture(rows: plotRows)
            let excess = picture.count - available
            if excess <= 0 { break }
            plotRows -= excess
            picture = []
        }
        return picture + [sparklines()]
    }

    /// The samples over D's heat map (or the samples alone when D has no value at a point).
    private func picture(rows: Int) -> [String] {
        var figures = SessionFigures(session: session)
        figures.sampleCount = 250
        figures.gridColumns = 48
        figures.contourCount = 3
        figures.withCaptions = false
        figures.aspect = Double(max(width - 8, 8) * 2) / Double(rows * 4)
        let view: SpatialView = session.discriminatorProbeProblem == nil ? .critic : .samples
        do {
            return TerminalRenderer(width: width, height: rows, style: style).render(try figures.spatial([view]))
        } catch {
            return ["(no picture: \(error))"]
        }
    }

    /// A grid of G's images of one fixed batch of noise, as many rows of images (up to 4) as `rows` text
    /// rows hold with a title (the text form halves its height when a full one does not fit): the same z
    /// in every frame, so what changes is what G does with it.
    private func imageGrid(_ figures: ImageFigures, rows: Int) -> [String] {
        let columns = min(ImageFigures.defaultTerminalColumns, figures.columnsFitting(width - 1))
        let renderers = [false, true].map { ImageGridTerminalRenderer(style: imageStyle, halfHeightText: $0) }
        guard figures.tileWidth < width,
              let renderer = renderers.first(where: { rows / ($0.textRows(height: figures.shape.height) + 1) >= 1 }) else {
            return ["(the window is too small for \(figures.shape) images)"]
        }
        let gridRows = min(4, rows / (renderer.textRows(height: figures.shape.height) + 1))
        do {
            let images = try session.fixedGeneratedImages(gridRows * columns)
            // The same z in every frame: what changes is what G makes of it.
            return [String("G(fixed z) at iteration \(session.iteration)".prefix(width - 1))]
                + renderer.render(figures.grid(images, columns: columns))
        } catch {
            return ["(no picture: \(error))"]
        }
    }

    /// "D loss ▇▅▃▂▂▁ 1.21   G loss ▁▂▃▅▆▇ 0.84" over the whole history.
    func sparklines() -> String {
        let rows = session.history.rows
        guard let last = rows.last else { return "no iterations yet" }
        let labels = ["D loss ", "G loss "]
        let values = [NumberText.format(last.discriminatorLoss), NumberText.format(last.generatorLoss)]
        let fixed = labels.reduce(0) { $0 + $1.count } + values.reduce(0) { $0 + $1.count } + 5
        let sparkWidth = max(4, (width - fixed - 1) / 2)
        let series = [rows.map(\.discriminatorLoss), rows.map(\.generatorLoss)]
        let line = (0..<2).map { index in
            labels[index] + Sparkline.render(series[index], width: sparkWidth, unicode: style == .colour) + " " + values[index]
        }.joined(separator: "   ")
        return String(line.prefix(max(width - 1, 1)))
    }
}
