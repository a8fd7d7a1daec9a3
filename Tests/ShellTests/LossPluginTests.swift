import XCTest
import Foundation
import Autodiff
import Workbench
import _GantryTestSupport
@testable import Shell

/// A loss that exists only in this file, registered while a test runs: what declaring a loss once gives
/// (list, help, completion, validation, `save` → run, checkpoints, the Dirac-GAN) without editing anything
/// else. It leaves out the shared `critic_steps` and `r1`, so it trains with one critic step.
final class SoftMarginTestLoss: Loss {
    static let margin: ParameterKey<Float> = .real("margin", 0...10, default: 1, "the margin m")
    static let decay: ParameterKey<Float> = .real("decay", 0...10, default: 0.5, "test-margin: ψ² weight on D")

    static let spec = PluginSpec(
        kind: .loss, name: "test-margin", aliases: ["soft-margin-test"],
        summary: "a soft hinge for tests: D minimises mean softplus(m − D(x)) + mean softplus(m + D(x̃))",
        discussion: "Registered by the loss plugin tests only.", parameters: [margin.spec], remedy: "test-only")

    static let diracForm: DiracGameForm? = DiracGameForm(
        f: { try $0.logSigmoid() }, summary: "f(t) = log σ(t), D decays ψ", settings: [decay.spec],
        penalty: { _, critic, settings in
            let psi = try critic(Tensor(1))
            return psi.squared() * settings[decay]
        })

    let parameters: ParameterValues
    init(_ parameters: ParameterValues) throws { self.parameters = parameters }

    func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
        let m = parameters[Self.margin]
        return try (try (m - input.realScores).softplus()).mean() + (try (m + input.fakeScores).softplus()).mean()
    }

    func generatorLoss(fakeScores: Tensor) throws -> Tensor {
        (try (parameters[Self.margin] - fakeScores).softplus()).mean()
    }

    var isCrossEntropy: Bool { false }
    var estimatesWasserstein: Bool { false }
}

