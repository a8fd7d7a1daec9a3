import Autodiff
import Foundation
import NeuralNet

/// Training stopped because a number stopped being finite.
public struct TrainingError: Error, Equatable, CustomStringConvertible {
    /// The quantity that failed: "discriminator loss", "generator gradient", …
    public let quantity: String
    /// The generator iteration that failed (1-based).
    public let iteration: Int
    /// Where in the iteration: "critic update 3 of 5" or "generator update".
    public let stage: String
    /// The value found (NaN or ±∞).
    public let value: Double

    /// What happened and what was kept.
    public var description: String {
        "training stopped at iteration \(iteration) (\(stage)): the \(quantity) is \(Tensor.format(Float(value))); "
            + "the session is as it was after iteration \(iteration - 1)"
    }
}

/// What one D or G update did, for `step d` / `step g`.
public struct UpdateReport: Sendable, Equatable {
    /// Which player was updated.
    public let player: Player
    /// Real samples drawn from the "data" stream (0 for a G update).
    public let realSamples: Int
    /// Noise vectors drawn from the "noise" stream.
    public let noiseSamples: Int
    /// mean D(x) on the real batch (NaN for a G update).
    public let realScore: Double
    /// mean D(x̃) on the generated batch.
    public let fakeScore: Double
    /// The loss that was minimised.
    public let loss: Double
    /// Global L2 norm of the gradient.
    public let gradientNorm: Double
    /// Global L2 norm of the change of the player's parameters.
    public let updateNorm: Double
}

/// What a call to `train` did.
public struct TrainingReport: Sendable, Equatable {
    /// Iterations completed by this call.
    public let iterationsRun: Int
    /// Whether `shouldStop` ended it early.
    public let interrupted: Bool
    /// When `shouldStop` came between two updates of an iteration: how far that iteration had gone
    /// ("after 2 of its 5 critic updates", "before its generator update"). The iteration was undone; nil
    /// when training stopped at an iteration boundary.
    public let undoneIteration: String?

    /// A report.
    public init(iterationsRun: Int, interrupted: Bool, undoneIteration: String? = nil) {
        self.iterationsRun = iterationsRun
        self.interrupted = interrupted
        self.undoneIteration = undoneIteration
    }
}

/// Thrown inside an iteration when `shouldStop` asks to stop between two of its updates; `train` catches it
/// and undoes the iteration.
private struct StoppedBetweenUpdates: Error {
    /// How far the iteration had gone.
    let progress: String
}

extension Session {
    /// Runs `iterations` generator iterations (each n_critic D updates, then one G update), appending a
    /// history row for each. `shouldStop` (Ctrl-C) is polled before every iteration and between the updates
    /// of one: stopped there, the iteration is undone, so the session is always as it was after a whole
    /// number of iterations (what the history and a saved script say), and a long iteration of a large
    /// network does not delay the stop. `afterIteration` sees each new row. A non-finite loss, gradient or
    /// weight throws `TrainingError` and leaves the session exactly as it was after the last good iteration.
    /// A configuration that needs more memory than `memoryBudget` is refused before the first iteration.
    @discardableResult
    public func train(iterations: Int, shouldStop: () -> Bool = { false },
                      afterIteration: (HistoryRow) throws -> Void = { _ in }) throws -> TrainingReport {
        if iterations > 0 {
            try checkMemoryBudget()
            try checkPenaltiesSeeSingleSamples()
            try checkExtrapolation()
        }
        for done in 0..<iterations {
            if shouldStop() { return TrainingReport(iterationsRun: done, interrupted: true) }
            let point = rollbackPoint()
            do {
                let row = try runIteration(shouldStop: shouldStop)
                history.append(row)
                iteration += 1
                try afterIteration(row)
            } catch let stopped as StoppedBetweenUpdates {
                roll(backTo: point)
                return TrainingReport(iterationsRun: done, interrupted: true, undoneIteration: stopped.progress)
            } catch {
                roll(backTo: point)
                throw error
            }
        }
        return TrainingReport(iterationsRun: iterations, interrupted: false)
    }

