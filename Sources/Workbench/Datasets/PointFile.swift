import Foundation
import Autodiff

/// Reading and writing matrices of points: CSV text and NumPy `.npy`. Readers return [n, d] tensors
/// (a column of numbers or a 1-D array becomes [n, 1]); writers replace the file atomically. Every
/// failure is a `DataFileError` naming the file.
///
/// It is also where every file a user names is opened: `readBytes` and `readText` for reading (data files,
/// checkpoints, scripts) and `writeAtomically` for writing, so that each refuses folders, devices and FIFOs,
/// never blocks, and explains a failure in its own words.
public enum PointFile {
    /// Reads a matrix of points: gzip-compressed or not (by content), then NumPy `.npy` (by extension, any
    /// case, or by its magic bytes), IDX (MNIST's `…-ubyte`, `.idx`, or a header matching the file's size),
    /// and everything else as CSV text. A `.gz` ending is ignored when choosing the format.
    public static func read(path: String) throws -> Tensor {
        try decode(try readBytes(path: path), path: path)
    }

    /// Decodes a file's bytes as `read` does: `path` chooses the format by its name and names the source in
    /// errors. Compressed data is decompressed only as far as the content can legitimately reach (see
    /// `decompressedIfGzip`), never beyond `limit` bytes.
    public static func decode(_ bytes: [UInt8], path: String, limit: Int = memoryLimit) throws -> Tensor {
        var name = path.lowercased()
        if name.hasSuffix(".gz") { name.removeLast(3) }
        let expected: Format? = isNPY(name) ? .npy : isIDX(name) ? .idx : nil
        let content = try decompressedIfGzip(bytes, path: path, expecting: expected, limit: limit)
        if expected == .npy || content.starts(with: npyMagic) { return try decodeNPY(content, path: path) }
        if expected == .idx || looksLikeIDX(content) { return try decodeIDX(content, path: path) }
        return try parseCSV(try text(content, path: path), path: path).values
    }

    /// The binary formats, whose headers declare the size of their data.
    enum Format { case npy, idx }

    /// Writes `.npy` files (by extension) with `writeNPY` and everything else as CSV.
    public static func write(_ tensor: Tensor, to path: String) throws {
        if isNPY(path) { try writeNPY(tensor, to: path) } else { try writeCSV(tensor, to: path) }
    }

    /// Whether the path names a NumPy file.
    static func isNPY(_ path: String) -> Bool { path.lowercased().hasSuffix(".npy") }

    /// The most a file may hold, or decompress to, to be read into memory: half the machine's memory.
    public static var memoryLimit: Int { Int(ProcessInfo.processInfo.physicalMemory / 2) }

    /// The whole file's bytes. Only a regular file is read, and it is opened without blocking, so a FIFO, a
    /// device or a socket is refused instead of waiting for a writer for ever; a folder, a missing file, a
    /// symbolic link loop, a file without read permission, or one larger than `limit` bytes (refused before
    /// reading) each get their own message.
    public static func readBytes(path: String, limit: Int = memoryLimit) throws -> [UInt8] {
        // The type is checked before opening (opening a device can have effects of its own) and again on the
        // open descriptor, in case the path changed in between.
        var info = stat()
        guard stat(path, &info) == 0 else { throw DataFileError(path: path, openFailure(errno, path: path)) }
        if let problem = notRegular(info.st_mode) { throw DataFileError(path: path, problem) }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { throw DataFileError(path: path, openFailure(errno, path: path)) }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw DataFileError(path: path, "cannot read: \(describe(errno))") }
        if let problem = notRegular(info.st_mode) { throw DataFileError(path: path, problem) }
        // Reads of a regular file never wait anyway; clearing the flag keeps a file system that honours it
        // (some network file systems do) from failing a read with EAGAIN.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
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
            // A file that grows while it is read must not grow past the limit either.
            guard bytes.count + got <= limit else {
                throw DataFileError(path: path, "grew beyond \(sizeText(limit)), the most this machine reads into memory, while it was read")
            }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return bytes
    }

    /// The file's text (see `readBytes`), refused with the offset of the first byte that is not UTF-8.
    public static func readText(path: String) throws -> String {
        try text(try readBytes(path: path), path: path, hint: nil)
    }

    /// Why a file of mode `mode` is not read or written, or nil for a regular file.
    public static func notRegular(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a folder, not a file"
        case S_IFIFO: return "is a FIFO (named pipe), not a regular file"
        case S_IFCHR: return "is a character device, not a regular file"
        case S_IFBLK: return "is a block device, not a regular file"
        case S_IFSOCK: return "is a socket, not a regular file"
        default: return "is not a regular file"
        }
    }

    /// Why `path` could not be opened or examined, from the errno of the failure, in words that name the
    /// cause rather than the system call.
    public static func openFailure(_ code: Int32, path: String) -> String {
        switch code {
        case ENOENT:
            // A symbolic link to nothing looks like a missing file; say that the link is there.
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let length = readlink(path, &buffer, buffer.count - 1)
            if length > 0 {
                let target = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return "is a symbolic link (to \(target)) that leads to no file"
            }
            return "file not found"
        case ELOOP: return "too many levels of symbolic links (a link that leads back to itself?)"
        case EACCES: return "permission denied"
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case ENAMETOOLONG: return "the path is too long"
        case ENXIO: return "is a socket or a device that is not there, not a regular file"
        default: return "cannot open: \(describe(code))"
        }
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
