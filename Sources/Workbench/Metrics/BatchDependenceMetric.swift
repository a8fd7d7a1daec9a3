import Foundation
import Autodiff

/// How much G's output for a fixed z changes with the other samples of its batch: the coupling that batch
/// normalisation brings into G and virtual batch normalisation takes out again (Salimans et al. 2016, §3.5).
public final class BatchDependenceMetric: Metric {
    static let n: ParameterKey<Int> = .integer("n", 2...1_000_000, default: 1000,
                                               "generated samples whose spread `relative` divides by")
    static let trials: ParameterKey<Int> = .integer("trials", 2...1000, default: 8,
                                                    "batches, each with the same fixed half and fresh batch-mates")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .metric, name: "batch-dependence", aliases: ["batch-coupling"],
        summary: "how much G(z) for a fixed z moves with its batch-mates (0 unless G mixes the samples of a batch)",
        discussion: """
            Draws k = B/2 noise vectors z (B the training batch size) and `trials` sets of B − k other ones, \
            and runs G as training runs it (training mode) on each batch [z; batch-mates]. change is the mean \
            distance ‖G(z | batch r) − G(z | batch 1)‖ over the k fixed rows and the trials after the first; \
            relative divides it by the spread of n samples of G (their mean distance to their mean), so 0.1 \
            means the batch-mates move a sample by a tenth of the distribution's size. Without normalisation, \
            with layer normalisation and with VBN (a fixed reference batch) it is exactly 0; with batch \
            normalisation it is not, which is what VBN removes. G runs on a copy, so its running statistics \
            do not move; dropout masks are the same for a row in every trial.
            """,
        parameters: [n.spec, trials.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.5; Ioffe & Szegedy 2015")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Validated parameters.
    public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    /// Its `n`: the generated samples give the scale; the real ones are not used.
    public var sampleCount: Int { parameters[Self.n] }

    /// The mean change of the fixed rows across batches, absolute and relative to the samples' spread.
    public func measure(_ input: MetricInput) throws -> MetricReport {
        guard let probe = input.generator else {
            throw MetricError("batch-dependence: G is not available to this measurement")
        }
        guard probe.batchSize >= 2 else {
            throw MetricError("batch-dependence: the batch size is \(probe.batchSize); a batch needs at least 2 samples to have batch-mates")
        }
        let batch = probe.batchSize, fixedRows = batch / 2
        let fixed = probe.noise(fixedRows)
        var first: [[Double]] = []
        var total = 0.0
        let samples = input.generated.scalars.map(Double.init), width = input.generated.shape[1]
        let points = (0..<input.generated.shape[0]).map { Array(samples[($0 * width)..<(($0 + 1) * width)]) }
        let centre = (0..<width).map { column in points.reduce(0) { $0 + $1[column] } / Double(points.count) }
        let spread = points.reduce(0) { $0 + Self.distance($1, centre) } / Double(points.count)
        for trial in 0..<parameters[Self.trials] {
            let z = try Tensor.concatenate([fixed, probe.noise(batch - fixedRows)], axis: 0)
            let output = try probe.generate(z), values = output.scalars, outputs = output.shape[1]
            let rows = (0..<fixedRows).map { row in (0..<outputs).map { Double(values[row * outputs + $0]) } }
            if trial == 0 {
                first = rows
                continue
            }
            total += zip(rows, first).reduce(0) { $0 + Self.distance($1.0, $1.1) } / Double(fixedRows)
        }
        let change = total / Double(parameters[Self.trials] - 1)
        return MetricReport(metric: Self.spec.name, values: [
            ("change", change),
            ("relative", spread > 0 ? change / spread : 0),
        ])
    }

    static func distance(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
    }
}
