import Foundation
import Workbench

/// The package `plugin new NAME` writes: a dynamic library with one example loss, depending by path on the
/// plugin API of the Gantry checkout this gantry was built from.
enum PluginTemplate {
    /// The Swift compiler this gantry was built with (major, minor): a plugin must be built with the same
    /// one, since the plugin API has no stable binary interface.
    static var compiler: (major: Int, minor: Int) {
        #if compiler(>=6.6)
        (6, 6)
        #elseif compiler(>=6.5)
        (6, 5)
        #elseif compiler(>=6.4)
        (6, 4)
        #elseif compiler(>=6.3)
        (6, 3)
        #elseif compiler(>=6.2)
        (6, 2)
        #elseif compiler(>=6.1)
        (6, 1)
        #else
        (6, 0)
        #endif
    }

    /// The Gantry checkout: the first folder above the running executable that holds the engine package
    /// (`Sources/Package.swift`), as a build of the checkout leaves `gantry` in `.build/…`.
    static func checkout() throws -> URL {
        let executable = RunningProgram.executable
        let found = RunningProgram.folder(above: executable) { folder in
            let manifest = folder.appendingPathComponent("Sources/Package.swift")
            return (try? String(contentsOf: manifest, encoding: .utf8))?.contains("GantryPluginAPI") == true
        }
        guard let found else {
            throw SessionError("cannot find the Gantry checkout this gantry was built from (no folder above \(executable) "
                + "holds Sources/Package.swift): run the gantry of a checkout, as scripts/gantry does")
        }
        return found
    }

    /// Writes the package for plugin `name` into `folder` (default: `name`), which must not exist yet;
    /// returns the folder.
    static func write(name: String, folder: String?) throws -> String {
        guard let first = name.unicodeScalars.first, CharacterSet.letters.contains(first),
              name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) && $0.isASCII }), name.count <= 64 else {
            throw SessionError("a plugin's name is a Swift type name: ASCII letters and digits, starting with a letter, not '\(name)'")
        }
        let target = folder ?? name
        guard !FileManager.default.fileExists(atPath: target) else {
            throw SessionError("\(target) exists already: give a new folder (plugin new \(name) DIR)")
        }
        let engine = try checkout().appendingPathComponent("Sources").path
        let sources = "\(target)/Sources/\(name)"
        try FileManager.default.createDirectory(atPath: sources, withIntermediateDirectories: true)
        try manifest(name: name, engine: engine).write(toFile: "\(target)/Package.swift", atomically: true, encoding: .utf8)
        try plugin(name: name).write(toFile: "\(sources)/\(name).swift", atomically: true, encoding: .utf8)
        return target
    }

    static func manifest(name: String, engine: String) -> String {
        """
        // swift-tools-version:6.0
        import PackageDescription

        // A Gantry plugin library: `swift build -c release` makes .build/release/lib\(name).so, which
        // `plugin load` loads into gantry. It links Gantry's plugin API (the product GantryPluginAPI of the
        // checkout below, by path) as a shared library, so the plugin uses gantry's own copy of it at run time.
        // Build it again whenever that checkout changes: gantry refuses a library built against another API.
        let package = Package(
            name: "\(name)",
            products: [.library(name: "\(name)", type: .dynamic, targets: ["\(name)"])],
            dependencies: [.package(path: "\(engine)")],
            targets: [
                .target(name: "\(name)", dependencies: [.product(name: "GantryPluginAPI", package: "Sources")]),
            ]
        )

        """
    }

    static func plugin(name: String) -> String {
        let (major, minor) = compiler
        let loss = name.lowercased()
        return """
        import Autodiff
        import Workbench

        // The plugin API has no stable binary interface: the library must be built by the compiler that built gantry.
        #if !compiler(>=\(major).\(minor)) || compiler(>=\(major).\(minor + 1))
        #error("build this plugin with Swift \(major).\(minor), the compiler gantry was built with")
        #endif

        /// An example loss: the hinge loss with a margin of its own. Replace it with yours; a plugin of any kind
        /// (Loss, Trick, Metric, Dataset, NoiseDistribution, Model, UpdateRule) is written as Gantry's built-ins are
        /// (see CONTRIBUTING.md) and listed in gantry_plugin_contents below.
        public final class \(name)Loss: Loss {
            public static let margin: ParameterKey<Double> = .real("margin", 0...100, default: 1, "the hinge's margin")
            public static let spec = PluginSpec(
                kind: .loss, name: "\(loss)",
                summary: "hinge loss with a margin (an example plugin)",
                discussion: "D minimises mean relu(m − D(x)) + mean relu(m + D(x̃)); G minimises −mean D(x̃).",
                parameters: LossParameters.common(criticSteps: 1) + [margin.spec])
            public let parameters: ParameterValues
            public init(_ parameters: ParameterValues) throws { self.parameters = parameters }
            public func discriminatorLoss(_ input: DiscriminatorLossInput) throws -> Tensor {
                let m = Float(parameters[Self.margin])
                return try withR1(try (m - input.realScores).relu().mean() + (m + input.fakeScores).relu().mean(), input)
            }
            public func generatorLoss(fakeScores: Tensor) throws -> Tensor { -fakeScores.mean() }
            public var isCrossEntropy: Bool { false }
            public var estimatesWasserstein: Bool { false }
        }

        // The two entry points gantry looks for. The version is folded in here when the plugin is compiled,
        // so gantry can refuse a library built against another plugin API before it touches its types.
        @_cdecl("gantry_plugin_api_version")
        public func gantryPluginAPIVersion() -> Int32 { PluginLibraryContents.apiVersion }

        // One list per kind: losses, tricks, datasets, noise, metrics, models, optimizers and games.
        @_cdecl("gantry_plugin_contents")
        public func gantryPluginContents() -> UnsafeMutableRawPointer {
            PluginLibraryContents(losses: [\(name)Loss.self]).retained()
        }

        """
    }
}
