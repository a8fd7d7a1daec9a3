import Foundation

/// Folders for tests that write files: a fresh, empty one per test, removed afterwards.
public enum ScratchFolder {
    /// Creates "gantry-NAME-PID-UUID" under the temporary directory and returns its path.
    public static func make(_ name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("gantry-\(name)-\(getpid())-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Removes a folder and everything in it (nothing if it is already gone).
    public static func remove(_ path: String) {
        try? FileManager.default.removeItem(atPath: path)
    }
}
