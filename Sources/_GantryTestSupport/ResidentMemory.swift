import Foundation

/// This process's resident memory, read from /proc (Linux): how much a piece of work really allocates.
public enum ResidentMemory {
    /// How far this process's peak resident memory rose above its resident size while `body` ran, in
    /// bytes; nil where /proc cannot tell.
    public static func peakGrowth(_ body: () throws -> Void) rethrows -> Int? {
        // Writing 5 to clear_refs resets the peak to the current resident size.
        let reset = (try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)) != nil
        let before = status("VmRSS")
        try body()
        guard reset, let before, let peak = status("VmHWM") else { return nil }
        return peak - before
    }

    /// The peak resident memory of process `pid` so far, in bytes (its own, whatever its parent held).
    public static func peak(ofProcess pid: Int32) -> Int? { status("VmHWM", of: "/proc/\(pid)/status") }

    /// A "kB" field of a /proc status file, in bytes.
    static func status(_ field: String, of file: String = "/proc/self/status") -> Int? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }) else { return nil }
        return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
    }
}