    /// One generator iteration; the caller records its row, and undoes the iteration when it throws
    /// (`StoppedBetweenUpdates` when `shouldStop` says so before one of its updates but the first).
    func runIteration(shouldStop: () -> Bool = { false }) throws -> HistoryRow {
        guard hooks.contains(where: \.extrapolatesIterations) else { return try ordinaryIteration(shouldStop: shouldStop) }
        let started = DispatchTime.now().uptimeNanoseconds
        let players = Player.allCases.map { network($0).parameters }
        let start = players.map { $0.map(\.value) }
        _ = try ordinaryIteration(shouldStop: shouldStop)
        let extrapolated = players.map { $0.map(\.value) }
        let row = try ordinaryIteration(shouldStop: shouldStop)
        try withoutGradients {
            for (index, parameters) in players.enumerated() {
                for (parameter, (before, (trial, now))) in zip(parameters, zip(start[index], zip(extrapolated[index], parameters.map(\.value)))) {
                    parameter.value = try (before + (now - trial)).requiringGradient()
                }
            }
            let critic = discriminator.parameters
            if let projected = try loss.afterDiscriminatorUpdate(critic.map(\.value)) {
                for (parameter, value) in zip(critic, projected) { parameter.value = value.requiringGradient() }
            }
        }
        var whole = row
        whole.seconds = Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9
        return whole
    }

    /// Refuses an extrapolating trick (extragradient) together with one that accumulates over updates:
    /// checked before training, whichever was switched on first.
    public func checkExtrapolation() throws {
        guard hooks.contains(where: \.extrapolatesIterations),
              let other = hooks.first(where: { $0.accumulatesOverUpdates }) else { return }
        throw SessionError(ExtragradientTrick.refusal(besides: other.name))
    }

    /// The session's iteration: n_critic D updates, then one G update.
    private func ordinaryIteration(shouldStop: () -> Bool) throws -> HistoryRow {
        let started = DispatchTime.now().uptimeNanoseconds
        let context = TrainingContext(session: self, iteration: iteration)
        let number = iteration + 1
        let criticSteps = loss.criticSteps(atIteration: iteration)
        pendingCritic = nil
        var critic = CriticOutcome()
        for step in 1...criticSteps {
            if step > 1, shouldStop() {
                throw StoppedBetweenUpdates(progress: "after \(step - 1) of its \(criticSteps) critic updates")
            }
            critic = try discriminatorUpdate(context, stage: "critic update \(step) of \(criticSteps)", number: number)
        }
        if shouldStop() { throw StoppedBetweenUpdates(progress: "before its generator update") }
        let generatorOutcome = try generatorUpdate(context, number: number)
        return row(number: number, critic: critic, generator: generatorOutcome,
                   seconds: Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9)
    }

    private func row(number: Int, critic: CriticOutcome, generator: GeneratorOutcome, seconds: Double) -> HistoryRow {
        HistoryRow(
            iteration: number, discriminatorLoss: critic.loss, generatorLoss: generator.loss, realScore: critic.real,
            fakeScore: critic.fake, generatorGradientNorm: generator.gradientNorm,
            discriminatorGradientNorm: critic.gradientNorm,
            wassersteinEstimate: loss.estimatesWasserstein ? critic.real - critic.fake : .nan,
            jsEstimate: critic.js, seconds: seconds)
    }

