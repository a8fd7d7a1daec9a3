import XCTest
import Foundation
import Autodiff
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// What every plugin a configuring command names must do, whichever file declares it: appear in `list`
/// and `list KIND`, have `help NAME`, complete by name and by parameter, refuse a bad parameter with an
/// error located at it, survive `save` → `run`, and survive a checkpoint round trip. Nothing here names a
/// plugin: the checks read only its declaration.
struct PluginCoverage {
    /// The command that chooses a plugin of the kind ("data", "noise", "metric").
    let verb: String
    /// The word `list` takes for the kind ("data", "noise", "metrics").
    let listWord: String
    /// A scratch folder for files the checks write.
    let folder: String

    /// Output and errors an interpreter printed since the last `drain`.
    final class Sink {
        var output: [String] = []
        var errors: [String] = []
        func drain() -> (output: [String], errors: [String]) {
            defer { output = []; errors = [] }
            return (output, errors)
        }
    }

    /// An interpreter on a fresh session, 80 columns wide.
    func interpreter(seed: UInt64 = 3) throws -> (Interpreter, Sink) {
        let sink = Sink()
        let environment = ShellEnvironment(writeOutput: { sink.output.append($0) }, writeError: { sink.errors.append($0) },
                                           width: 80)
        return (Interpreter(session: try Session(seed: seed), environment: environment), sink)
    }

    /// Assignments that make a valid, quick instance: a value for each required parameter (a text one gets a
    /// small CSV file of 2-D points, or the image files an image data set reads), and a small sample count where the plugin declares one.
    func arguments(for spec: PluginSpec) throws -> [String] {
        var arguments: [String] = []
        for parameter in spec.parameters {
            switch (parameter.kind, parameter.defaultValue) {
            case (.text, nil):
                var path = (folder as NSString).appendingPathComponent("points.csv")
                try "x,y\n0,1\n1,0\n-1,0\n0,-1\n0.5,0.5\n".write(toFile: path, atomically: true, encoding: .utf8)
                if let fixture = try ImageFixtures.datasetFixture(dataset: spec.name, parameter: parameter.name, in: folder) {
                    path = fixture
                }
                arguments.append("\(parameter.name)=\"\(path)\"")
            case (_, nil):
                XCTFail("\(spec.name): give the coverage a value for the required parameter \(parameter.name)")
            case (.integer(let range), _) where parameter.name == "n" && (range?.contains(64) ?? true):
                arguments.append("n=64")
            default:
                break
            }
        }
        return arguments
    }

