import XCTest
import Foundation
import Workbench
@testable import Shell

/// A checkpoint keeps a definition as data: an expression checked like any other record, never a command.
extension CheckpointTests {
    func testADefinitionInACheckpointIsCheckedLikeAnyOtherRecord() throws {
        defer { Plugins.losses.unregister(named: "ckpt-def") }
        let (interpreter, drain) = try makeInterpreter()
        run(interpreter, """
            generator mlp hidden=8; critic mlp hidden=8; batch 16
            define loss ckpt-def d="mean(fake) - mean(real) + k*mean(gradnorm(real)^2)" g="-mean(fake)" k=2
            loss ckpt-def; step 2
            checkpoint save \(path("defined.safetensors"))
            """, drain)
        let good = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("defined.safetensors"))))
        Plugins.losses.unregister(named: "ckpt-def")
        func replacing(_ old: String, _ new: String) throws -> [UInt8] {
            try resigned(good) { _, metadata in
                metadata = metadata.map { entry in
                    guard entry.key == "gantry.configuration" || entry.key == "gantry.journal" else { return entry }
                    XCTAssertTrue(entry.value.contains(old), entry.value)
                    return (entry.key, entry.value.replacingOccurrences(of: old, with: new))
                }
            }
        }
        let broken = try loadError(try replacing("mean(gradnorm(real)^2)", "mean(gradnorm(real)^2"))
        XCTAssertTrue(broken.contains("has a gantry.configuration that defines loss ckpt-def wrongly: d=, column 50: expected ',' or ')' to close the '(' of mean"), broken)
        let command = try loadError(try replacing("g\":\"-mean(fake)", "g\":\"-mean(fake); save stolen.gan"))
        XCTAssertTrue(command.contains("defines loss ckpt-def wrongly: g=, column 12: unexpected character ';'"), command)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "stolen.gan"))
        let parameter = try loadError(try replacing("\"k\":\"2\"", "\"k\":\"two\""))
        XCTAssertTrue(parameter.contains("defines loss ckpt-def wrongly: k=, column 1: the default 'two' is not a finite number"), parameter)
        XCTAssertNil(Plugins.losses.named("ckpt-def"))
        // A file refused after its definitions were read takes them back: a refusal changes nothing in the process.
        let mismatched = try loadError(try resigned(good) { tensors, _ in tensors.removeAll { $0.0 == "D.2.bias" } })
        XCTAssertTrue(mismatched.contains("tensor 'D.2.bias' (the bias of Linear D.2) is missing"), mismatched)
        XCTAssertNil(Plugins.losses.named("ckpt-def"), "a refused checkpoint left its definition registered")
        // The file as written loads where the loss was never defined.
        let (fresh, drainFresh) = try makeInterpreter()
        run(fresh, "checkpoint load \(path("defined.safetensors")); step 1", drainFresh)
        XCTAssertEqual(fresh.session.loss.name, "ckpt-def")
    }
}
