import Foundation
import Plotting
import Workbench

extension SessionFigures {
    /// The histogram of every entry of D's weights and biases over [−max |w|, max |w|]: weight clipping
    /// shows as two spikes at ±c (Gulrajani et al. 2017, Figure 1c), a gradient penalty as a spread.
    func weights() throws -> Canvas {
        let values = session.discriminator.parameters.flatMap { $0.value.scalars.map(Double.init) }
        guard let largest = values.map(abs).max(), largest > 0 else {
            throw FigureError("D has no nonzero weights to plot")
        }
        let bins = 41
        let range = -largest...largest
        let atMax = values.filter { abs($0) >= 0.99 * largest }.count
        let share = Double(atMax) / Double(values.count)
        return Canvas(title: "D's weights and biases", xAxis: Axis("w", range: range), yAxis: Axis("density"),
                      layers: [.lines(LineSeries("D", colour: Palette.series(0), marker: "*",
                                                 paths: [Histogram.outline(values, bins: bins, range: range)]))],
                      captions: withCaptions ? ["\(values.count) values in \(bins) bins; max |w| \(NumberText.format(largest)), "
                                                 + "\(NumberText.format(100 * share)) % within 1 % of it"] : [])
    }
}
