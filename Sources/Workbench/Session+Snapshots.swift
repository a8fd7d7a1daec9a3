import Autodiff
import NeuralNet

/// Everything a session is, copied: restoring it gives back the same experiment, bit for bit.
public struct SessionSnapshot {
    /// A deep copy of the session's state, never installed itself (installing copies it again).
    let state: SessionState
}

/// The state at the start of a training iteration, kept so that a failed iteration can be undone: the
/// state value itself (so every field of it comes back), and what it holds by reference and training
/// changes in place (weights, optimizer memory, stream positions, the hooks' own state). Parameter values
/// and optimizer memory are immutable tensors, so keeping them copies nothing.
struct RollbackPoint {
    /// The state, its history left out: the history grows in place during the iteration, and `roll`
    /// truncates it instead of keeping a second reference that would make each appended row copy it.
    let state: SessionState
    let values: [(parameter: Parameter, value: Tensor)]
    let optimizerStates: [Player: OptimizerState]
    let streamPositions: [(name: String, position: UInt64)]
    let rowCount: Int
    let measurementCount: Int
}

extension Session {
    /// Every parameter and buffer object of both networks.
    var allParameterObjects: [Parameter] {
        generator.parameters + generator.buffers + discriminator.parameters + discriminator.buffers
    }

    /// A deep copy of the session's state (named snapshots, and commands that must apply entirely or
    /// not at all).
    public func makeSnapshot() -> SessionSnapshot { SessionSnapshot(state: state.deepCopy()) }

    /// Installs a copy of a snapshot (the snapshot itself stays unchanged, so it can be restored again).
    public func install(_ snapshot: SessionSnapshot) { state = snapshot.state.deepCopy() }

    /// Keeps the whole session under `name` (replacing an earlier snapshot of that name).
    public func saveSnapshot(_ name: String) {
        let copy = makeSnapshot()
        if let index = snapshots.firstIndex(where: { $0.name == name }) {
            snapshots[index].state = copy
        } else {
            snapshots.append((name, copy))
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
        install(entry.state)
    }

    /// The names of the snapshots, in the order they were first taken.
    public var snapshotNames: [String] { snapshots.map(\.name) }

    /// The state at the start of an iteration.
    func rollbackPoint() -> RollbackPoint {
        var kept = state
        kept.history = History()
        kept.hooks = hooks.map { $0.copy() }
        return RollbackPoint(state: kept, values: allParameterObjects.map { ($0, $0.value) },
                             optimizerStates: Dictionary(uniqueKeysWithValues: Player.allCases.map { ($0, optimizer($0).state) }),
                             streamPositions: streams.positions, rowCount: history.rows.count,
                             measurementCount: history.measurements.count)
    }

    /// Undoes everything since `point` was taken.
    func roll(backTo point: RollbackPoint) {
        var history = self.history
        self.history = History()
        history.truncate(rows: point.rowCount, measurements: point.measurementCount)
        state = point.state
        self.history = history
        for (parameter, value) in point.values { parameter.value = value }
        for (player, memory) in point.optimizerStates { optimizer(player).state = memory }
        // Fresh streams at the kept positions: a stream first used during the iteration starts again from
        // 0, as it would have had the iteration never run.
        streams = RandomStreams(seed: seed)
        streams.restore(positions: point.streamPositions)
    }
}
