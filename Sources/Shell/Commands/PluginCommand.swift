import Foundation
import Workbench

/// The `plugin` command: compiled plugin libraries.
enum PluginCommand: ShellCommand {
    static let spec = CommandSpec(
        "plugin", summary: "load a compiled plugin library, list those loaded, or write a new plugin package",
        discussion: "plugin load FILE.so loads a shared library built from a plugin package (gantry plugin new NAME writes one; swift build -c release in it makes .build/release/libNAME.so) and registers its plugins like the built-ins: list, help, completion, validation, save and checkpoints see them. The session records the library's path and the SHA-256 of its content when one of its plugins is first used; save writes plugin load FILE sha256=… before that use, and a script or checkpoint whose library is missing or has other content is refused, naming the file. Loading a library already loaded changes nothing; a library cannot be unloaded. Libraries listed in GANTRY_PLUGINS (files or folders of .so files, separated by :) are loaded at start.",
        positionals: [PositionalSpec("ACTION", PluginAction.alternatives, completions: PluginAction.completions),
                      PositionalSpec("FILE", "load: the library; new: the plugin's name", completions: .files(extensions: ["so", "dylib"]),
                                     optional: true),
                      PositionalSpec("DIR", "new: the folder to write the package in (default: the name)", optional: true)],
        parameters: [sha256.spec],
        examples: ["plugin load ragan/.build/release/libRelativistic.so", "plugin list", "plugin new MyLoss"])
    static let sha256: ParameterKey<String> = .text("sha256", default: "", "load: the content hash the library must have (save writes it)")
    static let runsDuringTraining = false

    /// What `plugin` does.
    enum PluginAction: String, CommandWord {
        case load, list, new
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.plugin(invocation) }

    /// The command that loads `library` again, checking its content.
    static func line(_ library: PluginLibraryRecord) -> String {
        "\(spec.name) \(PluginAction.load.rawValue) \(ParameterValue.text(library.path)) \(sha256.name)=\(library.sha256)"
    }

    /// The libraries of `GANTRY_PLUGINS` (files, or folders whose .so files are loaded in name order), loaded
    /// at start; the first refusal stops gantry with its reason.
    static func loadStartupLibraries(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let list = environment["GANTRY_PLUGINS"], !list.isEmpty else { return }
        for item in list.split(separator: ":").map(String.init) {
            var isFolder: ObjCBool = false
            var files = [item]
            if FileManager.default.fileExists(atPath: item, isDirectory: &isFolder), isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: item)) ?? []
                files = names.filter { $0.hasSuffix(".so") || $0.hasSuffix(".dylib") }.sorted().map { item + "/" + $0 }
            }
            for file in files {
                do {
                    _ = try PluginLibraries.load(file)
                } catch {
                    throw SessionError("GANTRY_PLUGINS: \(error)")
                }
            }
        }
    }
}

extension Interpreter {
    /// `plugin load FILE [sha256=…]`, `plugin list`, `plugin new NAME [DIR]`
    func plugin(_ invocation: Invocation) throws {
        let action = try PluginCommand.PluginAction.parse(invocation, what: "plugin action")
        let parameters = try invocation.commandParameters()
        switch action {
        case .list:
            let libraries = PluginLibraries.loaded
            if libraries.isEmpty { say("no plugin library is loaded") }
            for library in libraries {
                let names = PluginLibraries.plugins(of: library).map { "\($0.kind.rawValue) \($0.name)" }
                say("\(library.path) (sha256 \(library.sha256.prefix(16))…): " + names.joined(separator: ", "))
            }
        case .load:
            guard let node = invocation.positionals.dropFirst().first else {
                throw invocation.failure("plugin load needs the library's file; usage: plugin load FILE.so")
            }
            let expected = parameters[PluginCommand.sha256]
            guard expected.isEmpty || (expected.count == 64 && expected.allSatisfy { $0.isHexDigit && !$0.isUppercase }) else {
                throw invocation.failure("sha256 must be 64 lowercase hexadecimal digits", at: invocation.valueRange(of: PluginCommand.sha256))
            }
            let loaded: (record: PluginLibraryRecord, plugins: [PluginSpec], alreadyLoaded: Bool)
            do {
                loaded = try PluginLibraries.load(node.text, expecting: expected.isEmpty ? nil : expected)
            } catch {
                throw invocation.failure("\(error)", at: node.range)
            }
            guard !loaded.alreadyLoaded else { return }
            let names = loaded.plugins.map { "\($0.kind.rawValue) \($0.name)" }.joined(separator: ", ")
            say("loaded \(names.isEmpty ? "no plugins" : names) from \(loaded.record.path)")
        case .new:
            guard let name = invocation.text(1) else { throw invocation.failure("plugin new needs a name; usage: plugin new NAME [DIR]") }
            do {
                let folder = try PluginTemplate.write(name: name, folder: invocation.text(2))
                say("wrote the plugin package \(folder): build it with swift build -c release there, then plugin load "
                    + "\(folder)/.build/release/lib\(name).so")
            } catch {
                throw invocation.failure("\(error)", at: invocation.positionals[1].range)
            }
        }
    }
}
