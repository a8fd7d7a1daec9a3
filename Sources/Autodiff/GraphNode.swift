/// Which inputs of an operation need a gradient in the current `gradients` call (bit i for input i).
struct InputMask {
    var bits: UInt32 = 0
    /// Whether input `i` needs its gradient computed.
    subscript(i: Int) -> Bool { bits & (1 << UInt32(i)) != 0 }
}

/// One recorded operation (or a variable) in the graph that `gradients(of:wrt:)` walks backwards.
///
/// A node holds its inputs' nodes, never its own output tensor: the output's storage is kept separately
/// (`savedOutput`) and re-attached to the node only while its derivative runs, so no reference cycle can
/// form. The derivative is written in tensor operations, so it records a graph of its own when the
/// gradient is to be differentiated again (`createGraph: true`).
final class GraphNode {
    /// The derivative: given the gradient of the output (and the output itself when saved), the
    /// gradient of each input (nil for inputs that need none).
    typealias Derivative = (_ gradient: Tensor, _ output: Tensor, _ needs: InputMask) throws -> [Tensor?]

    let operation: StaticString
    let inputs: [GraphNode?]
    let derivative: Derivative?
    let savedOutput: TensorStorage?
    let shape: Shape

    // Scratch state of one backward pass, valid only while `pass` equals the running pass number.
    var pass = 0
    var isTarget = false
    var reachesTarget = false
    var gradient: Tensor?

    /// A variable (leaf).
    init(variableOf shape: Shape) {
        operation = "variable"
        inputs = []
        derivative = nil
        savedOutput = nil
        self.shape = shape
    }

    /// The node of an operation's result.
    init(operation: StaticString, inputs: [GraphNode?], shape: Shape, savedOutput: TensorStorage?,
         derivative: @escaping Derivative) {
        self.operation = operation
        self.inputs = inputs
        self.derivative = derivative
        self.savedOutput = savedOutput
        self.shape = shape
    }

    /// Whether this node is a variable rather than an operation.
    var isVariable: Bool { derivative == nil }
}

/// Whether operations record the graph that gradients need. Recording is on by default.
///
/// The state is global to the process: build and differentiate graphs from one thread at a time.
/// (The kernels inside each operation may still use several threads.)
public enum GradientMode {
    nonisolated(unsafe) static var recording = true

    /// Whether operations on variables currently record gradients.
    public static var isRecording: Bool { recording }

    /// Runs `body` with recording switched on or off, restoring the previous state afterwards.
    static func with<T>(recording enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let previous = recording
        recording = enabled
        defer { recording = previous }
        return try body()
    }
}

/// Runs `body` without recording gradients: for evaluation, metrics and optimizer updates. Tensors made
/// inside are constants (variables stay variables).
public func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
    try GradientMode.with(recording: false, body)
}

extension Tensor {
    /// Whether an operation on `inputs` must record its result.
    @inline(__always)
    static func recordsGradient(_ a: Tensor) -> Bool {
        GradientMode.recording && a.node != nil
    }

    /// Whether an operation on `inputs` must record its result.
    @inline(__always)
    static func recordsGradient(_ a: Tensor, _ b: Tensor) -> Bool {
        GradientMode.recording && (a.node != nil || b.node != nil)
    }

    /// This value as the result of `operation` on `inputs`, with the operation's derivative.
    /// `savesOutput` keeps the value for derivatives written in terms of the output (exp, tanh, sqrt).
    func recorded(_ operation: StaticString, _ inputs: [Tensor], savesOutput: Bool = false,
                  derivative: @escaping GraphNode.Derivative) -> Tensor {
        let node = GraphNode(operation: operation, inputs: inputs.map(\.node), shape: shape,
                             savedOutput: savesOutput ? storage : nil, derivative: derivative)
        return Tensor(shape: shape, storage: storage, node: node)
    }
}
