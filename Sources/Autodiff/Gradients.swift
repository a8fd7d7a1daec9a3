/// The gradient of the scalar `loss` with respect to each tensor in `wrt`.
///
/// - Every tensor in `wrt` must record gradients (a variable, or an intermediate result computed from
///   one); a constant throws `TensorError.notDifferentiable`.
/// - A tensor that `loss` does not depend on gets a gradient of **zeros** of its shape (not an error:
///   a generator's weights in a discriminator loss are the common case).
/// - With `createGraph: true` the gradients record a graph themselves, so they can be differentiated
///   again (gradient penalties such as WGAN-GP and R1); otherwise they are constants.
/// - Only the part of the graph between `loss` and the tensors in `wrt` is evaluated: derivatives
///   needed by nothing in `wrt` are never computed.
public func gradients(of loss: Tensor, wrt targets: [Tensor], createGraph: Bool = false) throws -> [Tensor] {
    guard loss.elementCount == 1 else { throw TensorError.nonScalarLoss(shape: loss.shape) }
    for (index, target) in targets.enumerated() where target.node == nil {
        throw TensorError.notDifferentiable(index: index, shape: target.shape)
    }
    guard let root = loss.node else {
        return targets.map { Tensor.zeros($0.shape) }
    }
    return try GradientPass(root: root, targets: targets.map { $0.node! }).run(createGraph: createGraph)
        .enumerated().map { $0.element ?? Tensor.zeros(targets[$0.offset].shape) }
}

/// One backward pass over the graph: topological order, pruning to the targets, accumulation.
struct GradientPass {
    nonisolated(unsafe) static var passCounter = 0

    let root: GraphNode
    let targets: [GraphNode]
    let pass: Int

    init(root: GraphNode, targets: [GraphNode]) {
        GradientPass.passCounter += 1
        self.root = root
        self.targets = targets
        self.pass = GradientPass.passCounter
    }

    /// The graph's nodes with every node after all of its inputs (iterative depth-first search, so deep
    /// graphs cannot overflow the stack), each marked with whether it leads to a target.
    func topologicalOrder() -> [GraphNode] {
        for target in targets {
            target.pass = pass
            target.isTarget = true
            target.reachesTarget = true
            target.gradient = nil
        }
        var order: [GraphNode] = []
        var stack: [(node: GraphNode, nextInput: Int)] = [(root, 0)]
        root.visitedPass = pass
        while !stack.isEmpty {
            let (node, nextInput) = stack[stack.count - 1]
            if nextInput < node.inputCount {
                stack[stack.count - 1].nextInput += 1
                if let input = node.inputNode(nextInput), input.visitedPass != pass {
                    input.visitedPass = pass
                    stack.append((input, 0))
                }
                continue
            }
            stack.removeLast()
            if node.pass != pass {
                node.pass = pass
                node.isTarget = false
                node.reachesTarget = false
                node.gradient = nil
            }
            for i in 0..<node.inputCount where node.inputNode(i)?.reachesTarget == true {
                node.reachesTarget = true
                break
            }
            order.append(node)
        }
        return order
    }

    /// Propagates from the root and returns each target's gradient (nil where nothing reached it).
    func run(createGraph: Bool) throws -> [Tensor?] {
        let order = topologicalOrder()
        defer {
            for node in order { node.gradient = nil }
            for target in targets { target.gradient = nil; target.isTarget = false }
        }
        guard root.reachesTarget else { return targets.map { _ in nil } }
        root.gradient = Tensor.ones(root.shape)
        var results = [Tensor?](repeating: nil, count: targets.count)
        try GradientMode.with(recording: createGraph) {
            for node in order.reversed() {
                guard node.reachesTarget, let gradient = node.gradient else { continue }
                if node.isTarget {
                    for (i, target) in targets.enumerated() where target === node { results[i] = gradient }
                }
                guard let derivative = node.derivative else { continue }
                var needs = InputMask()
                for i in 0..<node.inputCount where node.inputNode(i)?.reachesTarget == true {
                    needs.bits |= 1 << UInt32(i)
                }
                let output = Tensor(shape: node.shape, storage: node.savedOutput ?? gradient.storage, node: node)
                let inputGradients = try derivative(gradient, DerivativeContext(node: node, output: output, needs: needs))
                if !node.isTarget { node.gradient = nil }
                for i in 0..<node.inputCount {
                    guard let input = node.inputNode(i), needs[i], let contribution = inputGradients[i] else { continue }
                    guard contribution.shape == input.shape else {
                        throw TensorError.shapeMismatch(
                            operation: "gradient of \(node.operation)", shapes: [contribution.shape, input.shape],
                            reason: "differ (internal error in a derivative rule)")
                    }
                    if let existing = input.gradient {
                        input.gradient = try existing + contribution
                    } else {
                        input.gradient = contribution
                    }
                }
            }
        }
        return results
    }
}
