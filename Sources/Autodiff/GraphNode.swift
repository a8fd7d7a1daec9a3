/// Which inputs of an operation need a gradient in the current `gradients` call (bit i for input i).
struct InputMask {
    var bits: UInt32 = 0
    /// Whether input `i` needs its gradient computed.
    subscript(i: Int) -> Bool { bits & (1 << UInt32(i)) != 0 }
}

/// Numbers an operation was applied with (a slope, an exponent, an axis), kept in the node so that
/// derivative closures need not capture them: a closure that captures nothing costs no allocation,
/// which matters for the ~100 small operations of a training step.
struct OperationParameters {
    var float0: Float = 0
    var float1: Float = 0
    var int0 = 0
    var int1 = 0
}

/// What a derivative rule may read: the operation's inputs and output (attached to the graph, so the
/// rule can be differentiated again), its parameters, and which inputs need a gradient.
struct DerivativeContext {
    let node: GraphNode
    /// The operation's result, attached to its node.
    let output: Tensor
    /// Which inputs need a gradient.
    let needs: InputMask

    /// Input `i` as the operation saw it.
    func input(_ i: Int) -> Tensor { node.input(i) }
    /// The operation's parameters.
    var parameters: OperationParameters { node.parameters }
}

/// One recorded operation (or a variable) in the graph that `gradients(of:wrt:)` walks backwards.
///
/// A node holds its input tensors (and through them their nodes), never its own output tensor: the
/// output's storage is kept separately (`savedOutput`) and re-attached to the node only while its
/// derivative runs, so no reference cycle can form. The derivative is written in tensor operations, so
/// it records a graph of its own when the gradient is to be differentiated again (`createGraph: true`).
final class GraphNode {
    /// The derivative: the gradient of each input (nil for inputs that need none) from the gradient of
    /// the output.
    typealias Derivative = (_ gradient: Tensor, _ context: DerivativeContext) throws -> [Tensor?]

    let operation: StaticString
    let derivative: Derivative?
    let savedOutput: TensorStorage?
    let shape: Shape
    let parameters: OperationParameters
    let inputCount: Int
    // Up to two inputs inline (no array to allocate); operations with more use `otherInputs`.
    private let firstInput: Tensor?
    private let secondInput: Tensor?
    private let otherInputs: [Tensor]
    // The inline inputs' nodes, kept apart so that walking the graph reads one reference per input
    // instead of copying a tensor (three reference counts) to reach it.
    private let firstNode: GraphNode?
    private let secondNode: GraphNode?

    // Scratch state of one backward pass, valid only while `pass` equals the running pass number.
    var pass = 0
    /// The pass that last reached this node while ordering the graph (a mark instead of a visited set).
    var visitedPass = 0
    var isTarget = false
    var reachesTarget = false
    var gradient: Tensor?

    /// The one initialiser the others call: every stored property set in one place.
    private init(operation: StaticString, derivative: Derivative?, savedOutput: TensorStorage?, shape: Shape,
                 parameters: OperationParameters, inputCount: Int, first: Tensor?, second: Tensor?, others: [Tensor]) {
        self.operation = operation
        self.derivative = derivative
        self.savedOutput = savedOutput
        self.shape = shape
        self.parameters = parameters
        self.inputCount = inputCount
        firstInput = first
        secondInput = second
        otherInputs = others
        firstNode = first?.node
        secondNode = second?.node
    }

    /// A variable (leaf).
    convenience init(variableOf shape: Shape) {
        self.init(operation: "variable", derivative: nil, savedOutput: nil, shape: shape,
                  parameters: OperationParameters(), inputCount: 0, first: nil, second: nil, others: [])
    }

    /// The node of an operation's result with one or two inputs (kept inline: no array to allocate).
    convenience init(operation: StaticString, _ a: Tensor, _ b: Tensor?, shape: Shape, savedOutput: TensorStorage?,
                     parameters: OperationParameters, derivative: @escaping Derivative) {
        self.init(operation: operation, derivative: derivative, savedOutput: savedOutput, shape: shape,
                  parameters: parameters, inputCount: b == nil ? 1 : 2, first: a, second: b, others: [])
    }

    /// The node of an operation's result with any number of inputs.
    convenience init(operation: StaticString, inputs: [Tensor], shape: Shape, savedOutput: TensorStorage?,
                     parameters: OperationParameters, derivative: @escaping Derivative) {
        self.init(operation: operation, derivative: derivative, savedOutput: savedOutput, shape: shape,
                  parameters: parameters, inputCount: inputs.count, first: nil, second: nil, others: inputs)
    }

    /// Input `i` of the operation.
    func input(_ i: Int) -> Tensor {
        if !otherInputs.isEmpty { return otherInputs[i] }
        return i == 0 ? firstInput! : secondInput!
    }

    /// The node of input `i`, nil when that input is a constant.
    func inputNode(_ i: Int) -> GraphNode? {
        if !otherInputs.isEmpty { return otherInputs[i].node }
        return i == 0 ? firstNode : secondNode
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
    /// Whether an operation on `a` must record its result.
    @inline(__always)
    static func recordsGradient(_ a: Tensor) -> Bool {
        GradientMode.recording && a.node != nil
    }

    /// Whether an operation on `a` and `b` must record its result.
    @inline(__always)
    static func recordsGradient(_ a: Tensor, _ b: Tensor) -> Bool {
        GradientMode.recording && (a.node != nil || b.node != nil)
    }

    /// This value as the result of `operation` on one or two inputs. `savesOutput` keeps the value for
    /// derivatives written in terms of the output (exp, tanh, sqrt).
    func recorded(_ operation: StaticString, _ a: Tensor, _ b: Tensor? = nil, savesOutput: Bool = false,
                  parameters: OperationParameters = OperationParameters(),
                  derivative: @escaping GraphNode.Derivative) -> Tensor {
        let node = GraphNode(operation: operation, a, b, shape: shape, savedOutput: savesOutput ? storage : nil,
                             parameters: parameters, derivative: derivative)
        return Tensor(shape: shape, storage: storage, node: node)
    }

    /// This value as the result of `operation` on any number of inputs.
    func recorded(_ operation: StaticString, inputs: [Tensor], savesOutput: Bool = false,
                  parameters: OperationParameters = OperationParameters(),
                  derivative: @escaping GraphNode.Derivative) -> Tensor {
        let node = GraphNode(operation: operation, inputs: inputs, shape: shape,
                             savedOutput: savesOutput ? storage : nil, parameters: parameters, derivative: derivative)
        return Tensor(shape: shape, storage: storage, node: node)
    }
}
