import Foundation

/// Files that try to hang or fool a reader (FIFOs), made by the tests themselves, and a way to run a reader
/// that might hang without hanging the test: a regression shows as a failed deadline, not a stuck suite.
public enum HostileFiles {
    /// Makes a FIFO (named pipe) at `path`. Opening it for reading blocks until some process opens it
    /// for writing, so a reader that does not check the file type waits for ever.
    public static func makeFIFO(at path: String) throws {
        guard mkfifo(path, 0o644) == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(errno), userInfo: [NSLocalizedDescriptionKey: "mkfifo \(path) failed"])
        }
    }

    /// Lets a reader stuck opening or reading the FIFO at `path` go on: opening it for writing (without
    /// blocking; this fails harmlessly when nobody is waiting) releases a blocked open, and closing it then
    /// gives the reader an end of file.
    public static func releaseReaders(of path: String) {
        let descriptor = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        if descriptor >= 0 { close(descriptor) }
    }

    /// Runs `body` on a thread of its own and waits at most `seconds` for its result: nil when it has not
    /// finished by then (the thread is left behind; release what it waits for, e.g. with `releaseReaders`).
    public static func result<T>(within seconds: Double, _ body: @escaping () -> T) -> T? {
        let box = ResultBox<T>(body)
        let thread = Thread { box.run() }
        thread.start()
        return box.finished.wait(timeout: .now() + seconds) == .success ? box.value : nil
    }

    /// Runs an executable with `arguments` in `folder` with standard input empty, and kills it after
    /// `seconds`: its exit status (nil when it had to be killed) and everything it wrote to standard output
    /// and standard error, in order.
    public static func run(_ executable: String, _ arguments: [String], in folder: String, within seconds: Double)
        throws -> (status: Int32?, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = result(within: seconds) { pipe.fileHandleForReading.readDataToEndOfFile() }
        guard let output else {
            process.terminate()
            process.waitUntilExit()
            return (nil, "")
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}

/// The result of a body run on another thread; only read after `finished` is signalled, which orders the
/// write before the read.
private final class ResultBox<T>: @unchecked Sendable {
    let body: () -> T
    var value: T?
    let finished = DispatchSemaphore(value: 0)

    init(_ body: @escaping () -> T) { self.body = body }

    func run() {
        value = body()
        finished.signal()
    }
}
