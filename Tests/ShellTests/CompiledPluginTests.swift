import XCTest
import Foundation
import Autodiff
import Kernels
import _GantryTestSupport
@testable import Workbench
@testable import Shell

/// The example plugin package of `Tests/PluginExample`, built with `swift build` once per test process, in
/// a scratch folder kept under `.build` between runs (a clean one compiles the engine again, once).
enum ExamplePlugin {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let scratch = root.appendingPathComponent(".build/plugin-example").path
    nonisolated(unsafe) private static var built: Result<String, any Error>?

    /// The example's library, built on first use.
    static func library() throws -> String {
        if let built { return try built.get() }
        let result = Result { try build(package: root.appendingPathComponent("Tests/PluginExample").path, product: "Relativistic") }
        built = result
        return try result.get()
    }

    /// Builds a plugin package (debug) in the shared scratch folder; the path of its library.
    static func build(package: String, product: String) throws -> String {
        let (status, output) = try command(["swift", "build", "--package-path", package, "--scratch-path", scratch])
        let library = scratch + "/debug/lib\(product).so"
        guard status == 0, FileManager.default.fileExists(atPath: library) else {
            throw SessionError("swift build of \(package) failed (status \(status)):\n\(output)")
        }
        return library
    }

    /// Runs a program found on PATH; its status and its output and errors together.
    static func command(_ arguments: [String], in folder: String? = nil, environment: [String: String] = [:]) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = URL(fileURLWithPath: folder) }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}

/// A loss of a would-be library whose name is taken (a test of the name checks, without a build).
final class ClashingLoss: Loss {
    nonisolated(unsafe) static var name = "hinge"
    static var spec: PluginSpec { PluginSpec(kind: .loss, name: name, summary: "a clash", discussion: "A clash.") }
    let parameters: ParameterValues
    init(_ parameters: ParameterValues) throws { self.parameters = parameters }
    func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor { input.realScores.mean() }
    func generatorLoss(fakeScores: Tensor) throws -> Tensor { fakeScores.mean() }
    var isCrossEntropy: Bool { false }
    var estimatesWasserstein: Bool { false }
}

final class CompiledPluginTests: XCTestCase {
    var folder: String!

    override func setUpWithError() throws { folder = try ScratchFolder.make("plugins") }
    override func tearDown() { ScratchFolder.remove(folder) }

    /// Runs `body` and puts the registries and the list of libraries back as they were.
    func isolated(_ body: () throws -> Void) throws {
        try PluginLibraries.keepingLibraries { try Plugins.keepingRegistrations(body) }
    }

    func gantry(_ arguments: [String], environment: [String: String?] = [:]) throws -> (status: Int32, output: String) {
        try ProductProcess.run("gantry", arguments, in: URL(fileURLWithPath: folder), environment: environment)
    }

    /// A C shared library with `source`, compiled with the system's C compiler.
    func cLibrary(_ name: String, _ source: String) throws -> String {
        let file = folder + "/\(name).c", library = folder + "/lib\(name).so"
        try source.write(toFile: file, atomically: true, encoding: .utf8)
        let (status, output) = try ExamplePlugin.command(["cc", "-shared", "-fPIC", "-o", library, file])
        XCTAssertEqual(status, 0, output)
        return library
    }

    func names() -> [[String]] { PluginKind.allCases.map { Plugins.specs(of: $0).map(\.name) } }

