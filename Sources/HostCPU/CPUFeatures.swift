#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The processor features Gantry's numeric code is compiled for, and a check that this machine has them.
///
/// The numeric targets are built for Haswell-class x86-64 (AVX2 and FMA): the fused multiply-add is what
/// makes every result bit-identical across machines. On an older processor the first vector instruction
/// would kill the process with SIGILL; this check runs first and explains instead. This module is compiled
/// without those instructions so that the check itself can run anywhere.
public enum CPUFeatures {
    /// The instruction-set extensions the numeric code needs on this architecture.
    public static var required: [String] {
        #if arch(x86_64)
        return ["avx2", "fma"]
        #else
        return []
        #endif
    }

    /// The required extensions this processor lacks (empty when all are present or cannot be read).
    public static func missing() -> [String] {
        #if arch(x86_64)
        guard let present = presentFlags() else { return [] }
        return required.filter { !present.contains($0) }
        #else
        return []
        #endif
    }

    /// Whether the processor reports the feature flag `name` (such as "avx512f"); false when unknown.
    public static func has(_ name: String) -> Bool {
        #if arch(x86_64)
        return presentFlags()?.contains(name) ?? false
        #else
        return false
        #endif
    }

    /// A message for a user whose processor cannot run Gantry, or nil when it can.
    public static func unsupportedMessage() -> String? {
        let absent = missing()
        guard !absent.isEmpty else { return nil }
        return """
            gantry: this processor lacks \(absent.joined(separator: " and ").uppercased()), which Gantry's \
            numeric kernels are compiled for (x86-64 with AVX2 and FMA, as on Intel Haswell (2013) or AMD \
            Excavator/Zen and later). Run it on such a machine.
            """
    }

    #if arch(x86_64)
    /// The processor's feature flags, lower-cased, or nil when the platform does not report them.
    static func presentFlags() -> Set<String>? {
        #if os(Linux)
        guard let text = readSmallFile("/proc/cpuinfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            return Set(line[line.index(after: colon)...].split(separator: " ").map { String($0) })
        }
        return nil
        #elseif canImport(Darwin)
        func has(_ name: String) -> Bool {
            var value: Int32 = 0
            var size = MemoryLayout<Int32>.size
            return sysctlbyname(name, &value, &size, nil, 0) == 0 && value != 0
        }
        var flags = Set<String>()
        if has("hw.optional.avx2_0") { flags.insert("avx2") }
        if has("hw.optional.fma") { flags.insert("fma") }
        return flags
        #else
        return nil
        #endif
    }

    /// Reads a small text file with plain POSIX calls (no Foundation, so this module stays tiny).
    static func readSmallFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, file)
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > 1 << 22 { break }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    #endif
}
