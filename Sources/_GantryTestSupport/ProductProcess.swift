import Foundation

/// Runs one of the package's programs (built beside the test bundle) to the end, with its standard output
/// and standard error together, as a user sees them.
public enum ProductProcess {
    /// `environment` entries are added to (a nil value removes them from) this process's environment.
    public static func run(_ program: String, _ arguments: [String], in folder: URL? = nil,
                           environment changes: [String: String?] = [:]) throws -> (status: Int32, output: String) {
        guard let executable = PseudoTerminal.productExecutable(named: program) else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: program])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in changes { environment[name] = value }
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