/// Every registered loss, the built-in ones and the test-only one above, through the shell.
final class LossPluginTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try ScratchFolder.make("loss-plugins") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func makeInterpreter(seed: UInt64 = 5) throws -> (Interpreter, () -> (output: [String], errors: [String])) {
        try makeTestInterpreter(seed: seed)
    }

    /// Runs `source`, failing the test with the errors if any command fails; the output.
    @discardableResult
    func run(_ interpreter: Interpreter, _ source: String, _ drain: () -> (output: [String], errors: [String]),
             file: StaticString = #filePath, line: UInt = #line) -> String {
        let succeeded = interpreter.execute(source, file: "test")
        let (output, errors) = drain()
        XCTAssertTrue(succeeded, "\(source): " + errors.joined(separator: "\n"), file: file, line: line)
        return output.joined(separator: "\n")
    }

    /// D's and G's weights, bit for bit.
    func weights(_ session: Session) -> [[UInt32]] {
        (session.generator.parameters + session.discriminator.parameters).map { $0.value.scalars.map(\.bitPattern) }
    }

    /// A value for `parameter` that validation refuses, when its kind has one.
    func refusedValue(_ parameter: ParameterSpec) -> String? {
        switch parameter.kind {
        case .integer(let range?): return "\(range.upperBound + 1)"
        case .real(let range?): return "\(Int(range.upperBound.rounded(.up)) + 1)"
        case .boolean: return "maybe"
        case .integer(nil), .real(nil): return "x"
        default: return nil
        }
    }

    /// What the shell derives from a loss's declaration, checked for `type`.
    func checkThroughTheShell(_ entry: PluginEntry<any Loss>, file: StaticString = #filePath, line: UInt = #line) throws {
        let spec = entry.spec, name = spec.name
        let (shell, drain) = try makeInterpreter()
        XCTAssertTrue(run(shell, "list losses", drain).split(separator: "\n").contains { $0.hasPrefix(name + " ") },
                      "list losses: \(name)", file: file, line: line)
        let help = run(shell, "help \(name)", drain)
        XCTAssertTrue(help.hasPrefix("loss \(name)"), help, file: file, line: line)
        for parameter in spec.parameters {
            XCTAssertTrue(help.contains(parameter.name + "="), "help \(name): \(parameter.name)", file: file, line: line)
        }

        let completer = Completer(interpreter: shell)
        XCTAssertTrue(completer.candidates("loss ").contains(name), "loss <TAB>: \(name)", file: file, line: line)
        XCTAssertTrue(completer.candidates("loss " + name.prefix(name.count - 1)).contains(name), file: file, line: line)
        let offered = completer.candidates("loss \(name) ")
        for parameter in spec.parameters {
            XCTAssertTrue(offered.contains(parameter.name + "="), "loss \(name) <TAB>: \(offered)", file: file, line: line)
        }

        // A bad parameter is an error at its place, naming the loss, and changes nothing.
        let before = shell.session.loss.canonicalText
        for parameter in spec.parameters {
            guard let bad = refusedValue(parameter) else { continue }
            let command = "loss \(name) \(parameter.name)=\(bad)"
            XCTAssertFalse(shell.execute(command, file: "bad.gan"), command, file: file, line: line)
            let column = command.range(of: "=\(bad)")!.lowerBound.utf16Offset(in: command) + 2
            let error = drain().errors.first ?? ""
            XCTAssertTrue(error.hasPrefix("bad.gan:1:\(column): error: loss \(name): \(parameter.name)=\(bad) "), error,
                          file: file, line: line)
        }
        XCTAssertFalse(shell.execute("loss \(name) nosuch=1", file: "bad.gan"), file: file, line: line)
        XCTAssertTrue(drain().errors.first?.contains("error: unknown parameter 'nosuch' for loss \(name)") == true,
                      file: file, line: line)
        XCTAssertEqual(shell.session.loss.canonicalText, before, file: file, line: line)

        // save → run rebuilds it and trains to the same weights.
        run(shell, "generator mlp hidden=8; critic mlp hidden=8; batch 16; step 2; loss \(name); step 3", drain)
        XCTAssertEqual(shell.session.loss.name, name, file: file, line: line)
        let script = shell.savedScript()
        XCTAssertTrue(script.contains("loss " + shell.session.loss.canonicalText), script, file: file, line: line)
        let (replay, drainReplay) = try makeInterpreter()
        run(replay, script, drainReplay)
        XCTAssertEqual(replay.session.loss.canonicalText, shell.session.loss.canonicalText, file: file, line: line)
        XCTAssertTrue(weights(replay.session) == weights(shell.session), "save → run: \(name)", file: file, line: line)

        // A checkpoint brings it back, and training goes on bit for bit.
        let path = (folder as NSString).appendingPathComponent("\(name).safetensors")
        run(shell, "checkpoint save \"\(path)\"", drain)
        let (resumed, drainResumed) = try makeInterpreter(seed: 9)
        run(resumed, "checkpoint load \"\(path)\"", drainResumed)
        XCTAssertTrue(type(of: resumed.session.loss) == entry.implementation, "checkpoint: \(name)", file: file, line: line)
        XCTAssertEqual(resumed.session.loss.name, name, "checkpoint: \(name)", file: file, line: line)
        XCTAssertEqual(resumed.session.loss.canonicalText, shell.session.loss.canonicalText, file: file, line: line)
        run(shell, "step 2", drain)
        run(resumed, "step 2", drainResumed)
        XCTAssertTrue(weights(resumed.session) == weights(shell.session), "checkpoint → step: \(name)", file: file, line: line)
    }

    func testEveryBuiltInLossIsListedHelpedCompletedValidatedSavedAndCheckpointed() throws {
        XCTAssertFalse(Plugins.losses.all.isEmpty)
        for type in Plugins.losses.all { try checkThroughTheShell(type) }
    }

    func testALossDeclaredInOneTestFileGetsEverythingTheBuiltInOnesGet() throws {
        XCTAssertNil(Plugins.losses.named(SoftMarginTestLoss.spec.name))
        try Plugins.losses.register(SoftMarginTestLoss.self)
        defer { Plugins.losses.unregister(named: SoftMarginTestLoss.spec.name) }
        try checkThroughTheShell(PluginEntry(SoftMarginTestLoss.self))

        // Help names it as the implementation of its remedy, and a trick's help points at it.
        let (shell, drain) = try makeInterpreter()
        XCTAssertTrue(run(shell, "help soft-margin-test", drain).split(separator: "\n").joined(separator: " ").hasSuffix(
            "(the test-only remedy of \"From GAN to WGAN\" is this loss family: loss test-margin)"))
        let trickHelp = run(shell, "help \(Plugins.tricks.names[0])", drain).split(separator: "\n").joined(separator: " ")
        XCTAssertTrue(trickHelp.contains("(the test-only remedy of \"From GAN to WGAN\" is a loss, not a trick: loss test-margin)"),
                      trickHelp)

        // Its Dirac-GAN form makes it a choice of the game, with its own setting, refused with other losses.
        XCTAssertTrue(Completer(interpreter: shell).candidates("game dirac loss=").contains("test-margin"))
        run(shell, "game dirac loss=test-margin decay=0.25 theta=0.5 psi=0.5; step 1", drain)
        let game = try XCTUnwrap(shell.session.game)
        XCTAssertEqual(game.canonicalText, "dirac loss=test-margin lr=0.2 theta=0.5 psi=0.5 update=simultaneous decay=0.25 "
                                           + "r1=0 noise=0 consensus=0 averaging=0")
        // θ̇ = −ψ·σ(−ψθ) as in minimax; D adds 0.25·ψ², so ψ̇ = θ·σ(−ψθ) − 0.5·ψ.
        let s = 1 / (1 + exp(0.25))
        XCTAssertEqual(Double(game.first), 0.5 - 0.2 * 0.5 * s, accuracy: 1e-6)
        XCTAssertEqual(Double(game.second), 0.5 + 0.2 * (0.5 * s - 0.5 * 0.5), accuracy: 1e-6)
        XCTAssertFalse(shell.execute("game dirac decay=0.25", file: "t"))
        XCTAssertTrue(drain().errors.first?.contains("decay= applies to loss=test-margin only (this game has loss=minimax)") == true)
    }

    func testUnregisteringTheTestLossLeavesTheBuiltInLosses() throws {
        let names = Plugins.losses.names
        try Plugins.losses.register(SoftMarginTestLoss.self)
        Plugins.losses.unregister(named: SoftMarginTestLoss.spec.name)
        XCTAssertEqual(Plugins.losses.names, names)
        XCTAssertFalse(Plugins.games.spec(named: "dirac")!.parameters.contains { $0.name == "decay" })
    }
}
