import XCTest
@testable import Workbench

final class PluginRegistryTests: XCTestCase {
    private enum Shape: String, ParameterChoice { case round, square }

    private static let rate: ParameterKey<Float> = .real("rate", 0...1, default: 0.01, "a rate")
    private static let count: ParameterKey<Int> = .integer("count", 1...9, default: 3, "a count")
    private static let shape: ParameterKey<Shape> = .choice("shape", default: .round, "a shape")
    private static let widths: ParameterKey<[Int]> = .integers("widths", 1...100, default: [4, 4], "widths")
    private static let spec = PluginSpec(kind: .metric, name: "probe", summary: "s", discussion: "d",
                                         parameters: [rate.spec, count.spec, shape.spec, widths.spec])

    func testTypedKeysReadWhatValidationStored() throws {
        let values = try ParameterValues(Self.spec, assignments: [("rate", "0.1"), ("shape", "square"), ("widths", "8,16")])
        XCTAssertEqual(values[Self.rate], Float(0.1))
        XCTAssertEqual(values[Self.count], 3)
        XCTAssertEqual(values[Self.shape], .square)
        XCTAssertEqual(values[Self.widths], [8, 16])
        XCTAssertEqual(Self.shape.spec.kindDescription, "one of round|square")
    }

    func testAFloatKeysDefaultIsWrittenAsTheUserWroteIt() throws {
        let values = try ParameterValues(Self.spec)
        XCTAssertEqual(values.assignments(), ["rate=0.01", "count=3", "shape=round", "widths=4,4"])
        XCTAssertEqual(values[Self.rate], Float(0.01 as Double))
    }

    func testTypedValuesGoThroughValidation() {
        XCTAssertThrowsError(try ParameterValues(Self.spec, values: [Self.count(12)])) { error in
            XCTAssertEqual("\(error)", "metric probe: count=12 is out of range; expected integer in [1, 9]")
        }
    }

    func testLookupIgnoresCaseAndPrefersCanonicalNames() {
        XCTAssertTrue(Plugins.losses.named("WGAN-GP")?.implementation == WGANGPLoss.self)
        XCTAssertTrue(Plugins.tricks.named("PacGAN")?.implementation == PackingTrick.self)
        XCTAssertEqual(Plugins.losses.suggestion(for: "wgna"), "wgan")
        XCTAssertNil(Plugins.losses.named("nonexistent"))
    }

    func testRegistrationRefusesATakenNameOrTheWrongKind() {
        XCTAssertThrowsError(try Plugins.tricks.register(PackingTrick.self)) { error in
            XCTAssertEqual("\(error)", "a trick called 'packing' is already registered")
        }
        let registry = PluginRegistry<PluginSpec>(.loss, [], spec: { $0 })
        XCTAssertThrowsError(try registry.register(Self.spec)) { error in
            XCTAssertEqual("\(error)", "probe is a metric, not a loss")
        }
        XCTAssertNoThrow(try registry.register(PluginSpec(kind: .loss, name: "mine", aliases: ["MY"], summary: "", discussion: "")))
        XCTAssertThrowsError(try registry.register(PluginSpec(kind: .loss, name: "my", summary: "", discussion: ""))) { error in
            XCTAssertEqual("\(error)", "a loss called 'my' is already registered")
        }
        XCTAssertEqual(registry.names, ["mine"])
    }

    func testUnregisteringRemovesOnlyWhatWasRegistered() throws {
        let builtIn = PluginSpec(kind: .loss, name: "built-in", summary: "", discussion: "")
        let registry = PluginRegistry<PluginSpec>(.loss, [builtIn], spec: { $0 })
        try registry.register(PluginSpec(kind: .loss, name: "added", aliases: ["extra"], summary: "", discussion: ""))
        XCTAssertFalse(registry.unregister(named: "built-in"))
        XCTAssertFalse(registry.unregister(named: "extra"), "an alias does not name it")
        XCTAssertTrue(registry.unregister(named: "ADDED"))
        XCTAssertEqual(registry.names, ["built-in"])
        XCTAssertNil(registry.named("extra"))
        XCTAssertFalse(registry.unregister(named: "added"))
        try registry.register(PluginSpec(kind: .loss, name: "added", summary: "", discussion: ""))
        XCTAssertEqual(registry.names, ["built-in", "added"])
    }
}
