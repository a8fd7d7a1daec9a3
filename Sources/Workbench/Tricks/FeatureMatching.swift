import Autodiff
import Kernels
import NeuralNet

/// `feature-matching`: G matches the batch mean of an intermediate D layer's activations on real data
/// instead of maximising D's output (Salimans et al. 2016, §3.1). D keeps its own loss.
public final class FeatureMatching: StatelessTrick {
    /// The declaration: which D layer, and which distance between the batch means.
    public static let spec = PluginSpec(
        kind: .trick, name: "feature-matching", aliases: ["fm"],
        summary: "G's objective becomes ‖mean f(x) − mean f(G(z))‖² for a hidden D layer f",
        discussion: """
            G minimises a distance between the batch means of f(x) on real data and f(G(z)) on generated \
            data, f being the output of one layer of D (default: the last hidden layer, the layer before D's \
            final Linear). form=l2 is the paper's ‖mean f(x) − mean f(x̃)‖₂² (the default); l1 is the mean \
            absolute difference of the means (the reference CIFAR/SVHN code); mse is the mean squared \
            difference (the reference MNIST code). f(x) is a constant target (no gradient reaches D from \
            it); f(G(z)) is differentiated through D into G. The real batch (batch size rows) is drawn from \
            the stream "trick.feature-matching", so the data batches of training do not change (it is not \
            passed through instance noise: the target is the clean data's features); D still \
            trains with the session's loss. layer is a top-level index of D's layers as `show models` \
            numbers them, or `last` for the last hidden layer (followed when D is rebuilt; with \
            minibatch discrimination in D, the layer before it, whose outputs are still features of each sample).
            """,
        parameters: [layer.spec, form.spec],
        reference: "Salimans et al. 2016, Improved Techniques for Training GANs (NeurIPS), §3.1")

    /// The distance between the batch means.
    public enum Form: String, ParameterChoice {
        /// Σₖ (m_real,k − m_fake,k)².
        case l2
        /// meanₖ |m_real,k − m_fake,k|.
        case l1
        /// meanₖ (m_real,k − m_fake,k)².
        case mse
    }

    static let layer: ParameterKey<String> = .text("layer", default: "last",
                                                   "the D layer whose output is f: its index in `show models`, or last (the last hidden layer)")
    static let form: ParameterKey<Form> = .choice("form", default: .l2,
                                                  "l2: squared L2 norm of the difference of means (paper); l1: mean |difference| (CIFAR code); "
                                                      + "mse: mean squared difference (MNIST code)")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The layer index, or nil for the last hidden layer.
    public let layer: Int?
    /// The distance.
    public let form: Form

    /// Refused when the layer is not a layer of D (or D has no hidden layer).
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        let session = environment.session
        let text = parameters[Self.layer]
        guard text == "last" || (try? NumberSyntax.integer(text, as: Int.self, in: 0...Int.max)) != nil else {
            throw SessionError("feature-matching: layer=\(text) is not a layer index; give the index `show models` "
                               + "shows for D (0 to \(session.discriminator.layers.count - 1)) or last")
        }
        try self.init(restoring: parameters)
        if let other = session.hooks.first(where: \.addsRowsToDiscriminatorBatch) {
            throw SessionError("feature-matching conflicts with \(other.name) in D, whose reference rows would count as real "
                               + "features; switch \(other.name) to players=G first")
        }
        _ = try featureIndex(of: session.discriminator)
    }

    public init(restoring parameters: ParameterValues) throws {
        self.parameters = parameters
        form = parameters[Self.form]
        let text = parameters[Self.layer]
        if text == "last" {
            layer = nil
        } else {
            guard let index = try? NumberSyntax.integer(text, as: Int.self, in: 0...Int.max) else {
                throw SessionError("feature-matching: layer=\(text) is not a layer index (an index of D's layers, or last)")
            }
            layer = index
        }
    }

    /// The layer of `discriminator` that f reads, checked again every step because D may be rebuilt.
    func featureIndex(of discriminator: Sequential) throws -> Int {
        let count = discriminator.layers.count
        guard let index = layer ?? Self.lastSampleFeatureIndex(of: discriminator) else {
            throw SessionError("feature-matching needs a hidden layer in D, and D has none (its first layer is its final Linear)")
        }
        guard index < count else {
            throw SessionError("feature-matching: D has no layer \(index); its layers are 0 to \(count - 1)")
        }
        // The output layer would match D's scores, not features; nothing after it exists to learn from.
        guard index < count - 1 else {
            throw SessionError("feature-matching: layer \(index) is D's output; choose a hidden layer (0 to \(count - 2))")
        }
        return index
    }

    /// `last`: the last hidden layer, or with a layer that compares samples in D (minibatch discrimination)
    /// the layer before it: from there on the features are similarities to the batch-mates, whose batch
    /// mean says how alike a batch is rather than what its samples are.
    static func lastSampleFeatureIndex(of discriminator: Sequential) -> Int? {
        guard let last = discriminator.lastHiddenLayerIndex else { return nil }
        guard let comparing = discriminator.layers.firstIndex(where: \.comparesSamples), comparing <= last else { return last }
        return comparing > 0 ? comparing - 1 : nil
    }

    /// The distance between the batch means of `realFeatures` and `fakeFeatures` ([n, A] each).
    public static func distance(real realFeatures: Tensor, fake fakeFeatures: Tensor, form: Form) throws -> Tensor {
        let difference = try realFeatures.mean(axis: 0) - fakeFeatures.mean(axis: 0)
        switch form {
        case .l2: return difference.squared().sum()
        case .l1: return difference.abs().mean()
        case .mse: return difference.squared().mean()
        }
    }

    /// The feature-matching distance, replacing the loss's generator objective.
    public func generatorObjective(fake: Tensor, fakeScores: Tensor, _ context: TrainingContext) throws -> Tensor? {
        let session = context.session
        let network = session.discriminator
        let path = String(try featureIndex(of: network))
        let stream = session.stream(of: Self.spec.name)
        let real = session.dataset.sample(fake.shape[0], using: stream)
        // Dropout in D (if any) draws from this trick's stream so D's own dropout masks are unchanged.
        let realFeatures = try withoutGradients { () throws -> Tensor in
            let capture = ForwardContext(training: true, stream: stream, capturing: [path])
            _ = try network.forward(real, capture)
            return capture.output(at: path)!.detached()
        }
        let capture = ForwardContext(training: true, stream: stream, capturing: [path])
        _ = try network.forward(fake, capture)
        return try Self.distance(real: realFeatures, fake: capture.output(at: path)!, form: form)
    }

    /// The generated batch reaches G's objective as D saw it, noise included, while the real batch is
    /// clean: the two means differ even when G is the data. A warning rather than a refusal: the gap
    /// shrinks with the noise and is gone once it anneals to 0, which is how instance noise is meant to end.
    public func caveat(besides other: any TrainingHook) -> String? {
        guard other.noisesDiscriminatorInputs else { return nil }
        return "feature-matching compares generated samples with \(other.name)'s noise on them against clean real "
            + "samples, so their mean features differ even when G is the data; the bias lasts until the noise "
            + "anneals to 0 (anneal=linear)"
    }

    /// G's target is the mean of D's features over the real batch.
    public var readsDiscriminatorBatchAsAWhole: Bool { true }

    /// G's update also passes a real batch through D, keeping the features it reads.
    public static func plan(_ plan: inout TrainingPlan, _ parameters: ParameterValues) {
        plan.trickWork.append((spec.name, 0, 2 * TrainingFootprint.float * Double(plan.discriminatorRows * plan.discriminator.floatsPerRow)))
    }
}
