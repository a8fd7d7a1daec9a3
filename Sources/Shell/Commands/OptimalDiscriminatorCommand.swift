import Foundation
import Plotting
import Workbench

/// The `dstar` command: the trained D beside the optimal discriminator D* = p_r/(p_r + p_g).
enum OptimalDiscriminatorCommand: ShellCommand {
    static let spec = CommandSpec(
        "dstar", aliases: ["d-star"], summary: "the trained D beside the optimal discriminator D* = p_r/(p_r + p_g), on 1-D data",
        discussion: "Needs a cross-entropy loss, one-dimensional data whose density is known (data mixture1d) and a generator whose density is known (generator gaussian mu=… sigma=… with noise normal dim=1; freeze G to keep it so while D trains). Evaluates σ(D) and D* on points= points of an interval holding nearly all real and generated samples, and prints gap_max = max |σ(D) − D*| where p_r + p_g is at least 1 % of its peak, gap_mean = the mean gap over m = ½(p_r + p_g), value = V(D, G) = E_{p_r} log σ(D) + E_{p_g} log(1 − σ(D)) (minus D's loss on infinitely many samples), optimal_value = V(D*, G) = 2·JS − 2 log 2 and js, all by the trapezoid rule on the points; expect reads them as dstar.gap_max and so on. When G is the data, D* = ½ everywhere and V(D*, G) = −2 log 2. plot=true draws σ(D), D* and both densities (scaled to a peak of 1) on the terminal, out=FILE.svg|png to a file.",
        parameters: [points.spec, plot.spec, PlotCommand.out.spec, PlotCommand.size.spec],
        examples: ["dstar", "dstar plot=true", "dstar out=dstar.png"])

    static let points: ParameterKey<Int> = .integer("points", 11...100_001, default: 2001, "points of the grid")
    static let plot: ParameterKey<Bool> = .boolean("plot", default: false, "draw σ(D) and D* on the terminal")

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.optimalDiscriminator(invocation) }
}

extension Interpreter {
    /// `dstar [points=N] [plot=true] [out=FILE] [size=…]`
    func optimalDiscriminator(_ invocation: Invocation) throws {
        if let extra = invocation.positionals.first { throw invocation.failure("dstar takes no words", at: extra.range) }
        let parameters = try invocation.commandParameters()
        if session.game != nil {
            throw invocation.failure("a toy game is being played: dstar looks at the networks' D; game off returns to them")
        }
        let target = parameters[OptimalDiscriminatorCommand.plot] || !parameters[PlotCommand.out].isEmpty
            ? try plotTarget(invocation, parameters, history: true) : nil
        let comparison: OptimalDiscriminatorComparison
        do {
            comparison = try session.optimalDiscriminatorComparison(points: parameters[OptimalDiscriminatorCommand.points])
        } catch let error as SessionError {
            throw invocation.failure("dstar: \(error.description)")
        }
        let js = comparison.optimalValue / 2 + Foundation.log(2.0)
        let values: [(name: String, value: Double)] = [("gap_max", comparison.gapMax), ("gap_mean", comparison.gapMean),
                                                       ("value", comparison.value), ("optimal_value", comparison.optimalValue), ("js", js)]
        latestReports["dstar"] = MetricReport(metric: "dstar", values: values)
        say("dstar: " + values.map { "\($0.name) \(NumberText.format($0.value))" }.joined(separator: "  "))
        let xs = comparison.trained.xs
        say("  σ(D) against D* = p_r/(p_r + p_g) on \(xs.count) points of [\(NumberText.format(xs.first!)), \(NumberText.format(xs.last!))]; V(D*, G) = 2·JS − 2 log 2 = \(NumberText.format(comparison.optimalValue)), −2 log 2 = \(NumberText.format(-2 * Foundation.log(2.0)))")
        guard let target else { return }
        func line(_ name: String, _ index: Int, _ ys: [Double]) -> Plotting.Layer {
            .lines(LineSeries(name, colour: Palette.series(index), marker: SessionFigures.historyMarkers[index],
                              paths: [zip(xs, ys).map { Point($0, $1) }]))
        }
        let peak = max(comparison.real.max()!, comparison.generated.max()!)
        let canvas = Canvas(
            title: "trained D and the optimal D* at iteration \(session.iteration)", xAxis: Axis("x"), yAxis: Axis("", range: 0...1),
            layers: [.lines(LineSeries("p_r", colour: Palette.real, marker: ".", paths: [zip(xs, comparison.real).map { Point($0, $1 / peak) }])),
                     .lines(LineSeries("p_g", colour: Palette.generated, marker: ",", paths: [zip(xs, comparison.generated).map { Point($0, $1 / peak) }])),
                     line("D* = p_r/(p_r + p_g)", 0, comparison.optimal), line("σ(D)", 1, comparison.trained.output)],
            captions: ["p_r and p_g scaled to a peak of 1"])
        try deliver(canvas, to: target, invocation)
    }
}