    /// One D update, on its own (GAN Lab's "step D"): it does not complete an iteration, but the next
    /// `stepGenerator` row reports it. Rolls back and throws like `train` on a non-finite number.
    public func stepDiscriminator() throws -> UpdateReport {
        try refuseHalfIteration()
        try checkMemoryBudget()
        try checkPenaltiesSeeSingleSamples()
        let point = rollbackPoint()
        do {
            let before = discriminator.parameters.map(\.value)
            let outcome = try discriminatorUpdate(TrainingContext(session: self, iteration: iteration),
                                                  stage: "single critic update", number: iteration + 1)
            pendingCritic = outcome
            return UpdateReport(player: .discriminator, realSamples: batchSize, noiseSamples: batchSize,
                                realScore: outcome.real, fakeScore: outcome.fake, loss: outcome.loss,
                                gradientNorm: outcome.gradientNorm,
                                updateNorm: changeNorm(before, discriminator.parameters.map(\.value)))
        } catch {
            roll(backTo: point)
            throw error
        }
    }

    /// One G update, on its own (GAN Lab's "step G"): it completes an iteration and records its row,
    /// with the D statistics of the last D update.
    public func stepGenerator() throws -> UpdateReport {
        try refuseHalfIteration()
        try checkMemoryBudget()
        let point = rollbackPoint()
        do {
            let started = DispatchTime.now().uptimeNanoseconds
            let before = generator.parameters.map(\.value)
            let outcome = try generatorUpdate(TrainingContext(session: self, iteration: iteration), number: iteration + 1)
            let critic = pendingCritic ?? CriticOutcome()
            history.append(row(number: iteration + 1, critic: critic, generator: outcome,
                               seconds: Double(DispatchTime.now().uptimeNanoseconds - started) * 1e-9))
            iteration += 1
            pendingCritic = nil
            return UpdateReport(player: .generator, realSamples: 0, noiseSamples: batchSize, realScore: .nan,
                                fakeScore: outcome.fake, loss: outcome.loss, gradientNorm: outcome.gradientNorm,
                                updateNorm: changeNorm(before, generator.parameters.map(\.value)))
        } catch {
            roll(backTo: point)
            throw error
        }
    }

    /// A single D or G update is half of an extragradient iteration's extrapolation, not a step of it.
    private func refuseHalfIteration() throws {
        guard let hook = hooks.first(where: \.extrapolatesIterations) else { return }
        throw SessionError("trick \(hook.name) makes every iteration an extrapolation and an update of both players: step d "
                           + "and step g would take half of one; use step N, or switch the trick off")
    }

    private func changeNorm(_ before: [Tensor], _ after: [Tensor]) -> Double {
        withoutGradients {
            zip(before, after).reduce(0.0) { total, pair in total + ((try? pair.1 - pair.0)?.squaredNorm() ?? .nan) }
        }.squareRoot()
    }

    /// Refuses to train a gradient penalty (WGAN-GP's, R1) with a D that mixes the samples of a batch
    /// (batch normalisation, minibatch discrimination). The penalty differentiates the sum of D's scores
    /// with respect to the batch, which is each sample's own gradient ∇ₓD(x) only when every score depends
    /// on its own sample alone; otherwise the norm it pushes towards 1 (or 0) is of another quantity, and
    /// the run would look like WGAN-GP while constraining nothing the theory names. Checked before every
    /// `step`, since the loss, D and the tricks can each be changed on their own.
    public func checkPenaltiesSeeSingleSamples() throws {
        guard game == nil, loss.gradientPenalties > 0,
              let index = discriminator.layers.firstIndex(where: \.mixesSamples) else { return }
        let layer = discriminator.layers[index]
        let remedy = layer.comparesSamples ? "switch off the trick that added it"
                                           : "rebuild D with norm=layer or norm=none (critic mlp … norm=none)"
        throw SessionError("loss \(loss.name) has a gradient penalty, which needs D to score each sample on its "
                           + "own: it differentiates the sum of D's scores, and that is each sample's gradient only then. "
                           + "D's layer \(index), \(layer.summary), mixes the samples of a batch: \(remedy), "
                           + "or use a loss without a penalty")
    }

