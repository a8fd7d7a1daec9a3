import XCTest
import Foundation
@testable import Shell

/// The session shown in README.md is a transcript: CI replays it and checks every printed line.
final class ReadmeTests: XCTestCase {
    func testTheReadmeSessionReplaysExactly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```gan\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        XCTAssertEqual(blocks.count, 1, "README.md shows one session")
        // The session saves a file: run it in a folder of its own.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-readme-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder.path))
        defer {
            XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(previous))
            try? FileManager.default.removeItem(at: folder)
        }
        for block in blocks {
            let outcome = try Transcript.check(path: "README.md", text: block)
            XCTAssertTrue(outcome.failures.isEmpty, outcome.failures.joined(separator: "\n"))
            XCTAssertGreaterThan(outcome.passed, 5)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("session.gan").path))
    }
}
