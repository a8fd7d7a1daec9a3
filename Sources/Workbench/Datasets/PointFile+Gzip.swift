import Foundation
import Autodiff
import Inflate

extension PointFile {
    /// The bytes themselves, or their decompression when they are gzip data, never inflated beyond what the
    /// content can legitimately hold: a few kilobytes of gzip can expand to gigabytes (a decompression bomb).
    ///
    /// The first bytes are inflated alone to read the header of an `.npy` or IDX file (`expecting` says which
    /// the name promises; otherwise the header's own first bytes say so, or nothing does), and decompression
    /// then stops at the size that header declares: more data than that is refused at once, without
    /// inflating the rest. Anything else (CSV text) stops at `limit` bytes. Either way the limit is checked
    /// while inflating, never after.
    static func decompressedIfGzip(_ bytes: [UInt8], path: String, expecting expected: Format?,
                                   limit: Int = memoryLimit) throws -> [UInt8] {
        guard Gzip.isCompressed(bytes) else { return bytes }
        let head = try prefix(bytes, count: longestIDXHeader, path: path)
        var declared: DeclaredSize?
        if expected == .npy || (expected == nil && head.starts(with: npyMagic)) {
            declared = try npyDeclaredSize(bytes, head: head, path: path, limit: limit)
        } else if expected == .idx || (expected == nil && startsLikeIDX(head)) {
            let header = try idxHeader(head, path: path)
            declared = DeclaredSize(bytes: header.dataStart + header.needed, header: "IDX header",
                                    content: "dimensions \(header.dimensions) of \(idxTypes[head[2]]!.name)s")
        }
        if let declared, declared.bytes > limit {
            throw DataFileError(path: path, "its \(declared.header) declares \(declared.bytes) bytes (\(declared.content)), "
                                + "more than \(sizeText(limit)), the most this machine reads into memory")
        }
        do {
            return try Gzip.decompress(bytes, limit: declared?.bytes ?? limit)
        } catch {
            guard error.exceededLimit != nil else { throw gzipFailure(error, path: path) }
            if let declared {
                throw DataFileError(path: path, "is gzip data that inflates beyond the \(declared.bytes) bytes its \(declared.header) "
                                    + "declares (\(declared.content)); refused without inflating the rest")
            }
            throw DataFileError(path: path, "is gzip data that inflates beyond \(sizeText(limit)), the most this machine reads "
                                + "into memory; refused without inflating the rest")
        }
    }

    /// A limit in words: gigabytes when it is that large, bytes otherwise.
    static func sizeText(_ bytes: Int) -> String {
        bytes >= 1_000_000_000 ? "\(Tensor.format(Float(Double(bytes) / 1e9))) GB" : "\(bytes) bytes"
    }

    /// The first `count` bytes the gzip data inflates to.
    private static func prefix(_ bytes: [UInt8], count: Int, path: String) throws -> [UInt8] {
        do { return try Gzip.prefix(bytes, count: count) } catch { throw gzipFailure(error, path: path) }
    }

    private static func gzipFailure(_ error: InflateError, path: String) -> DataFileError {
        DataFileError(path: path, "cannot be decompressed (gzip data, \(error))")
    }

    /// The size of a whole file as its header declares it, and the words for messages.
    private struct DeclaredSize {
        let bytes: Int
        /// "IDX header".
        let header: String
        /// What the header declares, e.g. "dimensions [1, 4] of unsigned bytes".
        let content: String
    }

    /// The size of a whole `.npy` file as its header declares it, read from the first inflated bytes (more of
    /// them when the header is longer than `head`). A damaged header is refused here with the error
    /// `decodeNPY` would give.
    private static func npyDeclaredSize(_ bytes: [UInt8], head: [UInt8], path: String, limit: Int) throws -> DeclaredSize {
        var head = head
        if let dataStart = npyDataStart(head), dataStart > head.count {
            guard dataStart <= limit else {
                throw DataFileError(path: path, "declares a .npy header of \(dataStart) bytes, more than this machine allows")
            }
            head = try prefix(bytes, count: dataStart, path: path)
        }
        let layout = try npyLayout(head, path: path)
        return DeclaredSize(bytes: layout.dataStart + layout.needed, header: ".npy header",
                            content: "shape \(pythonTuple(layout.header.shape)) of '\(layout.header.descr ?? "")'")
    }
}
