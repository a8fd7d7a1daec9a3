#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Kernels

/// What a compiled plugin library gives Gantry: its plugin types, by kind. A library returns one from its
/// entry point `gantry_plugin_contents` (see `gantry plugin new`), after `gantry_plugin_api_version` has
/// returned `apiVersion`; the host registers each type exactly as it registers a built-in one.
public final class PluginLibraryContents {
    /// The losses.
    public let losses: [any Loss.Type]
    /// The tricks.
    public let tricks: [any Trick.Type]
    /// The data sets.
    public let datasets: [any Dataset.Type]
    /// The noise distributions.
    public let noise: [any NoiseDistribution.Type]
    /// The metrics.
    public let metrics: [any Metric.Type]
    /// The models.
    public let models: [any Model.Type]
    /// The update rules.
    public let optimizers: [any UpdateRule.Type]
    /// The two-player toy games.
    public let games: [any Game.Type]

    /// A library's plugins.
    public init(losses: [any Loss.Type] = [], tricks: [any Trick.Type] = [], datasets: [any Dataset.Type] = [],
                noise: [any NoiseDistribution.Type] = [], metrics: [any Metric.Type] = [], models: [any Model.Type] = [],
                optimizers: [any UpdateRule.Type] = [], games: [any Game.Type] = []) {
        self.losses = losses
        self.tricks = tricks
        self.datasets = datasets
        self.noise = noise
        self.metrics = metrics
        self.models = models
        self.optimizers = optimizers
        self.games = games
    }

    /// The version of the plugin API. Emitted into the plugin when it is compiled (a stored constant would
    /// be read from the host's copy of this library and always match), so the host can compare the two
    /// before it touches any type of the plugin: a changed protocol or layout would otherwise crash, not
    /// fail. Raise it whenever a public declaration a plugin uses changes.
    @_alwaysEmitIntoClient
    public static var apiVersion: Int32 { 4 }

    /// What the entry point returns: this value, retained, for the host to take.
    public func retained() -> UnsafeMutableRawPointer { Unmanaged.passRetained(self).toOpaque() }

    /// Every plugin's declaration, in the order registered.
    var specs: [PluginSpec] {
        // Closures, not key paths: a key path through an existential metatype crashes Swift 6.3's SIL generation.
        var specs: [PluginSpec] = losses.map { $0.spec } + tricks.map { $0.spec }
        specs += datasets.map { $0.spec } + noise.map { $0.spec } + metrics.map { $0.spec }
        return specs + models.map { $0.spec } + optimizers.map { $0.spec } + games.map { $0.spec }
    }
}

/// A loaded plugin library as a session records it: the file and the SHA-256 of its content, so that a
/// replay or a checkpoint runs with exactly the code the session ran, or refuses.
public struct PluginLibraryRecord: Equatable, Sendable {
    /// The absolute path it was loaded from.
    public let path: String
    /// The SHA-256 of the file's content, in lowercase hexadecimal.
    public let sha256: String

    /// A record from its parts.
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }

    var record: JSONValue { .object([("path", .string(path)), ("sha256", .string(sha256))]) }

    static func decode(_ record: JSONValue) throws -> PluginLibraryRecord {
        guard let path = record["path"]?.stringValue, let sha256 = record["sha256"]?.stringValue,
              sha256.count == 64, sha256.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) else {
            throw SessionError("a plugin library record needs a path and a sha256 of 64 hexadecimal digits")
        }
        return PluginLibraryRecord(path: path, sha256: sha256)
    }
}

/// The compiled plugin libraries this process has loaded. Loading is for the life of the process (a Swift
/// library cannot be unloaded once its types are in use), so the list only grows; a session records a
/// library when it first uses one of its plugins (`Session.record`).
public enum PluginLibraries {
    /// The entry points every plugin library exports.
    public static let versionSymbol = "gantry_plugin_api_version"
    /// The entry point that returns the library's `PluginLibraryContents`.
    public static let contentsSymbol = "gantry_plugin_contents"

