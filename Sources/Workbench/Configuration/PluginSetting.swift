/// A plugin as data: its kind, its canonical name and its validated parameters. The configuration and the
/// journal hold these instead of script text, so that they compare by value, go into checkpoints as
/// records, and become plugins again through their registry without any interpreter.
///
/// The parameters marked given (`ParameterValues.explicitNames`) are those the setting states: every one for
/// the configuration (so a replay does not depend on this build's defaults), only those the user typed for a
/// metric, only those that apply for a game.
public struct PluginSetting: Equatable, Sendable {
    /// What kind of plugin it is.
    public let kind: PluginKind
    /// Its canonical name.
    public let name: String
    /// Its parameters, defaults filled in; the given ones are those the setting states.
    public let parameters: ParameterValues

    /// The setting of `plugin` with every parameter stated.
    public init(_ plugin: any Plugin) {
        let spec = plugin.declaration
        self.init(kind: spec.kind, name: spec.name, parameters: plugin.parameters.stating(spec.parameters.map(\.name)))
    }

    /// The setting of `plugin` stating only the parameters it was given.
    public init(statingGiven plugin: any Plugin) {
        let spec = plugin.declaration
        self.init(kind: spec.kind, name: spec.name, parameters: plugin.parameters)
    }

    /// The setting of the plugin `spec` declares, from text assignments (`lambda=0.1`): those given are the
    /// ones it states.
    public init(_ spec: PluginSpec, assignments: [(name: String, value: String)]) throws {
        self.init(kind: spec.kind, name: spec.name, parameters: try ParameterValues(spec, assignments: assignments))
    }

    init(kind: PluginKind, name: String, parameters: ParameterValues) {
        self.kind = kind
        self.name = name
        self.parameters = parameters
    }

    /// The stated parameters as `name=value`, in declaration order.
    public var statedAssignments: [String] { parameters.assignments(explicitOnly: true) }

    /// Equal kind, name, values and stated names.
    public static func == (lhs: PluginSetting, rhs: PluginSetting) -> Bool {
        lhs.kind == rhs.kind && lhs.name == rhs.name && lhs.parameters == rhs.parameters
            && lhs.parameters.explicitNames == rhs.parameters.explicitNames
    }

    // MARK: Records

    /// The setting as a checkpoint record: the name, every parameter as the text `key=value` gives it, and
    /// the names stated.
    var record: JSONValue {
        .object([("name", .string(name)), ("parameters", Checkpoint.parametersRecord(parameters)),
                 ("stated", .array(parameters.explicitNames.map(JSONValue.string)))])
    }

    /// The setting a record describes, checked against the declaration of the plugin of `kind` it names:
    /// an unknown plugin, an unknown or invalid parameter, a stated name it does not hold are refused.
    static func decode(_ record: JSONValue, kind: PluginKind) throws -> PluginSetting {
        guard let name = record["name"]?.stringValue, let given = record["parameters"]?.objectValue,
              let stated = record["stated"]?.arrayValue?.map(\.stringValue), stated.allSatisfy({ $0 != nil }) else {
            throw SessionError("a \(kind.rawValue) record needs a name, parameters and the names it states")
        }
        guard let spec = Plugins.spec(kind, named: name), spec.name == name else {
            throw SessionError("names a \(kind.rawValue) '\(name)' that this build does not know")
        }
        var assignments: [(name: String, value: String)] = []
        for (key, value) in given {
            guard let text = value.stringValue else { throw SessionError("has a non-text parameter \(key) for \(kind.rawValue) \(name)") }
            assignments.append((key, text))
        }
        let names = stated.map { $0! }
        if let stray = names.first(where: { name in !assignments.contains { $0.name == name } }) {
            throw SessionError("states a parameter \(stray) that \(kind.rawValue) \(name) is not given")
        }
        let parameters = try ParameterValues(spec, assignments: assignments)
        return PluginSetting(kind: kind, name: name, parameters: parameters.stating(names))
    }
}

extension PluginRegistry {
    /// The plugin a setting names, as registered now.
    public func entry(for setting: PluginSetting) throws -> Entry {
        guard setting.kind == kind, let entry = named(setting.name), spec(of: entry).name == setting.name else {
            throw SessionError("no \(kind.rawValue) called '\(setting.name)' is registered")
        }
        return entry
    }
}
