import Autodiff

/// Layers applied in order, named "0", "1", … as in PyTorch's `nn.Sequential`, so parameter paths such
/// as "0.weight" match a PyTorch state dict of the same architecture.
public final class Sequential: Layer {
    /// The layers, in order.
    public private(set) var layers: [any Layer]

    /// A sequence of layers.
    public init(_ layers: [any Layer]) { self.layers = layers }

    /// Applies every layer in turn, offering each output to the context for capture under its index.
    public func forward(_ input: Tensor, _ context: ForwardContext) throws -> Tensor {
        var x = input
        var index = 0
        while index < layers.count {
            // A Linear and the rectifier after it run as one fused operation (same bits, fewer passes),
            // unless someone asked to see the Linear's own output.
            if let linear = layers[index] as? Linear, index + 1 < layers.count,
               let rectifier = Sequential.fusableRectifier(layers[index + 1]),
               !context.capturePaths.contains(String(index)) {
                x = try linear.forward(x, then: rectifier)
                context.offer(x, at: String(index + 1))
                index += 2
                continue
            }
            x = try layers[index].forward(x, context)
            context.offer(x, at: String(index))
            index += 1
        }
        return x
    }

    /// The rectifier a Linear can absorb when `layer` follows it.
    private static func fusableRectifier(_ layer: any Layer) -> Rectifier? {
        if layer is ReLU { return .relu }
        if let leaky = layer as? LeakyReLU { return .leakyRelu(slope: leaky.slope) }
        return nil
    }

    /// A copy of every layer, with its own parameters.
    public func copy() -> any Layer { Sequential(layers.map { $0.copy() }) }

    /// The same as `copy()`, typed.
    public func copySequential() -> Sequential { Sequential(layers.map { $0.copy() }) }

    /// Inserts `layer` at `index` (later layers move up by one).
    public func insert(_ layer: any Layer, at index: Int) {
        layers.insert(layer, at: index)
    }

    /// Removes and returns the layer at `index`.
    @discardableResult
    public func remove(at index: Int) -> any Layer {
        layers.remove(at: index)
    }

    /// The layers with their indices as names.
    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { (String($0.offset), $0.element) }
    }

    /// "Sequential(4 layers)"; `describeLayers` gives one line per layer.
    public var summary: String { "Sequential(\(layers.count) layers)" }

    /// One line per layer: "0  Linear(2 → 128, init pytorch)".
    public func describeLayers() -> [String] {
        layers.enumerated().map { "\($0.offset)  \($0.element.summary)" }
    }

    /// The output width after all layers, or nil when some layer cannot take its input.
    public func outputWidth(forInputWidth inputWidth: Int) -> Int? {
        var width = inputWidth
        for layer in layers {
            guard let next = layer.outputWidth(forInputWidth: width) else { return nil }
            width = next
        }
        return width
    }

    /// The index of the last layer before the final layer with parameters (the output Linear, however
    /// wrapped): the "last hidden layer" feature matching reads by default; nil without a hidden layer.
    public var lastHiddenLayerIndex: Int? {
        guard let output = layers.lastIndex(where: { !$0.parameters.isEmpty }), output > 0 else { return nil }
        return output - 1
    }
}
