import Foundation
import Plotting
import Workbench

/// The `plot` command.
enum PlotCommand: ShellCommand {
    static let spec = CommandSpec(
        "plot", summary: "draw the session on the terminal or to an SVG or PNG file: samples, critic, gradients, manifold, history, games",
        discussion: "plot samples shows real and generated samples (two dimensions as points, one as overlaid histograms, more through the first two coordinates or projection=pca, as the caption says). plot critic (alias discriminator) shows D's output over the plane as a heat map with contour lines, samples on top. plot gradients draws arrows where G's loss pushes generated samples (−∇ₓ L_G, along ∇ₓD where G wants D larger). plot manifold draws G's image of a regular grid of noise (with more than two noise dimensions the first two vary). These views combine: plot critic gradients. plot history [SERIES…] [log] draws history columns (d_loss, g_loss, d_real, d_fake, grad_norm_g, grad_norm_d, wasserstein, js, seconds) and measured values (modes.modes, w1.w1) over iterations, on a logarithmic axis with log or when every series is a gradient norm. plot games draws the trajectories of a two-player toy game. plot weights draws the histogram of D's weights and biases (weight clipping piles them at ±c). When the data are images, plot samples draws a grid of generated images (the same batch of noise every time), plot data a grid of real ones, and plot interpolate strips of G's images along the way between two noise vectors of a named stream (steps=, stream=; the great circle for normal noise, whose draws lie near a sphere, the straight line otherwise): rows= and columns= lay out the grid, values map from −1 (black) to 1 (white) unless range=LOW,HIGH says otherwise; on a colour terminal two pixel rows share a text row of coloured half blocks, and without colour every pixel is a shade character. Without WHAT, plot critic (plot samples for images). out=FILE.svg or out=FILE.png writes a picture instead (size=WIDTH,HEIGHT in pixels); on the terminal size=COLUMNS,ROWS. Plots draw samples from a stream of their own and never change the session.",
        positionals: [PositionalSpec("WHAT", "samples, critic, gradients, manifold; or history [SERIES…] [log]; or games; or weights; or data, interpolate (images)",
                                     completions: .words(PlotView.words + ["discriminator", HistoryScale.log.rawValue]
                                                         + History.columns.dropFirst()),
                                     optional: true, variadic: true)],
        parameters: [out.spec, size.spec, n.spec, projection.spec, rows.spec, columns.spec, range.spec, steps.spec, stream.spec],
        examples: ["plot", "plot samples", "plot critic gradients out=critic.png", "plot manifold size=60,20",
                   "plot history d_loss g_loss", "plot history grad_norm_g grad_norm_d log", "plot samples projection=pca",
                   "plot samples rows=4 columns=8 out=samples.png", "plot interpolate steps=10 rows=3"])

    static let out: ParameterKey<String> = .text("out", default: "", "write an .svg or .png file instead of drawing on the terminal")
    static let size: ParameterKey<[Int]> = .integers("size", 1...8192, default: [],
                                                     "WIDTH,HEIGHT of a picture in pixels, or COLUMNS,ROWS on the terminal")
    static let n: ParameterKey<Int> = .integer("n", 1...100_000, default: 500, "real and generated samples to draw")
    static let projection: ParameterKey<DataPlane.Kind> = .choice("projection", default: .firstTwo,
                                                                  "how data of more than two dimensions is shown")
    static let rows: ParameterKey<Int> = .integer("rows", 0...64, default: 0,
                                                  "rows of images (0: 2 on the terminal, 8 in a file; strips: 2 and 4)")
    static let columns: ParameterKey<Int> = .integer("columns", 0...64, default: 0,
                                                     "images across a grid (0: 8, or as many as fit the terminal)")
    static let range: ParameterKey<[Double]> = .reals("range", default: [-1, 1], "LOW,HIGH: the image values shown black and white")
    static let steps: ParameterKey<Int> = .integer("steps", 2...64, default: 8, "images along each interpolation strip, both ends included")
    static let stream: ParameterKey<String> = .text("stream", default: "interpolate",
                                                    "the name of the stream the ends of the strips are drawn from")

    /// What `plot` draws first: a view of the plane (several combine), the history, or a game.
    enum PlotView: String, CommandWord {
        case samples, critic, gradients, manifold, history, games
        case weights
        case data, interpolate

        static func alias(_ word: String) -> PlotView? { word == "discriminator" ? .critic : nil }

        /// The view of the plane this is, if it is one.
        var spatial: SpatialView? { SpatialView(rawValue: rawValue) }
    }

    /// The word after `plot history`'s series that puts them on a logarithmic axis.
    enum HistoryScale: String, CommandWord {
        case log
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.plot(invocation) }
}

