import XCTest
import Foundation
@testable import Shell

/// scripts/benchmarks holds the benchmark configurations as sessions a user can type; each is a transcript
/// whose replies (the networks and their parameter counts) must stay what they say.
final class BenchmarkScriptTests: XCTestCase {
    func testTheBenchmarkScriptsReplayExactly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let folder = root.appendingPathComponent("scripts/benchmarks")
        let scripts = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".gan") }.sorted()
        XCTAssertEqual(scripts, ["dcgan-small.gan", "dcgan-wgangp.gan"])
        for name in scripts {
            let text = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            let outcome = try Transcript.check(path: name, text: text)
            XCTAssertTrue(outcome.failures.isEmpty, outcome.failures.joined(separator: "\n"))
            XCTAssertEqual(outcome.passed, 4, name)
        }
    }
}