    /// Runs every check on the plugin `spec` declares.
    func assertCovered(_ spec: PluginSpec, file: StaticString = #filePath, line: UInt = #line) throws {
        let name = spec.name
        let arguments = try arguments(for: spec)
        let command = ([verb, name] + arguments).joined(separator: " ")
        func succeed(_ interpreter: Interpreter, _ sink: Sink, _ source: String) -> [String] {
            let succeeded = interpreter.execute(source, file: "t")
            let (output, errors) = sink.drain()
            XCTAssertTrue(succeeded, "\(name): \(source): " + errors.joined(separator: "\n"), file: file, line: line)
            return output
        }

        // list, list KIND and help NAME.
        let (shell, sink) = try interpreter()
        let listed = succeed(shell, sink, "list").joined(separator: " ").split { $0 == " " || $0 == "," }.map(String.init)
        XCTAssertTrue(listed.contains(name), "\(name) is missing from list", file: file, line: line)
        XCTAssertTrue(succeed(shell, sink, "list \(listWord)").contains { $0.hasPrefix(name + " ") },
                      "\(name) is missing from list \(listWord)", file: file, line: line)
        XCTAssertTrue(succeed(shell, sink, "help \(name)").contains { $0.hasPrefix("\(spec.kind.rawValue) \(name)") },
                      "help \(name) does not describe it", file: file, line: line)

        // Completion of its name and of every parameter after it.
        let completer = Completer(interpreter: shell)
        XCTAssertTrue(completer.candidates("\(verb) \(name.prefix(2))").contains(name), "\(name) does not complete",
                      file: file, line: line)
        let offered = completer.candidates("\(verb) \(name) ")
        for parameter in spec.parameters {
            XCTAssertTrue(offered.contains(parameter.name + "="), "\(name): \(parameter.name)= is not offered", file: file, line: line)
        }

        // A bad parameter, and a bad value of each parameter, is refused with the error at the culprit.
        func assertRefused(_ source: String, at column: Int, saying words: String) {
            XCTAssertFalse(shell.execute(source, file: "t"), "\(source) was accepted", file: file, line: line)
            let first = sink.drain().errors.first ?? ""
            XCTAssertTrue(first.hasPrefix("t:1:\(column): error: ") && first.contains(words),
                          "\(source): \(first)", file: file, line: line)
        }
        assertRefused("\(command) nosuchparameter=1", at: command.count + 2,
                      saying: "unknown parameter 'nosuchparameter' for \(spec.kind.rawValue) \(name)")
        for parameter in spec.parameters {
            let others = arguments.filter { !$0.hasPrefix(parameter.name + "=") }
            let wrong = ([verb, name] + others + ["\(parameter.name)=zzz"]).joined(separator: " ")
            assertRefused(wrong, at: wrong.count - 2, saying: parameter.kind == .text ? "zzz" : "\(parameter.name)=zzz")
        }

        // save → run rebuilds it, and a checkpoint round trip restores it.
        let (original, originalSink) = try interpreter()
        _ = succeed(original, originalSink, command)
        let script = (folder as NSString).appendingPathComponent("\(verb)-\(name).gan")
        let checkpoint = (folder as NSString).appendingPathComponent("\(verb)-\(name).safetensors")
        _ = succeed(original, originalSink, "save \"\(script)\"\ncheckpoint save \"\(checkpoint)\"")
        let (replayed, replayedSink) = try interpreter(seed: 99)
        _ = succeed(replayed, replayedSink, "run \"\(script)\"")
        let (loaded, loadedSink) = try interpreter(seed: 98)
        _ = succeed(loaded, loadedSink, "checkpoint load \"\(checkpoint)\"")
        for (copy, how) in [(replayed, "save → run"), (loaded, "checkpoint")] {
            XCTAssertEqual(copy.session.journalLines.last, original.session.journalLines.last, "\(name): \(how)", file: file, line: line)
            XCTAssertEqual(copy.session.dataset.canonicalText, original.session.dataset.canonicalText, "\(name): \(how)",
                           file: file, line: line)
            XCTAssertEqual(copy.session.noise.canonicalText, original.session.noise.canonicalText, "\(name): \(how)",
                           file: file, line: line)
            XCTAssertEqual(copy.session.history.measurements.map(\.report), original.session.history.measurements.map(\.report),
                           "\(name): \(how)", file: file, line: line)
            let (a, b) = (RandomStream(seed: 1, name: "coverage"), RandomStream(seed: 1, name: "coverage"))
            XCTAssertTrue(copy.session.dataset.sample(32, using: a).isBitwiseEqual(to: original.session.dataset.sample(32, using: b)),
                          "\(name): \(how) draws other data", file: file, line: line)
        }
    }
}

/// Every registered data set, noise distribution and metric passes the coverage: the lists come from the
/// registries, so a new plugin is checked without editing this file.
final class DataPluginCoverageTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try ScratchFolder.make("coverage") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func testEveryDataSet() throws {
        let coverage = PluginCoverage(verb: "data", listWord: "data", folder: folder)
        for spec in Plugins.datasets.specs { try coverage.assertCovered(spec) }
    }

    func testEveryNoiseDistribution() throws {
        let coverage = PluginCoverage(verb: "noise", listWord: "noise", folder: folder)
        for spec in Plugins.noise.specs { try coverage.assertCovered(spec) }
    }

    /// `noise` may leave the distribution out (the current one is kept), so completion offers the parameters
    /// of every distribution, and the command keeps the current dimension unless given one.
    func testNoiseWithoutADistributionKeepsTheCurrentOne() throws {
        let coverage = PluginCoverage(verb: "noise", listWord: "noise", folder: folder)
        let (shell, sink) = try coverage.interpreter()
        let offered = Completer(interpreter: shell).candidates("noise ")
        for spec in Plugins.noise.specs {
            XCTAssertTrue(offered.contains(spec.name), spec.name)
            for parameter in spec.parameters { XCTAssertTrue(offered.contains(parameter.name + "="), "\(spec.name).\(parameter.name)") }
        }
        XCTAssertTrue(shell.execute("noise uniform dim=3 lower=0\nnoise upper=4\nnoise normal", file: "t"), sink.errors.joined())
        XCTAssertEqual(Array(shell.session.journalLines.suffix(3)),
                       ["noise uniform dim=3 lower=0 upper=1", "noise uniform dim=3 lower=-1 upper=4", "noise normal dim=3"])
    }

    func testEveryMetric() throws {
        let coverage = PluginCoverage(verb: "metric", listWord: "metrics", folder: folder)
        for spec in Plugins.metrics.specs { try coverage.assertCovered(spec) }
    }
}
