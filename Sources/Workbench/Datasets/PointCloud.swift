import Autodiff

/// `points`: the rows of a CSV or `.npy` file, drawn uniformly with replacement.
public final class PointCloud: Dataset {
    /// How the file's values are mapped before sampling.
    enum Scale: String, ParameterChoice { case none, unit, symmetric }

    static let file: ParameterKey<String> = .text(
        "file", default: nil, "path of a .csv/.txt, .npy or IDX (-ubyte, .idx) file of points, one per row, optionally .gz")
    static let scale: ParameterKey<Scale> = .choice(
        "scale", default: Scale.none, "none: values as stored; unit: the file's range mapped to [0, 1]; symmetric: to [-1, 1]")

    /// The declaration: the file to read.
    public static let spec = PluginSpec(
        kind: .dataset, name: "points", aliases: ["file", "csv", "npy", "idx"],
        summary: "points read from a CSV, NumPy .npy or MNIST IDX file (gzip-compressed or not), drawn uniformly with replacement",
        discussion: """
            Reads an [n, d] matrix of points once, when the data set is made. Files ending in .npy are NumPy \
            arrays: format 1.0, 2.0 or 3.0, C order, little-endian float32 or float64 (or integers, \
            converted), 1-D (one column) or 2-D. Files ending in -ubyte or .idx are IDX arrays, MNIST's \
            format: the first dimension is the rows and the others are flattened (28×28 images become 784 \
            columns), in any of IDX's element types. Any other file is CSV text: one row per line, values \
            separated by commas or by blanks, an optional first line of column names, blank lines and lines \
            starting with # skipped, every row as long as the first. Any of them may be gzip-compressed (a \
            .gz ending is ignored when choosing the format). Values must be finite. scale=unit maps the \
            file's smallest value to 0 and its largest to 1 (MNIST's 0…255 pixels to 0…1), symmetric to −1 \
            and 1 (for a generator with output=tanh); none keeps the values. A batch draws each row's index \
            with nextInt(below: n), so rows repeat and every batch is independent.
            """,
        parameters: [file.spec, scale.spec])

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The file's points, [n, d].
    public let points: Tensor

    /// Reads the file named by the `file` parameter; throws `DataFileError` when it cannot be read or
    /// holds no points.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let path = parameters[Self.file]
        let points = try PointFile.read(path: path)
        guard points.shape[0] > 0 else { throw DataFileError(path: path, "holds no points (0 rows)") }
        guard points.shape[1] > 0 else { throw DataFileError(path: path, "holds no coordinates (0 columns)") }
        guard points.shape[0] <= Int(UInt32.max) else { throw DataFileError(path: path, "holds more than 2³² − 1 points") }
        self.points = try Self.scaled(points, parameters[Self.scale], path: path)
    }

    /// The points mapped linearly so the file's smallest and largest values become 0 and 1 (unit) or −1 and
    /// 1 (symmetric), or as they are (none).
    static func scaled(_ points: Tensor, _ scale: Scale, path: String) throws -> Tensor {
        guard scale != .none else { return points }
        let (low, high) = points.withUnsafeBufferPointer { values in
            values.reduce((Float.infinity, -Float.infinity)) { (Swift.min($0.0, $1), Swift.max($0.1, $1)) }
        }
        guard high > low else { throw DataFileError(path: path, "cannot be scaled to a range: every value is \(low)") }
        let (target, offset): (Float, Float) = scale == .unit ? (1, 0) : (2, -1)
        let span = high - low
        return Tensor(shape: points.shape) { out in
            points.withUnsafeBufferPointer { values in
                for index in values.indices { out[index] = (values[index] - low) / span * target + offset }
            }
        }
    }

    /// The number of columns of the file.
    public var dimension: Int { points.shape[1] }
    /// The number of rows of the file.
    public var rowCount: Int { points.shape[0] }
    /// The file as given and its points.
    public var filePoints: (path: String, points: Tensor)? { (parameters[Self.file], points) }
    /// None: the file says nothing about modes.
    public var modes: ModeLayout? { nil }

    /// `count` rows chosen uniformly with replacement (one `nextInt(below: n)` each), [count, d].
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        precondition(count >= 0, "cannot draw \(count) samples")
        let n = rowCount, d = dimension
        let chosen = (0..<count).map { _ in stream.nextInt(below: n) }
        return SampleBuffer.matrix(rows: count, columns: d) { out in
            points.withUnsafeBufferPointer { source in
                for (row, index) in chosen.enumerated() {
                    for column in 0..<d { out[row * d + column] = source[index * d + column] }
                }
            }
        }
    }
}
