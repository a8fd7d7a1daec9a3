import NeuralNet

/// How a player's parameters move against their gradients: a declared plugin (`optimizer G|D NAME
/// key=value…`) made from validated parameters, which makes the optimizer that carries the memory.
public protocol UpdateRule: Plugin {
    /// An instance with validated parameters.
    init(_ parameters: ParameterValues) throws

    /// A new optimizer with these settings and no memory.
    func makeOptimizer() -> any Optimizer

    /// The key of its learning rate: what a trick that sets rates (ttur) changes, whatever the rule.
    static var learningRate: ParameterKey<Float> { get }
}

extension UpdateRule {
    /// An instance from text assignments such as `[("lr", "0.05")]`, validated against the spec and
    /// completed with defaults: what the shell does for `optimizer G sgd lr=0.05`.
    public static func make(_ assignments: [(name: String, value: String)] = []) throws -> Self {
        try Self(ParameterValues(spec, assignments: assignments))
    }

    /// Whether an optimizer made by `other` may take over the memory of one made by this rule: the same
    /// rule, whatever its settings.
    func sharesMemory(with other: any UpdateRule) -> Bool { name == other.name }
}
