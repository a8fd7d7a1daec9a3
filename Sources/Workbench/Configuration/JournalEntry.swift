/// One thing done to a session that a replay must do again, as data: what the journal holds. `save` has
/// the shell write each entry as a command, checkpoints keep them as records, and the entries that set the
/// configuration up start every journal (`SessionConfiguration.entries`).
///
/// Only what changes what training computes or records is journaled: configuration, tricks, training and
/// measurements (which go into the history). Looking (`show`, `plot`), files and snapshots are not.
public enum JournalEntry: Equatable, Sendable {
    /// The seed every stream derives from; a new seed starts the experiment over.
    case seed(UInt64)
    /// The data set.
    case dataset(PluginSetting)
    /// The generator's input distribution.
    case noise(PluginSetting)
    /// A player's model.
    case model(Player, PluginSetting)
    /// The objective.
    case loss(PluginSetting)
    /// A player's update rule.
    case optimizer(Player, PluginSetting)
    /// Samples per batch.
    case batchSize(Int)
    /// Players stopped or resumed.
    case freeze(FreezeChange)
    /// A toy game started, or (nil) ended.
    case game(PluginSetting?)
    /// A trick switched on (replacing one of the same name).
    case trickOn(PluginSetting)
    /// The trick of this canonical name switched off.
    case trickOff(String)
    /// Whole generator iterations, or toy-game steps while a game is played.
    case steps(Int)
    /// One update of one player; a generator update completes an iteration.
    case update(Player)
    /// A measurement, recorded in the history.
    case metric(PluginSetting)
    /// A plugin defined in the language.
    case define(PluginDefinition)
    /// A compiled plugin library, by path and content hash, recorded before the first use of one of its plugins.
    case library(PluginLibraryRecord)

    /// The generator iterations (or game steps) it trains.
    public var iterations: Int {
        switch self {
        case .steps(let count): count
        case .update(.generator): 1
        default: 0
        }
    }

    // MARK: Records

    /// The entry as a checkpoint record.
    var record: JSONValue {
        func entry(_ word: String, _ members: [(String, JSONValue)] = []) -> JSONValue { .object([("entry", .string(word))] + members) }
        switch self {
        case .seed(let seed): return entry("seed", [("value", .number(String(seed)))])
        case .dataset(let setting): return entry("data", [("plugin", setting.record)])
        case .noise(let setting): return entry("noise", [("plugin", setting.record)])
        case .model(let player, let setting): return entry("model", [("player", .string(player.rawValue)), ("plugin", setting.record)])
        case .loss(let setting): return entry("loss", [("plugin", setting.record)])
        case .optimizer(let player, let setting):
            return entry("optimizer", [("player", .string(player.rawValue)), ("plugin", setting.record)])
        case .batchSize(let size): return entry("batch", [("size", .integer(size))])
        case .freeze(let change): return entry("freeze", [("players", .string(change.rawValue))])
        case .game(let setting): return entry("game", [("plugin", setting?.record ?? .null)])
        case .trickOn(let setting): return entry("trick_on", [("plugin", setting.record)])
        case .trickOff(let name): return entry("trick_off", [("name", .string(name))])
        case .steps(let count): return entry("steps", [("count", .integer(count))])
        case .update(let player): return entry("update", [("player", .string(player.rawValue))])
        case .metric(let setting): return entry("metric", [("plugin", setting.record)])
        case .define(let definition): return entry("define", [("definition", definition.record)])
        case .library(let library): return entry("library", [("library", library.record)])
        }
    }

    /// The entry a record describes; anything but an entry this build writes, with valid plugins and
    /// values, is refused (a checkpoint is data: its journal can only be what a session could have done).
    static func decode(_ record: JSONValue) throws -> JournalEntry {
        guard let word = record["entry"]?.stringValue else { throw SessionError("is not a journal entry (it has no \"entry\")") }
        func plugin(_ kind: PluginKind) throws -> PluginSetting {
            guard let value = record["plugin"] else { throw SessionError("\(word) has no plugin") }
            return try PluginSetting.decode(value, kind: kind)
        }
        func player() throws -> Player {
            guard let text = record["player"]?.stringValue, let player = Player(rawValue: text) else {
                throw SessionError("\(word) names no player G or D")
            }
            return player
        }
        func count(_ key: String, atLeast minimum: Int) throws -> Int {
            guard let value = record[key]?.intValue, value >= minimum, value <= Checkpoint.largestCount else {
                throw SessionError("\(word) has no \(key) of at least \(minimum)")
            }
            return value
        }
        switch word {
        case "seed":
            guard case .number(let text)? = record["value"], let seed = UInt64(text) else { throw SessionError("seed has no value") }
            return .seed(seed)
        case "data": return .dataset(try plugin(.dataset))
        case "noise": return .noise(try plugin(.noise))
        case "model": return .model(try player(), try plugin(.model))
        case "loss": return .loss(try plugin(.loss))
        case "optimizer": return .optimizer(try player(), try plugin(.optimizer))
        case "batch": return .batchSize(try count("size", atLeast: 1))
        case "freeze":
            guard let text = record["players"]?.stringValue, let change = FreezeChange(rawValue: text) else {
                throw SessionError("freeze names no players (G, D, both or none)")
            }
            return .freeze(change)
        case "game": return .game(record["plugin"] == .null ? nil : try plugin(.game))
        case "trick_on": return .trickOn(try plugin(.trick))
        case "trick_off":
            guard let name = record["name"]?.stringValue, let spec = Plugins.tricks.spec(named: name), spec.name == name else {
                throw SessionError("trick_off names no trick this build knows")
            }
            return .trickOff(name)
        case "steps": return .steps(try count("count", atLeast: 0))
        case "update": return .update(try player())
        case "metric": return .metric(try plugin(.metric))
        case "define":
            guard let value = record["definition"] else { throw SessionError("define has no definition") }
            // Registered as it is read: the entries after it may name it.
            let definition = try PluginDefinition.decode(value)
            try definition.registerAsRead()
            return .define(definition)
        case "library":
            // Reading a journal never loads code: the library must be loaded already, with this content.
            guard let value = record["library"] else { throw SessionError("library has no library") }
            let library = try PluginLibraryRecord.decode(value)
            try PluginLibraries.requireLoaded(library)
            return .library(library)
        default: throw SessionError("'\(word)' is not a journal entry")
        }
    }
}

/// Which players `freeze` stops, or (none) that both update again.
public enum FreezeChange: String, Sendable, CaseIterable {
    case generator = "G", discriminator = "D", both, none

    /// The change that stops one player.
    public init(_ player: Player) { self = player == .generator ? .generator : .discriminator }

    /// Whether `player` is frozen after this change, given whether it was before.
    public func frozen(_ player: Player, wasFrozen: Bool) -> Bool {
        switch self {
        case .both: true
        case .none: false
        case .generator: player == .generator || wasFrozen
        case .discriminator: player == .discriminator || wasFrozen
        }
    }
}
