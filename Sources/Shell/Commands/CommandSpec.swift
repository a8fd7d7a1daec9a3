import Workbench

/// Where the completions of a positional argument come from.
public enum CompletionSource: Sendable, Equatable {
    /// Nothing to offer (a number, free text).
    case none
    /// A fixed set of words.
    case words([String])
    /// The names of one kind of plugin, and words the command takes in their place (`game off`).
    case plugins(PluginKind, also: [String] = [])
    /// File paths, optionally only those with one of these extensions.
    case files(extensions: [String])
    /// The session's snapshot names.
    case snapshots
    /// Command names.
    case commands
    /// Help topics: commands, plugins and parameter words.
    case topics
}

/// One positional argument of a command: its name for usage lines, what it means and how to complete it.
public struct PositionalSpec: Sendable {
    /// The name that stands for it in usage lines ("NAME", "FILE").
    public let name: String
    /// One line of documentation.
    public let summary: String
    /// Completion candidates.
    public let completions: CompletionSource
    /// Whether the argument may be left out.
    public let optional: Bool
    /// Whether it takes all remaining positional arguments (echo's text).
    public let variadic: Bool

    /// A positional argument declaration.
    public init(_ name: String, _ summary: String, completions: CompletionSource = .none, optional: Bool = false,
                variadic: Bool = false) {
        self.name = name
        self.summary = summary
        self.completions = completions
        self.optional = optional
        self.variadic = variadic
    }
}

/// A command's declaration: read by dispatch, help, completion, argument hints and validation.
public struct CommandSpec: Sendable {
    /// The canonical verb.
    public let name: String
    /// Other verbs that resolve to it.
    public let aliases: [String]
    /// One line for the command list.
    public let summary: String
    /// A paragraph for `help VERB`.
    public let discussion: String
    /// Positional arguments, in order.
    public let positionals: [PositionalSpec]
    /// The command's own key=value parameters.
    public let parameters: [ParameterSpec]
    /// When set, key=value arguments belong to the plugin named by the positional at this index (and are
    /// validated against that plugin's spec) instead of to the command.
    public let pluginKind: PluginKind?
    /// Index of the positional that names the plugin.
    public let pluginPositional: Int
    /// Examples shown by help.
    public let examples: [String]
    /// When set, the command takes key=value arguments whose names it reads itself (`define`'s expressions
    /// and parameters), shown in usage by this text; it validates them when it runs.
    public let ownNamedArguments: String?

    /// A command declaration.
    public init(_ name: String, aliases: [String] = [], summary: String, discussion: String,
                positionals: [PositionalSpec] = [], parameters: [ParameterSpec] = [],
                pluginKind: PluginKind? = nil, pluginPositional: Int = 0, examples: [String] = [],
                ownNamedArguments: String? = nil) {
        self.name = name
        self.aliases = aliases
        self.summary = summary
        self.discussion = discussion
        self.positionals = positionals
        self.parameters = parameters
        self.pluginKind = pluginKind
        self.pluginPositional = pluginPositional
        self.examples = examples
        self.ownNamedArguments = ownNamedArguments
    }

    /// Whether the plugin may be left out (`noise dim=8` keeps the current distribution).
    var pluginIsOptional: Bool {
        pluginKind != nil && positionals.indices.contains(pluginPositional) && positionals[pluginPositional].optional
    }

    /// "loss NAME [key=value…]" style usage.
    public var usage: String {
        var parts = [name]
        for positional in positionals {
            let text = positional.variadic ? positional.name + "…" : positional.name
            parts.append(positional.optional ? "[\(text)]" : text)
        }
        if pluginKind != nil { parts.append("[key=value…]") }
        for parameter in parameters { parts.append("[\(parameter.name)=…]") }
        if let ownNamedArguments { parts.append(ownNamedArguments) }
        return parts.joined(separator: " ")
    }
}