    /// The refusals of `plugin load`: each says which file and why, and registers and records nothing.
    func testTheBadLibraryTable() throws {
        try isolated {
            let text = folder + "/notes.txt"
            try "not a library\n".write(toFile: text, atomically: true, encoding: .utf8)
            let fifo = folder + "/pipe.so"
            XCTAssertEqual(mkfifo(fifo, 0o600), 0)
            let noEntry = try cLibrary("noentry", "int something(void) { return 1; }\n")
            let otherVersion = try cLibrary("otherversion", """
                int gantry_plugin_api_version(void) { return 999; }
                void *gantry_plugin_contents(void) { return 0; }
                """)
            let truncated = folder + "/truncated.so"
            try Data(try Data(contentsOf: URL(fileURLWithPath: noEntry)).prefix(64)).write(to: URL(fileURLWithPath: truncated))
            let table: [(String, String)] = [
                (text, "\(text) is not a shared library (it has no ELF header)"),
                (fifo, "\(fifo) is not a regular file, so not a shared library"),
                (folder, "\(folder!) is a folder, not a shared library (give the .so file that `swift build` made)"),
                (folder + "/missing.so", "\(folder!)/missing.so: no such file"),
                (noEntry, "\(noEntry) is not a Gantry plugin library: it has no entry points gantry_plugin_api_version and "
                    + "gantry_plugin_contents (make one with `gantry plugin new`)"),
                (otherVersion, "\(otherVersion) was built against plugin API version 999, but this gantry has version "
                    + "\(PluginLibraryContents.apiVersion): build it again against this Gantry (swift build -c release)"),
                (truncated, "\(truncated) cannot be loaded: "),
            ]
            let before = names()
            for (path, message) in table {
                XCTAssertThrowsError(try PluginLibraries.load(path), path) { error in
                    XCTAssertTrue("\(error)".hasPrefix(message), "\(error)")
                }
                XCTAssertEqual(names(), before, path)
                XCTAssertEqual(PluginLibraries.loaded, [], path)
            }
            // The same refusals at the prompt leave the session as it was.
            let (shell, drain) = try makeTestInterpreter()
            let journal = shell.session.journal
            for (path, message) in table {
                XCTAssertFalse(shell.execute("plugin load \"\(path)\"", file: "test"))
                XCTAssertTrue(drain().errors.joined().contains(message), path)
            }
            XCTAssertEqual(shell.session.journal, journal)
        }
    }

    /// A plugin name already taken, by a built-in or by another library's plugin, refuses the whole library.
    func testANameTakenByABuiltInOrAnotherLibraryIsRefused() throws {
        try isolated {
            let before = names()
            ClashingLoss.name = "hinge"
            let first = PluginLibraryRecord(path: "/a/libA.so", sha256: String(repeating: "a", count: 64))
            XCTAssertThrowsError(try PluginLibraries.install(PluginLibraryContents(losses: [ClashingLoss.self]), as: first, from: "libA.so")) {
                XCTAssertEqual("\($0)", "libA.so has a loss called 'hinge', but the loss 'hinge' built in has that name: rename the library's plugin")
            }
            XCTAssertEqual(names(), before)
            ClashingLoss.name = "clash-test"
            try PluginLibraries.install(PluginLibraryContents(losses: [ClashingLoss.self]), as: first, from: "libA.so")
            let second = PluginLibraryRecord(path: "/b/libB.so", sha256: String(repeating: "b", count: 64))
            XCTAssertThrowsError(try PluginLibraries.install(PluginLibraryContents(losses: [ClashingLoss.self]), as: second, from: "libB.so")) {
                XCTAssertEqual("\($0)", "libB.so has a loss called 'clash-test', but the loss 'clash-test' of the plugin library /a/libA.so "
                    + "has that name: rename the library's plugin")
            }
            XCTAssertEqual(PluginLibraries.loaded, [first])
            ClashingLoss.name = "hinge"
        }
        XCTAssertNil(Plugins.losses.named("clash-test"))
    }

