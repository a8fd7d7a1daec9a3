import Autodiff
import Foundation
import NeuralNet

/// One experiment: data, noise, the two networks, the loss, the optimizers, tricks, the random streams,
/// the iteration counter, the history and named snapshots. The REPL drives it; it never prints.
///
/// Every source of randomness is a named stream of one seed: "data" (real batches), "noise" (z),
/// "init.G" / "init.D" (weights, restarted for every build), "dropout.G" / "dropout.D", "loss" (WGAN-GP's
/// interpolation), "game" (a toy game's samples) and "trick.NAME" for each trick that draws. Changing
/// the loss or a trick therefore never changes which data and noise batches training sees. Measurements,
/// plots and exports draw from streams of their own, started afresh each time from the seed and what they
/// look at, so they never move these.
public final class Session {
    /// The experiment as one value: everything a snapshot keeps. The properties below reach into it; they
    /// change it in place (`_modify`), as a get/set pair would copy the history on every appended row.
    public internal(set) var state: SessionState
    /// The seed every stream derives from.
    public internal(set) var seed: UInt64 { get { state.seed } _modify { yield &state.seed } }
    /// The named streams.
    public internal(set) var streams: RandomStreams { get { state.streams } _modify { yield &state.streams } }
    /// The source of real samples.
    public internal(set) var dataset: any Dataset { get { state.dataset } _modify { yield &state.dataset } }
    /// The generator's input.
    public internal(set) var noise: any NoiseDistribution { get { state.noise } _modify { yield &state.noise } }
    /// G's and D's models, networks, update rules, optimizers and frozen flags.
    public internal(set) var players: PlayerStates { get { state.players } _modify { yield &state.players } }
    /// The generator.
    public internal(set) var generator: Sequential {
        get { state.players.generator.network } _modify { yield &state.players.generator.network }
    }
    /// The discriminator (critic).
    public internal(set) var discriminator: Sequential {
        get { state.players.discriminator.network } _modify { yield &state.players.discriminator.network }
    }
    /// The objective.
    public internal(set) var loss: any Loss { get { state.loss } _modify { yield &state.loss } }
    /// Samples per batch (real and generated alike).
    public internal(set) var batchSize: Int { get { state.batchSize } _modify { yield &state.batchSize } }
    /// Generator iterations completed.
    public internal(set) var iteration: Int { get { state.iteration } _modify { yield &state.iteration } }
    /// What training recorded.
    public internal(set) var history: History { get { state.history } _modify { yield &state.history } }
    /// Active training hooks (tricks), in the order they run.
    public internal(set) var hooks: [any TrainingHook] { get { state.hooks } _modify { yield &state.hooks } }
    /// The toy game played instead of the networks, when one is.
    public internal(set) var game: ToyGame? { get { state.game } _modify { yield &state.game } }
    /// Named in-memory snapshots.
    var snapshots: [(name: String, state: SessionSnapshot)] = []
    /// D statistics of `stepDiscriminator` calls not yet completed by `stepGenerator`.
    var pendingCritic: CriticOutcome? { get { state.pendingCritic } _modify { yield &state.pendingCritic } }
    /// What was done to this session that a replay must do again, in order: its configuration's entries,
    /// then every change, trick, step and measurement (the shell records them; `save` writes them as
    /// commands). Snapshots keep and restore it with everything else.
    public var journal: [JournalEntry] { get { state.journal } _modify { yield &state.journal } }
    /// The most memory training may need, in bytes (`trainingFootprint` estimates it): a change of the
    /// configuration that would need more is refused before anything is allocated, and so is `train`.
    public var memoryBudget = TrainingFootprint.defaultBudget
    /// Whether changes of the configuration build the networks. A session that only records its
    /// configuration (`configurationOnly`) builds none and leaves judging its memory to whoever reads it.
    let buildsNetworks: Bool

    /// The default experiment: a small non-saturating GAN on ring8 (G and D 2→128→128, ReLU; Adam 1e-4,
    /// β = (0.5, 0.999); batch 128), seeded.
    public convenience init(seed: UInt64 = 1) throws {
        try self.init(seed: seed, buildingNetworks: true)
    }

