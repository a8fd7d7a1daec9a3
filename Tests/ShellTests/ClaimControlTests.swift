import XCTest
import Foundation
@testable import Shell

/// A claim's control: derived from its `#control:` lines, and judged by whether its expectations fail.
final class ClaimControlTests: XCTestCase {
    /// x·y game: simultaneous steps move away from the equilibrium, consensus walks into it.
    let claim = """
        # Claim: simultaneous steps spiral away.
        #control: game xy lr=0.1 x=1 y=1 consensus=1
        game xy lr=0.1 x=1 y=1
        step 100
        expect radius > 2
        """

    func testTheControlReplacesTheNextCommandLineAndKeepsTheLineNumbers() throws {
        let text = "data ring8\n#control: step 3\n\n# a comment\n  step 5\n#control:\nmetric modes\nstep 1"
        let control = try XCTUnwrap(ClaimControl.derive(path: "c.gan", text: text))
        XCTAssertEqual(control, "data ring8\n#control: step 3\n\n# a comment\n  step 3\n#control:\n"
                       + "# left out by the control: metric modes\nstep 1")
        XCTAssertNil(try ClaimControl.derive(path: "c.gan", text: "step 5\nexpect iteration == 5"))
    }

    func testADirectiveWithoutItsCommandIsRefusedWithItsLine() {
        XCTAssertThrowsError(try ClaimControl.derive(path: "c.gan", text: "step 5\n#control: step 3\n# end")) { error in
            XCTAssertEqual("\(error)", "c.gan:2: #control: is not followed by a command to replace")
        }
        XCTAssertThrowsError(try ClaimControl.derive(path: "c.gan", text: "#control: step 3\n#control: step 4\nstep 5")) { error in
            XCTAssertEqual("\(error)", "c.gan:1: #control: is followed by another #control: (line 2) before the command it replaces")
        }
    }

    func testAControlPassesItsCheckOnlyWhenAnExpectationFails() throws {
        // The claim holds; its control (consensus on) fails its expectation, as it must.
        XCTAssertTrue(try Transcript.check(path: "claim.gan", text: claim).failures.isEmpty)
        guard case .failedAsItMust(let message) = try ClaimControl.check(path: "claim.gan", text: claim) else {
            return XCTFail("the control did not fail by its expectation")
        }
        XCTAssertTrue(message.hasPrefix("claim.gan:5:8: error: expectation failed: radius = "), message)
        // A change the expectations cannot see: the control passes, which the check reports.
        let blind = claim.replacingOccurrences(of: "consensus=1", with: "update=simultaneous")
        XCTAssertEqual(try ClaimControl.check(path: "claim.gan", text: blind), .passed)
        // A control that no longer runs proves nothing: a command error is not a failed expectation.
        let broken = claim.replacingOccurrences(of: "consensus=1", with: "consensu=1")
        guard case .broken(let diagnostic) = try ClaimControl.check(path: "claim.gan", text: broken) else {
            return XCTFail("a control with a command error was taken for a failed expectation")
        }
        XCTAssertTrue(diagnostic.contains("unknown parameter 'consensu'"), diagnostic)
        // An expectation of a quantity that was never measured is an error of the script, not a failed check.
        let unmeasured = "#control: step 50\nstep 100\nexpect modes.modes > 1"
        guard case .broken = try ClaimControl.check(path: "u.gan", text: "game xy\n" + unmeasured) else {
            return XCTFail("an expect that cannot be evaluated was taken for a failed expectation")
        }
        XCTAssertThrowsError(try ClaimControl.check(path: "none.gan", text: "step 1")) { error in
            XCTAssertEqual("\(error)", "none.gan: has no #control: line; every claim needs a control")
        }
    }

    /// `gantry check --controls` (what scripts/test runs) exits 1 when a control passes or is missing.
    func testTheCommandFailsWhenAControlPassesOrIsMissing() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("controls-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        func write(_ name: String, _ text: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let good = try write("good.gan", claim)
        let blind = try write("blind.gan", claim.replacingOccurrences(of: "consensus=1", with: "update=simultaneous"))
        let none = try write("none.gan", "game xy\nstep 1")
        XCTAssertEqual(GantryCommand.main(["check", "--controls", good]), 0)
        XCTAssertEqual(GantryCommand.main(["check", "--controls", blind]), 1)
        XCTAssertEqual(GantryCommand.main(["check", "--controls", none]), 1)
        XCTAssertEqual(GantryCommand.main(["check", "--controls", "--record", good]), 64)
    }
}
