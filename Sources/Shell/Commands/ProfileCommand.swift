import Foundation
import Plotting
import Workbench

/// The `dprofile` command: D's output and its slope along the line, for the session and for snapshots side by side.
enum ProfileCommand: ShellCommand {
    static let spec = CommandSpec(
        "dprofile", summary: "D's output and slope along the line of 1-D data, for this session and snapshots (WGAN's Figure 2)",
        discussion: "For one-dimensional data: evaluates D on points= points of an interval holding nearly all real and generated samples, as a probability σ(D) under a cross-entropy loss and as the critic's D otherwise, with its slope d output/dx by automatic differentiation, and prints for each network the mean |slope| at 1000 generated and 1000 real samples, its largest |slope| on the interval and the ratio of the first to the last: near 0 when D is saturated where the generated samples are (a vanishing gradient for G), near 1 when the slope is about the same everywhere (a critic's useful gradient). With SNAPSHOT names it profiles each snapshot's D (with its own loss) instead of the session's, and draws them in one picture; the session is left as it was. expect reads dprofile.grad_fake, dprofile.grad_real, dprofile.grad_max and dprofile.fake_ratio, or with several networks NAME_fake_ratio and so on. show=output draws the outputs (a critic rescaled to [0, 1] on the interval) over histograms of the samples; show=slope draws each |slope| divided by its largest value. On the terminal with plot=true, or to out=FILE.svg|png.",
        positionals: [PositionalSpec("SNAPSHOT", "snapshots to profile instead of the session", completions: .snapshots,
                                     optional: true, variadic: true)],
        parameters: [points.spec, show.spec, plot.spec, PlotCommand.out.spec, PlotCommand.size.spec],
        examples: ["dprofile", "dprofile gan wgan plot=true", "dprofile gan wgan show=slope out=figure-2.png"])

    static let points: ParameterKey<Int> = .integer("points", 11...100_001, default: 401, "points of the grid")
    static let show: ParameterKey<Shown> = .choice("show", default: .output, "what the picture draws")
    static let plot: ParameterKey<Bool> = .boolean("plot", default: false, "draw on the terminal")

    /// What the picture draws.
    enum Shown: String, ParameterChoice {
        case output, slope
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.dprofile(invocation) }
}

