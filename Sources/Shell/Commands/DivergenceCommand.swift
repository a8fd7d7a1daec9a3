import Foundation
import Kernels
import Plotting
import Workbench

/// The `divergence` command: the divergences between two distributions given by formula, computed, swept and drawn.
enum DivergenceCommand: ShellCommand {
    static let spec = CommandSpec(
        "divergence", summary: "KL, reverse KL, JS, total variation and W1 between two distributions given by formula",
        discussion: "divergence gaussian compares p = N(mu1, sigma1²) with q = N(mu2, sigma2²), divergence uniform p = U[a1, b1] with q = U[a2, b2], divergence parallel-lines WGAN's Example 1: p = (0, U[0, 1]) against q = (theta, U[0, 1]). It prints KL(p‖q), KL(q‖p), JS, total variation and W1 in nats (∞ where a divergence is infinite); expect reads them as divergence.kl, divergence.reverse_kl, divergence.js, divergence.tv, divergence.w1. Every value is exact (a closed form) except the JS of two Gaussians, which has none: it is Simpson's rule with 4096 panels on each piece between μᵢ and μᵢ ± 12σᵢ (within 1e-9 of the integral). sweep=NAME:LOW..HIGH varies one parameter: a table of points= rows and a plot of the divergences named by show= against it (on the terminal, or out=FILE.svg|png); without sweep, plot=true or out= draws the two densities and their mixture m = ½(p + q).",
        positionals: [PositionalSpec("PAIR", "gaussian, uniform or parallel-lines", completions: Family.completions)],
        parameters: Family.allCases.flatMap(\.keys).map(\.spec)
            + [sweep.spec, points.spec, show.spec, plot.spec, PlotCommand.out.spec, PlotCommand.size.spec],
        examples: ["divergence gaussian mu1=0 sigma1=1 mu2=2 sigma2=1", "divergence uniform a1=0 b1=1 a2=0.5 b2=2",
                   "divergence parallel-lines theta=0.5", "divergence parallel-lines sweep=theta:-1..1 show=w1,js",
                   "divergence gaussian sweep=sigma2:0.25..4 show=kl,js", "divergence parallel-lines sweep=theta:-1..1 out=w.png"])

    static let mu1: ParameterKey<Double> = .real("mu1", -1e6...1e6, default: 0, "gaussian: p's mean")
    static let sigma1: ParameterKey<Double> = .real("sigma1", -1e6...1e6, default: 1, "gaussian: p's standard deviation (> 0)")
    static let mu2: ParameterKey<Double> = .real("mu2", -1e6...1e6, default: 1, "gaussian: q's mean")
    static let sigma2: ParameterKey<Double> = .real("sigma2", -1e6...1e6, default: 1, "gaussian: q's standard deviation (> 0)")
    static let a1: ParameterKey<Double> = .real("a1", -1e6...1e6, default: 0, "uniform: p's lower end")
    static let b1: ParameterKey<Double> = .real("b1", -1e6...1e6, default: 1, "uniform: p's upper end (> a1)")
    static let a2: ParameterKey<Double> = .real("a2", -1e6...1e6, default: 0.5, "uniform: q's lower end")
    static let b2: ParameterKey<Double> = .real("b2", -1e6...1e6, default: 1.5, "uniform: q's upper end (> a2)")
    static let theta: ParameterKey<Double> = .real("theta", -1e6...1e6, default: 1, "parallel-lines: where q's segment lies")
    static let sweep: ParameterKey<String> = .text("sweep", default: "", "NAME:LOW..HIGH, a parameter of the pair to vary")
    static let points: ParameterKey<Int> = .integer("points", 2...1001, default: 9, "rows of the sweep's table")
    static let show: ParameterKey<String> = .text("show", default: "kl,reverse_kl,js,tv,w1",
                                                  "the divergences a sweep draws, separated by commas")
    static let plot: ParameterKey<Bool> = .boolean("plot", default: false,
                                                   "without sweep: draw the densities on the terminal")

    /// The pairs of distributions, each with its parameters.
    enum Family: String, CommandWord {
        case gaussian, uniform, parallelLines = "parallel-lines"

        static func alias(_ word: String) -> Family? {
            switch word {
            case "gaussians", "normal": .gaussian
            case "uniforms": .uniform
            case "parallel", "wgan-example1": .parallelLines
            default: nil
            }
        }

        /// Its parameters, in the order a sweep's table and messages name them.
        var keys: [ParameterKey<Double>] {
            switch self {
            case .gaussian: [mu1, sigma1, mu2, sigma2]
            case .uniform: [a1, b1, a2, b2]
            case .parallelLines: [theta]
            }
        }

        /// The pair these values describe.
        func pair(_ value: (ParameterKey<Double>) -> Double) -> DistributionPair {
            switch self {
            case .gaussian: .gaussians(mu1: value(mu1), sigma1: value(sigma1), mu2: value(mu2), sigma2: value(sigma2))
            case .uniform: .uniforms(a1: value(a1), b1: value(b1), a2: value(a2), b2: value(b2))
            case .parallelLines: .parallelLines(theta: value(theta))
            }
        }
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.divergence(invocation) }
}

