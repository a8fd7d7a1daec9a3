import XCTest
import Foundation
@testable import Shell
final class RecordTool: XCTestCase {
    func testRecord() throws {
        guard let name = ProcessInfo.processInfo.environment["GANTRY_RECORD"] else { return }
        let path = (TranscriptTests.folder as NSString).appendingPathComponent(name)
        let recorded = try Transcript.record(path: name, text: try String(contentsOfFile: path, encoding: .utf8))
        try recorded.write(toFile: path, atomically: true, encoding: .utf8)
    }
}
