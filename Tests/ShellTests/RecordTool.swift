import XCTest
import Foundation
@testable import Shell

/// Record mode: rewriting an up-to-date transcript changes nothing. With GANTRY_RECORD=NAME.gan in the
/// environment it rewrites that transcript's expectations instead (how the transcripts here are made).
final class RecordTool: XCTestCase {
    func testRecordingAnUpToDateTranscriptChangesNothing() throws {
        let names: [String]
        if let name = ProcessInfo.processInfo.environment["GANTRY_RECORD"] {
            names = [name]
        } else {
            names = try FileManager.default.contentsOfDirectory(atPath: TranscriptTests.folder).filter { $0.hasSuffix(".gan") }.sorted()
        }
        let previous = FileManager.default.currentDirectoryPath
        defer { XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(previous)) }
        for name in names {
            let path = (TranscriptTests.folder as NSString).appendingPathComponent(name)
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-record-\(getpid())-\(name)")
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: scratch) }
            XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(scratch.path))
            let recorded = try Transcript.record(path: name, text: text)
            if ProcessInfo.processInfo.environment["GANTRY_RECORD"] != nil {
                try recorded.write(toFile: path, atomically: true, encoding: .utf8)
            } else {
                // Lines with {{regex}} spans hold on to their pattern; every other line must come back as it was.
                let old = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                let new = recorded.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                XCTAssertEqual(old.count, new.count, "\(name): recording it again would change it")
                for (before, after) in zip(old, new) where before != after {
                    XCTAssertTrue(before.contains("{{") && Transcript.matches(after, before),
                                  "\(name): recording would change '\(before)' into '\(after)'")
                }
            }
        }
    }
}