    /// A session that records configuration commands without building any network (its networks stay
    /// empty) and without judging intermediate configurations against the memory budget: how a
    /// checkpoint's declared configuration is read before its tensors are checked against it, so that a
    /// file cannot make Gantry build a network it then throws away.
    public static func configurationOnly(seed: UInt64 = 1) throws -> Session {
        try Session(seed: seed, buildingNetworks: false)
    }

    private convenience init(seed: UInt64, buildingNetworks: Bool) throws {
        guard let ring = Plugins.datasets.named("ring8") else { throw SessionError("no ring8 data set is registered") }
        let model = try Plugins.defaultModel.init(try ParameterValues(Plugins.defaultModel.spec))
        let adam = try AdamRule.make()
        func player() -> PlayerState {
            PlayerState(model: model, network: Sequential([]), rule: adam, optimizer: adam.makeOptimizer())
        }
        self.init(state: SessionState(
            seed: seed, streams: RandomStreams(seed: seed), dataset: try ring.make(try ParameterValues(ring.spec)),
            noise: try NormalNoise(dimension: 2), loss: try NonSaturatingLoss(try ParameterValues(NonSaturatingLoss.spec)),
            players: PlayerStates(generator: player(), discriminator: player()), batchSize: 128), buildingNetworks: buildingNetworks)
        if buildingNetworks {
            generator = try buildNetwork(.generator)
            discriminator = try buildNetwork(.discriminator)
        }
        journal = configuration.entries
    }

    private init(state: SessionState, buildingNetworks: Bool) {
        self.state = state
        buildsNetworks = buildingNetworks
    }

    /// A session made from a configuration, without any interpreter: what a checkpoint's configuration is
    /// restored by. Its networks are freshly initialised from the seed (as `buildNetwork` makes them, so
    /// they are those any replay of the configuration's commands would make), its optimizers start empty,
    /// and its journal is the configuration's entries. Refused when a plugin is not registered, a model
    /// does not fit its player, or (when it builds networks) training would need more than `memoryBudget`.
    /// A session that does not build networks leaves them empty, as `configurationOnly`.
    public static func configured(_ configuration: SessionConfiguration, buildingNetworks: Bool = true,
                                  memoryBudget: Int = TrainingFootprint.defaultBudget) throws -> Session {
        let c = configuration
        func player(_ player: Player) throws -> PlayerState {
            let rule = try Plugins.optimizers.entry(for: c.optimizers[player]).init(c.optimizers[player].parameters)
            var state = PlayerState(model: try Plugins.models.entry(for: c.models[player]).init(c.models[player].parameters),
                                    network: Sequential([]), rule: rule, optimizer: rule.makeOptimizer())
            state.isFrozen = c.frozen[player]
            return state
        }
        guard c.batchSize > 0 else { throw SessionError("a batch needs at least one sample, not \(c.batchSize)") }
        var state = SessionState(
            seed: c.seed, streams: RandomStreams(seed: c.seed),
            dataset: try Plugins.datasets.entry(for: c.dataset).make(c.dataset.parameters),
            noise: try Plugins.noise.entry(for: c.noise).init(c.noise.parameters),
            loss: try Plugins.losses.entry(for: c.loss).make(c.loss.parameters),
            players: PlayerStates(generator: try player(.generator), discriminator: try player(.discriminator)),
            batchSize: c.batchSize)
        state.game = try c.game.map { ToyGame(try Plugins.games.entry(for: $0).init($0.parameters)) }
        state.definitions = c.definitions
        state.libraries = c.libraries
        // The configuration writes the noise out, as a script or a checkpoint holds it: it is chosen.
        state.noiseIsChosen = true
        let session = Session(state: state, buildingNetworks: buildingNetworks)
        session.memoryBudget = memoryBudget
        for player in Player.allCases { try session.checkModel(player) }
        if buildingNetworks {
            try session.checkMemoryBudget()
            session.generator = try session.buildNetwork(.generator)
            session.discriminator = try session.buildNetwork(.discriminator)
        }
        session.journal = c.entries
        return session
    }