    /// Another build of a file already loaded is refused (its types may be in use), the first one kept. The
    /// loaded one is recorded directly: opening two builds of one Swift module in a process would map two
    /// copies of its types, which is what the refusal prevents.
    func testAnotherBuildOfALoadedFileIsRefused() throws {
        try isolated {
            let library = try cLibrary("rebuilt", "int something(void) { return 2; }\n")
            let first = PluginLibraryRecord(path: library, sha256: String(repeating: "c", count: 64))
            ClashingLoss.name = "rebuilt-test"
            defer { ClashingLoss.name = "hinge" }
            try PluginLibraries.install(PluginLibraryContents(losses: [ClashingLoss.self]), as: first, from: library)
            XCTAssertThrowsError(try PluginLibraries.load(library)) {
                XCTAssertEqual("\($0)", "\(library) was loaded already with other content (sha256 \(first.sha256)); a loaded library "
                    + "cannot be replaced: start gantry again to load the new build")
            }
            // The same library name elsewhere: another build of the same plugin package.
            let elsewhere = folder + "/elsewhere"
            try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: library, toPath: elsewhere + "/librebuilt.so")
            XCTAssertThrowsError(try PluginLibraries.load(elsewhere + "/librebuilt.so")) {
                XCTAssertEqual("\($0)", "\(elsewhere)/librebuilt.so: a library called librebuilt.so is loaded already, from \(library) "
                    + "with other content (sha256 \(first.sha256)); two builds of one plugin cannot share a process: start gantry again")
            }
            XCTAssertEqual(PluginLibraries.loaded, [first])
        }
    }

    /// The example's RaGAN against the formula computed by hand in Double, on fixed scores, for D and G.
    func testTheLoadedRelativisticLossEqualsAHandComputation() throws {
        let library = try ExamplePlugin.library()
        try isolated {
            let loaded = try PluginLibraries.load(library)
            XCTAssertEqual(loaded.plugins.map(\.name), ["ragan", "top-k", "moons", "truncated", "one-nn", "orthogonal-mlp", "optimistic", "quadratic"])
            let entry = try XCTUnwrap(Plugins.losses.named("relativistic-average"))
            let loss = try entry.make(try ParameterValues(entry.spec, assignments: []))
            let real: [Float] = [0.5, -1, 2, 0.25], fake: [Float] = [0.1, 0.3, -0.7, -2]
            let realScores = try Tensor(real, shape: [4, 1]), fakeScores = try Tensor(fake, shape: [4, 1])
            func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
            func softplus(_ x: Double) -> Double { Foundation.log(1 + Foundation.exp(x)) }
            func sigmoid(_ x: Double) -> Double { 1 / (1 + Foundation.exp(-x)) }
            let r = real.map(Double.init), f = fake.map(Double.init)
            // −E_r[log σ(C(x_r) − E_f C)] − E_f[log(1 − σ(C(x_f) − E_r C))], and the same with the roles swapped.
            let d = -mean(r.map { Foundation.log(sigmoid($0 - mean(f))) }) - mean(f.map { Foundation.log(1 - sigmoid($0 - mean(r))) })
            let g = -mean(f.map { Foundation.log(sigmoid($0 - mean(r))) }) - mean(r.map { Foundation.log(1 - sigmoid($0 - mean(f))) })
            let input = DiscriminatorLossInput(realScores: realScores, fakeScores: fakeScores, real: realScores, fake: fakeScores,
                                               critic: { $0 }, stream: RandomStream(seed: 1, name: "test"))
            XCTAssertEqual(Double(try XCTUnwrap(try loss.discriminatorLoss(input).scalar)), d, accuracy: 1e-6)
            XCTAssertTrue(loss.generatorReadsRealScores)
            XCTAssertEqual(Double(try XCTUnwrap(try loss.generatorLoss(fakeScores: fakeScores, realScores: realScores).scalar)), g, accuracy: 1e-6)
            XCTAssertNotEqual(d, g, accuracy: 1e-3)
        }
    }

    /// The loaded plugins are registered like built-ins: list, help, completion, validation; a library
    /// loaded twice changes nothing.
    func testALoadedLibrarysPluginsAreListedHelpedCompletedAndValidated() throws {
        let library = try ExamplePlugin.library()
        try isolated {
            let (shell, drain) = try makeTestInterpreter()
            XCTAssertTrue(shell.execute("plugin load \"\(library)\"", file: "test"))
            XCTAssertEqual(drain().output.first?.hasPrefix("loaded loss ragan, trick top-k, "), true)
            XCTAssertTrue(shell.execute("plugin load \"\(library)\"", file: "test"))
            XCTAssertEqual(drain().output, [])
            XCTAssertEqual(Plugins.losses.names.filter { $0 == "ragan" }.count, 1)
            XCTAssertTrue(shell.execute("plugin list", file: "test"))
            XCTAssertEqual(drain().output.first?.contains("): loss ragan, trick top-k, "), true)
            XCTAssertTrue(shell.execute("list losses; help top-k", file: "test"))
            let text = drain().output.joined(separator: "\n")
            XCTAssertTrue(text.contains("ragan "), text)
            XCTAssertTrue(text.contains("Sinha, Zhao, Goyal, Raffel & Odena"), text)
            XCTAssertTrue(text.replacingOccurrences(of: "\n  ", with: " ").contains("loaded from the plugin library \(library) (sha256 "), text)
            XCTAssertTrue(Completer(interpreter: shell).candidates("loss rag").contains("ragan"))
            XCTAssertFalse(shell.execute("trick on top-k gamma=2", file: "test"))
            XCTAssertTrue(drain().errors.joined().contains("gamma"))
            // Top-k refuses a loss that reads real scores: it selects among generated samples only.
            XCTAssertFalse(shell.execute("loss ragan; trick on top-k", file: "test"))
            XCTAssertTrue(drain().errors.joined().contains("top-k selects among generated samples only"))
        }
    }

    /// Top-k with k kept at the batch (floor 1) trains G on every sample: the plain loss, bit for bit; with
    /// k decaying below the batch, G learns from fewer samples and the weights differ.
    func testTopKAtTheWholeBatchIsThePlainLossAndBelowItIsNot() throws {
        let library = try ExamplePlugin.library()
        try isolated {
            func weights(_ trick: String) throws -> [[UInt32]] {
                let (shell, drain) = try makeTestInterpreter()
                let source = "plugin load \"\(library)\"; generator mlp hidden=16; critic mlp hidden=16; batch 16; \(trick); step 8"
                XCTAssertTrue(shell.execute(source, file: "test"), drain().errors.joined(separator: "\n"))
                return (shell.session.generator.parameters + shell.session.discriminator.parameters).map { $0.value.scalars.map(\.bitPattern) }
            }
            let plain = try weights("echo plain")
            XCTAssertEqual(try weights("trick on top-k floor=1"), plain)
            XCTAssertNotEqual(try weights("trick on top-k gamma=0.5 floor=0.25"), plain)
        }
    }

    /// Trained, saved, replayed in a new process to the same bits; checkpointed and continued in a new
    /// process to the same bits; a changed or missing library is refused, naming it, and never ignored.
    func testTheExamplePluginTrainsSavesReplaysAndCheckpointsAcrossProcesses() throws {
        let original = try ExamplePlugin.library()
        let library = folder + "/libRelativistic.so"
        try FileManager.default.copyItem(atPath: original, toPath: library)
        let session = """
            plugin load libRelativistic.so
            seed 3; generator mlp hidden=16,16; critic mlp hidden=16; batch 32
            step 5; loss ragan; step 20
            loss nonsaturating; trick on top-k gamma=0.9 floor=0.25; step 10
            save run.gan; checkpoint save mid.safetensors
            """
        let rest = "step 6\nshow weights"
        let first = try gantry(["-e", session + "\n" + rest])
        XCTAssertEqual(first.status, 0, first.output)
        let script = try String(contentsOfFile: folder + "/run.gan", encoding: .utf8)
        let sha = SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: library))))
        let loadLine = "plugin load \(library) sha256=\(sha)"
        let lines = script.split(separator: "\n").map(String.init)
        let loadIndex = try XCTUnwrap(lines.firstIndex(of: loadLine), script)
        XCTAssertLessThan(loadIndex, try XCTUnwrap(lines.firstIndex { $0.hasPrefix("loss ragan") }), script)
        func weights(_ output: String) -> [String] { output.split(separator: "\n").map(String.init).filter { $0.contains(" parameters, hash ") } }
        XCTAssertEqual(weights(first.output).count, 2, first.output)
        // The script loads the library itself, checking its hash.
        let replay = try gantry(["-e", "run run.gan\n" + rest])
        XCTAssertEqual(replay.status, 0, replay.output)
        XCTAssertEqual(weights(replay.output), weights(first.output))
        // A checkpoint names the library; the user loads it, then the session continues bit for bit.
        let resumed = try gantry(["-e", "plugin load libRelativistic.so\ncheckpoint load mid.safetensors\n" + rest])
        XCTAssertEqual(resumed.status, 0, resumed.output)
        XCTAssertEqual(weights(resumed.output), weights(first.output))
        let unloaded = try gantry(["-e", "checkpoint load mid.safetensors"])
        XCTAssertNotEqual(unloaded.status, 0)
        XCTAssertTrue(unloaded.output.contains("needs the plugin library \(library) (sha256 \(sha)), which is not loaded: "
            + "load it first with `plugin load \(library)` (reading a file never loads code)"), unloaded.output)
        // The control: without the plugin the same lines do not reach the same weights (the loss matters).
        let control = try gantry(["-e", session.replacingOccurrences(of: "loss ragan", with: "loss hinge")
            .replacingOccurrences(of: "plugin load libRelativistic.so\n", with: "")
            .replacingOccurrences(of: "trick on top-k gamma=0.9 floor=0.25; ", with: "")
            .replacingOccurrences(of: "save run.gan; checkpoint save mid.safetensors", with: "") + "\n" + rest])
        XCTAssertEqual(control.status, 0, control.output)
        XCTAssertNotEqual(weights(control.output), weights(first.output))
        // A changed library: one byte more gives another hash; the replay stops at the load, before the
        // library's first use.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: library))
        bytes.append(0)
        try bytes.write(to: URL(fileURLWithPath: library))
        XCTAssertNotEqual(SHA256.hex([UInt8](try Data(contentsOf: URL(fileURLWithPath: library)))), sha)
        let changed = try gantry(["run", "run.gan"])
        XCTAssertNotEqual(changed.status, 0)
        XCTAssertTrue(changed.output.contains("\(library) has changed: its sha256 is "), changed.output)
        XCTAssertTrue(changed.output.contains("but the session was recorded with \(sha)"), changed.output)
        XCTAssertTrue(changed.output.contains("iteration 5 "), changed.output)
        XCTAssertFalse(changed.output.contains("iteration 25 "), changed.output)
        let replaced = try gantry(["-e", "plugin load libRelativistic.so\ncheckpoint load mid.safetensors"])
        XCTAssertNotEqual(replaced.status, 0)
        XCTAssertTrue(replaced.output.contains("needs the plugin library \(library) with sha256 \(sha), but the one loaded from there has sha256"),
                      replaced.output)
        try FileManager.default.removeItem(atPath: library)
        XCTAssertFalse(FileManager.default.fileExists(atPath: library))
        let missing = try gantry(["run", "run.gan"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.output.contains("\(library): no such file"), missing.output)
    }

    /// GANTRY_PLUGINS loads libraries (files or folders) at start; a bad one stops gantry with its reason.
    func testTheStartupListLoadsLibrariesOrStopsWithTheReason() throws {
        let library = try ExamplePlugin.library()
        let listed = try gantry(["-e", "list losses"], environment: ["GANTRY_PLUGINS": library])
        XCTAssertEqual(listed.status, 0, listed.output)
        XCTAssertTrue(listed.output.contains("ragan "), listed.output)
        let bad = folder + "/notes.txt"
        try "text".write(toFile: bad, atomically: true, encoding: .utf8)
        let refused = try gantry(["-e", "list losses"], environment: ["GANTRY_PLUGINS": library + ":" + bad])
        XCTAssertEqual(refused.status, 64)
        XCTAssertEqual(refused.output, "gantry: GANTRY_PLUGINS: \(bad) is not a shared library (it has no ELF header)\n")
    }

    /// `gantry plugin new` writes a package against this checkout's API that builds, loads and trains.
    func testPluginNewWritesAPackageThatBuildsLoadsAndTrains() throws {
        _ = try ExamplePlugin.library()
        let made = try gantry(["plugin", "new", "Margin", "margin-plugin"])
        XCTAssertEqual(made.status, 0, made.output)
        let package = folder + "/margin-plugin"
        let manifest = try String(contentsOfFile: package + "/Package.swift", encoding: .utf8)
        XCTAssertTrue(manifest.contains(".package(path: \"\(ExamplePlugin.root.path)/Sources\")"), manifest)
        let source = try String(contentsOfFile: package + "/Sources/Margin/Margin.swift", encoding: .utf8)
        let (major, minor) = PluginTemplate.compiler
        XCTAssertTrue(source.contains("#if !compiler(>=\(major).\(minor)) || compiler(>=\(major).\(minor + 1))"), source)
        XCTAssertNotEqual(try gantry(["plugin", "new", "Margin", "margin-plugin"]).status, 0)
        let library = try ExamplePlugin.build(package: package, product: "Margin")
        let trained = try gantry(["-e", "plugin load \"\(library)\"; loss margin margin=2; step 3; expect iteration == 3"])
        XCTAssertEqual(trained.status, 0, trained.output)
    }
}
