import Autodiff
import NeuralNet

/// Everything a session is, copied: restoring it gives back the same experiment, bit for bit.
public struct SessionSnapshot {
    let seed: UInt64
    let streamPositions: [(name: String, position: UInt64)]
    let dataset: any Dataset
    let noise: any NoiseDistribution
    let models: [Player: any Model]
    let generator: Sequential
    let discriminator: Sequential
    let loss: any Loss
    let optimizerSettings: [Player: any UpdateRule]
    let generatorOptimizer: any Optimizer
    let discriminatorOptimizer: any Optimizer
    let batchSize: Int
    let iteration: Int
    let history: History
    let hooks: [any TrainingHook]
    let journal: [String]
    let pendingCritic: CriticOutcome?
    let game: ToyGame?
    let frozen: Set<Player>
}

/// The state one training iteration may change, kept at its start so a failed iteration can be undone.
/// Parameter values and optimizer memory are immutable tensors, so keeping them copies nothing.
struct RollbackPoint {
    let values: [(parameter: Parameter, value: Tensor)]
    let generatorOptimizerState: OptimizerState
    let discriminatorOptimizerState: OptimizerState
    let streamPositions: [(name: String, position: UInt64)]
    let iteration: Int
    let rowCount: Int
    let measurementCount: Int
    let hooks: [any TrainingHook]
    let pendingCritic: CriticOutcome?
}

extension Session {
    /// Every parameter and buffer object of both networks.
    var allParameterObjects: [Parameter] {
        generator.parameters + generator.buffers + discriminator.parameters + discriminator.buffers
    }

    /// The live state, sharing the session's objects (copy it before keeping it).
    private var liveState: SessionSnapshot {
        SessionSnapshot(
            seed: seed, streamPositions: streams.positions, dataset: dataset, noise: noise,
            models: models, generator: generator, discriminator: discriminator, loss: loss,
            optimizerSettings: optimizerSettings, generatorOptimizer: generatorOptimizer,
            discriminatorOptimizer: discriminatorOptimizer, batchSize: batchSize, iteration: iteration,
            history: history, hooks: hooks, journal: journal, pendingCritic: pendingCritic, game: game, frozen: frozen)
    }

    /// A deep copy of the session's state (named snapshots, and commands that must apply entirely or
    /// not at all).
    public func makeSnapshot() -> SessionSnapshot { SessionSnapshotCopier.copy(liveState) }

    /// Installs a copy of a snapshot (the snapshot itself stays unchanged, so it can be restored again).
    public func install(_ snapshot: SessionSnapshot) {
        let fresh = SessionSnapshotCopier.copy(snapshot)
        seed = fresh.seed
        streams = RandomStreams(seed: fresh.seed)
        streams.restore(positions: fresh.streamPositions)
        dataset = fresh.dataset
        noise = fresh.noise
        models = fresh.models
        generator = fresh.generator
        discriminator = fresh.discriminator
        loss = fresh.loss
        optimizerSettings = fresh.optimizerSettings
        generatorOptimizer = fresh.generatorOptimizer
        discriminatorOptimizer = fresh.discriminatorOptimizer
        batchSize = fresh.batchSize
        iteration = fresh.iteration
        history = fresh.history
        hooks = fresh.hooks
        journal = fresh.journal
        pendingCritic = fresh.pendingCritic
        game = fresh.game
        frozen = fresh.frozen
    }

    /// Keeps the whole session under `name` (replacing an earlier snapshot of that name).
    public func saveSnapshot(_ name: String) {
        let state = makeSnapshot()
        if let index = snapshots.firstIndex(where: { $0.name == name }) {
            snapshots[index].state = state
        } else {
            snapshots.append((name, state))
        }
    }

    /// Returns the session to the snapshot `name`; snapshots themselves are kept.
    public func restoreSnapshot(_ name: String) throws {
        guard let entry = snapshots.first(where: { $0.name == name }) else {
            let known = snapshots.map(\.name)
            let hint = Suggestion.closest(to: name, among: known).map { "; did you mean '\($0)'?" }
                ?? (known.isEmpty ? "; none has been taken (use snapshot NAME)" : "; snapshots: " + known.joined(separator: ", "))
            throw SessionError("no snapshot named '\(name)'\(hint)")
        }
        let kept = snapshots
        install(entry.state)
        snapshots = kept
    }

    /// The names of the snapshots, in the order they were first taken.
    public var snapshotNames: [String] { snapshots.map(\.name) }

    /// The state at the start of an iteration.
    func rollbackPoint() -> RollbackPoint {
        RollbackPoint(values: allParameterObjects.map { ($0, $0.value) },
                      generatorOptimizerState: generatorOptimizer.state,
                      discriminatorOptimizerState: discriminatorOptimizer.state,
                      streamPositions: streams.positions, iteration: iteration, rowCount: history.rows.count,
                      measurementCount: history.measurements.count, hooks: hooks.map { $0.copy() },
                      pendingCritic: pendingCritic)
    }

    /// Undoes everything since `point` was taken.
    func roll(backTo point: RollbackPoint) {
        for (parameter, value) in point.values { parameter.value = value }
        generatorOptimizer.state = point.generatorOptimizerState
        discriminatorOptimizer.state = point.discriminatorOptimizerState
        streams.restore(positions: point.streamPositions)
        iteration = point.iteration
        history.truncate(rows: point.rowCount, measurements: point.measurementCount)
        hooks = point.hooks
        pendingCritic = point.pendingCritic
    }
}

/// Copies a snapshot's mutable parts so that installing it never shares objects with it.
enum SessionSnapshotCopier {
    /// A snapshot sharing no mutable object with `s`: networks copied, optimizer memory moved onto the
    /// copied parameters, hooks copied. Immutable parts (data set, loss, settings) are shared.
    static func copy(_ s: SessionSnapshot) -> SessionSnapshot {
        let generator = s.generator.copySequential(), discriminator = s.discriminator.copySequential()
        var replacements: [ObjectIdentifier: Parameter] = [:]
        for (original, copy) in [(s.generator, generator), (s.discriminator, discriminator)] {
            for (a, b) in zip(original.namedParameters(prefix: ""), copy.namedParameters(prefix: "")) {
                replacements[ObjectIdentifier(a.parameter)] = b.parameter
            }
        }
        func optimizerCopy(_ player: Player, _ original: any Optimizer) -> any Optimizer {
            let made = s.optimizerSettings[player]!.makeOptimizer()
            made.state = original.state.remapped(replacements)
            return made
        }
        return SessionSnapshot(
            seed: s.seed, streamPositions: s.streamPositions, dataset: s.dataset, noise: s.noise,
            models: s.models, generator: generator, discriminator: discriminator, loss: s.loss,
            optimizerSettings: s.optimizerSettings,
            generatorOptimizer: optimizerCopy(.generator, s.generatorOptimizer),
            discriminatorOptimizer: optimizerCopy(.discriminator, s.discriminatorOptimizer),
            batchSize: s.batchSize, iteration: s.iteration, history: s.history, hooks: s.hooks.map { $0.copy() },
            journal: s.journal, pendingCritic: s.pendingCritic, game: s.game, frozen: s.frozen)
    }
}
