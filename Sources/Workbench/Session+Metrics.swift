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

    /// Measures with `metric` on fresh real and generated samples drawn from the "metrics" stream (never
    /// from the training streams), and records the result in the history at the current iteration.
    @discardableResult
    public func measure(_ metric: any Metric) throws -> MetricReport {
        let metricStream = stream("metrics")
        let count = metric.sampleCount
        let real = dataset.sample(count, using: metricStream)
        let generated = try generate(count, using: metricStream)
        let scoresSingleSamples = discriminatorInputWidth == dataset.dimension
        let report = try metric.measure(MetricInput(real: real, generated: generated, modes: dataset.modes,
                                                    stream: metricStream,
                                                    critic: scoresSingleSamples ? discriminatorScores : nil))
        history.record(Measurement(iteration: iteration, report: report))
        return report
    }
}