    /// The configuration as one value: seed, data, noise, both models, loss, both update rules, batch size,
    /// frozen players and the toy game.
    public var configuration: SessionConfiguration {
        SessionConfiguration(
            seed: seed, dataset: PluginSetting(dataset), noise: PluginSetting(noise),
            models: PerPlayer(generator: PluginSetting(model(.generator)), discriminator: PluginSetting(model(.discriminator))),
            loss: PluginSetting(loss),
            optimizers: PerPlayer(generator: PluginSetting(rule(.generator)), discriminator: PluginSetting(rule(.discriminator))),
            batchSize: batchSize, frozen: PerPlayer(generator: isFrozen(.generator), discriminator: isFrozen(.discriminator)),
            game: game?.setting, definitions: state.definitions, libraries: state.libraries)
    }

    /// Makes `definition` a plugin (`PluginDefinition.register`) that this session's configuration keeps;
    /// whether it is new to the session.
    @discardableResult
    public func define(_ definition: PluginDefinition) throws -> Bool {
        try definition.register()
        guard !state.definitions.contains(definition) else { return false }
        state.definitions.append(definition)
        return true
    }

    /// Records what was done in the journal, after the definition of the plugin it names when this
    /// session's configuration lacks it (a snapshot or a `seeds` block put back from before the `define`),
    /// so that `save` always writes a definition before its use.
    public func record(_ entry: JournalEntry) {
        // Likewise the library of a compiled plugin, so that `save` writes `plugin load` before its use.
        if let library = PluginLibraries.needed(by: entry), !state.libraries.contains(library) {
            state.libraries.append(library)
            journal.append(.library(library))
        }
        if let definition = PluginDefinition.needed(by: entry), !state.definitions.contains(definition) {
            state.definitions.append(definition)
            journal.append(.define(definition))
        }
        journal.append(entry)
    }

    /// What a trick may see and change of this session: what `Trick.init` receives, and `attach` and `detach`.
    public var trickEnvironment: TrickEnvironment { TrickEnvironment(self) }

    /// A stream of this session by name.
    public func stream(_ name: String) -> RandomStream { streams.stream(name) }

    /// The network of a player.
    public func network(_ player: Player) -> Sequential { players[player].network }

    /// The model plugin of a player.
    public func model(_ player: Player) -> any Model { players[player].model }

    /// The update rule of a player: the plugin its optimizer was made by, with its settings.
    public func rule(_ player: Player) -> any UpdateRule { players[player].rule }

    /// The optimizer of a player.
    public func optimizer(_ player: Player) -> any Optimizer { players[player].optimizer }

    /// Whether a player's updates are skipped.
    public func isFrozen(_ player: Player) -> Bool { players[player].isFrozen }

    /// The width D's input has: the data dimension times every hook's input multiplier (packing).
    public var discriminatorInputWidth: Int {
        hooks.reduce(dataset.dimension) { $0 * $1.discriminatorInputMultiplier }
    }

    /// The widths at the ends of a player's network: G maps noise to data, D (packed) data to one score.
    public func widths(_ player: Player) -> (input: Int, output: Int) {
        switch player {
        case .generator: (noise.dimension, dataset.dimension)
        case .discriminator: (discriminatorInputWidth, 1)
        }
    }

    /// The image layout of a player's data end, when the data are images: what G writes, and what D reads
    /// with the images of every packed sample side by side as channels.
    public func imageShape(_ player: Player) -> ImageShape? {
        switch player {
        case .generator: dataset.imageShape
        case .discriminator: dataset.imageShape?.stacking(discriminatorInputWidth / dataset.dimension)
        }
    }

    /// A freshly initialised network for `player` from its model. The weights come from the
    /// stream "init.G" / "init.D" started afresh for every build, so they depend only on the seed and the
    /// architecture, never on how often the network was rebuilt before: a saved script replays to the same
    /// weights whatever session it is run in.
    func buildNetwork(_ player: Player) throws -> Sequential {
        try checkModel(player)
        let (input, output) = widths(player)
        return try model(player).build(player, input: input, output: output, image: imageShape(player),
                                       using: RandomStream(seed: seed, name: "init." + player.rawValue))
    }

