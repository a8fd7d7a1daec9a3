#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the shell prints one number: C's `%.6g` of the value itself (a Double stays a Double, so a
/// measurement is rounded once, to six significant digits, not first to Float), with `nan`, `inf` and
/// `-inf` spelled out as tensors print them.
enum NumberText {
    static func format(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        var buffer = [CChar](repeating: 0, count: 32)
        _ = buffer.withUnsafeMutableBufferPointer { out in
            withVaList([value]) { vsnprintf(out.baseAddress, 32, "%.6g", $0) }
        }
        return String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func format(_ value: Float) -> String { format(Double(value)) }
}
