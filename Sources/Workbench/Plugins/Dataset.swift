import Autodiff

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
public protocol Dataset: AnyObject {
    /// The declaration that help, completion, validation and `save` read.
    static var spec: PluginSpec { get }
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws
    /// The parameters it was made with.
    var parameters: ParameterValues { get }
    /// The number of coordinates per sample.
    var dimension: Int { get }
    /// The mixture layout for mode statistics, when the data set is a mixture of Gaussians.
    var modes: ModeLayout? { get }
    /// `count` samples as a [count, dimension] tensor, drawn from `stream` (and nothing else, so the same
    /// stream position always gives the same batch).
    func sample(_ count: Int, using stream: RandomStream) -> Tensor
}

extension Dataset {
    /// The canonical command text that recreates this data set, e.g. `ring8 radius=1 sigma=0.01`.
    public var canonicalText: String {
        ([Self.spec.name] + parameters.assignments()).joined(separator: " ")
    }
}
