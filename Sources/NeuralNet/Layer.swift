import Autodiff

/// A trainable tensor with a stable identity: layers own parameters, optimizers update them in place.
///
/// The value is a variable (`Tensor.isVariable`), so `gradients(of:wrt:)` can differentiate with respect
/// to it; an optimizer's in-place update keeps it the same variable.
public final class Parameter {
    /// The current value (a variable).
    public var value: Tensor

    /// A parameter with an initial value.
    public init(_ value: Tensor) {
        self.value = value.detached().requiringGradient()
    }

    /// A new parameter object with the same value (values are immutable, so nothing is copied).
    public func copy() -> Parameter { Parameter(value) }

    /// The shape of the value.
    public var shape: Shape { value.shape }
}

/// How a forward pass runs: training or evaluation statistics, the stream dropout draws from, and which
/// intermediate activations to keep (feature matching and minibatch discrimination read them).
public final class ForwardContext {
    /// Batch statistics and dropout in training; running statistics and no dropout in evaluation.
    public let training: Bool
    /// The stream dropout masks are drawn from (required for dropout in training).
    public let stream: RandomStream?
    /// Layer paths (such as "2" or "3.1") whose outputs to keep.
    public let capturePaths: [String]
    /// The kept outputs, by path.
    public private(set) var captured: [(path: String, output: Tensor)] = []

    /// A context for one forward pass.
    public init(training: Bool, stream: RandomStream? = nil, capturing capturePaths: [String] = []) {
        self.training = training
        self.stream = stream
        self.capturePaths = capturePaths
    }

    /// Keeps `output` when `path` was asked for.
    func offer(_ output: Tensor, at path: String) {
        if capturePaths.contains(path) { captured.append((path, output)) }
    }

    /// The kept output of `path`, if any.
    public func output(at path: String) -> Tensor? { captured.first { $0.path == path }?.output }
}

/// A differentiable function with named parameters: the building block of generators and discriminators.
public protocol Layer: AnyObject {
    /// Applies the layer; every operation records gradients when recording is on.
    func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor
    /// The layer's own parameters with their local names ("weight", "bias"), in a fixed order.
    var localParameters: [(name: String, parameter: Parameter)] { get }
    /// State that is not trained by gradients but must be saved and restored (running statistics).
    var localBuffers: [(name: String, parameter: Parameter)] { get }
    /// Sub-layers with their local names, in order (containers only).
    var children: [(name: String, layer: any Layer)] { get }
    /// One line saying what the layer is: "Linear(2 → 128, init pytorch)".
    var summary: String { get }
    /// The width of the output for an input of width `inputWidth` (nil when the layer cannot take it).
    func outputWidth(forInputWidth inputWidth: Int) -> Int?
    /// An independent copy with new parameter objects holding the same values (for named snapshots).
    func copy() -> any Layer
    /// Whether each output row depends only on the same input row in training (false for batch
    /// statistics and anything else that mixes samples), so that stacking two batches and splitting the
    /// result gives exactly the outputs of two separate calls.
    var isRowwise: Bool { get }
    /// Whether an output row depends on the other rows of the input in training (batch statistics,
    /// comparisons between samples), so that the gradient of the summed outputs with respect to a row is not
    /// that row's own gradient. Dropout (independent per row) and rows the layer adds of its own (a fixed
    /// reference batch) do not count.
    var mixesSamples: Bool { get }
    /// Whether it computes features by comparing the samples of a batch (minibatch discrimination), so that
    /// its output and what follows are no longer features of each sample alone.
    var comparesSamples: Bool { get }
}

extension Layer {
    /// No parameters by default.
    public var localParameters: [(name: String, parameter: Parameter)] { [] }
    /// No buffers by default.
    public var localBuffers: [(name: String, parameter: Parameter)] { [] }
    /// No children by default.
    public var children: [(name: String, layer: any Layer)] { [] }
    /// Width-preserving by default (activations, normalisations).
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? { inputWidth }
    /// Row-wise by default (linear maps and elementwise functions); containers ask their children.
    public var isRowwise: Bool { children.allSatisfy { $0.layer.isRowwise } }
    /// Containers ask their children; a layer that compares samples mixes them.
    public var mixesSamples: Bool { comparesSamples || children.contains { $0.layer.mixesSamples } }
    /// Containers ask their children.
    public var comparesSamples: Bool { children.contains { $0.layer.comparesSamples } }

    /// Every parameter of this layer and its descendants with a dotted path, e.g. "D.0.weight".
    public func namedParameters(prefix: String) -> [(name: String, parameter: Parameter)] {
        collect(prefix: prefix) { $0.localParameters }
    }

    /// Every buffer of this layer and its descendants with a dotted path, e.g. "D.1.running_mean".
    public func namedBuffers(prefix: String) -> [(name: String, parameter: Parameter)] {
        collect(prefix: prefix) { $0.localBuffers }
    }

    /// The parameters alone, in the same order as `namedParameters` (no names are built, so this is
    /// cheap enough to call every training step).
    public var parameters: [Parameter] {
        var result: [Parameter] = []
        appendParameters(to: &result)
        return result
    }

    /// The buffers alone, in the same order as `namedBuffers` (no names are built).
    public var buffers: [Parameter] {
        var result: [Parameter] = []
        appendBuffers(to: &result)
        return result
    }

    fileprivate func appendParameters(to result: inout [Parameter]) {
        for (_, parameter) in localParameters { result.append(parameter) }
        for child in children { child.layer.appendParameters(to: &result) }
    }

    fileprivate func appendBuffers(to result: inout [Parameter]) {
        for (_, buffer) in localBuffers { result.append(buffer) }
        for child in children { child.layer.appendBuffers(to: &result) }
    }

    private func collect(prefix: String, _ local: (any Layer) -> [(name: String, parameter: Parameter)])
        -> [(name: String, parameter: Parameter)] {
        let own = local(self).map { (prefix.isEmpty ? $0.name : prefix + "." + $0.name, $0.parameter) }
        let nested = children.flatMap { child in
            child.layer.namedLayerItems(prefix: prefix.isEmpty ? child.name : prefix + "." + child.name, local)
        }
        return own + nested
    }

    fileprivate func namedLayerItems(prefix: String, _ local: (any Layer) -> [(name: String, parameter: Parameter)])
        -> [(name: String, parameter: Parameter)] {
        collect(prefix: prefix, local)
    }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.elementCount } }
}

/// Why a layer could not be built or applied.
public struct LayerError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, naming the layer.
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
