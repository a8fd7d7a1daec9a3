import XCTest
import Foundation
import Workbench
@testable import Shell

/// The sessions shown in README.md and README.ko.md are transcripts: CI replays them and checks every printed line.
final class ReadmeTests: XCTestCase {
    func testTheReadmeSessionReplaysExactly() throws { try replay("README.md") }

    func testTheKoreanReadmeSessionReplaysExactly() throws { try replay("README.ko.md") }

    func replay(_ name: String) throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent(name), encoding: .utf8)
        let blocks = readme.components(separatedBy: "```gan\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        XCTAssertEqual(blocks.count, 1, "\(name) shows one session")
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
            let outcome = try Transcript.check(path: name, text: block)
            XCTAssertTrue(outcome.failures.isEmpty, outcome.failures.joined(separator: "\n"))
            XCTAssertGreaterThan(outcome.passed, 5)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("session.gan").path))
    }
}

/// README.md's plugin tables list exactly the registered plugins, in listing order, with their summaries.
/// `GANTRY_RECORD_README=1` rewrites them from the registries.
final class ReadmePluginTableTests: XCTestCase {
    static let begin = "<!-- plugin tables: begin -->\n", end = "<!-- plugin tables: end -->"

    /// One table per kind: name, other names, summary.
    static func tables() -> String {
        func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
        return PluginKind.allCases.map { kind in
            let rows = Plugins.specs(of: kind).map { spec in
                "| `\(spec.name)` | \(spec.aliases.map { "`\($0)`" }.joined(separator: ", ")) | \(cell(spec.summary)) |"
            }
            return (["**\(kind.plural.prefix(1).uppercased() + kind.plural.dropFirst())** (`list \(kind.listWords[0])`)", "",
                     "| name | also | what it is |", "|---|---|---|"] + rows).joined(separator: "\n") + "\n"
        }.joined(separator: "\n")
    }

    func testThePluginTablesListExactlyTheRegisteredPlugins() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let url = root.appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        guard let start = readme.range(of: Self.begin), let stop = readme.range(of: Self.end, range: start.upperBound..<readme.endIndex) else {
            return XCTFail("README.md has no plugin tables between \(Self.begin) and \(Self.end)")
        }
        let shown = String(readme[start.upperBound..<stop.lowerBound])
        if ProcessInfo.processInfo.environment["GANTRY_RECORD_README"] == "1" {
            try (readme[..<start.upperBound] + Self.tables() + readme[stop.lowerBound...]).write(to: url, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(shown, Self.tables(), "README.md's plugin tables differ from the registries; GANTRY_RECORD_README=1 rewrites them")
    }
}

/// The README's table of claims quotes figures its scripts measure; where a figure is cheap to measure
/// again (the toy games), a test does, so that the table cannot drift from the script it names.
final class ReadmeClaimFigureTests: XCTestCase {
    func testTheR1RadiiOfTheNashRowAreTheOnesItsScriptMeasures() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let script = try String(contentsOf: root.appendingPathComponent("scripts/examples/02-nash-equilibrium.gan"), encoding: .utf8)
        let row = try XCTUnwrap(readme.split(separator: "\n").first { $0.contains("`02-nash-equilibrium`") }, "no row for 02")
        // "R1 3e-6 / 2e-7": simultaneous, then alternating.
        let quoted = try XCTUnwrap(row.firstMatch(of: /R1 ([0-9.e+-]+) \/ ([0-9.e+-]+)/), "the row quotes no R1 radii")
        let gamma = try XCTUnwrap(script.firstMatch(of: /game dirac r1=([0-9.]+)\n/)?.1, "the script plays no R1 game")
        for (update, figure) in [("simultaneous", quoted.1), ("alternating", quoted.2)] {
            let (shell, take) = try makeTestInterpreter()
            XCTAssertTrue(shell.execute("game dirac r1=\(gamma) update=\(update); step 500", file: "t.gan"))
            let radius = try XCTUnwrap(shell.session.game?.rows.last?.radius, "no radius")
            _ = take()
            // The README gives one significant digit.
            let shown = try XCTUnwrap(Double(String(figure)))
            let exponent = (log10(radius)).rounded(.down)
            let rounded = (radius / pow(10, exponent)).rounded() * pow(10, exponent)
            XCTAssertEqual(rounded, shown, accuracy: shown * 1e-9, "README says R1 \(update) \(figure); the script's γ \(gamma) gives \(radius)")
        }
    }
}
