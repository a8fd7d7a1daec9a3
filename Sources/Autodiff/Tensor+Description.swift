#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor: CustomStringConvertible {
    /// One number in Gantry's stable format: C's `%.6g` (six significant digits, correctly rounded by
    /// every C library we run on), with `nan`, `inf` and `-inf` spelled out.
    public static func format(_ value: Float) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = buffer.withUnsafeMutableBufferPointer { out in
            withVaList([Double(value)]) { vsnprintf(out.baseAddress, 32, "%.6g", $0) }
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The shape, then the elements nested by dimension, columns aligned; axes longer than 8 show their
    /// first and last three entries around "…".
    public var description: String {
        if rank == 0 { return "Tensor(\(Tensor.format(storage.base[0])))" }
        var cells: [Int: String] = [:]
        var width = 1
        let shown = (0..<rank).map { shownIndices(shape[$0]) }
        func collect(_ axis: Int, _ offset: Int) {
            for i in shown[axis] where i >= 0 {
                let at = offset * shape[axis] + i
                if axis == rank - 1 {
                    let text = Tensor.format(storage.base[at])
                    cells[at] = text
                    width = Swift.max(width, text.count)
                } else {
                    collect(axis + 1, at)
                }
            }
        }
        collect(0, 0)
        func render(_ axis: Int, _ offset: Int, _ indent: String) -> String {
            let parts: [String] = shown[axis].map { i in
                if i < 0 { return "…" }
                let at = offset * shape[axis] + i
                if axis == rank - 1 {
                    let text = cells[at] ?? ""
                    return String(repeating: " ", count: width - text.count) + text
                }
                return render(axis + 1, at, indent + " ")
            }
            let separator = axis == rank - 1 ? ", " : ",\n" + indent + " "
            return "[" + parts.joined(separator: separator) + "]"
        }
        return "Tensor \(shape)\n" + render(0, 0, "")
    }

    /// The indices printed along an axis of `length`: all when ≤ 8, else 0, 1, 2, −1 (for "…"), and the last three.
    private func shownIndices(_ length: Int) -> [Int] {
        length <= 8 ? Array(0..<length) : [0, 1, 2, -1, length - 3, length - 2, length - 1]
    }
}
