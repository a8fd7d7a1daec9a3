import XCTest
import Foundation
import Autodiff
import Kernels
import NeuralNet
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// The example library's plugins of every kind besides the loss and the trick (a data set, a noise
/// distribution, a model, an optimizer, a metric and a game): each behaves like a built-in one at the prompt,
/// in saved scripts and in checkpoints, and does what it claims against a control.
final class CompiledPluginKindsTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws { folder = try ScratchFolder.make("plugin-kinds") }
    override func tearDown() { ScratchFolder.remove(folder) }

    func isolated(_ body: () throws -> Void) throws {
        try PluginLibraries.keepingLibraries { try Plugins.keepingRegistrations(body) }
    }

    /// Each new kind: the plugin, the command that chooses it, and a cheap use of it in a session.
    static let kinds: [(kind: PluginKind, name: String, verb: String, use: String)] = [
        (.dataset, "moons", "data", "data moons noise=0.1"),
        (.noise, "truncated", "noise", "noise truncated dim=3 threshold=1.5"),
        (.model, "orthogonal-mlp", "generator", "generator orthogonal-mlp hidden=8 gain=1.2"),
        (.optimizer, "optimistic", "optimizer G", "optimizer G optimistic lr=0.02"),
        (.metric, "one-nn", "metric", "generator mlp hidden=8; metric one-nn n=16"),
        (.game, "quadratic", "game", "game quadratic mu=0.2; step 2"),
    ]

    /// The library announces every kind it carries, and each plugin is listed, helped (with the library it
    /// came from), completed with its parameters, validated with located errors, saved → run and kept by a
    /// checkpoint, as the built-ins of its kind are.
    func testEveryKindIsListedHelpedCompletedValidatedSavedAndCheckpointed() throws {
        let library = try ExamplePlugin.library()
        try isolated {
            let (shell, drain) = try makeTestInterpreter()
            XCTAssertTrue(shell.execute("plugin load \"\(library)\"", file: "test"), drain().errors.joined())
            XCTAssertEqual(drain().output, ["loaded loss ragan, trick top-k, dataset moons, noise truncated, metric one-nn, "
                + "model orthogonal-mlp, optimizer optimistic, game quadratic from \(library)"])
            for (kind, name, verb, _) in Self.kinds {
                let spec = try XCTUnwrap(Plugins.spec(kind, named: name), name)
                XCTAssertEqual(PluginLibraries.library(providing: kind, named: name)?.path, library, name)
                try PluginCoverage(verb: verb, listWord: kind.listWords[0], folder: folder).assertCovered(spec)
                XCTAssertTrue(shell.execute("help \(name)", file: "test"))
                let help = drain().output.joined(separator: " ").split(whereSeparator: \.isWhitespace).joined(separator: " ")
                XCTAssertTrue(help.contains("loaded from the plugin library \(library) (sha256 "), help)
                XCTAssertTrue(help.contains(try XCTUnwrap(spec.reference?.prefix(12))), help)
            }
            // What each kind's own checks refuse, in its words.
            for (command, message) in [
                ("game quadratic unroll=2 consensus=1", "game quadratic: unroll= and consensus= cannot be combined"),
                ("noise truncated threshold=0.01", "threshold"),
                ("generator orthogonal-mlp hidden=0", "hidden"),
            ] {
                XCTAssertFalse(shell.execute(command, file: "test"), command)
                XCTAssertTrue(drain().errors.joined().contains(message), command)
            }
        }
    }

    /// A session that used one kind's plugin records the library: its checkpoint is refused, naming the
    /// library, when the library is not loaded or another build is loaded from its path; with it loaded, the
    /// checkpoint and the saved script (which loads the library itself, before the first use) rebuild the session.
    func testEachKindsCheckpointAndScriptNeedTheLibraryWithItsContent() throws {
        let library = try ExamplePlugin.library()
        let sha = SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: library))))
        var saved: [(use: String, script: String, checkpoint: String, journal: [String])] = []
        try isolated {
            for (index, kind) in Self.kinds.enumerated() {
                let (shell, drain) = try makeTestInterpreter()
                let script = folder + "/kind\(index).gan", checkpoint = folder + "/kind\(index).safetensors"
                let source = "plugin load \"\(library)\"; generator mlp hidden=8; critic mlp hidden=8; batch 16; \(kind.use); "
                    + "save \"\(script)\"; checkpoint save \"\(checkpoint)\""
                XCTAssertTrue(shell.execute(source, file: "test"), kind.name + ": " + drain().errors.joined())
                XCTAssertEqual(shell.session.configuration.libraries.map(\.sha256), [sha], kind.name)
                let lines = try String(contentsOfFile: script, encoding: .utf8).split(separator: "\n").map(String.init)
                let load = try XCTUnwrap(lines.firstIndex(of: "plugin load \(library) sha256=\(sha)"), kind.name)
                XCTAssertLessThan(load, try XCTUnwrap(lines.firstIndex { $0.contains(kind.name) }), kind.name)
                saved.append((kind.use, script, checkpoint, shell.session.journalLines))
            }
        }
        XCTAssertEqual(PluginLibraries.loaded, [])
        for (use, _, checkpoint, _) in saved {
            let (shell, drain) = try makeTestInterpreter()
            XCTAssertFalse(shell.execute("checkpoint load \"\(checkpoint)\"", file: "test"), use)
            XCTAssertTrue(drain().errors.joined().contains("needs the plugin library \(library) (sha256 \(sha)), which is not loaded: "
                + "load it first with `plugin load \(library)` (reading a file never loads code)"), use)
        }
        // Another build at the library's path (recorded directly: a second build of one module cannot be mapped).
        try isolated {
            ClashingLoss.name = "other-build-test"
            defer { ClashingLoss.name = "hinge" }
            let other = PluginLibraryRecord(path: library, sha256: String(repeating: "d", count: 64))
            try PluginLibraries.install(PluginLibraryContents(losses: [ClashingLoss.self]), as: other, from: library)
            for (use, _, checkpoint, _) in saved {
                let (shell, drain) = try makeTestInterpreter()
                XCTAssertFalse(shell.execute("checkpoint load \"\(checkpoint)\"", file: "test"), use)
                XCTAssertTrue(drain().errors.joined().contains("needs the plugin library \(library) with sha256 \(sha), but the one "
                    + "loaded from there has sha256 \(other.sha256)"), use)
            }
        }
        try isolated {
            for (use, script, checkpoint, journal) in saved {
                let (replayed, drainReplayed) = try makeTestInterpreter(seed: 99)
                XCTAssertTrue(replayed.execute("run \"\(script)\"", file: "test"), use + ": " + drainReplayed().errors.joined())
                // The replay's journal starts with its own session's defaults; from the library's load on it is the same.
                func fromTheLoad(_ lines: [String]) -> [String] { Array(lines.drop { !$0.hasPrefix("plugin load ") }) }
                XCTAssertEqual(fromTheLoad(replayed.session.journalLines), fromTheLoad(journal), use)
                XCTAssertEqual(fromTheLoad(journal).count, 2 + (use.hasSuffix("step 2") ? 1 : 0), use)
                let (loaded, drainLoaded) = try makeTestInterpreter(seed: 98)
                XCTAssertTrue(loaded.execute("plugin load \"\(library)\"; checkpoint load \"\(checkpoint)\"", file: "test"),
                              use + ": " + drainLoaded().errors.joined())
                XCTAssertEqual(loaded.session.journalLines, journal, use)
            }
        }
    }

    /// Every new kind in one session: trained, measured and played, saved and checkpointed; the replay of the
    /// script and the continuation from the checkpoint, each in a new process, print the same weights, game
    /// and measurement; without the library neither starts, and a changed library is refused.
    func testEveryKindTrainsSavesReplaysAndCheckpointsAcrossProcesses() throws {
        let library = folder + "/libRelativistic.so"
        try FileManager.default.copyItem(atPath: try ExamplePlugin.library(), toPath: library)
        let session = """
            plugin load libRelativistic.so
            seed 4; data moons noise=0.1; noise truncated dim=3 threshold=1.5; batch 32
            generator orthogonal-mlp hidden=16,16 gain=1.2; critic mlp hidden=16; optimizer G optimistic lr=0.02
            step 12; metric one-nn n=64
            game quadratic mu=0.2 lr=0.3; step 7
            save run.gan; checkpoint save mid.safetensors
            """
        let rest = "step 5\nshow game\ngame off\nstep 4\nshow weights\nmetric one-nn n=64"
        func gantry(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try ProductProcess.run("gantry", arguments, in: URL(fileURLWithPath: folder), environment: [:])
        }
        func results(_ output: String) -> [String] {
            output.split(separator: "\n").map(String.init).filter {
                $0.contains(" parameters, hash ") || $0.hasPrefix("one-nn: ") || $0.hasPrefix("  step ")
            }
        }
        let first = try gantry(["-e", session + "\n" + rest])
        XCTAssertEqual(first.status, 0, first.output)
        XCTAssertEqual(results(first.output).count, 5, first.output)
        let replay = try gantry(["-e", "run run.gan\n" + rest])
        XCTAssertEqual(replay.status, 0, replay.output)
        XCTAssertEqual(results(replay.output), results(first.output))
        let resumed = try gantry(["-e", "plugin load libRelativistic.so\ncheckpoint load mid.safetensors\n" + rest])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertEqual(results(resumed.output).suffix(4), results(first.output).suffix(4))
        // The control: the built-ins in their places reach other weights, game and measurement.
        let control = try gantry(["-e", session.replacingOccurrences(of: "data moons noise=0.1", with: "data swissroll")
            .replacingOccurrences(of: "save run.gan; checkpoint save mid.safetensors", with: "") + "\n" + rest])
        XCTAssertEqual(control.status, 0, control.output)
        XCTAssertNotEqual(results(control.output).suffix(4), results(first.output).suffix(4))
        let sha = SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: library))))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: library))
        bytes.append(0)
        try bytes.write(to: URL(fileURLWithPath: library))
        let changed = try gantry(["run", "run.gan"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertTrue(changed.output.contains("but the session was recorded with \(sha)"), changed.output)
        try FileManager.default.removeItem(atPath: library)
        let gone = try gantry(["run", "run.gan"])
        XCTAssertNotEqual(gone.status, 0)
        XCTAssertTrue(gone.output.contains("\(library): no such file"), gone.output)
        let missing = try gantry(["-e", "checkpoint load mid.safetensors"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("needs the plugin library \(library) (sha256 \(sha)), which is not loaded"), missing.output)
    }

    /// A name a `define` took refuses the whole library that brings it, saying it is defined in the language;
    /// a `define` of a name a loaded library holds is refused, naming the library, with the caret at the name.
    func testDefinitionsAndLibrariesRefuseEachOthersNames() throws {
        let library = try ExamplePlugin.library()
        let definitions = [
            ("loss", "ragan", "define loss ragan d=\"mean(fake)-mean(real)\" g=\"-mean(fake)\""),
            ("metric", "one-nn", "define metric one-nn value=\"mean(rownorm(xg))\""),
            ("data set", "moons", "define data moons x=\"normal()\" y=\"normal()\""),
        ]
        for (kind, name, line) in definitions {
            try isolated {
                let (shell, drain) = try makeTestInterpreter()
                XCTAssertTrue(shell.execute(line, file: "test"), drain().errors.joined())
                let before = PluginKind.allCases.map { Plugins.specs(of: $0).map(\.name) }
                XCTAssertFalse(shell.execute("plugin load \"\(library)\"", file: "test"))
                XCTAssertTrue(drain().errors.joined().contains("\(library) has a \(kind == "data set" ? "dataset" : kind) called '\(name)', "
                    + "but the \(kind == "data set" ? "dataset" : kind) '\(name)' defined in the language has that name: "
                    + "rename the library's plugin"), kind)
                XCTAssertEqual(PluginKind.allCases.map { Plugins.specs(of: $0).map(\.name) }, before, kind)
                XCTAssertEqual(PluginLibraries.loaded, [], kind)
            }
        }
        try isolated {
            let (shell, drain) = try makeTestInterpreter()
            guard shell.execute("plugin load \"\(library)\"", file: "test") else {
                return XCTFail("the example library did not load: \(drain().errors.joined())")
            }
            _ = drain()
            let journal = shell.session.journal
            for (kind, name, line) in definitions {
                XCTAssertFalse(shell.execute(line, file: "test"), kind)
                let error = drain().errors.joined(separator: "\n")
                XCTAssertTrue(error.hasPrefix("test:1:\(line.count(before: name) + 1): error: "), error)
                XCTAssertTrue(error.contains("\(name) is a \(kind) of the plugin library \(library); a definition needs a name of its own"), error)
                XCTAssertEqual(PluginLibraries.plugins(of: PluginLibraries.loaded[0]).filter { $0.name == name }.count, 1, kind)
                XCTAssertEqual(shell.session.journal, journal, kind)
            }
        }
    }
}

private extension String {
    /// The number of characters before the first occurrence of `word` as a separate word.
    func count(before word: String) -> Int {
        distance(from: startIndex, to: range(of: " \(word) ")!.lowerBound) + 1
    }
}

/// What each of the example library's new plugins claims, each against a control that must fail it.
final class CompiledPluginClaimTests: XCTestCase {
    func isolated(_ body: () throws -> Void) throws {
        let library = try ExamplePlugin.library()
        try PluginLibraries.keepingLibraries {
            try Plugins.keepingRegistrations {
                _ = try PluginLibraries.load(library)
                try body()
            }
        }
    }

    func values(_ spec: PluginSpec, _ assignments: [(String, String)]) throws -> ParameterValues {
        try ParameterValues(spec, assignments: assignments.map { (name: $0.0, value: $0.1) })
    }

    /// one-nn: a copy of the real samples scores 0 (each sample's nearest is its twin in the other set), a
    /// fresh draw of the same distribution about 0.5, and the same draw shifted far away 1.
    func testOneNNSeparatesShiftedSetsAndNotEqualOnes() throws {
        try isolated {
            let entry = try XCTUnwrap(Plugins.metrics.named("one-nn"))
            let metric = try entry.make(try values(entry.spec, []))
            let stream = RandomStream(seed: 7, name: "test")
            let real = Tensor.randomNormal([400, 2], using: stream), other = Tensor.randomNormal([400, 2], using: stream)
            func accuracy(_ generated: Tensor) throws -> Double {
                let input = MetricInput(real: real, generated: generated, modes: nil, stream: RandomStream(seed: 1, name: "m"))
                return try XCTUnwrap(try metric.measure(input).value("accuracy"))
            }
            XCTAssertEqual(try accuracy(real), 0)
            XCTAssertEqual(try accuracy(other), 0.5, accuracy: 3 / (800.0).squareRoot())
            XCTAssertEqual(try accuracy(other + 100), 1)
        }
    }

    /// moons without noise: every sample is on one of the two half circles, about half on each; the
    /// control, the ring of Gaussians, is not.
    func testMoonsLieOnTheTwoHalfCircles() throws {
        try isolated {
            func onMoons(_ name: String, _ assignments: [(String, String)]) throws -> (upper: Int, lower: Int, off: Int) {
                let entry = try XCTUnwrap(Plugins.datasets.named(name))
                let points = try entry.make(try values(entry.spec, assignments)).sample(2000, using: RandomStream(seed: 3, name: "data")).scalars
                var counts = (upper: 0, lower: 0, off: 0)
                for i in 0..<2000 {
                    let (x, y) = (Double(points[2 * i]), Double(points[2 * i + 1]))
                    if abs(x * x + y * y - 1) < 1e-5 && y >= 0 { counts.upper += 1 }
                    else if abs((1 - x) * (1 - x) + (0.5 - y) * (0.5 - y) - 1) < 1e-5 && y <= 0.5 { counts.lower += 1 }
                    else { counts.off += 1 }
                }
                return counts
            }
            let moons = try onMoons("moons", [("noise", "0")])
            XCTAssertEqual(moons.off, 0)
            XCTAssertEqual(Double(moons.upper) / 2000, 0.5, accuracy: 0.05)
            XCTAssertGreaterThan(try onMoons("moons", [("noise", "0.05")]).off, 1900)
            XCTAssertGreaterThan(try onMoons("ring", []).off, 1900)
        }
    }

    /// truncated: no coordinate beyond the threshold, the variance of the truncated normal (1 − 2tφ(t)/(2Φ(t) − 1)
    /// at t = 1: 0.2911); with a threshold no draw reaches it is the normal noise, draw for draw.
    func testTruncatedNoiseStaysInsideWithTheTruncatedVariance() throws {
        try isolated {
            let entry = try XCTUnwrap(Plugins.noise.named("truncated"))
            func draws(_ threshold: String) throws -> Tensor {
                try entry.init(try values(entry.spec, [("dim", "4"), ("threshold", threshold)])).sample(5000, using: RandomStream(seed: 5, name: "noise"))
            }
            let z = try draws("1").scalars
            XCTAssertLessThanOrEqual(z.map(abs).max()!, 1)
            let variance = z.reduce(0) { $0 + Double($1 * $1) } / Double(z.count)
            XCTAssertEqual(variance, 1 - 2 * Foundation.exp(-0.5) / (2 * Double.pi).squareRoot() / erf(1 / 2.0.squareRoot()), accuracy: 0.01)
            let normal = Tensor.randomNormal([5000, 4], using: RandomStream(seed: 5, name: "noise"))
            XCTAssertTrue(try draws("10").isBitwiseEqual(to: normal))
            XCTAssertFalse(try draws("1").isBitwiseEqual(to: normal))
        }
    }

    /// orthogonal-mlp: every weight W satisfies WᵀW = gain²·I (or WWᵀ when it is wide), biases start at 0;
    /// the control, mlp's default initialisation, is far from orthogonal.
    func testOrthogonalMLPStartsWithOrthogonalWeights() throws {
        try isolated {
            func gramError(_ name: String, _ assignments: [(String, String)], gain: Double) throws -> Double {
                let type = try XCTUnwrap(Plugins.models.named(name))
                let network = try type.init(try values(type.spec, assignments)).build(.generator, input: 3, output: 2, using: RandomStream(seed: 2, name: "G"))
                var worst = 0.0
                for case let linear as Linear in network.layers {
                    let w = linear.weight.value.scalars.map(Double.init)
                    let (rows, columns) = (linear.outputWidth, linear.inputWidth)
                    let short = min(rows, columns)
                    for a in 0..<short {
                        for b in 0..<short {
                            var dot = 0.0
                            for k in 0..<max(rows, columns) {
                                dot += rows >= columns ? w[k * columns + a] * w[k * columns + b] : w[a * columns + k] * w[b * columns + k]
                            }
                            worst = max(worst, abs(dot - (a == b ? gain * gain : 0)))
                        }
                    }
                    if name == "orthogonal-mlp" { XCTAssertEqual(linear.bias?.value.scalars.allSatisfy { $0 == 0 }, true) }
                }
                return worst
            }
            XCTAssertLessThan(try gramError("orthogonal-mlp", [("hidden", "16,5"), ("gain", "1.5")], gain: 1.5), 1e-5)
            XCTAssertGreaterThan(try gramError("mlp", [("hidden", "16,5")], gain: 1), 0.5)
        }
    }

    /// optimistic: the first step is plain gradient descent, every later one θ −= lr·(2g − g_previous),
    /// the previous gradient kept as its buffer; the control, SGD, differs from the second step on.
    func testOptimisticStepsExtrapolateTheGradient() throws {
        try isolated {
            let rule = try XCTUnwrap(Plugins.optimizers.named("optimistic"))
            let optimizer = try rule.init(try values(rule.spec, [("lr", "0.5")])).makeOptimizer()
            let sgd = SGD(learningRate: 0.5)
            let (p, q) = (Parameter(Tensor([1, -2])), Parameter(Tensor([1, -2])))
            let gradients = [Tensor([0.5, 1]), Tensor([-1, 0.25])]
            try optimizer.update([p], gradients: [gradients[0]])
            try sgd.update([q], gradients: [gradients[0]])
            XCTAssertEqual(p.value.scalars, [0.75, -2.5])
            XCTAssertEqual(p.value.scalars, q.value.scalars)
            try optimizer.update([p], gradients: [gradients[1]])
            try sgd.update([q], gradients: [gradients[1]])
            // 0.75 − 0.5·(2·(−1) − 0.5) = 2; −2.5 − 0.5·(2·0.25 − 1) = −2.25.
            XCTAssertEqual(p.value.scalars, [2, -2.25])
            XCTAssertNotEqual(p.value.scalars, q.value.scalars)
            XCTAssertEqual(optimizer.buffers(of: p).map(\.name), ["previous_gradient"])
            XCTAssertEqual(optimizer.buffers(of: p).first?.value.scalars, [-1, 0.25])
            XCTAssertEqual(optimizer.stepCount(of: p), 2)
        }
    }

    /// quadratic: simultaneous steps multiply the radius by √((1 − ημ)² + η²), shrinking it for η below
    /// 2μ/(1 + μ²) and growing it above; μ=0 is the x·y game step for step.
    func testTheQuadraticGameShrinksAtTheKnownRateAndIsTheXYGameWithoutMu() throws {
        try isolated {
            func rows(_ command: String) throws -> [[Double]] {
                let (shell, drain) = try makeTestInterpreter()
                XCTAssertTrue(shell.execute("\(command); step 40", file: "test"), drain().errors.joined())
                return try XCTUnwrap(shell.session.game).rows.map { [$0.first, $0.second, $0.radius] }
            }
            let shrinking = try rows("game quadratic mu=0.5 lr=0.2")
            let rate = ((1 - 0.2 * 0.5) * (1 - 0.2 * 0.5) + 0.2 * 0.2).squareRoot()
            XCTAssertEqual(shrinking[39][2], 2.0.squareRoot() * pow(rate, 40), accuracy: 1e-5)
            XCTAssertLessThan(shrinking[39][2], 0.3)
            // η = 0.9 > 2·0.5/1.25 = 0.8: the same game spirals out.
            XCTAssertGreaterThan(try rows("game quadratic mu=0.5 lr=0.9")[39][2], 2.0.squareRoot())
            XCTAssertEqual(try rows("game quadratic mu=0 lr=0.2"), try rows("game xy lr=0.2"))
            XCTAssertNotEqual(try rows("game quadratic mu=0.5 lr=0.2"), try rows("game xy lr=0.2"))
        }
    }
}
