/// A training trick: a declared plugin that plugs into the training step as a hook. `trick on NAME`
/// creates one from validated parameters; `trick off NAME` removes it.
public protocol Trick: TrainingHook {
    /// The declaration that help, completion, validation and `save` read.
    static var spec: PluginSpec { get }
    /// A trick for `session` with validated parameters; it may refuse (an incompatible loss).
    init(_ parameters: ParameterValues, session: Session) throws
    /// The parameters it was made with.
    var parameters: ParameterValues { get }
    /// What switching the trick on with `parameters` changes in the memory training needs: state it keeps,
    /// layers it adds, work it adds to each update (`Session.checkMemoryBudget` asks before it is made).
    static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues)
}

extension Trick {
    /// The spec's name.
    public var name: String { Self.spec.name }
    /// Nothing to add.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {}
    /// `NAME key=value…` as `trick on` takes it.
    public var canonicalText: String { ([Self.spec.name] + parameters.assignments()).joined(separator: " ") }
}

/// Every trick, in the order `list tricks` shows them. The seventh remedy of "From GAN to WGAN", the
/// Wasserstein distance, is a loss (`loss wgan`, `loss wgan-gp`), and `help trick` says so.
public enum TrickRegistry {
    /// The registered tricks.
    nonisolated(unsafe) public static let all: [any Trick.Type] = RemedyTricks.all + ExtraTricks.all

    /// The trick called `name` (or an alias).
    public static func named(_ name: String) -> (any Trick.Type)? {
        all.first { $0.spec.name == name || $0.spec.aliases.contains(name) }
    }
}
