import Autodiff
import Workbench

/// Seconds per measurement of every metric at its default size, on ring8 against a generator that covers
/// four of its eight modes; and the exact W1 at n = 1000 and 2000 in 2-D.
let metricSuite = BenchmarkSuite(
    name: "metrics",
    summary: "seconds per measurement of every metric at its default size; exact W1 at n = 1000 and 2000"
) { emit in
    func ring(_ n: Int, modes: Int, sigma: Double, seed: UInt64) throws -> Tensor {
        let dataset = try RingGaussians.make([("modes", "\(modes)"), ("sigma", "\(sigma)")])
        return dataset.sample(n, using: RandomStream(seed: seed, name: "bench.metrics"))
    }
    do {
        let layout = try RingGaussians.make().modes
        for type in Plugins.metrics.all {
            let metric = try type.make(ParameterValues(type.spec))
            let n = metric.sampleCount
            let input = MetricInput(real: try ring(n, modes: 8, sigma: 0.01, seed: 1),
                                    generated: try ring(n, modes: 4, sigma: 0.05, seed: 2),
                                    modes: layout, stream: RandomStream(seed: 3, name: "bench.metrics"))
            let start = monotonicSeconds()
            let report = try metric.measure(input)
            var line = JSONLine("metric")
            line.add("metric", type.spec.name)
            line.add("n", n)
            line.add("seconds", monotonicSeconds() - start, digits: 3)
            line.add("first_value", report.values.first?.value ?? .nan, digits: 4)
            emit(line)
        }
        for n in [1000, 2000] {
            let metric = try W1Metric(ParameterValues(W1Metric.spec, assignments: [("n", "\(n)")]))
            let input = MetricInput(real: try ring(n, modes: 8, sigma: 0.05, seed: 4),
                                    generated: try ring(n, modes: 4, sigma: 0.1, seed: 5),
                                    modes: layout, stream: RandomStream(seed: 6, name: "bench.metrics"))
            let start = monotonicSeconds()
            let report = try metric.measure(input)
            var line = JSONLine("exact-w1")
            line.add("n", n)
            line.add("dimension", 2)
            line.add("seconds", monotonicSeconds() - start, digits: 3)
            line.add("w1", report.values.first?.value ?? .nan, digits: 5)
            emit(line)
        }
    } catch {
        var line = JSONLine("metric")
        line.add("error", "\(error)")
        emit(line)
    }
}
