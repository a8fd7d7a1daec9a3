import Foundation
import Autodiff

/// Reading and writing matrices of points: CSV text and NumPy `.npy`. Readers return [n, d] tensors
/// (a column of numbers or a 1-D array becomes [n, 1]); writers replace the file atomically. Every
/// failure is a `DataFileError` naming the file.
public enum PointFile {
    /// Reads a matrix of points: gzip-compressed or not (by content), then NumPy `.npy` (by extension, any
    /// case, or by its magic bytes), IDX (MNIST's `…-ubyte`, `.idx`, or a header matching the file's size),
    /// and everything else as CSV text. A `.gz` ending is ignored when choosing the format.
    public static func read(path: String) throws -> Tensor {
        let bytes = try decompressedIfGzip(try readBytes(path: path), path: path)
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        if isNPY(name) || bytes.starts(with: npyMagic) { return try decodeNPY(bytes, path: path) }
        if isIDX(name) || looksLikeIDX(bytes) { return try decodeIDX(bytes, path: path) }
        return try parseCSV(try text(bytes, path: path), path: path).values
    }

    /// Writes `.npy` files (by extension) with `writeNPY` and everything else as CSV.
    public static func write(_ tensor: Tensor, to path: String) throws {
        if isNPY(path) { try writeNPY(tensor, to: path) } else { try writeCSV(tensor, to: path) }
    }

    /// Whether the path names a NumPy file.
    static func isNPY(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// The whole file's bytes, with errors for a missing file, a directory, a device, an unreadable file, or
    /// one larger than `limit` bytes (by default half the memory), refused before reading.
    static func readBytes(path: String, limit: Int = Int(ProcessInfo.processInfo.physicalMemory / 2)) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else {
            let code = errno
            throw DataFileError(path: path, code == ENOENT ? "file not found" : "cannot open: \(describe(code))")
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw DataFileError(path: path, "cannot read: \(describe(errno))") }
        guard (info.st_mode & S_IFMT) != S_IFDIR else { throw DataFileError(path: path, "is a folder, not a file") }
        // A device or pipe (/dev/zero, a FIFO) could be endless: only regular files are read.
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw DataFileError(path: path, "is not a regular file") }
        guard Int(info.st_size) <= limit else {
            throw DataFileError(path: path, "is \(Tensor.format(Float(Double(info.st_size) / 1e9))) GB; reading it would need "
                                + "more than the \(Tensor.format(Float(Double(limit) / 1e9))) GB this machine allows")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let got = chunk.withUnsafeMutableBytes { systemRead(descriptor, $0.baseAddress, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw DataFileError(path: path, "cannot read: \(describe(errno))")
            }
            if got == 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return bytes
    }

    /// The C library's words for an errno value, e.g. "No such file or directory".
    static func describe(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// A tensor's matrix shape for writing: rank 1 is one column, rank 2 as is.
    static func matrixShape(_ tensor: Tensor, path: String, format: String) throws -> (rows: Int, columns: Int) {
        switch tensor.rank {
        case 1: return (tensor.shape[0], 1)
        case 2: return (tensor.shape[0], tensor.shape[1])
        default:
            throw DataFileError(path: path, "cannot write a rank-\(tensor.rank) tensor \(tensor.shape) as \(format); expected rank 1 or 2")
        }
    }
}

// The C library's read and write, named apart from `PointFile.read` and `PointFile.write`, which would
// otherwise hide them inside the enum.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer?, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}
