/// What went wrong in a tensor operation. Every message names the operation and the shapes involved.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// Two or more operands cannot be combined (broadcasting or matrix product rules).
    case shapeMismatch(operation: String, shapes: [Shape], reason: String)
    /// An axis outside 0..<rank (negative axes count from the end).
    case invalidAxis(operation: String, axis: Int, rank: Int)
    /// An argument outside its valid range.
    case invalidArgument(operation: String, reason: String)
    /// `gradients(of:)` needs a tensor with exactly one element.
    case nonScalarLoss(shape: Shape)
    /// A tensor in `wrt:` that records no gradient (it is a constant).
    case notDifferentiable(index: Int, shape: Shape)
    /// An element count that does not fit the given shape.
    case elementCountMismatch(operation: String, expected: Int, got: Int)

    /// A one-line explanation for users.
    public var description: String {
        switch self {
        case let .shapeMismatch(operation, shapes, reason):
            return "\(operation): shapes \(shapes.map(\.description).joined(separator: " and ")) \(reason)"
        case let .invalidAxis(operation, axis, rank):
            return "\(operation): axis \(axis) is out of range for a tensor of rank \(rank)"
        case let .invalidArgument(operation, reason):
            return "\(operation): \(reason)"
        case let .nonScalarLoss(shape):
            return "gradients: the loss must be a scalar (one element), but it has shape \(shape); reduce it with sum() or mean() first"
        case let .notDifferentiable(index, shape):
            return "gradients: wrt[\(index)] (shape \(shape)) does not record gradients; create it with requiringGradient()"
        case let .elementCountMismatch(operation, expected, got):
            return "\(operation): expected \(expected) elements, got \(got)"
        }
    }
}