    /// One D update on a fresh real batch and a fresh generated one.
    private func discriminatorUpdate(_ context: TrainingContext, stage: String, number: Int) throws -> CriticOutcome {
        let real = dataset.sample(batchSize, using: stream("data"))
        let z = noise.sample(batchSize, using: stream("noise"))
        let generated = try withoutGradients {
            try generator.forward(z, ForwardContext(training: true, stream: stream("dropout.G")))
        }
        var inputs: (real: Tensor?, fake: Tensor) = (real, generated)
        for hook in hooks {
            try hook.repair(trickEnvironment, before: .discriminator)
            inputs = try hook.prepareDiscriminatorInputs(real: inputs.real, fake: inputs.fake, context)
        }
        let forward = ForwardContext(training: true, stream: stream("dropout.D"))
        let network = discriminator
        let critic: (Tensor) throws -> Tensor = { try network.forward($0, forward) }
        let realBatch = inputs.real ?? real
        let (realScores, fakeScores) = try scoresOfBoth(realBatch, inputs.fake, critic)
        let realTarget = hooks.compactMap { $0.realTarget(context) }.last ?? 1
        let fakeTarget = hooks.compactMap { $0.fakeTarget(context) }.last ?? 0
        let lossInput = DiscriminatorLossInput(
            realScores: realScores, fakeScores: fakeScores, real: realBatch, fake: inputs.fake, critic: critic,
            stream: stream("loss"), realTarget: realTarget, fakeTarget: fakeTarget)
        var objective = try loss.discriminatorLoss(lossInput)
        for hook in hooks {
            if let term = try hook.discriminatorLossTerm(lossInput, context) { objective = try objective + term }
            if let penalty = try hook.discriminatorPenalty(context) { objective = try objective + penalty }
        }
        let (value, norm) = try minimise(objective, .discriminator, number, stage) { parameters in
            var changed = !hooks.isEmpty
            if let adjusted = try loss.afterDiscriminatorUpdate(parameters.map(\.value)) {
                for (parameter, value) in zip(parameters, adjusted) { parameter.value = value.requiringGradient() }
                changed = true
            }
            for hook in hooks { try hook.afterDiscriminatorUpdate(context) }
            return changed
        }
        // Statistics only: computed without recording, as nothing differentiates them.
        let (realMean, fakeMean) = withoutGradients { (Double(realScores.mean().scalar!), Double(fakeScores.mean().scalar!)) }
        var js = Double.nan
        if loss.isCrossEntropy {
            // log 2 − ½·L_D with the plain cross-entropy (no smoothing, no penalties), in nats.
            let plain = try withoutGradients {
                try (-realScores.detached()).softplus().mean() + fakeScores.detached().softplus().mean()
            }
            js = log(2) - 0.5 * Double(plain.scalar!)
        }
        return CriticOutcome(loss: value, real: realMean, fake: fakeMean, gradientNorm: norm, js: js)
    }

    /// D's scores on the real and the generated batch. When D treats rows independently (no batch
    /// statistics, no dropout, no trick that compares samples), both batches go through it stacked in one
    /// call: the same function, half the calls. Otherwise two separate calls, as the paper's algorithm.
    private func scoresOfBoth(_ real: Tensor, _ fake: Tensor, _ critic: (Tensor) throws -> Tensor) throws
        -> (real: Tensor, fake: Tensor) {
        guard discriminator.isRowwise && hooks.allSatisfy({ $0.keepsSamplesIndependent }),
              real.rank == 2, fake.rank == 2, real.shape[1] == fake.shape[1] else {
            return (try critic(real), try critic(fake))
        }
        let rows = real.shape[0]
        let scores = try critic(try Tensor.concatenate([real, fake], axis: 0))
        return (try scores.slice(axis: 0, 0..<rows), try scores.slice(axis: 0, rows..<(rows + fake.shape[0])))
    }

