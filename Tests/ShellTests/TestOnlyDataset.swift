import XCTest
import Foundation
import Autodiff
import _GantryTestSupport
import Workbench

/// A data set only the tests know: declared in this file alone and registered at run time, it must then work
/// everywhere a built-in data set does, which shows that adding one needs no other file.
final class CrossDataset: Dataset {
    static let arm: ParameterKey<Float> = .real("arm", 0.01...10, default: 1, "half-length of each bar")
    static let spec = PluginSpec(
        kind: .dataset, name: "test-cross", aliases: ["test-plus"],
        summary: "a plus sign: points uniform on two crossing bars (tests only)",
        discussion: """
            Each row picks the horizontal or the vertical bar with one uniform draw, then its position along \
            the bar with a second: the bars run from −arm to arm through the origin. It exists so that the \
            tests can show a data set declared outside the workbench working in every command.
            """,
        parameters: [arm.spec])

    let parameters: ParameterValues
    init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    var dimension: Int { 2 }
    var modes: ModeLayout? { nil }

    func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        let arm = parameters[Self.arm]
        return Tensor(shape: [count, 2]) { out in
            for row in 0..<count {
                let vertical = stream.nextUniform() < 0.5
                let along = (2 * stream.nextUniform() - 1) * arm
                (out[2 * row], out[2 * row + 1]) = vertical ? (0, along) : (along, 0)
            }
        }
    }
}

final class TestOnlyDatasetTests: XCTestCase {
    override class func setUp() {
        super.setUp()
        XCTAssertNoThrow(try Plugins.datasets.register(CrossDataset.self))
    }

    override class func tearDown() {
        Plugins.datasets.unregister(named: CrossDataset.spec.name)
        super.tearDown()
    }

    func testARegisteredDataSetWorksLikeABuiltInOne() throws {
        let folder = try ScratchFolder.make("test-cross")
        defer { ScratchFolder.remove(folder) }
        try PluginCoverage(verb: "data", listWord: "data", folder: folder).assertCovered(CrossDataset.spec)
        let (shell, sink) = try PluginCoverage(verb: "data", listWord: "data", folder: folder).interpreter()
        XCTAssertTrue(shell.execute("data test-plus arm=2", file: "t"), sink.errors.joined())
        XCTAssertEqual(shell.session.dataset.canonicalText, "test-cross arm=2")
    }
}
