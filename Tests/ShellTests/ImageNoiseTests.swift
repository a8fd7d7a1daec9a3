import XCTest
import _GantryTestSupport
import Foundation
@testable import Workbench
@testable import Shell

/// The noise `generator dcgan` brings to a session whose noise nobody chose: journaled after the model, so
/// `save` → `run` rebuilds the session bit for bit, and scripts that wrote their noise out keep it.
final class ImageNoiseTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws { folder = try ScratchFolder.make("image-noise") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func bits(_ session: Session) -> [[UInt32]] {
        (session.generator.parameters + session.discriminator.parameters + session.generator.buffers).map { $0.value.scalars.map(\.bitPattern) }
    }

    func testSaveAndRunRebuildTheNoiseTheModelBrought() throws {
        let script = (folder as NSString).appendingPathComponent("session.gan")
        let (original, drain) = try makeTestInterpreter()
        XCTAssertTrue(original.execute("""
            data uniform-images size=8; generator dcgan width=2; critic dcgan width=2; batch 8; step 2
            save "\(script)"
            """, file: "t"), drain().errors.joined(separator: "\n"))
        let lines = original.session.journalLines
        let model = try XCTUnwrap(lines.firstIndex { $0.hasPrefix("generator dcgan") })
        XCTAssertEqual(lines[model + 1], "noise normal dim=100")
        let (replayed, drainReplayed) = try makeTestInterpreter(seed: 9)
        XCTAssertTrue(replayed.execute("run \"\(script)\"", file: "t"), drainReplayed().errors.joined(separator: "\n"))
        XCTAssertEqual(replayed.session.noise.canonicalText, "normal dim=100")
        XCTAssertEqual(bits(replayed.session), bits(original.session))
        // What the script did after its configuration lines, the noise after the model that brought it.
        XCTAssertEqual(Array(replayed.session.journalLines.suffix(6)), Array(lines.suffix(6)))
    }

    /// A script as `save` wrote it before dcgan brought its noise: the configuration's noise line comes first,
    /// so the 2-D noise it trained with is what it gets.
    func testAScriptThatWroteItsNoiseOutKeepsIt() throws {
        let (shell, drain) = try makeTestInterpreter()
        XCTAssertTrue(shell.execute("""
            seed 5
            data uniform-images size=8
            noise normal dim=2
            generator dcgan width=2
            """, file: "old.gan"))
        XCTAssertFalse(drain().output.contains { $0.hasPrefix("note: the noise dimension changed from 2 to 100") })
        XCTAssertEqual(shell.session.noise.canonicalText, "normal dim=2")
        XCTAssertEqual(shell.session.generator.layers[0].summary, "Linear(2 → 16, init pytorch)")
        XCTAssertFalse(shell.session.journalLines.contains("noise normal dim=100"))
    }
}
