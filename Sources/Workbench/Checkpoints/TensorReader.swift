import Autodiff

/// The tensors of a checkpoint being restored. Each is taken once, by name, with its dtype and shape
/// checked against what the restoring code needs; a tensor nobody took belongs to nothing the checkpoint
/// describes, and is an error too. Every message names the file.
public struct TensorReader {
    /// The file being restored.
    let file: SafeTensorsFile
    /// Its path, for messages.
    let path: String
    /// The names taken so far.
    private(set) var taken: Set<String> = []

    init(_ file: SafeTensorsFile, path: String) {
        self.file = file
        self.path = path
    }

    /// An error about the checkpoint.
    func failure(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }

    /// Whether the file has a tensor called `name`.
    func contains(_ name: String) -> Bool { file.entry(name) != nil }

    /// The F32 tensor `name` (`what` says what it is, for messages), of rank `rank` when given.
    mutating func take(_ name: String, rank: Int? = nil, _ what: String) throws -> Tensor {
        guard let entry = file.entry(name) else { throw failure("tensor '\(name)' (\(what)) is missing") }
        guard entry.dtype == .float32 else { throw failure("tensor '\(name)' (\(what)) has dtype \(entry.dtype.rawValue), not F32") }
        if let rank, entry.shape.count != rank {
            throw failure("tensor '\(name)' (\(what)) has shape \(entry.shape); a rank-\(rank) tensor was expected")
        }
        // Every tensor of a network, an optimizer or a trick has elements; an empty one (a layer of width 0)
        // is corrupt.
        guard entry.shape.allSatisfy({ $0 > 0 }) else { throw failure("tensor '\(name)' (\(what)) is empty (shape \(entry.shape))") }
        guard taken.insert(name).inserted else { throw failure("tensor '\(name)' is claimed twice") }
        return file.tensor(name)!
    }

    /// The F32 tensor `name`, which must have exactly `shape`.
    mutating func take(_ name: String, shape: [Int], _ what: String) throws -> Tensor {
        let tensor = try take(name, rank: shape.count, what)
        guard tensor.shape.dimensions == shape else {
            throw failure("tensor '\(name)' (\(what)) has shape \(tensor.shape.dimensions); \(shape) was expected")
        }
        return tensor
    }

    /// The F64 tensor `name` with `columns` columns, as rows.
    mutating func takeRows(_ name: String, columns: Int, _ what: String) throws -> [[Double]] {
        guard let entry = file.entry(name) else { throw failure("tensor '\(name)' (\(what)) is missing") }
        guard entry.dtype == .float64, entry.shape.count == 2, entry.shape[1] == columns else {
            throw failure("tensor '\(name)' (\(what)) has dtype \(entry.dtype.rawValue) and shape \(entry.shape); "
                          + "F64 [rows, \(columns)] was expected")
        }
        guard taken.insert(name).inserted else { throw failure("tensor '\(name)' is claimed twice") }
        let values = file.doubles(name)!
        return (0..<entry.shape[0]).map { Array(values[($0 * columns)..<(($0 + 1) * columns)]) }
    }

    /// Throws when some tensor was not taken.
    func checkAllTaken() throws {
        if let stray = file.entries.first(where: { !taken.contains($0.name) }) {
            throw failure("tensor '\(stray.name)' belongs to nothing the checkpoint's session has "
                          + "(\(file.entries.count - taken.count) such tensor\(file.entries.count - taken.count == 1 ? "" : "s"))")
        }
    }
}
