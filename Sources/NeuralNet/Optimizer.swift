import Autodiff
import Kernels

/// An optimizer's per-parameter memory (moment estimates, momentum buffers, step counts), a value:
/// copying it is a snapshot, assigning it back restores it.
///
/// Updates never write into existing buffers; they make new ones. A snapshot therefore costs no copy of
/// any tensor, which is what lets a training step keep the state of the previous iteration at no cost
/// and roll back to it when a number goes wrong.
public struct OptimizerState {
    /// The memory of one parameter.
    public struct Slots {
        /// The number of updates this parameter has received.
        public var step: Int
        /// The named buffers, in the optimizer's declared order.
        public var buffers: [Tensor]
    }

    private var entries: [ObjectIdentifier: (parameter: Parameter, slots: Slots)] = [:]

    /// An empty state.
    public init() {}

    /// The memory of `parameter`, created with zero buffers on first use.
    func slots(for parameter: Parameter, bufferCount: Int) -> Slots {
        entries[ObjectIdentifier(parameter)]?.slots
            ?? Slots(step: 0, buffers: (0..<bufferCount).map { _ in Tensor.zeros(parameter.shape) })
    }

    /// Stores the memory of `parameter`.
    mutating func set(_ slots: Slots, for parameter: Parameter) {
        entries[ObjectIdentifier(parameter)] = (parameter, slots)
    }

    /// The memory of `parameter`, if it has been updated.
    public func existingSlots(for parameter: Parameter) -> Slots? { entries[ObjectIdentifier(parameter)]?.slots }

    /// Forgets the memory of these parameters (a trick removed them from the model).
    public mutating func forget(_ parameters: [Parameter]) {
        for parameter in parameters { entries[ObjectIdentifier(parameter)] = nil }
    }

    /// Sets the memory of a parameter directly (restoring a checkpoint).
    public mutating func restore(step: Int, buffers: [Tensor], for parameter: Parameter) {
        entries[ObjectIdentifier(parameter)] = (parameter, Slots(step: step, buffers: buffers))
    }

    /// The number of parameters with memory.
    public var count: Int { entries.count }

    /// The same memory attached to other parameter objects (`replacements` maps each old parameter's
    /// identity to its copy); entries whose parameter has no replacement are dropped.
    public func remapped(_ replacements: [ObjectIdentifier: Parameter]) -> OptimizerState {
        var copy = OptimizerState()
        for (key, entry) in entries {
            guard let replacement = replacements[key] else { continue }
            copy.entries[ObjectIdentifier(replacement)] = (replacement, entry.slots)
        }
        return copy
    }
}

/// Why an update was refused.
public struct OptimizerError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}

/// A rule that moves parameters against their gradients.
public protocol Optimizer: AnyObject {
    /// The lower-case name: "adam", "sgd", "rmsprop".
    var name: String { get }
    /// The step size.
    var learningRate: Float { get set }
    /// The names of the per-parameter buffers, in order ("exp_avg", "exp_avg_sq").
    var bufferNames: [String] { get }
    /// The per-parameter memory; copy to snapshot, assign to restore.
    var state: OptimizerState { get set }
    /// One line with every setting: "Adam(lr 0.0001, betas 0.5 0.999, eps 1e-08, weight decay 0)".
    var summary: String { get }
    /// Updates each parameter with its gradient (same order, same shapes).
    func update(_ parameters: [Parameter], gradients: [Tensor]) throws
    /// `update`, also returning the squared norms of the gradients and of the new parameters when the
    /// optimizer measures them on its way through memory (nil when it does not).
    func updateMeasuring(_ parameters: [Parameter], gradients: [Tensor]) throws -> UpdateMeasurement?
}

/// Squared global norms an optimizer measured while updating: Σ‖g‖² over the gradients and Σ‖p‖² over the
/// new parameters, each summed per tensor as `Tensor.squaredNorm()` and then over tensors in order, so
/// they equal the separate computation bit for bit. The kernels' own type: one tensor's sums or all of them.
public typealias UpdateMeasurement = OptimizerKernels.UpdateSquares

extension Optimizer {
    /// Optimizers that measure nothing on the way update and return nil.
    public func updateMeasuring(_ parameters: [Parameter], gradients: [Tensor]) throws -> UpdateMeasurement? {
        try update(parameters, gradients: gradients)
        return nil
    }

    /// Checks that parameters and gradients pair up.
    func checkPairs(_ parameters: [Parameter], _ gradients: [Tensor]) throws {
        guard parameters.count == gradients.count else {
            throw OptimizerError("\(name): \(parameters.count) parameters but \(gradients.count) gradients")
        }
        for (i, (p, g)) in zip(parameters, gradients).enumerated() where p.shape != g.shape {
            throw OptimizerError("\(name): parameter \(i) has shape \(p.shape) but its gradient \(g.shape)")
        }
    }

    /// The named buffers of `parameter` (empty before its first update), for inspection.
    public func buffers(of parameter: Parameter) -> [(name: String, value: Tensor)] {
        guard let slots = state.existingSlots(for: parameter) else { return [] }
        return Array(zip(bufferNames, slots.buffers))
    }

    /// The number of updates `parameter` has received.
    public func stepCount(of parameter: Parameter) -> Int { state.existingSlots(for: parameter)?.step ?? 0 }
}

/// Pointers to the old values (read) and the new values (written) of one parameter's update.
struct UpdateBuffers {
    let parameter: UnsafePointer<Float>
    let gradient: UnsafePointer<Float>
    let oldBuffers: [UnsafePointer<Float>]
    let newParameter: UnsafeMutablePointer<Float>
    let newBuffers: [UnsafeMutablePointer<Float>]
    let count: Int
}

/// Runs an update kernel from the old parameter, gradient and buffers into fresh tensors, installs the
/// new parameter value (a variable again) and returns the new buffers.
func updateOutOfPlace(_ parameter: Parameter, _ gradient: Tensor, _ buffers: [Tensor],
                      _ kernel: (UpdateBuffers) -> Void) -> [Tensor] {
    let shape = parameter.shape
    let count = shape.elementCount
    // Fresh tensors, written only by the kernel: nothing an earlier snapshot holds is ever overwritten,
    // and nothing is filled twice.
    let made = Tensor.several(1 + buffers.count, shape: shape) { outputs in
        guard count > 0 else { return }
        Tensor.withBaseAddresses(of: [parameter.value, gradient] + buffers) { inputs in
            kernel(UpdateBuffers(parameter: inputs[0], gradient: inputs[1], oldBuffers: Array(inputs.dropFirst(2)),
                                 newParameter: outputs[0], newBuffers: Array(outputs.dropFirst()), count: count))
        }
    }
    parameter.value = made[0].requiringGradient()
    return Array(made.dropFirst())
}