    /// The G update on a fresh noise batch.
    private func generatorUpdate(_ context: TrainingContext, number: Int) throws -> GeneratorOutcome {
        let stage = "generator update"
        let z = noise.sample(batchSize, using: stream("noise"))
        var fake = try generator.forward(z, ForwardContext(training: true, stream: stream("dropout.G")))
        for hook in hooks {
            try hook.repair(trickEnvironment, before: .generator)
            fake = try hook.prepareDiscriminatorInputs(real: nil, fake: fake, context).fake
        }
        let fakeScores = try discriminator.forward(fake, ForwardContext(training: true, stream: stream("dropout.D")))
        var replacement: Tensor?
        for hook in hooks where replacement == nil {
            replacement = try hook.generatorObjective(fake: fake, fakeScores: fakeScores, context)
        }
        if replacement == nil, loss.generatorReadsRealScores {
            // A real batch of its own for G's step; losses that do not read one draw nothing, so their
            // batches stay those of every earlier version.
            // D sees it as sampled: the tricks' input preparation has side effects (a replay buffer's pool) that
            // belong to D's update.
            let real = dataset.sample(batchSize, using: stream("data"))
            let realScores = try discriminator.forward(real, ForwardContext(training: true, stream: stream("dropout.D"))).detached()
            replacement = try loss.generatorLoss(fakeScores: fakeScores, realScores: realScores)
        }
        var objective = try replacement ?? loss.generatorLoss(fakeScores: fakeScores)
        for hook in hooks {
            if let penalty = try hook.generatorPenalty(context) { objective = try objective + penalty }
        }
        let (value, norm) = try minimise(objective, .generator, number, stage) { _ in
            for hook in hooks { try hook.afterGeneratorUpdate(context) }
            return !hooks.isEmpty
        }
        return GeneratorOutcome(loss: value, gradientNorm: norm, fake: withoutGradients { Double(fakeScores.mean().scalar!) })
    }

    /// One optimizer step of `player` on `objective`, checking that the loss, the gradient and the new
    /// weights are finite; `afterUpdate` runs between the update and the weight check (clipping, tricks)
    /// and says whether it may have changed the weights. The gradient is checked just after the update: a
    /// failure throws all the same, and the caller's rollback undoes the update. An optimizer that measures
    /// the norms on its way through memory (Adam) spares the two passes that compute them otherwise.
    private func minimise(_ objective: Tensor, _ player: Player, _ number: Int, _ stage: String,
                          afterUpdate: ([Parameter]) throws -> Bool) throws -> (value: Double, gradientNorm: Double) {
        let name = player.word
        let value = Double(objective.scalar ?? .nan)
        try requireFinite(value, name + " loss", number, stage)
        let parameters = network(player).parameters
        let gradientList = try gradients(of: objective, wrt: parameters.map(\.value))
        let isFrozen = isFrozen(player)
        let measured = isFrozen ? nil : try optimizer(player).updateMeasuring(parameters, gradients: gradientList)
        let norm = (measured?.gradientSquares ?? gradientList.reduce(0.0) { $0 + $1.squaredNorm() }).squareRoot()
        try requireFinite(norm, name + " gradient", number, stage)
        guard !isFrozen else { return (value, norm) }
        let changed = try afterUpdate(parameters)
        let weights = (changed ? nil : measured?.parameterSquares) ?? parameters.reduce(0.0) { $0 + $1.value.squaredNorm() }
        try requireFinite(weights, name + " weights", number, stage)
        return (value, norm)
    }

    private func requireFinite(_ value: Double, _ quantity: String, _ iteration: Int, _ stage: String) throws {
        guard value.isFinite else {
            throw TrainingError(quantity: quantity, iteration: iteration, stage: stage, value: value)
        }
    }
}

/// The statistics of one D update.
struct CriticOutcome: Sendable {
    var loss = Double.nan
    var real = Double.nan
    var fake = Double.nan
    var gradientNorm = Double.nan
    var js = Double.nan
}

/// The statistics of one G update.
struct GeneratorOutcome: Sendable {
    var loss: Double
    var gradientNorm: Double
    var fake: Double
}