    /// Refuses a model that does not fit the player or the dimensions (checked without building it).
    func checkModel(_ player: Player) throws {
        let (input, output) = widths(player)
        try model(player).check(player, input: input, output: output, image: imageShape(player))
    }

    /// Replaces the data set. When its dimension differs, both networks are rebuilt (freshly initialised,
    /// optimizer memory cleared) and the returned note says so. Refused, before the networks are built,
    /// when training on it would need more memory than allowed (the points themselves and networks as
    /// wide as the data).
    @discardableResult
    public func setDataset(_ newDataset: any Dataset) throws -> String? {
        let rebuild = newDataset.dimension != dataset.dimension || newDataset.imageShape != dataset.imageShape
        let previous = dataset
        let before = trainingFootprint
        dataset = newDataset
        do {
            try checkMemoryBudgetOfChange(comparedTo: before)
            if rebuild { try rebuildNetworks([.generator, .discriminator]) }
        } catch {
            dataset = previous
            throw error
        }
        guard rebuild else { return nil }
        let change = newDataset.dimension != previous.dimension
            ? "the data dimension changed from \(previous.dimension) to \(newDataset.dimension)"
            : "the image layout changed from \(previous.imageShape.map { "\($0)" } ?? "none") to \(newDataset.imageShape.map { "\($0)" } ?? "none")"
        return change + ": G and D were rebuilt with fresh weights"
    }

    /// Replaces the noise distribution; a new dimension rebuilds G (and says so).
    @discardableResult
    public func setNoise(_ newNoise: any NoiseDistribution) throws -> String? {
        let rebuild = newNoise.dimension != noise.dimension
        let previous = noise
        let before = trainingFootprint
        noise = newNoise
        do {
            try checkMemoryBudgetOfChange(comparedTo: before)
            if rebuild { try rebuildNetworks([.generator]) }
        } catch {
            noise = previous
            throw error
        }
        state.noiseIsChosen = true
        guard rebuild else { return nil }
        return "the noise dimension changed from \(previous.dimension) to \(newNoise.dimension): G was rebuilt with fresh weights"
    }

    /// Rebuilds a player's network from a model plugin (fresh weights, optimizer memory cleared). The same
    /// model with the same parameters as now changes nothing (so replaying a saved configuration is exact).
    /// Refused before building when training would need more memory than allowed. A generator model
    /// designed for a latent size (`Model.latentDimension`) brings normal noise of that size when nobody
    /// chose the noise, and the returned note says so.
    @discardableResult
    public func setModel(_ player: Player, _ newModel: any Model) throws -> String? {
        let previous = model(player)
        if previous.isSame(as: newModel) { return nil }
        let (previousNoise, before) = (noise, trainingFootprint)
        var latent: Int?
        if player == .generator && !state.noiseIsChosen, let dimension = newModel.latentDimension, dimension != noise.dimension {
            noise = try NormalNoise(dimension: dimension)
            latent = dimension
        }
        players[player].model = newModel
        do {
            try checkMemoryBudgetOfChange(comparedTo: before)
            try rebuildNetworks([player])
        } catch {
            players[player].model = previous
            noise = previousNoise
            throw error
        }
        return latent.map { "the noise dimension changed from \(previousNoise.dimension) to \($0), the latent size \(newModel.name) is "
            + "designed for: the noise is now normal dim=\($0) (`noise …` chooses another)" }
    }

    func rebuildNetworks(_ players: [Player]) throws {
        guard buildsNetworks else {
            for player in players { try checkModel(player) }
            return
        }
        var built: [Player: Sequential] = [:]
        for player in players { built[player] = try buildNetwork(player) }
        for (player, network) in built {
            optimizer(player).state = OptimizerState()
            self.players[player].network = network
        }
    }

    /// Stops (or resumes) players' updates; their gradients are still computed and recorded in the history.
    public func freeze(_ change: FreezeChange) {
        for player in Player.allCases { players[player].isFrozen = change.frozen(player, wasFrozen: isFrozen(player)) }
    }

