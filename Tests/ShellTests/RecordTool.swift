import XCTest
import Foundation
@testable import Shell
final class RecordTool: XCTestCase {
    func testRecord() throws {
        guard let name = ProcessInfo.processInfo.environment["GANTRY_RECORD"] else { return }
        let path = (TranscriptTests.folder as NSString).appendingPathComponent(name)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("gantry-record-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(scratch.path)
        defer {
            FileManager.default.changeCurrentDirectoryPath(previous)
            try? FileManager.default.removeItem(at: scratch)
        }
        let recorded = try Transcript.record(path: name, text: text)
        try recorded.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
