import Kernels

/// An n-dimensional array of 32-bit floats, row-major, that can record the operations applied to it so
/// that `gradients(of:wrt:)` can differentiate through them.
///
/// Tensors have value semantics: operations return new tensors, and a mutation (see
/// `withUnsafeMutableBufferPointer`) copies shared storage first. A tensor that records gradients is
/// either a *variable* (made with `requiringGradient()`, such as a network weight) or the result of an
/// operation on one; every other tensor is a constant.
public struct Tensor {
    /// The dimensions.
    public let shape: Shape
    var storage: TensorStorage
    /// The operation that produced this tensor, or the variable it is; nil for constants.
    private(set) var node: GraphNode?

    init(shape: Shape, storage: TensorStorage, node: GraphNode? = nil) {
        self.shape = shape
        self.storage = storage
        self.node = node
    }

    /// A tensor of `shape` whose elements are written by `initializer` (it must write all of them).
    static func build(_ shape: Shape, _ initializer: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        initializer(storage.base)
        return Tensor(shape: shape, storage: storage)
    }

    /// A tensor holding `scalars` in row-major order; their count must equal the shape's element count.
    public init(_ scalars: [Float], shape: Shape) throws {
        guard scalars.count == shape.elementCount else {
            throw TensorError.elementCountMismatch(operation: "Tensor(_:shape:)", expected: shape.elementCount,
                                                   got: scalars.count)
        }
        self = Tensor.build(shape) { out in
            scalars.withUnsafeBufferPointer { if let b = $0.baseAddress { out.update(from: b, count: scalars.count) } }
        }
    }

    /// A rank-1 tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self = Tensor.build(Shape([scalars.count])) { out in
            scalars.withUnsafeBufferPointer { if let b = $0.baseAddress { out.update(from: b, count: scalars.count) } }
        }
    }

    /// A matrix from its rows; every row must have the same length.
    public init(rows: [[Float]]) throws {
        let columns = rows.first?.count ?? 0
        if let bad = rows.firstIndex(where: { $0.count != columns }) {
            throw TensorError.invalidArgument(
                operation: "Tensor(rows:)",
                reason: "row \(bad) has \(rows[bad].count) elements but row 0 has \(columns)")
        }
        try self.init(rows.flatMap { $0 }, shape: [rows.count, columns])
    }

    /// A rank-0 tensor holding one value.
    public init(_ scalar: Float) {
        self = Tensor.build(.scalar) { $0[0] = scalar }
    }

    /// A tensor of `shape` with every element equal to `value`.
    public static func full(_ shape: Shape, _ value: Float) -> Tensor {
        build(shape) { $0.update(repeating: value, count: shape.elementCount) }
    }

    /// A tensor of zeros.
    public static func zeros(_ shape: Shape) -> Tensor { full(shape, 0) }

    /// A tensor of ones.
    public static func ones(_ shape: Shape) -> Tensor { full(shape, 1) }

    /// The number of dimensions.
    public var rank: Int { shape.rank }

    /// The number of elements.
    public var elementCount: Int { storage.count }

    /// The elements in row-major order.
    public var scalars: [Float] {
        Array(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// The single element of a one-element tensor, or nil when it has more or fewer.
    public var scalar: Float? { storage.count == 1 ? storage.base[0] : nil }

    /// The element at a full index (one coordinate per dimension).
    public subscript(indices: Int...) -> Float {
        precondition(indices.count == rank, "index \(indices) has \(indices.count) coordinates for rank \(rank)")
        var offset = 0
        for (axis, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(i) out of range for axis \(axis) of \(shape)")
            offset = offset * shape[axis] + i
        }
        return storage.base[offset]
    }

    /// Reads the elements in place.
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.base, count: storage.count))
    }

    /// Writes the elements in place, copying shared storage first. A variable stays the same variable
    /// (an optimizer update keeps its identity); a computed tensor becomes a constant, since its recorded
    /// operation no longer describes its values.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if !isKnownUniquelyReferenced(&storage) {
            storage = TensorStorage(copying: storage.base, count: storage.count)
        }
        if let node, !node.isVariable { self.node = nil }
        return try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
    }

    /// Whether this tensor records gradients (a variable, or computed from one while recording).
    public var requiresGradient: Bool { node != nil }

    /// Whether this tensor is a variable: a leaf that `gradients(of:wrt:)` can differentiate with respect to.
    public var isVariable: Bool { node?.isVariable ?? false }

    /// The same values as a new variable, a leaf of every graph built from it.
    public func requiringGradient() -> Tensor {
        Tensor(shape: shape, storage: storage, node: GraphNode(variableOf: shape))
    }

    /// The same values as a constant: nothing computed from the result records gradients through it.
    public func detached() -> Tensor {
        Tensor(shape: shape, storage: storage)
    }

    /// Whether both tensors have the same shape and bit-identical elements.
    public func isBitwiseEqual(to other: Tensor) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<storage.count where storage.base[i].bitPattern != other.storage.base[i].bitPattern {
            return false
        }
        return true
    }
}

extension Tensor {
    /// `number` constants of `shape` whose every element one kernel writes: `body` gets their buffers
    /// (uninitialised) in order.
    public static func several(_ number: Int, shape: Shape,
                               initializingWith body: ([UnsafeMutablePointer<Float>]) throws -> Void) rethrows -> [Tensor] {
        let storages = (0..<number).map { _ in TensorStorage(uninitializedCount: shape.elementCount) }
        try body(storages.map(\.base))
        return storages.map { Tensor(shape: shape, storage: $0) }
    }

    /// Runs `body` with the addresses of the elements of `tensors`, in order, for reading during the call.
    public static func withBaseAddresses<R>(of tensors: [Tensor], _ body: ([UnsafePointer<Float>]) throws -> R) rethrows -> R {
        try withExtendedLifetime(tensors) { try body(tensors.map { UnsafePointer($0.storage.base) }) }
    }

    /// A constant of `shape` whose every element `body` writes (the buffer starts uninitialised).
    public init(shape: Shape, initializingWith body: (UnsafeMutableBufferPointer<Float>) throws -> Void) rethrows {
        let storage = TensorStorage(uninitializedCount: shape.elementCount)
        try body(UnsafeMutableBufferPointer(start: storage.base, count: storage.count))
        self.init(shape: shape, storage: storage)
    }
}
