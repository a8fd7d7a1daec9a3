import Autodiff
import NeuralNet

extension Session {
    /// `count` samples of G in evaluation mode (running statistics, no dropout), z from `stream`; from
    /// the last hook's sampling generator (an EMA copy) when one offers it.
    public func generate(_ count: Int, using stream: RandomStream) throws -> Tensor {
        let z = noise.sample(count, using: stream)
        let network = hooks.compactMap(\.samplingGenerator).last ?? generator
        return try withoutGradients { try network.forward(z, ForwardContext(training: false)) }
    }

    /// D's raw outputs on `points` in evaluation mode.
    public func discriminatorScores(_ points: Tensor) throws -> Tensor {
        try withoutGradients { try discriminator.forward(points, ForwardContext(training: false)) }
    }

    /// Measures with `metric` on fresh real and generated samples, and records the result in the history at
    /// the current iteration. Every random draw of the measurement (the samples, the metric's projections
    /// and subsamples) comes from `measurementStream(for:)`, never from a stream training draws from.
    @discardableResult
    public func measure(_ metric: any Metric) throws -> MetricReport {
        let metricStream = measurementStream(for: metric)
        let count = metric.sampleCount
        let real = dataset.sample(count, using: metricStream)
        let generated = try generate(count, using: metricStream)
        let scoresSingleSamples = discriminatorInputWidth == dataset.dimension
        let trained = generator, noise = self.noise, seed = self.seed
        let probe = GeneratorProbe(batchSize: batchSize, noise: { noise.sample($0, using: metricStream) }, generate: { z in
            let copy = trained.copySequential()
            let masks = RandomStream(seed: seed, name: "metrics.dropout")
            return try withoutGradients { try copy.forward(z, ForwardContext(training: true, stream: masks)) }
        })
        let network = discriminator, data = dataset
        // Evaluation mode: batch normalisation uses its running statistics, so only a layer that compares
        // the samples of a batch makes a score depend on other rows.
        let criticProbe = DiscriminatorProbe(
            scores: { try network.forward($0, ForwardContext(training: false)) },
            isRowwise: !network.comparesSamples,
            weights: network.namedParameters(prefix: "D").map { ($0.name, $0.parameter.value) })
        let report = try metric.measure(MetricInput(real: real, generated: generated, modes: dataset.modes,
                                                    stream: metricStream,
                                                    critic: scoresSingleSamples ? discriminatorScores : nil,
                                                    generator: probe,
                                                    discriminator: scoresSingleSamples ? criticProbe : nil,
                                                    drawReal: { data.sample($0, using: metricStream) },
                                                    drawSplits: { count in
            guard let train = try data.examples(.train), let test = try data.examples(.test),
                  !train.labels.isEmpty, !test.labels.isEmpty else { return nil }
            func draw(_ examples: LabelledExamples) -> Tensor {
                let indices = (0..<count).map { _ in metricStream.nextInt(below: examples.labels.count) }
                let d = examples.rows.shape[1]
                return SampleBuffer.matrix(rows: count, columns: d) { out in
                    examples.rows.withUnsafeBufferPointer { source in
                        for (row, index) in indices.enumerated() {
                            (out.baseAddress! + row * d).update(from: source.baseAddress! + index * d, count: d)
                        }
                    }
                }
            }
            return (draw(train), draw(test))
        }))
        history.record(Measurement(iteration: iteration, report: report))
        return report
    }

    /// The stream of one measurement, started afresh from the seed, the iteration and the metric with all
    /// its parameters. A measurement is a function of the state it measures: measuring the same state twice
    /// gives the same numbers, and how often (or whether) anything was measured before changes neither the
    /// numbers of a later measurement nor those of training.
    func measurementStream(for metric: any Metric) -> RandomStream {
        let identity = ([metric.name] + metric.parameters.assignments()).joined(separator: " ")
        return RandomStream(seed: seed, name: "metrics@\(iteration) " + identity)
    }
}
