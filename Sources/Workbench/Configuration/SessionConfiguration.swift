/// A value per player, reached by `Player`.
public struct PerPlayer<Value> {
    /// The generator's.
    public var generator: Value
    /// The discriminator's.
    public var discriminator: Value

    /// Both values.
    public init(generator: Value, discriminator: Value) {
        self.generator = generator
        self.discriminator = discriminator
    }

    /// The value of `player`.
    public subscript(_ player: Player) -> Value {
        get { player == .generator ? generator : discriminator }
        set { if player == .generator { generator = newValue } else { discriminator = newValue } }
    }
}

extension PerPlayer: Equatable where Value: Equatable {}
extension PerPlayer: Sendable where Value: Sendable {}

/// A session's configuration as one value: what `seed`, `data`, `noise`, `generator`, `discriminator`,
/// `loss`, `optimizer`, `batch`, `freeze` and `game` set. It compares by value, goes into checkpoints as a
/// record, and makes a session again (`Session.configured`) without any interpreter; the shell alone writes
/// it as script text (`show config`, the first lines of `save`).
public struct SessionConfiguration: Equatable, Sendable {
    /// The seed every stream derives from.
    public var seed: UInt64
    /// The data set.
    public var dataset: PluginSetting
    /// The generator's input distribution.
    public var noise: PluginSetting
    /// Each player's model.
    public var models: PerPlayer<PluginSetting>
    /// The objective.
    public var loss: PluginSetting
    /// Each player's update rule.
    public var optimizers: PerPlayer<PluginSetting>
    /// Samples per batch.
    public var batchSize: Int
    /// Whether each player's updates are skipped.
    public var frozen: PerPlayer<Bool>
    /// The toy game played instead of the networks, if one is.
    public var game: PluginSetting?
    /// The plugins defined in the language, in the order defined: the configuration's plugins may be
    /// among them, and a new seed keeps them.
    public var definitions: [PluginDefinition] = []
    /// The compiled plugin libraries the configuration's or the journal's plugins come from, in the order
    /// first used; a new seed keeps them.
    public var libraries: [PluginLibraryRecord] = []

    /// The journal entries that set this configuration up, in the order every journal starts with.
    public var entries: [JournalEntry] {
        var entries: [JournalEntry] = [.seed(seed)] + libraries.map(JournalEntry.library) + definitions.map(JournalEntry.define)
            + [.dataset(dataset), .noise(noise)]
        for player in Player.allCases { entries.append(.model(player, models[player])) }
        entries.append(.loss(loss))
        for player in Player.allCases { entries.append(.optimizer(player, optimizers[player])) }
        entries.append(.batchSize(batchSize))
        for player in Player.allCases where frozen[player] { entries.append(.freeze(FreezeChange(player))) }
        if let game { entries.append(.game(game)) }
        return entries
    }

    /// The configuration once `entry` is done; entries that do not configure leave it as it is.
    public func applying(_ entry: JournalEntry) -> SessionConfiguration {
        var next = self
        switch entry {
        case .seed(let seed): next.seed = seed
        case .dataset(let setting): next.dataset = setting
        case .noise(let setting): next.noise = setting
        case .model(let player, let setting): next.models[player] = setting
        case .loss(let setting): next.loss = setting
        case .optimizer(let player, let setting): next.optimizers[player] = setting
        case .batchSize(let size): next.batchSize = size
        case .freeze(let change):
            for player in Player.allCases { next.frozen[player] = change.frozen(player, wasFrozen: frozen[player]) }
        case .game(let setting): next.game = setting
        case .define(let definition): if !definitions.contains(definition) { next.definitions.append(definition) }
        case .library(let library): if !libraries.contains(library) { next.libraries.append(library) }
        case .trickOn, .trickOff, .steps, .update, .metric: break
        }
        return next
    }

