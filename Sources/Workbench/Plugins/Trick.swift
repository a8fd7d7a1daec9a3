/// A training trick: a declared plugin that plugs into the training step as a hook. `trick on NAME`
/// creates one from validated parameters; `trick off NAME` removes it.
public protocol Trick: TrainingHook, Plugin {
    /// A trick for `session` with validated parameters; it may refuse (an incompatible loss).
    init(_ parameters: ParameterValues, session: Session) throws
    /// What switching the trick on with `parameters` changes in the memory training needs: state it keeps,
    /// layers it adds, work it adds to each update (`Session.checkMemoryBudget` asks before it is made).
    static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues)
}

extension Trick {
    /// Nothing to add.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {}
}
