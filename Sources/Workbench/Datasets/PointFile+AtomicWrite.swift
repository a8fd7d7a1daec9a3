import Foundation
import Synchronization

/// The open temporary file of an atomic write: what a producer writes ends up at the target path only
/// if everything succeeds.
public struct AtomicFileSink {
    let descriptor: Int32
    /// The target path, for messages.
    let path: String
    /// The bytes written so far.
    public private(set) var count = 0

    /// Appends bytes; a failed write (a full disk, an I/O error) throws a `DataFileError` naming the target.
    public mutating func write(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        var wanted = bytes.count
        let free = PointFile.simulatedFreeSpace.load(ordering: .relaxed)
        if free >= 0 {
            wanted = Swift.min(wanted, free)
            PointFile.simulatedFreeSpace.store(free - wanted, ordering: .relaxed)
        }
        while offset < wanted {
            let wrote = systemWrite(descriptor, bytes.baseAddress! + offset, wanted - offset)
            if wrote < 0 {
                if errno == EINTR { continue }
                throw DataFileError(path: path, "cannot write: \(PointFile.describe(errno))")
            }
            offset += wrote
        }
        count += offset
        if wanted < bytes.count { throw DataFileError(path: path, "cannot write: \(PointFile.describe(ENOSPC))") }
    }

    /// Appends bytes.
    public mutating func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

extension PointFile {
    /// Distinguishes temporary files of concurrent writers in one process.
    private static let temporaryCounter = Atomic<Int>(0)

    /// The bytes atomic writes may still put on disk before a write fails as on a full file system
    /// (ENOSPC), or −1 for no limit: a seam for tests of a full disk, which cannot be made without root.
    static let simulatedFreeSpace = Atomic<Int>(-1)

    /// Replaces the file at `path` with `bytes` atomically (see `writeAtomically(to:_:)`).
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try writeAtomically(to: path) { try $0.write(bytes) }
    }

    /// Replaces the file at `path` with what `produce` writes, atomically: the bytes go to a temporary file in
    /// the same folder, which is flushed to the disk (fsync) and then renamed over the target, and the folder
    /// is flushed so the rename itself survives a crash. Readers see the old file or the new one, never part
    /// of one (a rename within one file system is atomic). When `produce` or any write fails — a full disk,
    /// an interruption — the temporary file is removed and the target is left as it was.
    public static func writeAtomically(to path: String, _ produce: (inout AtomicFileSink) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let unique = temporaryCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        let temporary = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(unique).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw DataFileError(path: path, "cannot write: \(describe(errno))") }
        var sink = AtomicFileSink(descriptor: descriptor, path: path)
        do {
            try produce(&sink)
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        var failure: Int32 = 0
        if fsync(descriptor) != 0 { failure = errno }
        if close(descriptor) != 0 && failure == 0 { failure = errno }
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        if failure != 0 {
            unlink(temporary)
            throw DataFileError(path: path, "cannot write: \(describe(failure))")
        }
        // The file is complete and in place; flushing the folder only makes the rename durable, and a file
        // system that cannot flush folders has nothing better to offer, so a failure here is not an error.
        let folderDescriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if folderDescriptor >= 0 {
            fsync(folderDescriptor)
            close(folderDescriptor)
        }
    }
}
