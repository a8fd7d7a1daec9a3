import XCTest
import Foundation
import NeuralNet
@testable import Workbench

/// The configuration and the journal are values: they compare, go into checkpoints as records and come
/// back, and make a session again without any interpreter.
final class SessionConfigurationTests: XCTestCase {
    func bits(_ network: Sequential) -> [[UInt32]] { network.parameters.map { $0.value.scalars.map(\.bitPattern) } }

    func setting(_ spec: PluginSpec, _ assignments: [(name: String, value: String)] = []) throws -> PluginSetting {
        try PluginSetting(spec, assignments: assignments)
    }

    /// A session configured through its setters, away from every default.
    func configuredBySetters() throws -> Session {
        let session = try Session(seed: 11)
        try session.setDataset(try GridGaussians(try ParameterValues(GridGaussians.spec)))
        try session.setNoise(try UniformNoise(try ParameterValues(UniformNoise.spec, assignments: [("dim", "3")])))
        try session.setModel(.generator, MLPModel.make([("hidden", "8,4"), ("activation", "tanh")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "6")]))
        try session.setLoss(try HingeLoss(try ParameterValues(HingeLoss.spec)))
        try session.setOptimizer(.discriminator, SGDRule.make([("lr", "0.01"), ("momentum", "0.9")]))
        try session.setBatchSize(24)
        session.freeze(.discriminator)
        return session
    }

    func testASessionMadeFromItsConfigurationIsTheSessionItsCommandsMade() throws {
        let original = try configuredBySetters()
        let configuration = original.configuration
        let made = try Session.configured(configuration)
        XCTAssertEqual(made.configuration, configuration)
        XCTAssertTrue(made.configuration.differences(from: configuration).isEmpty)
        XCTAssertEqual(bits(made.generator), bits(original.generator))
        XCTAssertEqual(bits(made.discriminator), bits(original.discriminator))
        XCTAssertEqual(made.journal, configuration.entries)
        try original.train(iterations: 3)
        try made.train(iterations: 3)
        XCTAssertEqual(bits(made.generator), bits(original.generator))
        XCTAssertEqual(made.history.rows.map(\.generatorLoss), original.history.rows.map(\.generatorLoss))
        // The control: one setting changed gives another session, and says which setting.
        var other = configuration
        other.batchSize = 25
        XCTAssertNotEqual(other, configuration)
        XCTAssertEqual(other.differences(from: configuration), ["batch size"])
        XCTAssertNotEqual(try Session.configured(other).configuration, configuration)
    }

    func testAConfigurationIsRefusedWhenItDoesNotFitOrIsTooLarge() throws {
        var configuration = try Session().configuration
        configuration.models.generator = try setting(OffsetModel.spec)
        configuration.noise = try setting(NormalNoise.spec, [("dim", "3")])
        XCTAssertThrowsError(try Session.configured(configuration)) { error in
            XCTAssertTrue("\(error)".contains("offset"), "\(error)")
        }
        var wide = try Session().configuration
        wide.models.generator = try setting(MLPModel.spec, [("hidden", "20000,20000")])
        XCTAssertThrowsError(try Session.configured(wide, memoryBudget: 10_000_000)) { error in
            XCTAssertTrue(error is MemoryBudgetError, "\(error)")
        }
        // Without networks, nothing is built and the budget is left to whoever reads it (a checkpoint).
        XCTAssertEqual(try Session.configured(wide, buildingNetworks: false, memoryBudget: 10_000_000).generator.layers.count, 0)
    }

    func testEveryRegisteredPluginRoundTripsThroughARecord() throws {
        var count = 0
        for kind in PluginKind.allCases {
            for spec in Plugins.specs(of: kind) where spec.parameters.allSatisfy({ $0.defaultValue != nil }) {
                for value in [try setting(spec), PluginSetting(kind: kind, name: spec.name, parameters: try ParameterValues(spec))] {
                    let decoded = try PluginSetting.decode(try JSONValue.parse(Array(value.record.serialized.utf8)[...]), kind: kind)
                    XCTAssertEqual(decoded, value, "\(kind) \(spec.name)")
                    count += 1
                }
            }
        }
        XCTAssertGreaterThan(count, 2 * 40)
        // Stated names are part of the value: a metric given n=100 is not the metric with n left at its default.
        let metric = try XCTUnwrap(Plugins.specs(of: .metric).first { $0.parameters.count >= 2 })
        let first = metric.parameters[0]
        let given = try setting(metric, [(first.name, try XCTUnwrap(first.defaultValue).description)])
        let everything = PluginSetting(kind: .metric, name: metric.name, parameters: given.parameters.stating(metric.parameters.map(\.name)))
        XCTAssertEqual(given.parameters, everything.parameters)
        XCTAssertNotEqual(given, everything)
        XCTAssertEqual(given.statedAssignments, ["\(first.name)=\(try XCTUnwrap(first.defaultValue).description)"])
    }

    func testEveryJournalEntryRoundTripsThroughARecord() throws {
        let entries: [JournalEntry] = [
            .seed(UInt64.max), .dataset(try setting(SwissRoll.spec)), .noise(try setting(UniformNoise.spec, [("dim", "4")])),
            .model(.discriminator, try setting(MLPModel.spec, [("hidden", "3,3")])), .loss(try setting(WGANGPLoss.spec)),
            .optimizer(.generator, try setting(RMSPropRule.spec)), .batchSize(7), .freeze(.both), .freeze(.none),
            .freeze(.generator), .game(try setting(DiracGame.spec, [("r1", "0.3")])), .game(nil),
            .trickOn(try setting(LabelSmoothing.spec, [("alpha", "0.8")])), .trickOff("label-smoothing"), .steps(0), .steps(12),
            .update(.discriminator), .update(.generator), .metric(try setting(ModesMetric.spec, [("n", "50")])),
        ]
        let text = JSONValue.array(entries.map(\.record)).serialized
        let decoded = try XCTUnwrap(try JSONValue.parse(Array(text.utf8)[...]).arrayValue).map(JournalEntry.decode)
        XCTAssertEqual(decoded, entries)
        XCTAssertEqual(entries.map(\.iterations), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12, 0, 1, 0])
    }

    func testARecordThatIsNotAnEntryOrNamesAnUnknownPluginIsRefused() throws {
        func refusal(_ json: String) -> String {
            do {
                _ = try JournalEntry.decode(try JSONValue.parse(Array(json.utf8)[...]))
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(refusal(#"{"entry":"run","file":"x.gan"}"#), "'run' is not a journal entry")
        XCTAssertEqual(refusal(#"{"command":"step 3"}"#), "is not a journal entry (it has no \"entry\")")
        XCTAssertEqual(refusal(#"{"entry":"steps","count":-1}"#), "steps has no count of at least 0")
        XCTAssertEqual(refusal(#"{"entry":"update","player":"X"}"#), "update names no player G or D")
        XCTAssertEqual(refusal(#"{"entry":"loss","plugin":{"name":"wgan-gpx","parameters":{},"stated":[]}}"#),
                       "names a loss 'wgan-gpx' that this build does not know")
        // Aliases are for people typing; records hold canonical names.
        XCTAssertEqual(refusal(#"{"entry":"loss","plugin":{"name":"ns","parameters":{},"stated":[]}}"#),
                       "names a loss 'ns' that this build does not know")
        XCTAssertEqual(refusal(#"{"entry":"loss","plugin":{"name":"hinge","parameters":{},"stated":["margin"]}}"#),
                       "states a parameter margin that loss hinge is not given")
        XCTAssertEqual(refusal(#"{"entry":"trick_off","name":"everything"}"#), "trick_off names no trick this build knows")
        XCTAssertEqual(refusal(#"{"entry":"trick_on","plugin":{"name":"label-smoothing","parameters":{"alpha":"7"},"stated":["alpha"]}}"#),
                       "trick label-smoothing: alpha=7 is out of range; expected real in [0, 1]")
        XCTAssertEqual(refusal(#"{"entry":"steps","count":4}"#), "accepted")
    }

    func testACheckpointIsRestoredWithoutAnyInterpreter() throws {
        let session = try configuredBySetters()
        session.freeze(.none)
        session.record(.freeze(.none))
        let trick = try InstanceNoise(try ParameterValues(InstanceNoise.spec), environment: session.trickEnvironment)
        session.addHook(trick)
        session.record(.trickOn(PluginSetting(trick)))
        try session.train(iterations: 3)
        session.record(.steps(3))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("restore-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint.write(session, to: path)
        let checkpoint = try Checkpoint.read(path: path)
        XCTAssertEqual(checkpoint.version, Checkpoint.formatVersion)
        XCTAssertEqual(try checkpoint.configuration(), session.configuration)
        XCTAssertEqual(try checkpoint.journal(), session.journal)
        let restored = try Session()
        restored.install(try checkpoint.restore().snapshot)
        XCTAssertEqual(restored.journal, session.journal)
        XCTAssertEqual(restored.iteration, 3)
        try session.train(iterations: 2)
        try restored.train(iterations: 2)
        XCTAssertEqual(bits(restored.generator), bits(session.generator))
        XCTAssertEqual(bits(restored.discriminator), bits(session.discriminator))
        XCTAssertEqual(restored.history.rows.map(\.discriminatorLoss), session.history.rows.map(\.discriminatorLoss))
    }
}