    /// Switches the objective; both networks keep their weights and both optimizers their memory.
    /// Refused when its gradient penalties would need more memory than allowed.
    public func setLoss(_ newLoss: any Loss) throws {
        let (previous, before) = (loss, trainingFootprint)
        loss = newLoss
        do {
            try checkMemoryBudgetOfChange(comparedTo: before)
        } catch {
            loss = previous
            throw error
        }
    }

    /// Sets a player's optimizer. The same optimizer with new settings keeps its memory (moments,
    /// buffers, step counts); a different one starts fresh. Refused when its state would need more memory
    /// than allowed.
    public func setOptimizer(_ player: Player, _ rule: any UpdateRule) throws {
        try setOptimizers([(player, rule)])
    }

    /// `setOptimizer` for several players at once: all of them, or (refused) none.
    public func setOptimizers(_ changes: [(player: Player, rule: any UpdateRule)]) throws {
        let previous = players, before = trainingFootprint
        for change in changes { players[change.player].rule = change.rule }
        do {
            try checkMemoryBudgetOfChange(comparedTo: before)
        } catch {
            players = previous
            throw error
        }
        for (player, rule) in changes {
            let replacement = rule.makeOptimizer()
            if previous[player].rule.sharesMemory(with: rule) { replacement.state = optimizer(player).state }
            players[player].optimizer = replacement
        }
    }

    /// Sets the number of samples per batch; refused when its activations would need more memory than allowed.
    public func setBatchSize(_ size: Int) throws {
        guard size > 0 else { throw SessionError("a batch needs at least one sample, not \(size)") }
        let (previous, before) = (batchSize, trainingFootprint)
        batchSize = size
        do {
            try checkMemoryBudgetOfChange(comparedTo: before)
        } catch {
            batchSize = previous
            throw error
        }
    }

    /// `checkMemoryBudget(comparedTo:)`, except in a session that only records its configuration.
    private func checkMemoryBudgetOfChange(comparedTo before: TrainingFootprint) throws {
        if buildsNetworks { try checkMemoryBudget(comparedTo: before) }
    }

    /// Adds a training hook at the end of the list, then lets it change the session (`attach`).
    public func addHook(_ hook: any TrainingHook) {
        hooks.append(hook)
        hook.attach(to: trickEnvironment)
    }

    /// Removes the hook called `name`, then lets it undo its changes (`detach`); returns whether there was one.
    @discardableResult
    public func removeHook(named name: String) -> Bool {
        let removed = hooks.filter { $0.name == name }
        hooks.removeAll { $0.name == name }
        for hook in removed { hook.detach(from: trickEnvironment) }
        return !removed.isEmpty
    }

    /// Starts over with `seed`: new streams, freshly initialised networks, empty optimizer memory, history
    /// and iteration count, and the tricks that are on made afresh; data, noise, models, loss and optimizer
    /// settings are kept. The journal starts again with the configuration and the tricks.
    public func reseed(_ newSeed: UInt64) throws {
        // The tricks start over too, made afresh after the networks as a replay of the journal (`seed`, the
        // configuration, then each `trick on`) makes them; their changes are undone first, so that the
        // configuration the journal starts with is the one they were switched on over.
        let tricks = hooks.compactMap { $0 as? any Trick }
        for trick in tricks.reversed() { removeHook(named: trick.name) }
        seed = newSeed
        streams = RandomStreams(seed: newSeed)
        for player in Player.allCases { players[player].optimizer = rule(player).makeOptimizer() }
        if buildsNetworks {
            generator = try buildNetwork(.generator)
            discriminator = try buildNetwork(.discriminator)
        }
        iteration = 0
        history = History()
        pendingCritic = nil
        game = game?.restarted
        var entries = configuration.entries
        for trick in tricks {
            guard let entry = Plugins.tricks.named(trick.name) else { throw SessionError("the trick \(trick.name) is no longer registered") }
            addHook(try entry.make(trick.parameters, environment: trickEnvironment))
            entries.append(.trickOn(PluginSetting(trick)))
        }
        journal = entries
    }
}

/// Why the session refused a request.
public struct SessionError: Error, Equatable, CustomStringConvertible {
    /// What went wrong.
    public let description: String
    /// An error with its message.
    public init(_ description: String) { self.description = description }
}
