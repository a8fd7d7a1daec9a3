import Foundation

/// What every plugin is: a type with a declaration, made from validated parameters. Each kind (loss, trick,
/// data set, metric, model, optimizer, game) refines it with what that kind does.
public protocol Plugin: AnyObject {
    /// The declaration that help, completion, validation, `list`, `save` and checkpoints read.
    static var spec: PluginSpec { get }
    /// The parameters it was made with, defaults filled in.
    var parameters: ParameterValues { get }
    /// The declaration of this instance: its type's `spec`, except for a plugin defined in the language,
    /// whose one type serves every definition.
    var declaration: PluginSpec { get }
}

extension Plugin {
    /// The type's declaration.
    public var declaration: PluginSpec { Self.spec }

    /// The declaration's canonical name.
    public var name: String { declaration.name }

    /// `NAME key=value…`: the text that recreates it after its command's verb.
    public var canonicalText: String { ([declaration.name] + parameters.assignments()).joined(separator: " ") }
}

/// A registry entry as a value: a declaration and a maker. A built-in plugin's entry is made from its type;
/// a plugin defined in the language (`PluginDefinition`) has an entry made from its definition, so
/// everything that reads a registry reads both the same way.
public struct PluginEntry<Made>: @unchecked Sendable {
    /// The declaration help, completion, validation, `list`, `save` and checkpoints read.
    public let spec: PluginSpec
    /// The Swift type that does the work: the plugin's own type, or the one type of defined plugins of its kind.
    public let implementation: any Plugin.Type
    /// The definition it was made from, for a defined plugin.
    public let definition: PluginDefinition?
    private let maker: (ParameterValues) throws -> Made

    /// An entry from its parts.
    public init(spec: PluginSpec, implementation: any Plugin.Type, definition: PluginDefinition? = nil,
                make: @escaping (ParameterValues) throws -> Made) {
        self.spec = spec
        self.implementation = implementation
        self.definition = definition
        maker = make
    }

    /// The plugin with validated `parameters`.
    public func make(_ parameters: ParameterValues) throws -> Made { try maker(parameters) }
}

/// Why a plugin could not be registered.
public struct RegistrationError: Error, Equatable, CustomStringConvertible {
    /// What went wrong, naming the plugin.
    public let description: String
    init(_ description: String) { self.description = description }
}

/// The plugins of one kind, in the order `list` shows them: every lookup of a name (help, completion,
/// validation, checkpoints) goes through one of these, so names are found the same way everywhere —
/// ignoring case, canonical names before aliases — and misspellings get the same "did you mean".
public final class PluginRegistry<Entry>: @unchecked Sendable {
    /// The kind every entry is.
    public let kind: PluginKind
    private let specOf: @Sendable (Entry) -> PluginSpec
    // Entries are metatypes (immutable) and registration happens at start-up or from the prompt thread;
    // the lock only keeps a reader from seeing a half-appended array.
    private let lock = NSLock()
    private var entries: [Entry]
    private let builtInCount: Int

    /// A registry of `kind` holding `builtIn`, each entry's declaration read by `spec`.
    public init(_ kind: PluginKind, _ builtIn: [Entry], spec: @escaping @Sendable (Entry) -> PluginSpec) {
        self.kind = kind
        specOf = spec
        entries = builtIn
        builtInCount = builtIn.count
    }

    /// Every entry, in listing order.
    public var all: [Entry] { lock.withLock { entries } }

    /// Every declaration, in listing order.
    public var specs: [PluginSpec] { all.map(specOf) }

    /// The canonical names, in listing order.
    public var names: [String] { specs.map(\.name) }

    /// The entry whose canonical name, or else whose alias, is `name`, ignoring case.
    public func named(_ name: String) -> Entry? {
        let wanted = name.lowercased()
        let current = all
        return current.first { specOf($0).name.lowercased() == wanted }
            ?? current.first { specOf($0).aliases.contains { $0.lowercased() == wanted } }
    }

    /// The declaration of the entry called `name`.
    public func spec(named name: String) -> PluginSpec? { named(name).map(specOf) }

    /// The declaration of an entry.
    public func spec(of entry: Entry) -> PluginSpec { specOf(entry) }

    /// The known name or alias closest to a misspelt `name`, for "did you mean …?".
    public func suggestion(for name: String) -> String? {
        Suggestion.closest(to: name.lowercased(), among: specs.flatMap { [$0.name] + $0.aliases })
    }

    /// Adds a plugin after the built-in ones; refused when its kind is not this registry's or when its name
    /// or an alias is already taken by another plugin of the kind.
    public func register(_ entry: Entry) throws {
        let spec = specOf(entry)
        guard spec.kind == kind else {
            throw RegistrationError("\(spec.name) is a \(spec.kind.rawValue), not a \(kind.rawValue)")
        }
        try lock.withLock {
            let taken = Set(entries.map(specOf).flatMap { [$0.name] + $0.aliases }.map { $0.lowercased() })
            if let clash = ([spec.name] + spec.aliases).first(where: { taken.contains($0.lowercased()) }) {
                throw RegistrationError("a \(kind.rawValue) called '\(clash)' is already registered")
            }
            entries.append(entry)
        }
    }

    /// Runs `body`, then removes whatever it registered: how a transcript, like a fresh process, leaves
    /// the registry as it found it.
    public func keepingRegistrations<T>(_ body: () throws -> T) rethrows -> T {
        let before = Set(names.map { $0.lowercased() })
        defer { for name in names where !before.contains(name.lowercased()) { unregister(named: name) } }
        return try body()
    }

    /// Removes the plugin that `register` added under the canonical name `name` (ignoring case), so that a
    /// test which registered one leaves the registry as it found it; built-in plugins stay. Whether one
    /// was removed.
    @discardableResult
    public func unregister(named name: String) -> Bool {
        lock.withLock {
            let wanted = name.lowercased()
            guard let index = entries.indices.dropFirst(builtInCount).first(where: {
                specOf(entries[$0]).name.lowercased() == wanted
            }) else { return false }
            entries.remove(at: index)
            return true
        }
    }
}
