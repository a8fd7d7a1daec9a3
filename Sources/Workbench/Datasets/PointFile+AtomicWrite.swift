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
    ///
    /// Only a regular file is replaced: a folder, a device, a FIFO or a socket at the path is refused, and so
    /// is a read-only file. A symbolic link is followed: the file it points to is replaced and the link stays
    /// (a link to nothing creates its target). The replacement keeps the old file's permission bits (and its
    /// owner and group where this process may set them); a new file gets the usual default, 0666 less the umask.
    public static func writeAtomically(to path: String, _ produce: (inout AtomicFileSink) throws -> Void) throws {
        let (target, existing) = try writeTarget(path)
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        let unique = temporaryCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        let temporary = (folder as NSString).appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(unique).tmp")
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw DataFileError(path: path, "cannot write: \(describe(errno))") }
        if let existing { keepOwnershipAndMode(of: existing, on: descriptor) }
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
        if failure == 0 && rename(temporary, target) != 0 { failure = errno }
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

    /// The most symbolic links a write follows, as the kernel's own limit for a path (40 on Linux).
    static let symbolicLinkLimit = 40

    /// The path a write to `path` replaces — `path` itself, or the end of the chain of symbolic links it
    /// starts — and the file there now (nil when there is none); refuses anything but a writable regular file.
    static func writeTarget(_ path: String) throws -> (path: String, existing: stat?) {
        var current = path
        for _ in 0...symbolicLinkLimit {
            var info = stat()
            guard lstat(current, &info) == 0 else {
                let code = errno
                // A missing file is created; a missing folder fails when the temporary file is created there.
                if code == ENOENT { return (current, nil) }
                throw DataFileError(path: path, code == ELOOP || code == EACCES || code == ENOTDIR || code == ENAMETOOLONG
                                    ? openFailure(code, path: path) : "cannot write: \(describe(code))")
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
                let length = readlink(current, &buffer, buffer.count - 1)
                guard length > 0 else { throw DataFileError(path: path, "cannot write: \(describe(errno))") }
                let destination = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                // A relative link is relative to the folder that holds it.
                let folder = (current as NSString).deletingLastPathComponent
                current = destination.hasPrefix("/") || folder.isEmpty ? destination : folder + "/" + destination
                continue
            }
            if let problem = notRegular(info.st_mode) { throw DataFileError(path: path, problem) }
            // Replacing a file needs only a writable folder, so the file's own permission is checked here; by
            // its mode bits too, since root may write anything.
            let writable = access(current, W_OK) == 0
            if !writable && errno == EROFS { throw DataFileError(path: path, "is on a read-only file system") }
            if !writable || info.st_mode & 0o222 == 0 {
                throw DataFileError(path: path, "is read-only (mode \(String(info.st_mode & 0o777, radix: 8))); it was left as it was")
            }
            return (current, info)
        }
        throw DataFileError(path: path, openFailure(ELOOP, path: path))
    }

    /// Gives the new file the old one's permission bits (read, write, execute for owner, group and others),
    /// owner and group. Set-user-ID and set-group-ID bits are not carried over: they vouch for the old content.
    /// Owner and group are set only where this process may (root, or a group it belongs to); elsewhere the
    /// new file is the writer's, as any new file is.
    private static func keepOwnershipAndMode(of existing: stat, on descriptor: Int32) {
        var created = stat()
        if fstat(descriptor, &created) == 0 && (created.st_uid != existing.st_uid || created.st_gid != existing.st_gid) {
            _ = fchown(descriptor, existing.st_uid, existing.st_gid) == 0 || fchown(descriptor, created.st_uid, existing.st_gid) == 0
        }
        _ = fchmod(descriptor, existing.st_mode & 0o777)
    }
}