    /// What differs from `other`, named as a person would ("data set", "G's model"), in declaration order.
    public func differences(from other: SessionConfiguration) -> [String] {
        var names: [String] = []
        if seed != other.seed { names.append("seed") }
        if dataset != other.dataset { names.append("data set") }
        if noise != other.noise { names.append("noise") }
        for player in Player.allCases where models[player] != other.models[player] { names.append("\(player.rawValue)'s model") }
        if loss != other.loss { names.append("loss") }
        for player in Player.allCases where optimizers[player] != other.optimizers[player] {
            names.append("\(player.rawValue)'s optimizer")
        }
        if batchSize != other.batchSize { names.append("batch size") }
        if frozen != other.frozen { names.append("frozen players") }
        if game != other.game { names.append("toy game") }
        if definitions != other.definitions { names.append("definitions") }
        if libraries != other.libraries { names.append("plugin libraries") }
        return names
    }

    // MARK: Records

    /// The configuration as a checkpoint record.
    var record: JSONValue {
        let libraries: [(String, JSONValue)] = libraries.isEmpty ? [] : [("libraries", .array(libraries.map(\.record)))]
        return .object([
            ("seed", .number(String(seed))), ("data", dataset.record), ("noise", noise.record),
            ("models", .object(Player.allCases.map { ($0.rawValue, models[$0].record) })),
            ("loss", loss.record),
            ("optimizers", .object(Player.allCases.map { ($0.rawValue, optimizers[$0].record) })),
            ("batch", .integer(batchSize)),
            ("frozen", .array(Player.allCases.filter { frozen[$0] }.map { .string($0.rawValue) })),
            ("game", game?.record ?? .null),
        ] + (definitions.isEmpty ? [] : [("definitions", .array(definitions.map(\.record)))]) + libraries)
    }

    /// The configuration a record describes, every plugin and value checked against this build's
    /// declarations (not yet against each other: `Session.configured` does that).
    static func decode(_ record: JSONValue) throws -> SessionConfiguration {
        func member(_ key: String) throws -> JSONValue {
            guard let value = record[key] else { throw SessionError("has no \(key)") }
            return value
        }
        func perPlayer(_ key: String, _ kind: PluginKind) throws -> PerPlayer<PluginSetting> {
            let value = try member(key)
            guard let generator = value[Player.generator.rawValue], let discriminator = value[Player.discriminator.rawValue] else {
                throw SessionError("has no \(key) for G and D")
            }
            return PerPlayer(generator: try PluginSetting.decode(generator, kind: kind),
                             discriminator: try PluginSetting.decode(discriminator, kind: kind))
        }
        guard case .number(let seedText) = try member("seed"), let seed = UInt64(seedText) else { throw SessionError("has an unreadable seed") }
        guard let batch = try member("batch").intValue, batch > 0, batch <= Checkpoint.largestCount else {
            throw SessionError("has an unreadable batch size")
        }
        guard let frozenNames = try member("frozen").arrayValue?.map(\.stringValue) else { throw SessionError("has an unreadable frozen list") }
        var frozen = PerPlayer(generator: false, discriminator: false)
        for name in frozenNames {
            guard let name, let player = Player(rawValue: name), !frozen[player] else { throw SessionError("has an unreadable frozen list") }
            frozen[player] = true
        }
        // Libraries and definitions first: the plugins below may be among them. Checkpoints without any have
        // no member. A library must be loaded already: reading a checkpoint never loads code.
        var libraries: [PluginLibraryRecord] = []
        if let records = record["libraries"] {
            guard let list = records.arrayValue else { throw SessionError("has plugin libraries that are not a list") }
            for entry in list {
                let library = try PluginLibraryRecord.decode(entry)
                try PluginLibraries.requireLoaded(library)
                libraries.append(library)
            }
        }
        var definitions: [PluginDefinition] = []
        if let records = record["definitions"] {
            guard let list = records.arrayValue else { throw SessionError("has definitions that are not a list") }
            for entry in list {
                let definition = try PluginDefinition.decode(entry)
                try definition.registerAsRead()
                definitions.append(definition)
            }
        }
        let game = try member("game")
        return SessionConfiguration(
            seed: seed, dataset: try PluginSetting.decode(try member("data"), kind: .dataset),
            noise: try PluginSetting.decode(try member("noise"), kind: .noise), models: try perPlayer("models", .model),
            loss: try PluginSetting.decode(try member("loss"), kind: .loss), optimizers: try perPlayer("optimizers", .optimizer),
            batchSize: batch, frozen: frozen, game: game == .null ? nil : try PluginSetting.decode(game, kind: .game),
            definitions: definitions, libraries: libraries)
    }
}
