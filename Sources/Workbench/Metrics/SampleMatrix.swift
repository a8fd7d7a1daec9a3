import Autodiff

/// Samples as a row-major matrix of Doubles: `count` rows of `dimension` coordinates.
///
/// The metrics compute in Double even though tensors hold Float: sums over millions of pairs (MMD, energy
/// distance) lose digits in Float, and an exact optimal assignment needs costs that compare reliably.
public struct SampleMatrix: Sendable, Equatable {
    /// The number of samples (rows).
    public let count: Int
    /// The number of coordinates per sample (columns).
    public let dimension: Int
    /// The coordinates, row after row.
    public let values: [Double]

    /// A matrix from row-major values; `values.count` must be `count · dimension`.
    public init(count: Int, dimension: Int, values: [Double]) {
        precondition(count >= 0 && dimension >= 1, "SampleMatrix needs count ≥ 0 and dimension ≥ 1")
        precondition(values.count == count * dimension,
                     "SampleMatrix of \(count)×\(dimension) needs \(count * dimension) values, got \(values.count)")
        self.count = count
        self.dimension = dimension
        self.values = values
    }

    /// A matrix from its rows; every row must have the same, non-zero length.
    public init(rows: [[Double]]) {
        let dimension = rows.first?.count ?? 1
        precondition(rows.allSatisfy { $0.count == dimension }, "SampleMatrix(rows:) needs rows of equal length")
        var flat = [Double]()
        flat.reserveCapacity(rows.count * dimension)
        for row in rows { flat.append(contentsOf: row) }
        self.init(count: rows.count, dimension: dimension, values: flat)
    }

    /// A matrix from a [n, d] tensor (a rank-1 tensor is read as n one-dimensional samples), checked as
    /// `check` does.
    public init(_ tensor: Tensor, role: String, metric: String) throws {
        let (rows, columns) = try Self.check(tensor, role: role, metric: metric)
        self.init(count: rows, dimension: columns, values: tensor.withUnsafeBufferPointer { $0.map(Double.init) })
    }

    /// The rows and columns of samples a metric may read. Throws a `MetricError` naming `metric` and `role`
    /// ("real", "generated") for a rank other than 1 or 2, for no samples, and for a NaN or infinite
    /// coordinate — a diverged generator must not pass as a number. It copies nothing, for metrics that hand
    /// the tensor on to a classifier.
    @discardableResult
    public static func check(_ tensor: Tensor, role: String, metric: String) throws -> (rows: Int, columns: Int) {
        let shape = tensor.shape
        let rows: Int, columns: Int
        switch shape.rank {
        case 1: (rows, columns) = (shape[0], 1)
        case 2: (rows, columns) = (shape[0], shape[1])
        default:
            throw MetricError("metric \(metric): \(role) samples must be a [n, d] tensor; got shape \(shape)")
        }
        guard rows > 0, columns > 0 else {
            throw MetricError("metric \(metric): there are no \(role) samples (shape \(shape))")
        }
        let bad: (index: Int, value: Float)? = tensor.withUnsafeBufferPointer { values in
            values.firstIndex { !$0.isFinite }.map { ($0, values[$0]) }
        }
        if let bad {
            throw MetricError("metric \(metric): \(role) sample \(bad.index / columns) has a non-finite coordinate "
                              + "(\(bad.value)); the generator may have diverged")
        }
        return (rows, columns)
    }

    /// The coordinate `column` of sample `row`.
    public subscript(row: Int, column: Int) -> Double { values[row * dimension + column] }

    /// Sample `row` as an array.
    public func row(_ row: Int) -> [Double] { Array(values[row * dimension ..< (row + 1) * dimension]) }

    /// The rows at `indices`, in that order.
    public func rows(_ indices: [Int]) -> SampleMatrix {
        var flat = [Double](repeating: 0, count: indices.count * dimension)
        values.withUnsafeBufferPointer { source in
            flat.withUnsafeMutableBufferPointer { target in
                for (r, index) in indices.enumerated() {
                    for c in 0..<dimension { target[r * dimension + c] = source[index * dimension + c] }
                }
            }
        }
        return SampleMatrix(count: indices.count, dimension: dimension, values: flat)
    }

    /// `size` distinct rows chosen uniformly from `stream` (all rows, unshuffled, when size ≥ count), so a
    /// metric that subsamples draws only from its own stream.
    public func subsample(_ size: Int, using stream: RandomStream) -> SampleMatrix {
        guard size < count else { return self }
        return rows(SampleMatrix.distinctIndices(size, below: count, using: stream))
    }

    /// Column `column` of every sample (one coordinate, or a projection's input).
    public func column(_ column: Int) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        values.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer { target in
                for r in 0..<count { target[r] = source[r * dimension + column] }
            }
        }
        return out
    }

    /// `size` distinct integers in 0..<bound, by a partial Fisher–Yates shuffle driven by `stream`
    /// (only `size` draws, whatever the bound).
    static func distinctIndices(_ size: Int, below bound: Int, using stream: RandomStream) -> [Int] {
        var order = Array(0..<bound)
        for i in 0..<size {
            order.swapAt(i, i + stream.nextInt(below: bound - i))
        }
        return Array(order[0..<size])
    }
}

/// Input checks shared by the metric plugins, so every metric words its errors the same way.
enum MetricChecks {
    /// Real and generated samples as matrices of the same dimension, each with at least `minimumCount`
    /// samples (`reason` says why, e.g. "k = 3 needs k + 1 samples").
    static func pair(_ input: MetricInput, metric: String, minimumCount: Int = 1,
                     reason: String? = nil) throws -> (real: SampleMatrix, generated: SampleMatrix) {
        let real = try SampleMatrix(input.real, role: "real", metric: metric)
        let generated = try SampleMatrix(input.generated, role: "generated", metric: metric)
        guard real.dimension == generated.dimension else {
            throw MetricError("metric \(metric): real samples have dimension \(real.dimension) but generated "
                              + "samples have dimension \(generated.dimension)")
        }
        for (role, samples) in [("real", real), ("generated", generated)] where samples.count < minimumCount {
            throw MetricError("metric \(metric) needs at least \(minimumCount) \(role) samples"
                              + (reason.map { " (\($0))" } ?? "") + "; got \(samples.count)")
        }
        return (real, generated)
    }

    /// The two samples cut to a common size by subsampling the larger one from the metric's stream, for
    /// metrics defined on equal sizes; the note says what happened (nil when the sizes already agree).
    static func equalSizes(_ real: SampleMatrix, _ generated: SampleMatrix,
                           using stream: RandomStream) -> (SampleMatrix, SampleMatrix, String?) {
        if real.count == generated.count { return (real, generated, nil) }
        let size = Swift.min(real.count, generated.count)
        let note = "sizes differ (\(real.count) real, \(generated.count) generated): the larger set was "
            + "subsampled to \(size) at random"
        return (real.subsample(size, using: stream), generated.subsample(size, using: stream), note)
    }
}
