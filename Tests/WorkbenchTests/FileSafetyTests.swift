import XCTest
import Foundation
import Autodiff
import _GantryTestSupport
@testable import Workbench

/// Hostile files against the one reader and the one writer every user-named path goes through: FIFOs,
/// devices, sockets, folders, link loops, deep `.npy` headers, gzip bombs, and targets a write must not
/// replace. Every hostile file is made here.
final class FileSafetyTests: XCTestCase {
    var folder = ""
    /// FIFOs made by a test, released afterwards in case a reader is stuck on one.
    var fifos: [String] = []

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("file-safety")
    }

    override func tearDownWithError() throws {
        for fifo in fifos { HostileFiles.releaseReaders(of: fifo) }
        ScratchFolder.remove(folder)
    }

    func path(_ name: String) -> String { folder + "/" + name }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    func fifo(_ name: String) throws -> String {
        try HostileFiles.makeFIFO(at: path(name))
        fifos.append(path(name))
        return path(name)
    }

    /// The error `body` throws, with the folder taken out, or "no error"; "hung" when it has not finished
    /// within 10 seconds.
    func message(_ body: @escaping () throws -> Any) -> String {
        let folder = self.folder
        let text = HostileFiles.result(within: 10) { () -> String in
            do {
                _ = try body()
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        return text?.replacingOccurrences(of: folder + "/", with: "") ?? "hung"
    }

    func mode(_ path: String) -> mode_t {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode : 0
    }

    func contents(_ path: String) -> String? { try? String(contentsOfFile: path, encoding: .utf8) }

    /// gzip data of `prefix` followed by `zeros` zero bytes, compressed by Python's zlib at level 9 in pieces.
    func gzipBomb(_ prefix: [UInt8], zeros: Int) throws -> [UInt8] {
        let script = """
            import sys, zlib
            prefix = bytes.fromhex(sys.argv[1]); zeros = int(sys.argv[2])
            compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
            out = [compressor.compress(prefix)]
            while zeros > 0:
                n = min(zeros, 1 << 22); out.append(compressor.compress(bytes(n))); zeros -= n
            out.append(compressor.flush())
            sys.stdout.buffer.write(b''.join(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, prefix.map { String(format: "%02x", $0) }.joined(), "\(zeros)"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // python3 is required by the suite (the picture and IDX tests use it too): missing, this fails.
        XCTAssertEqual(process.terminationStatus, 0, "python3 compressed the bomb")
        return [UInt8](output)
    }

    // MARK: Reading

    func testEveryKindOfPathThatIsNotARegularFileIsRefusedWithoutBlocking() throws {
        let pipe = try fifo("points.csv")
        // Each reader of user paths: data files (every format), checkpoints, scripts.
        XCTAssertEqual(message { try PointFile.read(path: pipe) }, "points.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(message { try PointFile.readNPY(path: pipe) }, "points.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(message { try PointFile.readIDX(path: pipe) }, "points.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(message { try Checkpoint.read(path: pipe) }, "points.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(message { try PointFile.readText(path: pipe) }, "points.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(message { try PointCloud.make([("file", pipe)]) }, "points.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(message { try PointFile.read(path: "/dev/zero") }, "/dev/zero: is a character device, not a regular file")
        XCTAssertEqual(message { try PointFile.read(path: self.folder) }, folder + ": is a folder, not a file")
        // A Unix socket: opening one fails with "No such device or address", which names no cause.
        let socketPath = path("s.sock")
        let socket = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: socketPath.utf8.prefix($0.count - 1)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0, "bound a socket in the scratch folder")
        XCTAssertEqual(message { try PointFile.read(path: socketPath) }, "s.sock: is a socket, not a regular file")
    }

    func testMissingLoopingUnreadableAndBinaryFilesAreExplainedInOwnWords() throws {
        XCTAssertEqual(message { try PointFile.readText(path: self.path("absent.gan")) }, "absent.gan: file not found")
        symlink("loop", path("loop"))
        XCTAssertEqual(message { try PointFile.readText(path: self.path("loop")) },
                       "loop: too many levels of symbolic links (a link that leads back to itself?)")
        symlink("gone.csv", path("dangling.csv"))
        XCTAssertEqual(message { try PointFile.read(path: self.path("dangling.csv")) },
                       "dangling.csv: is a symbolic link (to gone.csv) that leads to no file")
        let plain = try file("plain.csv", Array("1,2\n".utf8))
        XCTAssertEqual(message { try PointFile.read(path: plain + "/x.csv") }, "plain.csv/x.csv: a part of the path is a file, not a folder")
        // 0x80 cannot start a UTF-8 sequence; the offset counts from 0, as byte offsets do.
        let binary = try file("binary.gan", Array("step 1\n# é\n".utf8) + [0x80, 0x41])
        XCTAssertEqual(message { try PointFile.readText(path: binary) },
                       "binary.gan: is not UTF-8 text: the byte at offset 12 (0x80) is not valid UTF-8")
        XCTAssertEqual(PointFile.openFailure(EACCES, path: "x"), "permission denied")
        // Root reads anything, so the real permission check needs another user (ShellTests runs gantry as one).
        if getuid() != 0 {
            let secret = try file("secret.csv", Array("1\n".utf8))
            chmod(secret, 0)
            XCTAssertEqual(message { try PointFile.read(path: secret) }, "secret.csv: permission denied")
        }
    }

    func testADeeplyNestedNPYHeaderIsRefusedWithItsDepthNotAStackOverflow() throws {
        func npy(_ header: String) -> [UInt8] {
            let padded = header + String(repeating: " ", count: (64 - (10 + header.utf8.count + 1) % 64) % 64) + "\n"
            let length = padded.utf8.count
            return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(padded.utf8)
        }
        let deep = npy("{'descr': '<f4', 'fortran_order': False, 'shape': " + String(repeating: "(", count: 30_000)
                       + String(repeating: ")", count: 30_000) + ", }")
        let refused = message { try PointFile.decode(deep, path: "deep.npy") }
        XCTAssertTrue(refused.hasPrefix("deep.npy: the header does not parse (nesting deeper than 32 levels at character 82): "
                                        + "{'descr': '<f4', 'fortran_order': False, 'shape': ((((("), refused)
        XCTAssertTrue(refused.hasSuffix("(((…"), "a long header is quoted only in part: \(refused.count) characters")
        XCTAssertEqual(message { try PointFile.read(path: try self.file("deep.npy", deep)) }, refused)
        // NumPy's own headers and structured dtypes nest a few levels; 32 are allowed.
        let nested = String(repeating: "[", count: 31) + String(repeating: "]", count: 31)
        XCTAssertNoThrow(try NPYHeader(parsing: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': \(nested)}"))
        XCTAssertThrowsError(try NPYHeader(parsing: "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': [\(nested)]}"))
    }

    // MARK: Gzip

    func testAGzipIDXBombStopsAtTheSizeItsHeaderDeclares() throws {
        // Dimensions [1, 4] of bytes: 16 bytes in all, followed by 64 MB of zeros.
        let header: [UInt8] = [0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 4, 1, 2, 3, 4]
        let bomb = try gzipBomb(header, zeros: 64 << 20)
        let expected = "is gzip data that inflates beyond the 16 bytes its IDX header declares (dimensions [1, 4] of unsigned bytes); "
            + "refused without inflating the rest"
        XCTAssertEqual(message { try PointFile.read(path: try self.file("bomb-idx2-ubyte.gz", bomb)) }, "bomb-idx2-ubyte.gz: " + expected)
        XCTAssertEqual(message { try PointFile.readIDX(path: self.path("bomb-idx2-ubyte.gz")) }, "bomb-idx2-ubyte.gz: " + expected)
        // Recognised by its header alone, whatever its name.
        XCTAssertEqual(message { try PointFile.decode(bomb, path: "digits.gz") }, "digits.gz: " + expected)
        // The same file without the bomb reads; a header declaring more than memory allows is refused at once.
        XCTAssertEqual(try PointFile.decode(try gzipBomb(header, zeros: 0), path: "ok-idx2-ubyte.gz").scalars, [1, 2, 3, 4])
        XCTAssertEqual(message { try PointFile.decode(bomb, path: "x-idx2-ubyte.gz", limit: 10) },
                       "x-idx2-ubyte.gz: its IDX header declares 16 bytes (dimensions [1, 4] of unsigned bytes), more than "
                       + "10 bytes, the most this machine reads into memory")
        let short = try gzipBomb([0, 0, 8, 2, 0, 0, 0, 1, 0, 0, 0, 4, 1, 2], zeros: 0)
        XCTAssertEqual(message { try PointFile.decode(short, path: "short-idx2-ubyte.gz") },
                       "short-idx2-ubyte.gz: is truncated: dimensions [1, 4] of unsigned bytes need 4 bytes of data, and 2 follow the header")
    }

    func testAGzipNPYBombStopsAtTheSizeItsHeaderDeclares() throws {
        let npy = PointFile.npyBytes(Tensor([1, 2]))
        let bomb = try gzipBomb(npy, zeros: 64 << 20)
        XCTAssertEqual(message { try PointFile.decode(bomb, path: "bomb.npy.gz") },
                       "bomb.npy.gz: is gzip data that inflates beyond the \(npy.count) bytes its .npy header declares "
                       + "(shape (2,) of '<f4'); refused without inflating the rest")
        XCTAssertEqual(try PointFile.decode(try gzipBomb(npy, zeros: 0), path: "fine.gz").scalars, [1, 2], "found by its magic bytes")
    }

    func testAnyOtherGzipDataStopsAtTheMemoryLimitWhileInflating() throws {
        let text = Array(String(repeating: "1,2\n", count: 1000).utf8)
        let bomb = try gzipBomb(text, zeros: 64 << 20)
        XCTAssertEqual(message { try PointFile.decode(bomb, path: "points.csv.gz", limit: 1 << 20) },
                       "points.csv.gz: is gzip data that inflates beyond 1048576 bytes, the most this machine reads into memory; "
                       + "refused without inflating the rest")
        XCTAssertEqual(try PointFile.decode(try gzipBomb(text, zeros: 0), path: "points.csv.gz", limit: 1 << 20).shape, [1000, 2])
    }

    // MARK: Writing

    func testWritesRefuseFoldersDevicesAndFIFOsAndLeaveThemAsTheyWere() throws {
        let pipe = try fifo("out.csv")
        XCTAssertEqual(message { try PointFile.writeCSV(Tensor([1]), to: pipe) }, "out.csv: is a FIFO (named pipe), not a regular file")
        XCTAssertEqual(mode(pipe) & S_IFMT, S_IFIFO, "the FIFO is still there")
        let target = path("folder.npy")
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: false)
        XCTAssertEqual(message { try PointFile.writeNPY(Tensor([1]), to: target) }, "folder.npy: is a folder, not a file")
        XCTAssertEqual(mode(target) & S_IFMT, S_IFDIR)
        // A device node like /dev/null, made here so that a failure cannot replace the real one. Making one
        // needs root (CAP_MKNOD); elsewhere the FIFO above is the non-regular case.
        let device = path("null")
        if mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0 {  // major 1, minor 3
            XCTAssertEqual(message { try PointFile.writeAtomically(Array("x".utf8), to: device) },
                           "null: is a character device, not a regular file")
            XCTAssertEqual(mode(device) & S_IFMT, S_IFCHR, "the device node is still there")
        } else {
            print("FileSafetyTests: mknod is not permitted here (\(String(cString: strerror(errno)))); device case not run")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }, [])
    }

    func testWritesFollowSymbolicLinksAndKeepTheLink() throws {
        let real = try file("real.csv", Array("old\n".utf8))
        symlink("real.csv", path("link.csv"))
        try PointFile.writeCSV(Tensor([1, 2]), to: path("link.csv"))
        XCTAssertEqual(mode(path("link.csv")) & S_IFMT, S_IFLNK, "the link stays a link")
        XCTAssertEqual(contents(real), "1.0\n2.0\n", "the file it points to is replaced")
        // A chain of links, one of them absolute, and a link to nothing, which creates its target.
        symlink(path("link.csv"), path("chain.csv"))
        try PointFile.writeCSV(Tensor([3]), to: path("chain.csv"))
        XCTAssertEqual(contents(real), "3.0\n")
        try FileManager.default.createDirectory(atPath: path("sub"), withIntermediateDirectories: false)
        symlink("sub/new.csv", path("dangling.csv"))
        try PointFile.writeCSV(Tensor([4]), to: path("dangling.csv"))
        XCTAssertEqual(contents(path("sub/new.csv")), "4.0\n")
        XCTAssertEqual(mode(path("dangling.csv")) & S_IFMT, S_IFLNK)
        symlink("loop.csv", path("loop.csv"))
        XCTAssertEqual(message { try PointFile.writeCSV(Tensor([1]), to: self.path("loop.csv")) },
                       "loop.csv: too many levels of symbolic links (a link that leads back to itself?)")
        symlink("real.csv/x", path("under-a-file.csv"))
        XCTAssertEqual(message { try PointFile.writeCSV(Tensor([1]), to: self.path("under-a-file.csv")) },
                       "under-a-file.csv: a part of the path is a file, not a folder")
    }

    func testReadOnlyFilesAreRefusedAndReplacementsKeepModeAndOwner() throws {
        let locked = try file("locked.csv", Array("old\n".utf8))
        chmod(locked, 0o444)
        // Refused by its mode bits even for root, who may write anything.
        XCTAssertEqual(message { try PointFile.writeCSV(Tensor([1]), to: locked) }, "locked.csv: is read-only (mode 444); it was left as it was")
        XCTAssertEqual(contents(locked), "old\n")
        XCTAssertEqual(mode(locked) & 0o777, 0o444)
        for kept: mode_t in [0o600, 0o640, 0o755] {
            let target = try file("kept-\(kept).csv", Array("old\n".utf8))
            chmod(target, kept)
            try PointFile.writeCSV(Tensor([1]), to: target)
            XCTAssertEqual(mode(target) & 0o7777, kept, "mode \(String(kept, radix: 8)) kept")
            XCTAssertEqual(contents(target), "1.0\n")
        }
        // New files get 0666 less the umask, as any program's new files do.
        let previous = umask(0o002)
        defer { umask(previous) }
        try PointFile.writeCSV(Tensor([1]), to: path("new-002.csv"))
        XCTAssertEqual(mode(path("new-002.csv")) & 0o777, 0o664)
        umask(0o077)
        try PointFile.writeCSV(Tensor([1]), to: path("new-077.csv"))
        XCTAssertEqual(mode(path("new-077.csv")) & 0o777, 0o600)
        if getuid() == 0 {
            let owned = try file("owned.csv", Array("old\n".utf8))
            XCTAssertEqual(chown(owned, 65534, 65534), 0)
            try PointFile.writeCSV(Tensor([1]), to: owned)
            var info = stat()
            XCTAssertEqual(stat(owned, &info), 0)
            XCTAssertEqual([info.st_uid, info.st_gid], [65534, 65534], "root keeps the owner and group")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }, [])
    }
}
