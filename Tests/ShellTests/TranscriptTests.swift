import XCTest
import Foundation
@testable import Shell

/// Every transcript under Tests/ShellTests/Transcripts, replayed through the real interpreter: the output
/// of each command must match its `#> ` lines and its diagnostics its `#! ` lines.
final class TranscriptTests: XCTestCase {
    static var folder: String { URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts").path }

    func testEveryTranscriptReplaysExactly() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.folder).filter { $0.hasSuffix(".gan") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 1)
        // Transcripts may write files (save, history export): each runs in an empty folder of its own.
        let previous = FileManager.default.currentDirectoryPath
        defer { XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(previous)) }
        for name in files {
            let path = (Self.folder as NSString).appendingPathComponent(name)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-transcript-\(getpid())-\(name)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch.path))
            let outcome = try Transcript.check(path: name, text: text)
            XCTAssertTrue(outcome.failures.isEmpty, outcome.failures.joined(separator: "\n"))
            XCTAssertGreaterThan(outcome.passed, 0, "\(name) checks nothing")
        }
    }

    func testAFileWithoutExpectationsIsAScriptCheckedByItsErrorsAlone() throws {
        let passing = try Transcript.check(path: "ok.gan", text: "game xy\nstep 10\nexpect radius > 1.4\n")
        XCTAssertTrue(passing.isScript)
        XCTAssertEqual(passing.passed, 3)
        XCTAssertEqual(passing.failures, [])
        let failing = try Transcript.check(path: "bad.gan", text: "game xy\nstep 10\nexpect radius < 1\nstep 1\n")
        XCTAssertTrue(failing.isScript)
        XCTAssertEqual(failing.passed, 3)
        XCTAssertEqual(failing.failures.count, 1)
        XCTAssertTrue(failing.failures[0].hasPrefix("bad.gan:3:8: error: expectation failed: radius = 1.48"), failing.failures[0])
        // One expectation anywhere makes the whole file a transcript, compared line by line.
        let transcript = try Transcript.check(path: "t.gan", text: "game xy\n#> wrong\nstep 10\n")
        XCTAssertFalse(transcript.isScript)
        XCTAssertEqual(transcript.failures.count, 2)
    }

    func testRegexSpansLoosenAMatch() {
        XCTAssertTrue(Transcript.matches("took 1.25 s", "took {{[0-9.]+}} s"))
        XCTAssertFalse(Transcript.matches("took fast s", "took {{[0-9.]+}} s"))
        XCTAssertTrue(Transcript.matches("a.b", "a.b"))
        XCTAssertFalse(Transcript.matches("axb", "a.b{{}}"))
    }
}
