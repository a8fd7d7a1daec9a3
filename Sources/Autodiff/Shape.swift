/// The dimensions of a tensor, stored inline (no heap allocation) for ranks 0 through `Shape.maxRank`.
///
/// Rank 0 is a scalar. Ranks up to 4 cover MLPs now and NCHW convolutions later; 6 leaves room.
public struct Shape: Hashable, Sendable, RandomAccessCollection, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The largest rank a tensor may have.
    public static let maxRank = 6

    private var dims: (Int, Int, Int, Int, Int, Int) = (1, 1, 1, 1, 1, 1)
    /// The number of dimensions.
    public private(set) var rank: Int = 0

    /// A shape from its dimensions; every dimension must be ≥ 0 and the rank ≤ `maxRank`.
    public init(_ dimensions: [Int]) {
        precondition(dimensions.count <= Shape.maxRank, "rank \(dimensions.count) exceeds \(Shape.maxRank)")
        rank = dimensions.count
        for (i, d) in dimensions.enumerated() {
            precondition(d >= 0, "negative dimension \(d)")
            self[i] = d
        }
    }

    /// A shape from a literal such as `[2, 3]`.
    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// The scalar shape (rank 0, one element).
    public static let scalar = Shape([])

    /// Index of the first dimension.
    public var startIndex: Int { 0 }
    /// One past the last dimension.
    public var endIndex: Int { rank }

    /// The size of dimension `i`.
    public subscript(i: Int) -> Int {
        get {
            precondition(i >= 0 && i < rank, "dimension \(i) out of range for rank \(rank)")
            switch i {
            case 0: return dims.0
            case 1: return dims.1
            case 2: return dims.2
            case 3: return dims.3
            case 4: return dims.4
            default: return dims.5
            }
        }
        set {
            switch i {
            case 0: dims.0 = newValue
            case 1: dims.1 = newValue
            case 2: dims.2 = newValue
            case 3: dims.3 = newValue
            case 4: dims.4 = newValue
            default: dims.5 = newValue
            }
        }
    }

    /// The number of elements (1 for a scalar).
    public var elementCount: Int {
        var n = 1
        for i in 0..<rank { n *= self[i] }
        return n
    }

    /// The dimensions as an array.
    public var dimensions: [Int] { (0..<rank).map { self[$0] } }

    /// Row-major strides in elements.
    public var strides: [Int] {
        var result = [Int](repeating: 1, count: rank)
        var step = 1
        for i in stride(from: rank - 1, through: 0, by: -1) {
            result[i] = step
            step *= self[i]
        }
        return result
    }

    /// The product of the dimensions before `axis`, the dimension at `axis`, and the product after it.
    public func split(at axis: Int) -> (outer: Int, length: Int, inner: Int) {
        var outer = 1, inner = 1
        for i in 0..<axis { outer *= self[i] }
        for i in (axis + 1)..<rank { inner *= self[i] }
        return (outer, self[axis], inner)
    }

    /// This shape with dimension `axis` replaced by `size`.
    public func replacing(axis: Int, with size: Int) -> Shape {
        var copy = self
        copy[axis] = size
        return copy
    }

    /// This shape without dimension `axis`.
    public func removing(axis: Int) -> Shape {
        var d = dimensions
        d.remove(at: axis)
        return Shape(d)
    }

    /// Whether the two shapes have the same dimensions.
    public static func == (lhs: Shape, rhs: Shape) -> Bool {
        guard lhs.rank == rhs.rank else { return false }
        for i in 0..<lhs.rank where lhs[i] != rhs[i] { return false }
        return true
    }

    /// Hashes the dimensions.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        for i in 0..<rank { hasher.combine(self[i]) }
    }

    /// `[2, 3]` style.
    public var description: String { "[" + dimensions.map(String.init).joined(separator: ", ") + "]" }
}
