import NeuralNet

/// A training trick: a declared plugin that plugs into the training step as a hook. `trick on NAME`
/// creates one from validated parameters; `trick off NAME` removes it.
///
/// A trick is made in two ways only: `init(_:environment:)` when a user switches it on, and `restored` when a
/// checkpoint brings it back. Checkpointing is part of the declaration, so a trick that does not say what
/// it keeps does not compile: a trick with state of its own implements `checkpointState` and `restored`; a
/// trick without any declares it by conforming to `StatelessTrick` instead.
public protocol Trick: TrainingHook, Plugin {
    /// The trick switched on with validated parameters: it checks what it needs of the session (a loss, a
    /// network shape, other tricks) and throws, with the message `trick on` shows, when it cannot work there.
    /// What it changes in the session belongs in `attach`, unless the check cannot be separated from the
    /// change (a layer that must fit into D).
    init(_ parameters: ParameterValues, environment: TrickEnvironment) throws

    /// The trick's state beyond its parameters, as JSON, its tensors appended to `file` under `prefix`
    /// ("trick.NAME"), `networks` being the session's. What it returns is what `restored` receives; the
    /// format is that of every checkpoint written before, so it may only grow in ways old files still satisfy.
    func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue

    /// The trick with `parameters` and the saved `state`, made without consulting or changing a session:
    /// the session it returns to is already as the trick left it, its networks being `networks`. Throws,
    /// naming the file through `tensors.failure`, for a state no `checkpointState` could have written.
    static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> Self

    /// What switching the trick on with `parameters` changes in the memory training needs: state it keeps,
    /// layers it adds, work it adds to each update (`Session.checkMemoryBudget` asks before it is made, since
    /// some tricks change the networks as they are made). The factors are measured against the resident
    /// memory a training step really adds (MemoryGuardTests).
    static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues)
}

extension Trick {
    /// Nothing to add.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {}
}

/// A trick whose only state is its parameters: what it changes lives in the networks (layers and buffers
/// the checkpoint keeps with them) or in the session's streams. Conforming is the declaration; it gives
/// the checkpoint support and the copy such a trick needs.
public protocol StatelessTrick: Trick {
    /// The trick from validated parameters alone, without consulting or changing a session.
    init(restoring parameters: ParameterValues) throws
}

extension StatelessTrick {
    /// Nothing beyond the parameters.
    public func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue { .null }

    /// The trick from its parameters; the state is ignored, as every earlier checkpoint wrote null.
    public static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                                networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> Self {
        try Self(restoring: parameters)
    }

    /// Itself: with nothing to change after it is made, a snapshot may share it.
    public func copy() -> any TrainingHook { self }
}
