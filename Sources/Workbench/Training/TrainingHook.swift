import Autodiff
import NeuralNet

/// What a hook may read during a D or G update: the session, through a view that cannot change it.
public struct TrainingContext {
    /// The session being trained.
    public let session: SessionView
    /// The generator iteration in progress (0-based).
    public let iteration: Int

    init(session: Session, iteration: Int) {
        self.session = SessionView(session)
        self.iteration = iteration
    }
}

/// A plug-in point in the training step: tricks implement the stages they change, and every stage defaults
/// to doing nothing, so a trick's file shows exactly where it acts.
public protocol TrainingHook: AnyObject {
    /// The hook's name, for messages.
    var name: String { get }
    /// Before each D update (`update` .discriminator) and G update (.generator), just before this hook's
    /// `prepareDiscriminatorInputs`: puts back what the trick had changed in a network that was rebuilt
    /// while it was on (a new model, data dimension or seed), at the same point of the update as before.
    func repair(_ environment: TrickEnvironment, before update: Player) throws
    /// Transforms the batches D sees (instance noise, packing); called once per D update and once per G
    /// update (with `real` nil on the G update).
    func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws -> (real: Tensor?, fake: Tensor)
    /// The real target of cross-entropy losses (label smoothing), or nil to leave it at 1.
    func realTarget(_ context: TrainingContext) -> Float?
    /// The fake target of cross-entropy losses (two-sided label smoothing), or nil to leave it at 0.
    func fakeTarget(_ context: TrainingContext) -> Float?
    /// An extra term for D's loss (historical averaging of D).
    func discriminatorPenalty(_ context: TrainingContext) throws -> Tensor?
    /// An extra term for D's loss computed from what the loss sees: D's outputs, the batches and D itself
    /// (a penalty defined in the language).
    func discriminatorLossTerm(_ input: DiscriminatorLossInput, _ context: TrainingContext) throws -> Tensor?
    /// After each D update.
    func afterDiscriminatorUpdate(_ context: TrainingContext) throws
    /// A replacement for G's objective (feature matching), given the generated batch as D saw it and D's
    /// scores on it. A hook that needs real samples draws them from its own stream, so switching it on
    /// never changes the data batches of training.
    func generatorObjective(fake: Tensor, fakeScores: Tensor, _ context: TrainingContext) throws -> Tensor?
    /// An extra term for G's loss (historical averaging of G).
    func generatorPenalty(_ context: TrainingContext) throws -> Tensor?
    /// After each G update.
    func afterGeneratorUpdate(_ context: TrainingContext) throws
    /// An independent copy of the hook and its state (snapshots, and rolling back a failed iteration).
    func copy() -> any TrainingHook
    /// Whether D still scores each sample on its own with this hook on (false for tricks that compare the
    /// samples of a batch, such as minibatch discrimination), so real and generated batches may share a call.
    var keepsSamplesIndependent: Bool { get }
    /// Whether it puts rows of its own into every batch D sees (VBN's reference rows in D), which a hook
    /// that reads D's batch as a whole would take for samples.
    var addsRowsToDiscriminatorBatch: Bool { get }
    /// Whether it compares or averages the rows of D's batch (minibatch discrimination's similarities,
    /// feature matching's mean features), so that rows another hook adds would change what it computes.
    var readsDiscriminatorBatchAsAWhole: Bool { get }
    /// Whether it changes the samples D sees before D scores them (instance noise), so that a hook comparing
    /// them with samples it draws itself compares unlike things.
    var noisesDiscriminatorInputs: Bool { get }
    /// Why running together with `other` departs from what the theory of this trick assumes, when it does
    /// and the combination is still worth running (a refusal belongs in `init`); nil when it does not. The
    /// shell shows it as a warning at `trick on`, whichever of the two came first.
    func caveat(besides other: any TrainingHook) -> String?
    /// Whether it only works with a cross-entropy loss (label smoothing's targets): the shell warns when
    /// the loss changes to one without targets while it is on.
    var needsCrossEntropyLoss: Bool { get }
    /// Called by `Session.addHook` once the hook is in the list: a trick that changes the session
    /// (learning rates, D's architecture) does so here, through what `environment` allows, after `init` has
    /// validated it and after the hook of the same name it replaces has been detached. Snapshots and
    /// rollbacks do not call it: they restore the session already changed.
    func attach(to environment: TrickEnvironment)
    /// Called by `Session.removeHook` once the hook is out of the list: undoes what `attach` did.
    func detach(from environment: TrickEnvironment)
    /// How many samples D sees per input row (packing); `Session.discriminatorInputWidth` multiplies by it.
    var discriminatorInputMultiplier: Int { get }
    /// The network to sample G from for metrics and plots instead of the trained G (an EMA copy), or nil.
    var samplingGenerator: Sequential? { get }
    /// Whether each iteration is an extrapolation followed by the real update from the point before it
    /// (extragradient): the session then runs the iteration's updates twice.
    var extrapolatesIterations: Bool { get }
    /// Whether it accumulates something at every update (averages, a pool of samples), so that an update
    /// that is later undone (an extrapolation) would leave its trace there.
    var accumulatesOverUpdates: Bool { get }
}

extension TrainingHook {
    /// Nothing to put back.
    public func repair(_ environment: TrickEnvironment, before update: Player) throws {}
    public func prepareDiscriminatorInputs(real: Tensor?, fake: Tensor, _ context: TrainingContext) throws -> (real: Tensor?, fake: Tensor) {
        (real, fake)
    }
    /// No smoothing.
    public func realTarget(_ context: TrainingContext) -> Float? { nil }
    /// No smoothing.
    public func fakeTarget(_ context: TrainingContext) -> Float? { nil }
    /// No penalty.
    public func discriminatorPenalty(_ context: TrainingContext) throws -> Tensor? { nil }
    /// No term.
    public func discriminatorLossTerm(_ input: DiscriminatorLossInput, _ context: TrainingContext) throws -> Tensor? { nil }
    public func afterDiscriminatorUpdate(_ context: TrainingContext) throws {}
    /// The loss's own objective.
    public func generatorObjective(fake: Tensor, fakeScores: Tensor, _ context: TrainingContext) throws -> Tensor? { nil }
    /// No penalty.
    public func generatorPenalty(_ context: TrainingContext) throws -> Tensor? { nil }
    public func afterGeneratorUpdate(_ context: TrainingContext) throws {}
    /// Independent by default.
    public var keepsSamplesIndependent: Bool { true }
    /// No rows of its own.
    public var addsRowsToDiscriminatorBatch: Bool { false }
    /// Row by row.
    public var readsDiscriminatorBatchAsAWhole: Bool { false }
    /// D's inputs as they are.
    public var noisesDiscriminatorInputs: Bool { false }
    /// Nothing to say.
    public func caveat(besides other: any TrainingHook) -> String? { nil }
    /// Any loss.
    public var needsCrossEntropyLoss: Bool { false }
    /// Nothing to change.
    public func attach(to environment: TrickEnvironment) {}
    /// Nothing to undo.
    public func detach(from environment: TrickEnvironment) {}
    /// One sample per row.
    public var discriminatorInputMultiplier: Int { 1 }
    /// The trained G.
    public var samplingGenerator: Sequential? { nil }
    /// One update per update.
    public var extrapolatesIterations: Bool { false }
    /// Nothing kept across updates.
    public var accumulatesOverUpdates: Bool { false }
}
