import XCTest
import Foundation
import Autodiff
import Workbench
@testable import Shell

/// The interpreter as a library: bad input leaves the session unchanged, the declarations are sound,
/// completion offers what the declarations say.
final class InterpreterTests: XCTestCase {
    func makeInterpreter() throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter()
    }

    /// Everything about a session that a command could change, as one comparable value.
    func fingerprint(_ session: Session) -> String {
        let weights = (session.generator.parameters + session.discriminator.parameters).map { p in
            p.value.scalars.reduce(UInt64(0)) { ($0 &* 31) &+ UInt64($1.bitPattern) }
        }
        return ([session.journalLines.joined(separator: "|"), "\(session.iteration)", "\(session.history.rows.count)",
                 "\(session.streams.positions.map { "\($0.name)=\($0.position)" })", "\(weights)",
                 session.snapshotNames.joined(separator: ",")]).joined(separator: "\n")
    }

    func testEveryMalformedLineLeavesTheSessionUnchanged() throws {
        let (interpreter, drain) = try makeInterpreter()
        interpreter.execute("batch 16; step 3; metric modes n=100", file: "setup")
        _ = drain()
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts/errors.gan").path
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
            .filter { !$0.hasPrefix("#") && !$0.isEmpty }
        XCTAssertGreaterThanOrEqual(lines.count, 30)
        for line in lines {
            let before = fingerprint(interpreter.session)
            let succeeded = interpreter.execute(line, file: "bad")
            let (_, errors) = drain()
            XCTAssertFalse(succeeded, "'\(line)' was accepted")
            XCTAssertTrue(errors.first?.contains("error:") == true, "'\(line)': \(errors)")
            XCTAssertEqual(fingerprint(interpreter.session), before, "'\(line)' changed the session")
        }
    }

    func testDeclarationsAreUniqueDocumentedAndTheirDefaultsValid() throws {
        let verbs = CommandTable.verbs
        XCTAssertEqual(Set(verbs).count, verbs.count, "a verb or alias is declared twice")
        for spec in CommandTable.specs {
            XCTAssertFalse(spec.summary.isEmpty, spec.name)
            XCTAssertGreaterThan(spec.discussion.count, 20, spec.name)
            for parameter in spec.parameters {
                XCTAssertFalse(parameter.summary.isEmpty, "\(spec.name).\(parameter.name)")
                if let value = parameter.defaultValue {
                    XCTAssertNoThrow(try ParameterValues(owner: spec.name, parameters: [parameter], values: [(parameter.name, value)]))
                }
            }
        }
        for kind in PluginKind.allCases {
            let specs = Interpreter.pluginSpecs(kind)
            let names = specs.flatMap { [$0.name] + $0.aliases }
            XCTAssertEqual(Set(names).count, names.count, "\(kind): a name is declared twice")
            for spec in specs {
                XCTAssertFalse(spec.summary.isEmpty, spec.name)
                if spec.parameters.contains(where: { $0.defaultValue == nil }) { continue }  // a required parameter
                XCTAssertNoThrow(try ParameterValues(spec, values: spec.parameters.compactMap { p in p.defaultValue.map { (p.name, $0) } }),
                                 "\(spec.name): a default is outside its range")
            }
        }
    }

    func testCompletionOffersVerbsPluginsParametersAndChoices() throws {
        let (interpreter, _) = try makeInterpreter()
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates("st"), ["step"])
        XCTAssertEqual(completer.candidates("loss w"), ["wasserstein", "wgan", "wgan-gp", "wgangp"])
        XCTAssertEqual(completer.candidates("loss wgan-gp la"), ["lambda="])
        XCTAssertEqual(completer.candidates("generator mlp activation=le"), ["leaky-relu"])
        XCTAssertEqual(completer.candidates("optimizer "), ["D", "G", "both"])
        XCTAssertEqual(completer.candidates("optimizer D rms"), ["rmsprop"])
        XCTAssertEqual(completer.candidates("step 10; met"), ["metric"])
        XCTAssertTrue(completer.candidates("metric ").contains("modes"))
        interpreter.session.saveSnapshot("warm")
        XCTAssertEqual(completer.candidates("restore w"), ["warm"])
    }

    func testHelpIsGeneratedFromTheDeclarations() throws {
        let (interpreter, drain) = try makeInterpreter()
        interpreter.execute("help loss", file: "t")
        let output = drain().output
        XCTAssertEqual(output.first, "usage: loss NAME [key=value…]")
        XCTAssertEqual(output.last, "losses: minimax, nonsaturating, wgan, wgan-gp, lsgan, hinge")
        interpreter.execute("help wgan-gp", file: "t")
        let plugin = drain().output
        // Wrapped to the environment's 80 columns, the summary continuing under the name.
        XCTAssertEqual(Array(plugin.prefix(2)), ["loss wgan-gp   (also: wgangp): Wasserstein GAN with a gradient penalty keeping",
                                                 "  ‖∇ₓD‖ near 1"])
        XCTAssertTrue(plugin.contains("  lambda=10        real in [0, 1000000]  weight λ of the gradient penalty"), "\(plugin)")
        XCTAssertTrue(plugin.contains("source: Gulrajani et al., Improved Training of Wasserstein GANs, NeurIPS 2017"))
        interpreter.execute("help trick", file: "t")
        let words = drain().output.joined(separator: " ").split(separator: " ").joined(separator: " ")
        XCTAssertTrue(words.contains("the seventh, the Wasserstein distance, is a loss"), words)
        interpreter.execute("help collapse", file: "t")
        XCTAssertTrue(drain().output.first?.hasPrefix("help mentioning 'collapse':") == true)
    }

    func testSavedScriptsReplayToIdenticalWeightsAfterLossAndOptimizerSwitches() throws {
        let (original, drain) = try makeInterpreter()
        original.execute("""
            seed 11; generator mlp hidden=16; critic mlp hidden=16; batch 32
            step 7
            loss wgan-gp lambda=0.5 critic_steps=2
            optimizer D rmsprop lr=1e-3
            step 4 every=2 do="metric modes n=200"
            step d; step g
            optimizer G lr=3e-4
            loss lsgan
            step 3
            """, file: "session")
        XCTAssertEqual(original.failureCount, 0, "\(drain().errors)")
        let script = original.savedScript()
        let (replay, _) = try makeInterpreter()
        XCTAssertTrue(replay.execute(script, file: "saved.gan"))
        XCTAssertEqual(replay.session.iteration, original.session.iteration)
        XCTAssertEqual(fingerprint(replay.session).split(separator: "\n").dropFirst().joined(),
                       fingerprint(original.session).split(separator: "\n").dropFirst().joined())
        for (a, b) in zip(replay.session.history.rows, original.session.history.rows) { XCTAssertTrue(a.isReproduction(of: b)) }
        XCTAssertTrue(script.contains("step 2\nmetric modes n=200\nstep 2\nmetric modes n=200\nstep d\nstep g\n"), script)
    }

    func testSavedScriptsWithExtragradientAndUnrolledDReplayToIdenticalWeights() throws {
        let (original, drain) = try makeInterpreter()
        original.execute("""
            seed 5; data subspace k=2 n=4; noise normal dim=2; generator subspace basis=3; critic mlp hidden=8; batch 16
            trick on extragradient; step 3
            trick on unrolled-gan steps=2 lr=0.05; step 2
            trick off extragradient; step 2
            game xy update=extragradient unroll=2; step 7; game off; step 1
            """, file: "session")
        XCTAssertEqual(original.failureCount, 0, "\(drain().errors)")
        let script = original.savedScript()
        let (replay, _) = try makeInterpreter()
        XCTAssertTrue(replay.execute(script, file: "saved.gan"))
        XCTAssertEqual(replay.session.iteration, original.session.iteration)
        XCTAssertEqual(fingerprint(replay.session).split(separator: "\n").dropFirst().joined(),
                       fingerprint(original.session).split(separator: "\n").dropFirst().joined())
        for (a, b) in zip(replay.session.history.rows, original.session.history.rows) { XCTAssertTrue(a.isReproduction(of: b)) }
        XCTAssertTrue(script.contains("trick on extragradient\nstep 3\n"), script)
    }
}