    private struct Loaded {
        let record: PluginLibraryRecord
        let plugins: [(kind: PluginKind, name: String)]
        let contents: PluginLibraryContents
    }

    private final class Table: @unchecked Sendable {
        let lock = NSLock()
        var loaded: [Loaded] = []
    }

    private static let table = Table()

    /// The libraries loaded, in the order loaded.
    public static var loaded: [PluginLibraryRecord] { table.lock.withLock { table.loaded.map(\.record) } }

    /// The names of the plugins the library with this content gave.
    public static func plugins(of record: PluginLibraryRecord) -> [(kind: PluginKind, name: String)] {
        table.lock.withLock { table.loaded.first { $0.record.sha256 == record.sha256 }?.plugins ?? [] }
    }

    /// The library that gave the plugin of `kind` called `name` (its canonical name), if one did.
    public static func library(providing kind: PluginKind, named name: String) -> PluginLibraryRecord? {
        table.lock.withLock { table.loaded.first { $0.plugins.contains { $0.kind == kind && $0.name == name } }?.record }
    }

    /// The library a journal entry's plugin comes from, if it comes from one.
    static func needed(by entry: JournalEntry) -> PluginLibraryRecord? {
        let setting: PluginSetting? = switch entry {
        case .dataset(let setting), .noise(let setting), .model(_, let setting), .loss(let setting), .optimizer(_, let setting),
             .trickOn(let setting), .metric(let setting): setting
        case .game(let setting): setting
        default: nil
        }
        return setting.flatMap { library(providing: $0.kind, named: $0.name) }
    }

    /// Checks that the library `record` names is loaded, with that content: what a checkpoint or a journal
    /// read from a file requires. Reading a file never loads code; the user loads the library first.
    static func requireLoaded(_ record: PluginLibraryRecord) throws {
        let current = loaded
        if current.contains(where: { $0.sha256 == record.sha256 }) { return }
        if let other = current.first(where: { $0.path == record.path }) {
            throw SessionError("needs the plugin library \(record.path) with sha256 \(record.sha256), but the one loaded from there "
                + "has sha256 \(other.sha256) (it was rebuilt or replaced): load the library the session was made with")
        }
        throw SessionError("needs the plugin library \(record.path) (sha256 \(record.sha256)), which is not loaded: "
            + "load it first with `plugin load \(record.path)` (reading a file never loads code)")
    }

    /// Loads the library at `path` and registers its plugins, as one step: every refusal leaves the
    /// registries and the list of libraries as they were. `expected` is the SHA-256 a script or journal
    /// recorded; a file with other content is refused. Loading a library already loaded (the same content)
    /// changes nothing and returns `alreadyLoaded`.
    public static func load(_ path: String, expecting expected: String? = nil) throws
        -> (record: PluginLibraryRecord, plugins: [PluginSpec], alreadyLoaded: Bool) {
        let absolute = absolutePath(path)
        let bytes = try contents(of: path)
        let sha256 = SHA256.hex(bytes)
        if let expected, expected != sha256 {
            throw SessionError("\(path) has changed: its sha256 is \(sha256), but the session was recorded with \(expected) "
                + "(the library was rebuilt or replaced); load the library it was made with")
        }
        let record = PluginLibraryRecord(path: absolute, sha256: sha256)
        if let same = table.lock.withLock({ table.loaded.first { $0.record.sha256 == sha256 } }) {
            // A transcript test puts the registries back as they were (`Plugins.keepingRegistrations`),
            // while the library stays loaded: its plugins are registered again.
            if same.contents.specs.contains(where: { Plugins.spec($0.kind, named: $0.name) == nil }) {
                try checkNames(same.contents.specs, of: path)
                try register(same.contents)
            }
            return (same.record, same.contents.specs, true)
        }
        if let other = loaded.first(where: { $0.path == absolute }) {
            throw SessionError("\(path) was loaded already with other content (sha256 \(other.sha256)); a loaded library cannot "
                + "be replaced: start gantry again to load the new build")
        }
        // A library's file name is its product's, and so its module's: two builds of one plugin package (a
        // copy moved elsewhere, say) would map two copies of the same Swift types, which can crash.
        let name = absolute.split(separator: "/").last.map(String.init) ?? absolute
        if let other = loaded.first(where: { $0.path.split(separator: "/").last.map(String.init) == name }) {
            throw SessionError("\(path): a library called \(name) is loaded already, from \(other.path) with other content "
                + "(sha256 \(other.sha256)); two builds of one plugin cannot share a process: start gantry again")
        }
        try install(try open(path, absolute: absolute), as: record, from: path)
        return (record, plugins(of: record).compactMap { Plugins.spec($0.kind, named: $0.name) }, false)
    }

