import XCTest
import Foundation
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// Paths that are not what a command expects — FIFOs, folders, link loops, binary files, files without
/// permission, read-only or linked targets, a disk that fills up — through every command that reads or
/// writes a file and through the `gantry` command itself: Gantry's own words, exactly, and never a hang.
final class HostileFileTests: XCTestCase {
    var folder = ""
    var fifos: [String] = []

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("hostile")
    }

    override func tearDownWithError() throws {
        for fifo in fifos { HostileFiles.releaseReaders(of: fifo) }
        ScratchFolder.remove(folder)
    }

    func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }

    func fifo(_ name: String) throws -> String {
        try HostileFiles.makeFIFO(at: path(name))
        fifos.append(path(name))
        return path(name)
    }

    func write(_ name: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path(name)))
    }

    func contents(_ name: String) -> Data? { try? Data(contentsOf: URL(fileURLWithPath: path(name))) }

    /// An interpreter whose current folder is the scratch folder, so paths and messages stay short.
    final class Console {
        let interpreter: Interpreter
        private final class Sink { var output: [String] = []; var errors: [String] = [] }
        private let sink = Sink()

        init() throws {
            let sink = self.sink
            interpreter = Interpreter(session: try Session(seed: 3),
                                      environment: ShellEnvironment(writeOutput: { sink.output.append($0) },
                                                                    writeError: { sink.errors.append($0) }))
        }

        /// Runs one line; the error lines it printed (nil when it has not finished within 10 seconds).
        func errors(_ line: String) -> [String]? {
            sink.errors = []
            let interpreter = self.interpreter
            guard HostileFiles.result(within: 10, { interpreter.execute(line, file: "t") }) != nil else { return nil }
            return sink.errors
        }

        /// Runs lines that must succeed; what they printed.
        func output(_ line: String) -> [String] {
            sink.output = []
            sink.errors = []
            XCTAssertTrue(interpreter.execute(line, file: "t"), sink.errors.joined(separator: "\n"))
            return sink.output
        }
    }

    /// A diagnostic of `t`, line 1: its message, the line and a caret under `argument`.
    func diagnostic(_ line: String, _ argument: String, _ message: String) -> [String] {
        let column = line.range(of: argument).map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? 0
        return ["t:1:\(column + 1): error: \(message)", "    " + line,
                "    " + String(repeating: " ", count: column) + String(repeating: "^", count: 1) + String(repeating: "~", count: argument.count - 1)]
    }

    func inScratchFolder<T>(_ body: () throws -> T) rethrows -> T {
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder))
        defer { XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(previous)) }
        return try body()
    }

    // MARK: Reading

    func testScriptsDataAndCheckpointsThatAreNotRegularFilesAreRefusedInOwnWords() throws {
        _ = try fifo("fifo.gan")
        try FileManager.default.createDirectory(atPath: path("folder.gan"), withIntermediateDirectories: false)
        symlink("loop.gan", path("loop.gan"))
        try Data([0x73, 0x74, 0x65, 0x70, 0x20, 0x31, 0x0A, 0xC3, 0x28]).write(to: URL(fileURLWithPath: path("binary.gan")))
        let console = try Console()
        inScratchFolder {
            let cases: [(line: String, argument: String, message: String)] = [
                ("run fifo.gan", "fifo.gan", "fifo.gan: is a FIFO (named pipe), not a regular file"),
                ("run folder.gan", "folder.gan", "folder.gan: is a folder, not a file"),
                ("run loop.gan", "loop.gan", "loop.gan: too many levels of symbolic links (a link that leads back to itself?)"),
                ("run binary.gan", "binary.gan", "binary.gan: is not UTF-8 text: the byte at offset 7 (0xc3) is not valid UTF-8"),
                ("run missing.gan", "missing.gan", "missing.gan: file not found"),
                ("data points file=fifo.gan", "fifo.gan", "fifo.gan: is a FIFO (named pipe), not a regular file"),
                ("checkpoint load fifo.gan", "fifo.gan", "fifo.gan: is a FIFO (named pipe), not a regular file"),
                ("checkpoint load loop.gan", "loop.gan", "loop.gan: too many levels of symbolic links (a link that leads back to itself?)"),
            ]
            for (line, argument, message) in cases {
                XCTAssertEqual(console.errors(line), diagnostic(line, argument, message), line)
            }
        }
    }

    func testACheckpointWhoseDataFileBecameAFIFOIsRefusedNotWaitedFor() throws {
        try write("points.csv", "0,0\n1,1\n2,0\n")
        let console = try Console()
        try inScratchFolder {
            XCTAssertEqual(console.output("data points file=points.csv"), ["read 3 rows × 2 columns from points.csv"])
            _ = console.output("generator mlp hidden=4; critic mlp hidden=4; batch 8; step 2; checkpoint save c.safetensors")
            try FileManager.default.removeItem(atPath: path("points.csv"))
            _ = try fifo("points.csv")
            let error = try XCTUnwrap(console.errors("checkpoint load c.safetensors"), "checkpoint load hung on a FIFO").first ?? ""
            XCTAssertEqual(error, "t:1:17: error: c.safetensors: has a configuration that cannot be set up: points.csv: is a FIFO (named pipe), not a regular file")
        }
    }

    /// `gantry run` and `gantry check` print the same reasons, and never wait on a FIFO.
    func testTheGantryCommandExplainsUnreadableScripts() throws {
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        _ = try fifo("fifo.gan")
        try FileManager.default.createDirectory(atPath: path("folder.gan"), withIntermediateDirectories: false)
        symlink("loop.gan", path("loop.gan"))
        try Data([0x23, 0x20, 0xFF]).write(to: URL(fileURLWithPath: path("binary.gan")))
        let reasons = ["fifo.gan": "is a FIFO (named pipe), not a regular file",
                       "loop.gan": "too many levels of symbolic links (a link that leads back to itself?)",
                       "binary.gan": "is not UTF-8 text: the byte at offset 2 (0xff) is not valid UTF-8",
                       "missing.gan": "file not found"]
        for (name, reason) in reasons.sorted(by: { $0.key < $1.key }) {
            let check = try HostileFiles.run(gantry, ["check", name], in: folder, within: 20)
            XCTAssertEqual(check.status, 64, "gantry check \(name): \(check.output)")
            XCTAssertEqual(check.output, "gantry: \(name): \(reason)\n")
            let run = try HostileFiles.run(gantry, ["run", name], in: folder, within: 20)
            XCTAssertEqual(run.status, 1, "gantry run \(name)")
            XCTAssertEqual(run.output.split(separator: "\n").first.map(String.init), "<command line>:1:5: error: \(name): \(reason)")
        }
        // A folder is a list of transcripts to `gantry check`, and not a script to `gantry run`.
        let run = try HostileFiles.run(gantry, ["run", "folder.gan"], in: folder, within: 20)
        XCTAssertEqual(run.output.split(separator: "\n").first.map(String.init), "<command line>:1:5: error: folder.gan: is a folder, not a file")
        // Permission: root reads every file, so the check runs as the unprivileged user `nobody` there.
        try write("secret.gan", "step 1\n")
        chmod(path("secret.gan"), 0o000)
        chmod(folder, 0o755)
        let asUser = getuid() == 0 ? ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", gantry] : [gantry]
        if getuid() != 0 || FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") {
            let denied = try HostileFiles.run(asUser[0], Array(asUser.dropFirst()) + ["check", "secret.gan"], in: folder, within: 20)
            XCTAssertEqual(denied.output, "gantry: secret.gan: permission denied\n")
        } else {
            print("HostileFileTests: running as root without setpriv; the permission case was not run")
        }
    }

    /// The interactive history file is read and written by the same shared functions: a FIFO in its place
    /// is refused (with one warning, history then off) instead of hanging the start of a session.
    func testAHistoryFileThatIsAFIFOIsRefusedNotWaitedFor() throws {
        let pipe = try fifo("history")
        XCTAssertEqual(HostileFiles.result(within: 10) { HistoryFile.load(pipe) }, .failed("is a FIFO (named pipe), not a regular file"))
        XCTAssertEqual(HostileFiles.result(within: 10) { HistoryFile.append("step 1", to: pipe) }, "No such device or address",
                       "no reader: opening it for writing fails at once")
        XCTAssertEqual(HistoryFile.rewrite(["step 1"], to: pipe), "is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(HistoryFile.load(path("none")), .missing)
    }

    // MARK: Writing

    func testEveryWritingCommandRefusesWhatItMustNotReplaceAndKeepsModesAndLinks() throws {
        let console = try Console()
        _ = console.output("generator mlp hidden=4; critic mlp hidden=4; batch 8; step 2")
        let writers = ["save X.gan", "export samples X.csv n=10", "checkpoint save X.safetensors", "history export X.csv",
                       "plot samples out=X.svg"]
        try inScratchFolder {
            for (index, writer) in writers.enumerated() {
                let name = writer.split(separator: " ").last { $0.contains("X.") }!.split(separator: "=").last.map(String.init)!
                let kind = "\(index)." + String(name.split(separator: ".").last!)
                // A FIFO is refused at once and stays a FIFO (replacing it would be wrong; opening it would block).
                let pipe = "fifo." + kind
                _ = try fifo(pipe)
                let line = writer.replacingOccurrences(of: name, with: pipe)
                XCTAssertEqual(console.errors(line), diagnostic(line, pipe, "\(pipe): is a FIFO (named pipe), not a regular file"), line)
                var info = stat()
                XCTAssertTrue(lstat(path(pipe), &info) == 0 && info.st_mode & S_IFMT == S_IFIFO, line)
                // A read-only file is refused and left as it was.
                let locked = "locked." + kind
                try write(locked, "old")
                chmod(path(locked), 0o444)
                let lockedLine = writer.replacingOccurrences(of: name, with: locked)
                XCTAssertEqual(console.errors(lockedLine), diagnostic(lockedLine, locked, "\(locked): is read-only (mode 444); it was left as it was"))
                XCTAssertEqual(contents(locked), Data("old".utf8))
                // A private file stays private when it is replaced.
                let mine = "mine." + kind
                try write(mine, "old")
                chmod(path(mine), 0o600)
                XCTAssertEqual(console.errors(writer.replacingOccurrences(of: name, with: mine)), [])
                XCTAssertTrue(lstat(path(mine), &info) == 0 && info.st_mode & 0o777 == 0o600, "\(writer): mode 600 kept")
                XCTAssertNotEqual(contents(mine), Data("old".utf8))
                // A link is followed: the file it names is replaced and the link stays.
                try write("target." + kind, "old")
                symlink("target." + kind, path("link." + kind))
                XCTAssertEqual(console.errors(writer.replacingOccurrences(of: name, with: "link." + kind)), [])
                XCTAssertTrue(lstat(path("link." + kind), &info) == 0 && info.st_mode & S_IFMT == S_IFLNK, "\(writer): the link stays")
                XCTAssertNotEqual(contents("target." + kind), Data("old".utf8), "\(writer): through the link")
            }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }, [])
    }

    /// A real write failure from the kernel, not the simulated full disk: the file size limit (RLIMIT_FSIZE)
    /// of a `gantry` process set to 0 bytes, with SIGXFSZ ignored, so each write fails with EFBIG as it
    /// would with ENOSPC on a full disk. Nothing may be replaced or left behind.
    func testAWriteThatFailsInTheKernelLeavesTheOldFilesAndNoTemporaryFiles() throws {
        let gantry = try XCTUnwrap(PseudoTerminal.productExecutable(named: "gantry"))
        let names = ["c.safetensors", "s.gan", "x.csv", "x.npy", "h.csv", "p.svg"]
        for name in names { try write(name, "old \(name)") }
        let commands = "generator mlp hidden=4; critic mlp hidden=4; batch 8; step 2; checkpoint save c.safetensors; save s.gan; "
            + "export samples x.csv n=10; export samples x.npy n=10; history export h.csv; plot samples out=p.svg"
        let shell = "trap '' XFSZ; ulimit -f 0; exec \"$0\" --keep-going -e \"$1\""
        let result = try HostileFiles.run("/bin/sh", ["-c", shell, gantry, commands], in: folder, within: 60)
        XCTAssertEqual(result.status, 1, result.output)
        let errors = result.output.split(separator: "\n").filter { $0.contains(": error: ") }.map { String($0.split(separator: " ", maxSplits: 2)[2]) }
        XCTAssertEqual(errors, names.map { "\($0): cannot write: File too large" }, result.output)
        for name in names { XCTAssertEqual(contents(name), Data("old \(name)".utf8), "\(name) is as it was") }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), names.sorted(), "no temporary file is left")
    }
}