extension Interpreter {
    /// `divergence PAIR [parameters…] [sweep=NAME:LOW..HIGH] [points=N] [show=…] [plot=true] [out=FILE]`
    func divergence(_ invocation: Invocation) throws {
        typealias Command = DivergenceCommand
        let family = try Command.Family.parse(invocation, what: "pair of distributions")
        if let extra = invocation.positionals.dropFirst().first {
            throw invocation.failure("divergence takes one pair of distributions", at: extra.range)
        }
        let parameters = try invocation.commandParameters()
        let own = Set(family.keys.map(\.name))
        for given in invocation.named where Command.Family.allCases.flatMap(\.keys).contains(where: { $0.name == given.name }) && !own.contains(given.name) {
            throw invocation.failure("\(given.name) is not a parameter of divergence \(family.rawValue); it takes "
                                     + family.keys.map(\.name).joined(separator: ", "), at: given.nameRange)
        }
        // A refusal points at the parameter's value, or at sweep= when the sweep reached it.
        func pair(_ value: (ParameterKey<Double>) -> Double, swept: String? = nil) throws -> DistributionPair {
            do { return try family.pair(value).validated() } catch {
                let range = error.parameter == swept ? invocation.valueRange(of: Command.sweep)
                    : invocation.named.last { $0.name == error.parameter }?.value.range
                throw invocation.failure("divergence \(family.rawValue): \(error.description)", at: range)
            }
        }
        let shown = try shownDivergences(parameters, invocation)
        let sweepText = parameters[Command.sweep]
        guard !sweepText.isEmpty else {
            if let alone = invocation.named.first(where: { [Command.points.name, Command.show.name].contains($0.name) }) {
                throw invocation.failure("\(alone.name)= belongs to a sweep: give sweep=NAME:LOW..HIGH as well", at: alone.nameRange)
            }
            let distributions = try pair { parameters[$0] }
            let values = distributions.divergences()
            latestReports["divergence"] = MetricReport(metric: "divergence", values: Divergences.Name.allCases.map { ($0.rawValue, values[$0]) })
            say("divergence: " + Divergences.Name.allCases.map { "\($0.rawValue) \(Self.divergenceText(values[$0]))" }.joined(separator: "  "))
            let description = Self.describe(family) { NumberText.format(parameters[$0]) }
            say("  " + description + "; " + Self.method(values))
            if parameters[Command.plot] || !parameters[PlotCommand.out].isEmpty {
                try drawDensities(distributions, description, parameters, invocation)
            }
            return
        }
        let sweepRange = invocation.valueRange(of: Command.sweep)
        let (key, range) = try parsedSweep(sweepText, family, invocation, at: sweepRange)
        func point(_ x: Double) throws -> DistributionPair {
            try pair({ $0.name == key.name ? x : parameters[$0] }, swept: key.name)
        }
        // Checked at both ends before anything is printed: a σ that reaches 0 is refused whole.
        _ = try point(range.lowerBound)
        _ = try point(range.upperBound)
        let rows = parameters[Command.points]
        let table = try (0..<rows).map { index in
            let x = range.lowerBound + (range.upperBound - range.lowerBound) * Double(index) / Double(rows - 1)
            return (x, try point(x).divergences())
        }
        let header = [key.name] + shown.map(\.rawValue)
        let cells = table.map { row in [NumberText.format(row.0)] + shown.map { Self.divergenceText(row.1[$0]) } }
        let widths = header.indices.map { column in ([header[column]] + cells.map { $0[column] }).map(\.count).max()! }
        for line in [header] + cells {
            say(line.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: "  "))
        }
        say("  " + Self.describe(family) { $0.name == key.name ? $0.name : NumberText.format(parameters[$0]) }
            + "; " + Self.method(table[0].1))
        // The curves: a fine grid, plus the table's points so that a jump such as JS at θ = 0 is drawn where it is.
        let fine = 200
        var xs = (0...fine).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(fine) }
        xs = Array(Set(xs + table.map(\.0))).sorted()
        let curves = try xs.map { ($0, try point($0).divergences()) }
        var layers: [Plotting.Layer] = []
        var captions: [String] = []
        for (index, name) in shown.enumerated() {
            let values = curves.map { Point($0.0, $0.1[name]) }
            let paths = SessionFigures.finiteRuns(values, positiveOnly: false)
            if values.contains(where: { !$0.y.isFinite }) {
                captions.append("\(name.rawValue) = ∞ where its curve is not drawn")
            }
            guard !paths.isEmpty else { continue }
            layers.append(.lines(LineSeries(name.rawValue, colour: Palette.series(index),
                                            marker: SessionFigures.historyMarkers[index % SessionFigures.historyMarkers.count],
                                            paths: paths)))
        }
        let canvas = Canvas(title: "divergences of \(family.rawValue) against \(key.name)", xAxis: Axis(key.name),
                            yAxis: Axis("nats"), layers: layers, captions: captions)
        let target = try plotTarget(invocation, parameters, history: true)
        try deliver(canvas, to: target, invocation)
    }

    /// The divergences `show=` names, in the order given.
    private func shownDivergences(_ parameters: ParameterValues, _ invocation: Invocation) throws -> [Divergences.Name] {
        try parameters[DivergenceCommand.show].split(separator: ",", omittingEmptySubsequences: false).map { word in
            let name = word.trimmingCharacters(in: .whitespaces)
            guard let divergence = Divergences.Name(rawValue: name) else {
                let known = Divergences.Name.allCases.map(\.rawValue)
                throw invocation.failure("show=\(parameters[DivergenceCommand.show]): unknown divergence '\(name)'"
                                         + (Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" } ?? "")
                                         + "; expected some of \(known.joined(separator: ", "))",
                                         at: invocation.valueRange(of: DivergenceCommand.show))
            }
            return divergence
        }
    }

    /// NAME:LOW..HIGH, NAME a parameter of the pair and LOW < HIGH.
    private func parsedSweep(_ text: String, _ family: DivergenceCommand.Family, _ invocation: Invocation,
                             at range: SourceRange?) throws -> (ParameterKey<Double>, ClosedRange<Double>) {
        let usage = "sweep takes NAME:LOW..HIGH with NAME one of \(family.keys.map(\.name).joined(separator: ", ")) (sweep=\(family.keys[family.keys.count > 1 ? 2 : 0].name):-4..4)"
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw invocation.failure("sweep=\(text): \(usage)", at: range) }
        guard let key = family.keys.first(where: { $0.name == parts[0] }) else {
            throw invocation.failure("sweep=\(text): '\(parts[0])' is not a parameter of divergence \(family.rawValue); \(usage)", at: range)
        }
        let ends = parts[1].components(separatedBy: "..")
        guard ends.count == 2 else { throw invocation.failure("sweep=\(text): \(usage)", at: range) }
        var bounds: [Double] = []
        for end in ends {
            do throws(NumberError) {
                bounds.append(try NumberSyntax.real(end))
            } catch {
                throw invocation.failure("sweep=\(text): \(error)", at: range)
            }
        }
        guard bounds[0] < bounds[1] else {
            throw invocation.failure("sweep=\(text): the range must go from a lower to a higher value", at: range)
        }
        return (key, bounds[0]...bounds[1])
    }

    /// p, q and m = ½(p + q) over the line (Weng's picture of KL and JS).
    private func drawDensities(_ pair: DistributionPair, _ title: String, _ parameters: ParameterValues, _ invocation: Invocation) throws {
        guard pair.densities(at: 0) != nil else {
            throw invocation.failure("the parallel lines live on segments of the plane and have no density on a line to draw; sweep theta to draw their divergences (sweep=theta:-1..1)")
        }
        let range = pair.typicalRange
        let xs = (0...400).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / 400 }
        let densities = xs.map { pair.densities(at: $0)! }
        func series(_ name: String, _ index: Int, _ y: ((p: Double, q: Double)) -> Double) -> Plotting.Layer {
            .lines(LineSeries(name, colour: Palette.series(index), marker: SessionFigures.historyMarkers[index],
                              paths: [zip(xs, densities).map { Point($0, y($1)) }]))
        }
        let canvas = Canvas(title: title, xAxis: Axis("x"), yAxis: Axis("density"),
                            layers: [series("p", 0, \.p), series("q", 1, \.q), series("m = (p + q)/2", 2, { ($0.p + $0.q) / 2 })])
        try deliver(canvas, to: try plotTarget(invocation, parameters, history: true), invocation)
    }

    /// "p = N(0, 1²), q = N(2, 1²)", each parameter written by `text` (a number, or the name of the one swept).
    static func describe(_ family: DivergenceCommand.Family, _ text: (ParameterKey<Double>) -> String) -> String {
        typealias C = DivergenceCommand
        switch family {
        case .gaussian: return "p = N(\(text(C.mu1)), \(text(C.sigma1))²), q = N(\(text(C.mu2)), \(text(C.sigma2))²)"
        case .uniform: return "p = U[\(text(C.a1)), \(text(C.b1))], q = U[\(text(C.a2)), \(text(C.b2))]"
        case .parallelLines: return "p = (0, U[0, 1]), q = (\(text(C.theta)), U[0, 1])"
        }
    }

    /// How the values were computed.
    static func method(_ values: Divergences) -> String {
        let numerical = Divergences.Name.allCases.filter(values.numerical.contains).map(\.rawValue)
        return numerical.isEmpty ? "every value exact (closed form)"
            : numerical.joined(separator: ", ") + " by Simpson's rule (\(DistributionPair.simpsonPanels) panels per piece), the others exact"
    }

    /// A divergence as printed: infinities as ∞.
    static func divergenceText(_ value: Double) -> String { value == .infinity ? "∞" : NumberText.format(value) }
}