extension Interpreter {
    /// `plot [WHAT…] [out=FILE.svg|FILE.png] [size=…] [n=…] [projection=…]`
    func plot(_ invocation: Invocation) throws {
        typealias View = PlotCommand.PlotView
        let parameters = try invocation.commandParameters()
        let words = invocation.positionals
        let first = try words.first.map { node in
            guard let view = View.named(node.text) else { throw unknownPlot(node, invocation) }
            return view
        } ?? (session.discriminatorProbeProblem == nil && session.dataset.imageShape == nil ? .critic : .samples)
        if let figures = ImageFigures(session: session), first == .data || first == .interpolate
            || (first == .samples && words.count <= 1 && invocation.valueRange(of: PlotCommand.projection) == nil) {
            return try plotImages(first, figures, parameters, invocation)
        }
        if first == .data || first == .interpolate { throw notImages(first, invocation) }
        for key in [PlotCommand.rows, PlotCommand.columns, PlotCommand.steps].map(\.name) + [PlotCommand.range.name, PlotCommand.stream.name] {
            if let given = invocation.named.first(where: { $0.name == key }) {
                throw invocation.failure("\(key)= lays out pictures of images (plot samples, data or interpolate on image data), "
                                         + "not plot \(first.rawValue)\(session.dataset.imageShape == nil ? " of points" : "")", at: given.nameRange)
            }
        }
        let target = try plotTarget(invocation, parameters, history: first == .history)
        var figures = SessionFigures(session: session)
        figures.sampleCount = parameters[PlotCommand.n]
        figures.projection = parameters[PlotCommand.projection]
        figures.aspect = target.aspect
        if case .file = target {
            figures.gridColumns = 120
            figures.contourCount = 7
        }
        let canvas = switch first {
        case .history: try historyCanvas(words.dropFirst(), figures, invocation)
        case .games: try plottedGame(words, invocation)
        case .weights: try weightsCanvas(words, figures, invocation)
        case .samples, .critic, .gradients, .manifold: try spatialCanvas(words, first, &figures, target, invocation)
        case .data, .interpolate: throw notImages(first, invocation)
        }
        try deliver(canvas, to: target, invocation)
    }

    /// "plot cannot draw 'x'; did you mean …?"
    private func unknownPlot(_ node: ValueNode, _ invocation: Invocation) -> Diagnostic {
        let kinds = PlotCommand.PlotView.words
        let suggestion = Suggestion.closest(to: node.text, among: kinds + ["discriminator"]).map { "; did you mean '\($0)'?" } ?? ""
        return invocation.failure("plot cannot draw '\(node.text)'\(suggestion); it draws \(Self.plotKinds.joined(separator: ", "))",
                                  at: node.range)
    }

    /// `plot history [SERIES…] [log]`
    private func historyCanvas(_ words: ArraySlice<ValueNode>, _ figures: SessionFigures, _ invocation: Invocation) throws -> Canvas {
        var series: [String] = []
        var logarithmic = false
        for node in words {
            if PlotCommand.HistoryScale(rawValue: node.text) == .log { logarithmic = true; continue }
            guard figures.historyNames.contains(node.text) else { throw invocation.failure(figures.unknownSeries(node.text), at: node.range) }
            series.append(node.text)
        }
        return try figures.history(series, logarithmic: logarithmic)
    }

    /// `plot weights`
    private func weightsCanvas(_ words: [ValueNode], _ figures: SessionFigures, _ invocation: Invocation) throws -> Canvas {
        if let extra = words.dropFirst().first { throw invocation.failure("plot weights takes no further words", at: extra.range) }
        return try figures.weights()
    }

    /// `plot games`
    private func plottedGame(_ words: [ValueNode], _ invocation: Invocation) throws -> Canvas {
        guard let game = session.game else {
            throw invocation.failure("no toy game is being played: plot games draws the trajectories of a two-player toy game "
                                     + "(start one with game xy or game dirac); this session trains a GAN on "
                                     + "\(session.dataset.canonicalText.split(separator: " ")[0])", at: words.first?.range)
        }
        if let extra = words.dropFirst().first { throw invocation.failure("plot games takes no further words", at: extra.range) }
        return gamesCanvas(current: game)
    }

