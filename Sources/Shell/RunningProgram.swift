import Foundation

/// The running `gantry` file and the Gantry checkout it was built in: a build leaves `gantry` in `.build/…`
/// of the checkout, so the checkout's files (the engine package, the claim scripts) are found by walking up.
enum RunningProgram {
    /// This program's absolute path, symbolic links followed, as other processes (and other machines with
    /// the same paths) can start it.
    static var executable: String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let count = readlink("/proc/self/exe", &buffer, 4096)
        if count > 0 { return String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        let first = CommandLine.arguments.first ?? "gantry"
        return first.hasPrefix("/") ? first : FileManager.default.currentDirectoryPath + "/" + first
    }

    /// The first folder above `executable`'s (at most `depth` levels up) for which `holds` is true.
    static func folder(above executable: String, depth: Int = 16, where holds: (URL) -> Bool) -> URL? {
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        for _ in 0..<depth {
            if holds(folder) { return folder }
            let parent = folder.deletingLastPathComponent()
            if parent.path == folder.path { return nil }
            folder = parent
        }
        return nil
    }
}
