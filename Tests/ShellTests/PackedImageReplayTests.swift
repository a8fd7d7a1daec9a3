import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
@testable import Workbench
@testable import Shell

/// A session that packs images for a convolutional D, switches packing off and on again with another m and
/// trains in between: `save` writes it as commands, and running them in a new process state rebuilds every
/// weight bit for bit; a checkpoint taken while packed continues the same way.
final class PackedImageReplayTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try ScratchFolder.make("packed-images") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func bits(_ session: Session) -> [[UInt32]] {
        (session.generator.parameters + session.discriminator.parameters).map { $0.value.scalars.map(\.bitPattern) }
    }

    func succeed(_ interpreter: Interpreter, _ drain: () -> (output: [String], errors: [String]), _ source: String,
                 file: StaticString = #filePath, line: UInt = #line) -> [String] {
        let succeeded = interpreter.execute(source, file: "t")
        let (output, errors) = drain()
        XCTAssertTrue(succeeded, errors.joined(separator: "\n"), file: file, line: line)
        return output
    }

    func testSaveAndCheckpointsReplayPackedConvolutionalCritics() throws {
        let (original, drain) = try makeTestInterpreter(seed: 6)
        _ = succeed(original, drain, """
            data uniform-images size=8 channels=3; noise normal dim=3; generator dcgan width=2 norm=none
            critic dcgan width=2; batch 8
            trick on packing; step 2; trick off packing; step 1; trick on packing m=4; step 2
            """)
        XCTAssertEqual(original.session.discriminator.layers.first?.summary,
                       "Conv2d(12×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        let script = (folder as NSString).appendingPathComponent("packed.gan")
        let checkpoint = (folder as NSString).appendingPathComponent("packed.safetensors")
        _ = succeed(original, drain, "save \"\(script)\"\ncheckpoint save \"\(checkpoint)\"")
        let text = try String(contentsOfFile: script, encoding: .utf8)
        XCTAssertTrue(text.contains("trick on packing m=2\nstep 2\ntrick off packing\nstep 1\ntrick on packing m=4\nstep 2\n"), text)

        let (replayed, replayedDrain) = try makeTestInterpreter(seed: 99)
        _ = succeed(replayed, replayedDrain, "run \"\(script)\"")
        XCTAssertEqual(bits(replayed.session), bits(original.session), "save → run rebuilt other weights")
        XCTAssertEqual(replayed.session.configurationLines, original.session.configurationLines)

        let (loaded, loadedDrain) = try makeTestInterpreter(seed: 98)
        _ = succeed(loaded, loadedDrain, "checkpoint load \"\(checkpoint)\"")
        XCTAssertEqual(bits(loaded.session), bits(original.session), "the checkpoint restored other weights")
        for interpreter in [original, loaded] {
            let sink = interpreter === original ? drain : loadedDrain
            _ = succeed(interpreter, sink, "step 2; trick off packing; step 1")
        }
        XCTAssertEqual(loaded.session.discriminator.layers.first?.summary,
                       "Conv2d(3×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        XCTAssertEqual(bits(loaded.session), bits(original.session), "the loaded session went on differently")
    }
}
