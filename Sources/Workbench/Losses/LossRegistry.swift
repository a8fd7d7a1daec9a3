/// Every loss, in the order `list loss` shows them.
public enum LossRegistry {
    /// The registered losses.
    nonisolated(unsafe) public static let all: [any Loss.Type] = [
        MinimaxLoss.self, NonSaturatingLoss.self, WGANLoss.self, WGANGPLoss.self, LeastSquaresLoss.self, HingeLoss.self,
    ]

    /// The loss called `name` (or one of its aliases).
    public static func named(_ name: String) -> (any Loss.Type)? {
        all.first { $0.spec.name == name || $0.spec.aliases.contains(name) }
    }
}
