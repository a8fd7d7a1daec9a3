import Foundation
import Plotting
import Workbench

extension Interpreter {
    /// How this terminal shows image pixels: 24-bit or 256-colour blocks, or shade characters without colour.
    var imageCellStyle: ImageCellStyle {
        environment.colour ? (TerminalInfo.trueColourEnabled ? .trueColour : .palette256) : .text
    }

    /// "plot data draws images, and the samples of ring are not images; …"
    func notImages(_ view: PlotCommand.PlotView, _ invocation: Invocation) -> Diagnostic {
        invocation.failure("plot \(view.rawValue) draws images, and the samples of \(session.dataset.canonicalText.split(separator: " ")[0]) "
                           + "are not images; plot samples shows the real and generated samples", at: invocation.positionals.first?.range)
    }

    /// The value range of `range=LOW,HIGH`, checked.
    func imageValueRange(_ parameters: ParameterValues, _ invocation: Invocation) throws -> ClosedRange<Double> {
        let values = parameters[PlotCommand.range]
        guard values.count == 2, values[0] < values[1] else {
            throw invocation.failure("range takes LOW,HIGH with LOW below HIGH (the values shown black and white)",
                                     at: invocation.valueRange(of: PlotCommand.range))
        }
        return values[0]...values[1]
    }

    /// `plot samples|data|interpolate` on image data: a grid of images on the terminal or in a file.
    func plotImages(_ view: PlotCommand.PlotView, _ figures: ImageFigures, _ parameters: ParameterValues,
                    _ invocation: Invocation) throws {
        var figures = figures
        figures.range = try imageValueRange(parameters, invocation)
        if let extra = invocation.positionals.dropFirst().first {
            throw invocation.failure("plot \(view.rawValue) of images is drawn on its own", at: extra.range)
        }
        let target = try plotTarget(invocation, parameters, history: false)
        var terminalWidth = environment.width
        if case .terminal(let width, _, _) = target { terminalWidth = width }
        let toFile: Bool
        if case .file = target { toFile = true } else { toFile = false }
        let wantedRows = parameters[PlotCommand.rows], wantedColumns = parameters[PlotCommand.columns]
        let fitting = figures.columnsFitting(terminalWidth)
        func checkFits(_ columns: Int, _ range: SourceRange?, _ what: String) throws {
            guard toFile || columns <= fitting else {
                let needed = ImageGridTerminalRenderer.textWidth(columns: columns, tileWidth: figures.tileWidth)
                throw invocation.failure("\(columns) \(what) of \(figures.tileWidth) columns need \(needed) columns and the terminal "
                                         + "has \(terminalWidth): at most \(fitting) fit (or write a picture with out=FILE.png)", at: range)
            }
        }
        let grid: ImageGrid
        let title: String
        var captions: [String] = []
        switch view {
        case .interpolate:
            if let given = invocation.named.first(where: { $0.name == PlotCommand.columns.name }) {
                throw invocation.failure("plot interpolate lays out steps= images across each strip, not columns=", at: given.nameRange)
            }
            let steps = parameters[PlotCommand.steps], name = parameters[PlotCommand.stream]
            try checkFits(steps, invocation.valueRange(of: PlotCommand.steps), "steps")
            guard !name.isEmpty else { throw invocation.failure("stream needs a name", at: invocation.valueRange(of: PlotCommand.stream)) }
            let strips = wantedRows > 0 ? wantedRows : toFile ? 4 : 2
            let result = try session.interpolationStrips(strips: strips, steps: steps, streamName: name)
            grid = figures.grid(result.samples, columns: steps)
            title = "G from one noise vector to another, \(steps) steps on the \(result.path.rawValue), \(strips) "
                + "strip\(strips == 1 ? "" : "s") from stream \(name), at iteration \(session.iteration)"
            captions.append(result.path == .greatCircle
                            ? "great circle: normal noise lies near a sphere, and the straight line's middle would be shorter than any draw"
                            : "straight line: every point between two draws of this noise is a possible draw")
        default:
            let columns = wantedColumns > 0 ? wantedColumns : toFile ? ImageFigures.defaultTerminalColumns
                : min(ImageFigures.defaultTerminalColumns, fitting)
            try checkFits(columns, invocation.valueRange(of: PlotCommand.columns), "images")
            let rows = wantedRows > 0 ? wantedRows : toFile ? 8 : 2
            let images = view == .data ? session.realImages(rows * columns) : try session.fixedGeneratedImages(rows * columns)
            grid = figures.grid(images, columns: columns)
            title = "\(view == .data ? "real" : "generated") samples at iteration \(session.iteration), \(rows) × \(columns)"
        }
        switch target {
        case .terminal:
            let style = imageCellStyle
            say(title)
            for line in ImageGridTerminalRenderer(style: style).render(grid) { say(line) }
            say(figures.legend(style))
            for caption in captions { say(caption) }
        case .file(let path, let format, _, _):
            let size = parameters[PlotCommand.size]
            let box = size.isEmpty ? nil : (width: size[0], height: size.count > 1 ? size[1] : Int.max)
            guard let picture = figures.picture(grid, fitting: box) else {
                throw invocation.failure("size=\(size.map(String.init).joined(separator: ",")) is too small for \(grid.images.count) images "
                                         + "of \(figures.tileWidth)×\(figures.shape.height) pixels", at: invocation.valueRange(of: PlotCommand.size))
            }
            let bytes = format == .svg ? Array(picture.svg(grid).utf8) : picture.png(grid)
            do {
                try PointFile.writeAtomically(bytes, to: path)
            } catch {
                throw invocation.failure("\(error)", at: invocation.valueRange(of: PlotCommand.out))
            }
            let (width, height) = picture.size(grid)
            say("wrote \(path) (\(format.rawValue), \(width)×\(height)): \(title)")
        }
    }
}