extension Interpreter {
    /// `dprofile [SNAPSHOT…] [points=N] [show=output|slope] [plot=true] [out=FILE] [size=…]`
    func dprofile(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        if session.game != nil {
            throw invocation.failure("a toy game is being played: dprofile looks at the networks' D; game off returns to them")
        }
        let target = parameters[ProfileCommand.plot] || !parameters[PlotCommand.out].isEmpty
            ? try plotTarget(invocation, parameters, history: true) : nil
        for node in invocation.positionals where !session.snapshotNames.contains(node.text) {
            throw invocation.failure("no snapshot named '\(node.text)'"
                                     + (Suggestion.closest(to: node.text, among: session.snapshotNames).map { "; did you mean '\($0)'?" }
                                        ?? (session.snapshotNames.isEmpty ? "; none has been taken (use snapshot NAME)"
                                            : "; snapshots: " + session.snapshotNames.joined(separator: ", "))),
                                     at: node.range)
        }
        struct Profiled {
            let name: String
            let loss: String
            let curve: DiscriminatorCurve
            let values: [(name: String, value: Double)]
        }
        let names = invocation.positionals.map(\.text)
        let original = session.makeSnapshot()
        // Put back whatever restoring the snapshots changed, whether or not profiling them succeeded.
        defer { if !names.isEmpty { session.install(original) } }
        var profiled: [Profiled] = []
        var range: ClosedRange<Double>? = nil
        var samples: (real: [[Double]], generated: [[Double]]) = ([], [])
        do {
            for name in names.isEmpty ? [nil] : names.map(Optional.some) {
                if let name { try session.restoreSnapshot(name) }
                if range == nil {
                    range = try session.lineRange()
                    samples = try session.probeSamples(1000)
                }
                let points = parameters[ProfileCommand.points]
                let xs = (0..<points).map { range!.lowerBound + (range!.upperBound - range!.lowerBound) * Double($0) / Double(points - 1) }
                let curve = try session.discriminatorCurve(at: xs)
                func meanSlope(_ rows: [[Double]]) throws -> Double {
                    let slopes = try session.discriminatorCurve(at: rows.map { $0[0] }).slope
                    return slopes.reduce(0) { $0 + abs($1) } / Double(slopes.count)
                }
                let fake = try meanSlope(samples.generated), real = try meanSlope(samples.real)
                let largest = curve.slope.map(abs).max()!
                profiled.append(Profiled(name: name ?? "session", loss: session.loss.name, curve: curve,
                                         values: [("grad_fake", fake), ("grad_real", real), ("grad_max", largest),
                                                  ("fake_ratio", largest > 0 ? fake / largest : 0)]))
            }
        } catch let error as SessionError {
            throw invocation.failure("dprofile: \(error.description)")
        }
        let single = profiled.count == 1
        latestReports["dprofile"] = MetricReport(metric: "dprofile", values: profiled.flatMap { network in
            network.values.map { (single ? $0.name : "\(network.name)_\($0.name)", $0.value) }
        })
        for network in profiled {
            let what = network.curve.isProbability ? "σ(D)" : "critic D"
            let v = Dictionary(uniqueKeysWithValues: network.values.map { ($0.name, $0.value) })
            say("dprofile \(network.name) (\(what), loss \(network.loss)): |slope| at generated samples \(NumberText.format(v["grad_fake"]!)), at real samples \(NumberText.format(v["grad_real"]!)), largest \(NumberText.format(v["grad_max"]!)); generated/largest \(NumberText.format(v["fake_ratio"]!))")
        }
        guard let target else { return }
        let xs = profiled[0].curve.xs
        var layers: [Plotting.Layer] = []
        var captions: [String] = []
        let shown = parameters[ProfileCommand.show]
        if shown == .output {
            // Histograms of the samples, scaled to a peak of 1, under the curves.
            let bins = 60
            let width = (xs.last! - xs.first!) / Double(bins)
            for (label, rows, colour, marker) in [("real", samples.real, Palette.real, Character(".")),
                                                  ("generated", samples.generated, Palette.generated, Character(","))] {
                var counts = [Double](repeating: 0, count: bins)
                for row in rows { counts[min(max(Int((row[0] - xs.first!) / width), 0), bins - 1)] += 1 }
                let peak = counts.max()!
                let outline = counts.enumerated().flatMap { bin, count in
                    [Point(xs.first! + Double(bin) * width, count / peak), Point(xs.first! + Double(bin + 1) * width, count / peak)]
                }
                layers.append(.lines(LineSeries(label, colour: colour, marker: marker, paths: [outline])))
            }
            captions.append("histograms scaled to a peak of 1")
        }
        for (index, network) in profiled.enumerated() {
            var ys: [Double]
            var label = "\(network.name): " + (network.curve.isProbability ? "σ(D)" : "critic")
            switch shown {
            case .output:
                ys = network.curve.output
                if !network.curve.isProbability {
                    let low = ys.min()!, high = ys.max()!
                    ys = ys.map { high > low ? ($0 - low) / (high - low) : 0.5 }
                    label += " rescaled"
                }
            case .slope:
                let largest = network.curve.slope.map(abs).max()!
                ys = network.curve.slope.map { largest > 0 ? abs($0) / largest : 0 }
                label = "\(network.name): |slope| / largest"
            }
            layers.append(.lines(LineSeries(label, colour: Palette.series(index), marker: SessionFigures.historyMarkers[index % 8],
                                            paths: [zip(xs, ys).map { Point($0, $1) }])))
        }
        if shown == .output, profiled.contains(where: { !$0.curve.isProbability }) {
            captions.append("a critic is rescaled to [0, 1] on the interval drawn")
        }
        let canvas = Canvas(title: shown == .output ? "D along the line" : "|dD/dx| along the line, each divided by its largest value",
                            xAxis: Axis("x"), yAxis: Axis("", range: 0...1), layers: layers, captions: captions)
        try deliver(canvas, to: target, invocation)
    }
}
