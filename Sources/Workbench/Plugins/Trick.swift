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

    /// What this trick, switched on, changes in the memory training needs: its type's `plan` with its
    /// parameters, unless the instance knows more (a defined penalty's gradient norms).
    func plan(_ plan: inout TrainingPlan)
}

extension Trick {
    /// Nothing to add.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {}

    /// What this trick, switched on, changes in the memory training needs: its type's plan.
    public func plan(_ plan: inout TrainingPlan) { Self.plan(&plan, parameters) }
}

/// A trick registry entry as a value: its declaration and how the trick is made, restored from a checkpoint
/// and planned for. A built-in trick's entry is made from its type; a penalty defined in the language
/// (`define penalty`) has an entry made from its `PluginDefinition`, so everything that reads the registry
/// reads both the same way.
public struct TrickEntry: @unchecked Sendable {
    /// The declaration help, completion, validation, `list`, `save` and checkpoints read.
    public let spec: PluginSpec
    /// The Swift type that does the work.
    public let implementation: any Trick.Type
    /// The definition it was made from, for a defined trick.
    public let definition: PluginDefinition?
    private let maker: (ParameterValues, TrickEnvironment) throws -> any Trick
    private let restorer: (ParameterValues, JSONValue, String, [Player: Sequential], inout TensorReader) throws -> any Trick
    private let planner: (inout TrainingPlan, ParameterValues) -> Void

    /// The entry of a trick type.
    public init(_ type: any Trick.Type) {
        self.init(spec: type.spec, implementation: type, definition: nil,
                  make: { try type.init($0, environment: $1) },
                  restore: { try type.restored($0, state: $1, prefix: $2, networks: $3, &$4) },
                  plan: { type.plan(&$0, $1) })
    }

    init(spec: PluginSpec, implementation: any Trick.Type, definition: PluginDefinition?,
         make: @escaping (ParameterValues, TrickEnvironment) throws -> any Trick,
         restore: @escaping (ParameterValues, JSONValue, String, [Player: Sequential], inout TensorReader) throws -> any Trick,
         plan: @escaping (inout TrainingPlan, ParameterValues) -> Void) {
        self.spec = spec
        self.implementation = implementation
        self.definition = definition
        maker = make
        restorer = restore
        planner = plan
    }

    /// The trick switched on with validated `parameters` (`Trick.init(_:environment:)`).
    public func make(_ parameters: ParameterValues, environment: TrickEnvironment) throws -> any Trick {
        try maker(parameters, environment)
    }

    /// The trick as a checkpoint saved it (`Trick.restored`).
    public func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                         networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> any Trick {
        try restorer(parameters, state, prefix, networks, &tensors)
    }

    /// What switching it on with `parameters` changes in the memory training needs (`Trick.plan`).
    public func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) { planner(&plan, parameters) }
}

extension PluginRegistry<TrickEntry> {
    /// Adds a trick type after the others (see `register(_:)`).
    public func register(_ type: any Trick.Type) throws { try register(TrickEntry(type)) }
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