    /// `plot samples|critic|gradients|manifold…`: views of the plane, drawn together.
    private func spatialCanvas(_ words: [ValueNode], _ first: PlotCommand.PlotView, _ figures: inout SessionFigures,
                               _ target: PlotTarget, _ invocation: Invocation) throws -> Canvas {
        var views: [SpatialView] = []
        for node in words {
            guard let word = PlotCommand.PlotView.named(node.text) else { throw unknownPlot(node, invocation) }
            guard let view = word.spatial else {
                throw invocation.failure("plot \(word.rawValue) is drawn on its own, not with \(words[0].text)", at: node.range)
            }
            if !views.contains(view) { views.append(view) }
        }
        // In one dimension samples are histograms over x and the manifold a curve over z: their axes are not D's.
        if session.dataset.dimension == 1, views.count > 1,
           let alone = words.first(where: { [.samples, .manifold].contains(PlotCommand.PlotView.named($0.text)?.spatial) }) {
            throw invocation.failure("with one-dimensional data, \(alone.text) has axes of its own: plot it on its own", at: alone.range)
        }
        let chosen = views.isEmpty ? [first.spatial!] : views
        var spatial = try figures.spatial(chosen)
        // A picture's plot area depends on its legend and captions: draw again with the exact aspect.
        if case .file(_, _, let width, let height) = target {
            let exact = SVGRenderer(width: width, height: height).plotAspect(spatial)
            if abs(exact / figures.aspect - 1) > 0.01 {
                figures.aspect = exact
                spatial = try figures.spatial(chosen)
            }
        }
        return spatial
    }
}

/// Where a figure goes: the terminal, or a file.
enum PlotTarget {
    /// Lines of text, `width` columns with a plot area `height` rows high.
    case terminal(width: Int, height: Int, style: TerminalStyle)
    /// An SVG or PNG file of `width × height` pixels.
    case file(path: String, format: FileFormat, width: Int, height: Int)

    /// The picture file formats.
    enum FileFormat: String {
        case svg = "SVG"
        case png = "PNG"
    }

    /// Width over height of the plot area, in units equal on screen: braille dots are about square, and
    /// a file's plot area is the picture less its margins (about 90 pixels across, 170 down; `plot`
    /// measures it exactly once the canvas is known).
    var aspect: Double {
        switch self {
        case .terminal(let width, let height, _): return Double(max(width - 8, 8) * 2) / Double(height * 4)
        case .file(_, _, let width, let height): return min(max(Double(width - 90) / Double(max(height - 170, 40)), 0.3), 4)
        }
    }
}

extension Interpreter {
    /// The words `plot` takes first, as its errors list them.
    static let plotKinds = SpatialView.allCases.map(\.rawValue) + ["discriminator"] + PlotCommand.PlotView.words.filter { SpatialView(rawValue: $0) == nil }

    /// The target from `out=` and `size=`: checked before anything is computed.
    func plotTarget(_ invocation: Invocation, _ parameters: ParameterValues, history: Bool) throws -> PlotTarget {
        let size = parameters[PlotCommand.size]
        let sizeRange = invocation.valueRange(of: PlotCommand.size)
        guard size.count <= 2 else { throw invocation.failure("size takes WIDTH or WIDTH,HEIGHT", at: sizeRange) }
        let path = parameters[PlotCommand.out]
        if path.isEmpty {
            let width = size.first ?? max(environment.width, 24)
            let height = size.count > 1 ? size[1] : TerminalRenderer.defaultHeight(forWidth: width)
            guard (24...1000).contains(width), (4...200).contains(height) else {
                throw invocation.failure("size=\(size.map(String.init).joined(separator: ",")): a terminal plot takes 24 to 1000 columns and 4 to 200 rows",
                                         at: sizeRange)
            }
            return .terminal(width: width, height: height, style: environment.colour ? .colour : .ascii)
        }
        let outRange = invocation.valueRange(of: PlotCommand.out)
        let format: PlotTarget.FileFormat
        switch (path as NSString).pathExtension.lowercased() {
        case "svg": format = .svg
        case "png": format = .png
        default: throw invocation.failure("plot writes .svg or .png files, not '\(path)'", at: outRange)
        }
        let width = size.first ?? (history ? 800 : 640)
        let height = size.count > 1 ? size[1] : (history ? 480 : width)
        guard (64...8192).contains(width), (64...8192).contains(height) else {
            throw invocation.failure("size=\(size.map(String.init).joined(separator: ",")): a picture takes 64 to 8192 pixels each way",
                                     at: sizeRange)
        }
        return .file(path: path, format: format, width: width, height: height)
    }

    /// Prints the figure, or writes its file atomically and says so.
    func deliver(_ canvas: Canvas, to target: PlotTarget, _ invocation: Invocation) throws {
        switch target {
        case .terminal(let width, let height, let style):
            for line in TerminalRenderer(width: width, height: height, style: style).render(canvas) { say(line) }
        case .file(let path, let format, let width, let height):
            let bytes = format == .svg ? Array(SVGRenderer(width: width, height: height).render(canvas).utf8)
                : PNGRenderer(width: width, height: height).render(canvas)
            do {
                try PointFile.writeAtomically(bytes, to: path)
            } catch {
                throw invocation.failure("\(error)", at: invocation.valueRange(of: PlotCommand.out))
            }
            say("wrote \(path) (\(format.rawValue), \(width)×\(height))")
        }
    }

}

/// `plot … projection=NAME` reads the kind through a typed key.
extension DataPlane.Kind: ParameterChoice {}
