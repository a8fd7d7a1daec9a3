import Autodiff
import NeuralNet

/// The centres and spread of a mixture of Gaussians, for mode statistics.
public struct ModeLayout: Sendable, Equatable {
    /// One row per mode: its centre, of the data's dimension.
    public let centres: [[Float]]
    /// The standard deviation of every component (isotropic).
    public let standardDeviation: Float

    /// A layout from centres and a common standard deviation.
    public init(centres: [[Float]], standardDeviation: Float) {
        self.centres = centres
        self.standardDeviation = standardDeviation
    }
}

/// A source of real samples: a declared plugin that draws batches from the session's data stream.
public protocol Dataset: Plugin {
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws
    /// The number of coordinates per sample.
    var dimension: Int { get }
    /// The mixture layout for mode statistics, when the data set is a mixture of Gaussians.
    var modes: ModeLayout? { get }
    /// `count` samples as a [count, dimension] tensor, drawn from `stream` (and nothing else, so the same
    /// stream position always gives the same batch).
    func sample(_ count: Int, using stream: RandomStream) -> Tensor
    /// The points it read from a file and holds, with the path as given; nil for a data set drawn from a
    /// formula. Checkpoints record their checksum, the memory estimate counts them, the shell reports the read.
    var filePoints: (path: String, points: Tensor)? { get }
    /// The density of the data at `x` (a point of the data's dimension) when the data set is a formula that
    /// has one: what the optimal discriminator p_r/(p_r + p_g) needs.
    func density(at x: [Double]) -> Double?
    /// The layout of each sample when the samples are images (rows in NCHW order); nil for points and vectors.
    var imageShape: ImageShape? { get }
    /// The names of the classes its labels number (label k is `classNames[k]`), when its samples have labels:
    /// a classifier and mode counting read them. Nil for unlabelled data.
    var classNames: [String]? { get }
    /// `count` samples with the label of each, drawn exactly as `sample(count, using:)` draws them (the same
    /// numbers from `stream`, the same samples), so a labelled batch replays like a plain one; nil when the
    /// data has no labels.
    func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])?
    /// The examples of `split` with their labels, the same on every call, when the data has labels: what
    /// `classifier train` learns from and is tested on, and what the feature-space metrics' real-vs-real
    /// floors compare (train against test). Nil for unlabelled data.
    func examples(_ split: DataSplit) throws -> LabelledExamples?
}

extension Dataset {
    /// None: most data sets draw from a formula.
    public var filePoints: (path: String, points: Tensor)? { nil }

    /// Unknown.
    public func density(at x: [Double]) -> Double? { nil }

    /// Not images.
    public var imageShape: ImageShape? { nil }

    /// Unlabelled.
    public var classNames: [String]? { nil }

    /// Unlabelled.
    public func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? { nil }

    /// Unlabelled.
    public func examples(_ split: DataSplit) throws -> LabelledExamples? { nil }

    /// An instance from text assignments such as `[("sigma", "0.02")]`, validated against the spec and
    /// completed with defaults: what the shell does for `data ring8 sigma=0.02`.
    public static func make(_ assignments: [(name: String, value: String)] = []) throws -> Self {
        try Self(ParameterValues(spec, assignments: assignments))
    }
}

extension PluginEntry<any Dataset> {
    /// The entry of a data set type.
    public init(_ type: any Dataset.Type) {
        self.init(spec: type.spec, implementation: type, make: { try type.init($0) })
    }
}

extension PluginRegistry<PluginEntry<any Dataset>> {
    /// Adds a data set type after the others (see `register(_:)`).
    public func register(_ type: any Dataset.Type) throws { try register(PluginEntry(type)) }
}
