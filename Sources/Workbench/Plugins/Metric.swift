import Autodiff

/// What a metric measures: samples of both distributions and what is known about the real one.
public struct MetricInput {
    /// Real samples, [n, d].
    public let real: Tensor
    /// Generated samples, [m, d].
    public let generated: Tensor
    /// The real data's mixture layout, when known.
    public let modes: ModeLayout?
    /// The metric's own random stream (random projections, subsampling), so measuring never moves the
    /// training streams.
    public let stream: RandomStream
    /// D's raw scores of a batch of samples, when D scores single samples (not with packing).
    public let critic: ((Tensor) throws -> Tensor)?
    /// G as training runs it, for metrics of G itself rather than of its samples.
    public let generator: GeneratorProbe?
    /// D itself, for metrics of D rather than of its scores: nil under packing, like `critic`.
    public let discriminator: DiscriminatorProbe?
    /// More real samples, independent of `real`, drawn from the measurement's stream on demand: the second
    /// set of a real-vs-real floor. Drawing moves only this measurement's stream.
    public let drawReal: ((Int) -> Tensor)?
    /// n examples of the data set's train split and n of its test split, drawn with replacement from the
    /// measurement's stream, when the data set has labelled splits (nil when it has none): what a real-vs-real
    /// floor compares when there is one.
    public let drawSplits: ((Int) throws -> (train: Tensor, test: Tensor)?)?

    /// Bundles the inputs of one measurement.
    public init(real: Tensor, generated: Tensor, modes: ModeLayout?, stream: RandomStream,
                critic: ((Tensor) throws -> Tensor)? = nil, generator: GeneratorProbe? = nil,
                discriminator: DiscriminatorProbe? = nil, drawReal: ((Int) -> Tensor)? = nil,
                drawSplits: ((Int) throws -> (train: Tensor, test: Tensor)?)? = nil) {
        self.real = real
        self.generated = generated
        self.modes = modes
        self.stream = stream
        self.critic = critic
        self.generator = generator
        self.discriminator = discriminator
        self.drawReal = drawReal
        self.drawSplits = drawSplits
    }
}

/// The discriminator as metrics see it: its weights and its scores as a differentiable function of its
/// input (evaluation mode), so a metric can take ∇ₓD(x).
public struct DiscriminatorProbe {
    /// D's raw scores of a batch, recording the graph (the caller's input may require gradients).
    public let scores: (Tensor) throws -> Tensor
    /// Whether every score depends on its own row alone (no batch statistics in evaluation mode, no
    /// layer comparing samples), so that the gradient of the summed scores is each sample's own gradient.
    public let isRowwise: Bool
    /// D's parameters, by name, in the network's order.
    public let weights: [(name: String, value: Tensor)]

    /// A probe from its parts.
    public init(scores: @escaping (Tensor) throws -> Tensor, isRowwise: Bool, weights: [(name: String, value: Tensor)]) {
        self.scores = scores
        self.isRowwise = isRowwise
        self.weights = weights
    }
}

/// The generator as a training step runs it (training mode: batch statistics, VBN's reference rows), on a
/// copy, so that measuring moves no running statistic and no stream of training.
public struct GeneratorProbe {
    /// The batch size training uses.
    public let batchSize: Int
    /// `n` noise vectors, drawn from the measurement's stream.
    public let noise: (Int) -> Tensor
    /// G(z) in training mode; dropout masks come from a stream started afresh at every call, so two calls
    /// on batches of the same shape give a row the same mask.
    public let generate: (Tensor) throws -> Tensor

    /// A probe from its parts.
    public init(batchSize: Int, noise: @escaping (Int) -> Tensor, generate: @escaping (Tensor) throws -> Tensor) {
        self.batchSize = batchSize
        self.noise = noise
        self.generate = generate
    }
}

/// Why a metric could not be computed.
public struct MetricError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, naming the metric.
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}

/// The result of one measurement: named values in a fixed order, plus notes for the reader.
public struct MetricReport: Sendable, Equatable {
    /// The metric's name.
    public let metric: String
    /// Named values, in the order they should be shown.
    public var values: [(name: String, value: Double)]
    /// Remarks such as "12 samples fell outside the grid".
    public var notes: [String]

    /// A report with values and notes.
    public init(metric: String, values: [(name: String, value: Double)], notes: [String] = []) {
        self.metric = metric
        self.values = values
        self.notes = notes
    }

    /// The value called `name`, if reported.
    public func value(_ name: String) -> Double? { values.first { $0.name == name }?.value }

    /// Equality of metric, values and notes.
    public static func == (lhs: MetricReport, rhs: MetricReport) -> Bool {
        lhs.metric == rhs.metric && lhs.notes == rhs.notes && lhs.values.count == rhs.values.count
            && zip(lhs.values, rhs.values).allSatisfy { $0.name == $1.name && $0.value.bitPattern == $1.value.bitPattern }
    }
}

/// A measurement of generated samples against real ones: a declared plugin.
public protocol Metric: Plugin {
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws
    /// How many real and generated samples the session should draw for it (its `n` parameter).
    var sampleCount: Int { get }
    /// Measures; throws `MetricError` for inputs it cannot handle (wrong dimension, no mode layout).
    func measure(_ input: MetricInput) throws -> MetricReport
}

extension PluginEntry<any Metric> {
    /// The entry of a metric type.
    public init(_ type: any Metric.Type) {
        self.init(spec: type.spec, implementation: type, make: { try type.init($0) })
    }
}

extension PluginRegistry<PluginEntry<any Metric>> {
    /// Adds a metric type after the others (see `register(_:)`).
    public func register(_ type: any Metric.Type) throws { try register(PluginEntry(type)) }
}