    /// Registers the plugins of a library that has been opened, all or none, and adds it to the list.
    static func install(_ contents: PluginLibraryContents, as record: PluginLibraryRecord, from path: String) throws {
        let specs = contents.specs
        try checkNames(specs, of: path)
        try register(contents)
        table.lock.withLock { table.loaded.append(Loaded(record: record, plugins: specs.map { ($0.kind, $0.name) }, contents: contents)) }
    }

    /// Runs `body`, then forgets the libraries it installed (their code stays mapped): how a test leaves
    /// the list as it found it, with `Plugins.keepingRegistrations` for the registries.
    static func keepingLibraries<T>(_ body: () throws -> T) rethrows -> T {
        let count = table.lock.withLock { table.loaded.count }
        defer { table.lock.withLock { table.loaded.removeSubrange(count...) } }
        return try body()
    }

    /// The file's bytes, once it is known to be a shared library: a folder, a FIFO or a device is refused
    /// before it is opened (reading a FIFO would wait for a writer), a file without the platform's header
    /// before it is given to the dynamic loader.
    private static func contents(of path: String) throws -> [UInt8] {
        // stat, not FileManager's attributes: those load Foundation's ICU data, some 40 ms at start-up.
        var status = stat()
        guard stat(path, &status) == 0 else { throw SessionError("\(path): no such file") }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw SessionError("\(path) is a folder, not a shared library (give the .so file that `swift build` made)")
        }
        guard status.st_mode & S_IFMT == S_IFREG else { throw SessionError("\(path) is not a regular file, so not a shared library") }
        guard let data = FileManager.default.contents(atPath: path) else { throw SessionError("\(path) cannot be read") }
        let bytes = [UInt8](data)
        #if canImport(Darwin)
        let header = bytes.count >= 4 && [[0xcf, 0xfa, 0xed, 0xfe], [0xca, 0xfe, 0xba, 0xbe]].contains(Array(bytes[0..<4]))
        let format = "Mach-O"
        #else
        let header = bytes.count >= 4 && Array(bytes[0..<4]) == [0x7f, 0x45, 0x4c, 0x46]
        let format = "ELF"
        #endif
        guard header else { throw SessionError("\(path) is not a shared library (it has no \(format) header)") }
        return bytes
    }

    /// `path` from the root, without `.` and `..` components, as a session records it.
    static func absolutePath(_ path: String) -> String {
        var parts: [Substring] = []
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            if let folder = getcwd(&buffer, buffer.count) { parts = String(cString: folder).split(separator: "/") }
        }
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Opens the library and takes its contents, after the version handshake.
    private static func open(_ path: String, absolute: String) throws -> PluginLibraryContents {
        // Resolving every symbol now makes a library built against another API fail here, with the
        // loader's message, rather than in the middle of training; never unloading it keeps its types valid.
        guard let handle = dlopen(absolute, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            let reason = dlerror().map { String(cString: $0) } ?? "the dynamic loader refused it"
            throw SessionError("\(path) cannot be loaded: \(reason)")
        }
        typealias VersionFunction = @convention(c) () -> Int32
        typealias ContentsFunction = @convention(c) () -> UnsafeMutableRawPointer?
        guard let versionSymbol = dlsym(handle, versionSymbol), let contentsSymbol = dlsym(handle, contentsSymbol) else {
            throw SessionError("\(path) is not a Gantry plugin library: it has no entry points \(versionSymbol) and "
                + "\(contentsSymbol) (make one with `gantry plugin new`)")
        }
        let version = unsafeBitCast(versionSymbol, to: VersionFunction.self)()
        guard version == PluginLibraryContents.apiVersion else {
            throw SessionError("\(path) was built against plugin API version \(version), but this gantry has version "
                + "\(PluginLibraryContents.apiVersion): build it again against this Gantry (swift build -c release)")
        }
        guard let pointer = unsafeBitCast(contentsSymbol, to: ContentsFunction.self)() else {
            throw SessionError("\(path) gave no plugins (\(contentsSymbol) returned nothing)")
        }
        // A library that linked its own copy of the plugin API (not the shared one `gantry` uses) has its own
        // `PluginLibraryContents` type, so this cast fails instead of every later one failing silently.
        guard let contents = Unmanaged<AnyObject>.fromOpaque(pointer).takeRetainedValue() as? PluginLibraryContents else {
            throw SessionError("\(path) does not use this gantry's plugin API library (it links a copy of its own): "
                + "build it as a package that depends on the product GantryPluginAPI, as `gantry plugin new` makes it")
        }
        return contents
    }

    /// Refuses names taken by a built-in plugin, a defined one, another library's, or twice in this one.
    private static func checkNames(_ specs: [PluginSpec], of path: String) throws {
        var seen: [(kind: PluginKind, name: String)] = []
        for spec in specs {
            for name in [spec.name] + spec.aliases {
                let lowered = name.lowercased()
                if seen.contains(where: { $0.kind == spec.kind && $0.name == lowered }) {
                    throw SessionError("\(path) declares two \(spec.kind.plural) called '\(name)'")
                }
                seen.append((spec.kind, lowered))
                guard let taken = Plugins.spec(spec.kind, named: name) else { continue }
                let owner: String
                if let library = library(providing: spec.kind, named: taken.name) {
                    owner = "of the plugin library \(library.path)"
                } else if isDefined(spec.kind, named: taken.name) {
                    owner = "defined in the language"
                } else {
                    owner = "built in"
                }
                throw SessionError("\(path) has a \(spec.kind.rawValue) called '\(name)', but the \(spec.kind.rawValue) '\(taken.name)' "
                    + "\(owner) has that name: rename the library's plugin")
            }
        }
    }

    private static func isDefined(_ kind: PluginKind, named name: String) -> Bool {
        switch kind {
        case .loss: Plugins.losses.named(name)?.definition != nil
        case .trick: Plugins.tricks.named(name)?.definition != nil
        case .metric: Plugins.metrics.named(name)?.definition != nil
        case .dataset: Plugins.datasets.named(name)?.definition != nil
        case .noise, .model, .optimizer, .game: false
        }
    }

    /// Registers every plugin, all or none.
    private static func register(_ contents: PluginLibraryContents) throws {
        var undo: [() -> Void] = []
        func add<Entry>(_ registry: PluginRegistry<Entry>, _ entries: [Entry]) throws {
            for entry in entries {
                try registry.register(entry)
                let name = registry.spec(of: entry).name
                undo.append { registry.unregister(named: name) }
            }
        }
        do {
            try add(Plugins.losses, contents.losses.map(PluginEntry.init))
            try add(Plugins.tricks, contents.tricks.map(TrickEntry.init))
            try add(Plugins.datasets, contents.datasets.map(PluginEntry.init))
            try add(Plugins.noise, contents.noise)
            try add(Plugins.metrics, contents.metrics.map(PluginEntry.init))
            try add(Plugins.models, contents.models)
            try add(Plugins.optimizers, contents.optimizers)
            try add(Plugins.games, contents.games)
        } catch {
            for step in undo.reversed() { step() }
            throw SessionError("\(error)")
        }
    }
}
