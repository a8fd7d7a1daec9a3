import XCTest
import Foundation
import Autodiff
import NeuralNet
@testable import Workbench
import _GantryTestSupport

/// The remedies of "From GAN to WGAN" that are tricks: each formula against numbers computed by hand on
/// tiny inputs, and each trick switched on in a short training run.
final class RemedyTrickTests: XCTestCase {
    func smallSession(seed: UInt64 = 3) throws -> Session {
        let session = try Session(seed: seed)
        try session.setModel(.generator, MLPModel.make([("hidden", "8,8")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8,8")]))
        try session.setBatchSize(16)
        return session
    }

    func make<T: Trick>(_ type: T.Type, _ session: Session, _ assignments: [(String, String)] = []) throws -> T {
        try T(try ParameterValues(T.spec, assignments: assignments), environment: session.trickEnvironment)
    }

    func softplus(_ x: Double) -> Double { log1p(exp(x)) }

    // MARK: label-smoothing

    func testLabelSmoothingSetsTheRealTargetOfTheCrossEntropyLoss() throws {
        let session = try smallSession()
        let trick = try make(LabelSmoothing.self, session, [("alpha", "0.8")])
        let context = TrainingContext(session: session, iteration: 0)
        XCTAssertEqual(trick.realTarget(context), 0.8)
        // L_D = mean[α·softplus(−D(x)) + (1 − α)·softplus(D(x))] + mean softplus(D(x̃)) with D(x) = 2, −1 and
        // D(x̃) = 0.5; its derivative in D(x) is (σ(D(x)) − α)/n.
        let real = try Tensor([2, -1], shape: [2, 1]).requiringGradient()
        let fake = try Tensor([0.5], shape: [1, 1])
        let loss = try session.loss.discriminatorLoss(DiscriminatorLossInput(
            realScores: real, fakeScores: fake, real: real, fake: fake, critic: { $0 },
            stream: RandomStream(seed: 1, name: "loss"), realTarget: trick.realTarget(context)!))
        let expected = (0.8 * (softplus(-2) + softplus(1)) + 0.2 * (softplus(2) + softplus(-1))) / 2 + softplus(0.5)
        XCTAssertEqual(Double(loss.scalar!), expected, accuracy: 1e-6)
        let gradient = try gradients(of: loss, wrt: [real])[0].scalars
        let sigmoid = { (x: Double) in 1 / (1 + exp(-x)) }
        XCTAssertEqual(Double(gradient[0]), (sigmoid(2) - 0.8) / 2, accuracy: 1e-6)
        XCTAssertEqual(Double(gradient[1]), (sigmoid(-1) - 0.8) / 2, accuracy: 1e-6)
        // Switched on mid-training it changes D's loss; a copy keeps α.
        try session.train(iterations: 2)
        session.addHook(trick)
        try session.train(iterations: 2)
        XCTAssertEqual(session.hooks[0].copy().realTarget(context), 0.8)
        XCTAssertTrue(session.history.rows.allSatisfy { $0.discriminatorLoss.isFinite })
    }

    func testTwoSidedLabelSmoothingSetsTheFakeTargetToo() throws {
        let session = try smallSession()
        let context = TrainingContext(session: session, iteration: 0)
        // One-sided (the default) leaves the fake target alone: the loss is computed exactly as without it.
        XCTAssertNil(try make(LabelSmoothing.self, session, [("alpha", "0.9")]).fakeTarget(context))
        let trick = try make(LabelSmoothing.self, session, [("alpha", "0.9"), ("fake_target", "0.2")])
        XCTAssertEqual(trick.fakeTarget(context), 0.2)
        // L_D = mean[α·softplus(−D(x)) + (1 − α)·softplus(D(x))] + mean[(1 − β)·softplus(D(x̃)) + β·softplus(−D(x̃))];
        // its derivative in D(x̃) is (σ(D(x̃)) − β)/n, zero at D(x̃) = log(β/(1 − β)): the fake side's optimum.
        let real = try Tensor([2], shape: [1, 1])
        let fake = try Tensor([0.5, -1], shape: [2, 1]).requiringGradient()
        let loss = try session.loss.discriminatorLoss(DiscriminatorLossInput(
            realScores: real, fakeScores: fake, real: real, fake: fake, critic: { $0 },
            stream: RandomStream(seed: 1, name: "loss"), realTarget: 0.9, fakeTarget: trick.fakeTarget(context)!))
        let expected = 0.9 * softplus(-2) + 0.1 * softplus(2)
            + (0.8 * (softplus(0.5) + softplus(-1)) + 0.2 * (softplus(-0.5) + softplus(1))) / 2
        XCTAssertEqual(Double(loss.scalar!), expected, accuracy: 1e-6)
        let gradient = try gradients(of: loss, wrt: [fake])[0].scalars
        let sigmoid = { (x: Double) in 1 / (1 + exp(-x)) }
        XCTAssertEqual(Double(gradient[0]), (sigmoid(0.5) - 0.2) / 2, accuracy: 1e-6)
        XCTAssertEqual(Double(gradient[1]), (sigmoid(-1) - 0.2) / 2, accuracy: 1e-6)
    }

    func testLabelSmoothingIsRefusedWithoutACrossEntropyLoss() throws {
        let session = try smallSession()
        try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec)))
        XCTAssertThrowsError(try make(LabelSmoothing.self, session)) { error in
            XCTAssertEqual("\(error)", "label-smoothing needs a cross-entropy loss (minimax or nonsaturating); "
                + "the loss is wgan-gp, whose critic has no targets")
        }
    }

    // MARK: instance-noise

    func testInstanceNoiseAddsAnnealedGaussianNoiseFromItsOwnStream() throws {
        let session = try smallSession()
        let trick = try make(InstanceNoise.self, session, [("sigma", "0.2"), ("anneal", "linear"), ("steps", "10")])
        // s = s₀·max(0, 1 − t/T): 0.2 at t = 0, 0.1 at t = 5, 0 from t = 10 on.
        XCTAssertEqual(trick.standardDeviation(atIteration: 0), 0.2)
        XCTAssertEqual(trick.standardDeviation(atIteration: 5), 0.1, accuracy: 1e-7)
        XCTAssertEqual(trick.standardDeviation(atIteration: 12), 0)
        let real = Tensor.zeros([2, 2])
        let fake = try Tensor([1, 2], shape: [1, 2]).requiringGradient()
        let (noisyReal, noisyFake) = try trick.prepareDiscriminatorInputs(
            real: real, fake: fake, TrainingContext(session: session, iteration: 5))
        // The same draws as a fresh stream "trick.instance-noise" of the session's seed: real first, then fake.
        let expected = RandomStreams(seed: 3).stream("trick.instance-noise")
        let realNoise = Tensor.randomNormal([2, 2], standardDeviation: 0.1, using: expected).scalars
        let fakeNoise = Tensor.randomNormal([1, 2], standardDeviation: 0.1, using: expected).scalars
        XCTAssertEqual(noisyReal!.scalars, realNoise)
        XCTAssertEqual(noisyFake.scalars, [1 + fakeNoise[0], 2 + fakeNoise[1]])
        // The noise is a constant: d(sum x̃ + n)/dx̃ = 1.
        XCTAssertEqual(try gradients(of: noisyFake.sum(), wrt: [fake])[0].scalars, [1, 1])
        // On the G update (no real batch) only the fake is noised; annealed to 0, nothing is drawn.
        XCTAssertNil(try trick.prepareDiscriminatorInputs(real: nil, fake: fake, TrainingContext(session: session, iteration: 0)).real)
        let position = session.stream("trick.instance-noise").position
        let clean = try trick.prepareDiscriminatorInputs(real: real, fake: fake, TrainingContext(session: session, iteration: 10))
        XCTAssertTrue(clean.fake.isBitwiseEqual(to: fake))
        XCTAssertEqual(session.stream("trick.instance-noise").position, position)
    }

    /// Regression: the schedule counted from the session's iteration 0, so a trick switched on at iteration
    /// 6 with T = 4 was already annealed to 0 and added no noise at all.
    func testInstanceNoiseAnnealsFromTheIterationItWasSwitchedOn() throws {
        let session = try smallSession()
        try session.train(iterations: 6)
        let trick = try make(InstanceNoise.self, session, [("sigma", "0.2"), ("anneal", "linear"), ("steps", "4")])
        XCTAssertEqual(trick.start, 6)
        XCTAssertEqual(trick.standardDeviation(atIteration: 6), 0.2)
        XCTAssertEqual(trick.standardDeviation(atIteration: 8), 0.1, accuracy: 1e-7)
        XCTAssertEqual(trick.standardDeviation(atIteration: 10), 0)
        session.addHook(trick)
        try session.train(iterations: 2)
        let drawn = session.stream("trick.instance-noise").position
        XCTAssertGreaterThan(drawn, 0)
        // A copy and a checkpoint's state keep the start; a reseed restarts the count with the iterations.
        XCTAssertEqual((session.hooks[0].copy() as? InstanceNoise)?.start, 6)
        var file = SafeTensorsFile()
        XCTAssertEqual(try trick.checkpointState(of: [:], prefix: "trick.instance-noise", into: &file),
                       .object([("start", .integer(6))]))
        try session.reseed(3)
        try session.train(iterations: 1)
        XCTAssertEqual((session.hooks[0] as? InstanceNoise)?.start, 0)
        XCTAssertEqual((session.hooks[0] as? InstanceNoise)?.standardDeviation(atIteration: 1) ?? 0, 0.15, accuracy: 1e-7)
    }

    func testInstanceNoiseKeepsTheDataAndNoiseBatchesOfTraining() throws {
        let session = try smallSession(), reference = try smallSession()
        try session.train(iterations: 2)
        session.addHook(try make(InstanceNoise.self, session, [("sigma", "0.3")]))
        try session.train(iterations: 3)
        XCTAssertTrue(session.removeHook(named: "instance-noise"))
        try session.train(iterations: 1)
        try reference.train(iterations: 6)
        let positions = Dictionary(uniqueKeysWithValues: session.streams.positions.map { ($0.name, $0.position) })
        let expected = Dictionary(uniqueKeysWithValues: reference.streams.positions.map { ($0.name, $0.position) })
        XCTAssertEqual(positions["data"], expected["data"])
        XCTAssertEqual(positions["noise"], expected["noise"])
        XCTAssertGreaterThan(positions["trick.instance-noise"] ?? 0, 0)
        XCTAssertFalse(session.discriminator.parameters[0].value.isBitwiseEqual(to: reference.discriminator.parameters[0].value))
    }

    // MARK: feature-matching

    func testFeatureMatchingDistancesAndGradientsByHand() throws {
        // Real means [2, 3], fake means [1, 1]: difference [1, 2].
        let real = try Tensor(rows: [[1, 2], [3, 4]])
        let fake = try Tensor(rows: [[0, 0], [2, 2]]).requiringGradient()
        let cases: [(FeatureMatching.Form, Float, [Float])] = [
            (.l2, 5, [-1, -2, -1, -2]),          // Σ d²; ∂/∂f_ik = −2·d_k/n
            (.l1, 1.5, [-0.25, -0.25, -0.25, -0.25]), // mean |d|; −sign(d_k)/(K·n)
            (.mse, 2.5, [-0.5, -1, -0.5, -1]),    // mean d²; −2·d_k/(K·n)
        ]
        for (form, value, gradient) in cases {
            let distance = try FeatureMatching.distance(real: real, fake: fake, form: form)
            XCTAssertEqual(distance.scalar!, value, accuracy: 1e-6, "\(form)")
            let computed = try gradients(of: distance, wrt: [fake])[0].scalars
            for (a, b) in zip(computed, gradient) { XCTAssertEqual(a, b, accuracy: 1e-6, "\(form)") }
        }
    }

    func testFeatureMatchingReplacesTheGeneratorObjectiveWithTheLastHiddenLayer() throws {
        let session = try smallSession()
        let trick = try make(FeatureMatching.self, session)
        XCTAssertEqual(try trick.featureIndex(of: session.discriminator), 3) // Linear ReLU Linear ReLU Linear
        let fake = try Tensor(rows: Array(repeating: [0.5, -0.25], count: 16))
        let objective = try trick.generatorObjective(fake: fake, fakeScores: Tensor.zeros([16, 1]),
                                                     TrainingContext(session: session, iteration: 0))!
        // By hand: the real batch from a fresh "trick.feature-matching" stream, through D's first four layers.
        let real = session.dataset.sample(16, using: RandomStreams(seed: 3).stream("trick.feature-matching"))
        let hidden = Sequential(Array(session.discriminator.layers[0...3]))
        let expected = try FeatureMatching.distance(
            real: hidden.forward(real, ForwardContext(training: true)),
            fake: hidden.forward(fake, ForwardContext(training: true)), form: .l2)
        XCTAssertEqual(objective.scalar!, expected.scalar!, accuracy: 1e-6)
        // f(G(z)) is differentiable: the objective has a gradient in G's batch.
        let variable = fake.requiringGradient()
        let differentiable = try trick.generatorObjective(fake: variable, fakeScores: Tensor.zeros([16, 1]),
                                                          TrainingContext(session: session, iteration: 0))!
        XCTAssertGreaterThan(try gradients(of: differentiable, wrt: [variable])[0].squaredNorm(), 0)
        // Refusals.
        XCTAssertThrowsError(try make(FeatureMatching.self, session, [("layer", "4")])) {
            XCTAssertEqual("\($0)", "feature-matching: layer 4 is D's output; choose a hidden layer (0 to 3)")
        }
        XCTAssertThrowsError(try make(FeatureMatching.self, session, [("layer", "9")])) {
            XCTAssertEqual("\($0)", "feature-matching: D has no layer 9; its layers are 0 to 4")
        }
        // On and off mid-training; D keeps its own loss, so the data batches are unchanged.
        try session.train(iterations: 2)
        session.addHook(trick)
        try session.train(iterations: 3)
        // Iterations 3–5 report the feature-matching distance (≥ 0) as G's loss.
        XCTAssertTrue(session.history.rows[2...4].allSatisfy { $0.generatorLoss >= 0 && $0.generatorLoss.isFinite })
        XCTAssertTrue(session.removeHook(named: "feature-matching"))
        try session.train(iterations: 1)
        let reference = try smallSession()
        try reference.train(iterations: 6)
        let positions = Dictionary(uniqueKeysWithValues: session.streams.positions.map { ($0.name, $0.position) })
        let expectedPositions = Dictionary(uniqueKeysWithValues: reference.streams.positions.map { ($0.name, $0.position) })
        XCTAssertEqual(positions["data"], expectedPositions["data"])
        XCTAssertGreaterThan(positions["trick.feature-matching"] ?? 0, 0)
    }

    // MARK: historical-averaging

    /// A one-layer D with weight [[1, 2]] and bias [0.5], so averages are easy to follow by hand.
    func handmadeDiscriminator(_ session: Session) throws -> Linear {
        let linear = Linear(weight: Parameter(try Tensor([1, 2], shape: [1, 2])), bias: Parameter(Tensor([0.5])),
                            initialization: .pytorch)
        session.discriminator = Sequential([linear])
        return linear
    }

    func set(_ linear: Linear, _ weight: [Float], _ bias: Float) throws {
        linear.weight.value = try Tensor(weight, shape: [1, 2]).requiringGradient()
        linear.bias!.value = Tensor([bias]).requiringGradient()
    }

    func testHistoricalAveragingPenalisesTheDistanceToTheUniformMean() throws {
        let session = try smallSession()
        let linear = try handmadeDiscriminator(session)
        let context = TrainingContext(session: session, iteration: 0)
        let trick = try make(HistoricalAveraging.self, session, [("lambda", "0.1"), ("players", "D")])
        XCTAssertNil(try trick.generatorPenalty(context))
        // Switched on: θ̄ = θ, no penalty.
        XCTAssertEqual(try trick.discriminatorPenalty(context)!.scalar, 0)
        try set(linear, [3, 2], 1.5)
        try trick.afterDiscriminatorUpdate(context)
        // θ̄ = ([1, 2, 0.5] + [3, 2, 1.5])/2 = [2, 2, 1]; λ·‖θ − θ̄‖² = 0.1·(1 + 0 + 0.25).
        let penalty = try trick.discriminatorPenalty(context)!
        XCTAssertEqual(penalty.scalar!, 0.125, accuracy: 1e-7)
        let gradient = try gradients(of: penalty, wrt: [linear.weight.value, linear.bias!.value])
        XCTAssertEqual(gradient[0].scalars, [0.2, 0])  // 2λ(θ − θ̄)
        XCTAssertEqual(gradient[1].scalars[0], 0.1, accuracy: 1e-7)
        let snapshot = trick.copy() as! HistoricalAveraging
        try set(linear, [5, 2], 1.5)
        try trick.afterDiscriminatorUpdate(context)
        // θ̄ = mean of three: [3, 2, 7/6].
        XCTAssertEqual(trick.averages[.discriminator]!.mean[0].scalars, [3, 2])
        XCTAssertEqual(trick.averages[.discriminator]!.mean[1].scalars[0], 7.0 / 6, accuracy: 1e-6)
        // The copy kept its own average.
        XCTAssertEqual(snapshot.averages[.discriminator]!.mean[0].scalars, [2, 2])
        // Weights that are not the last ones seen (a rebuilt network) start the average afresh.
        try set(linear, [-1, -1], 0)
        XCTAssertEqual(try trick.discriminatorPenalty(context)!.scalar, 0)
        XCTAssertEqual(trick.averages[.discriminator]!.count, 1)
    }

    func testHistoricalAveragingWithAnExponentialAverageAndInTraining() throws {
        let session = try smallSession()
        let linear = try handmadeDiscriminator(session)
        let context = TrainingContext(session: session, iteration: 0)
        let trick = try make(HistoricalAveraging.self, session, [("ema", "0.5")])
        _ = try trick.discriminatorPenalty(context)
        try set(linear, [3, 2], 1.5)
        try trick.afterDiscriminatorUpdate(context)
        try set(linear, [5, 2], 1.5)
        try trick.afterDiscriminatorUpdate(context)
        // θ̄ ← 0.5·θ̄ + 0.5·θ: [1, 2] → [2, 2] → [3.5, 2].
        XCTAssertEqual(trick.averages[.discriminator]!.mean[0].scalars, [3.5, 2])
        // In a session, on mid-training for both players, then off; snapshots and rollbacks copy it.
        let trained = try smallSession()
        try trained.train(iterations: 2)
        trained.addHook(try make(HistoricalAveraging.self, trained, [("lambda", "0.01")]))
        try trained.train(iterations: 3)
        let hook = trained.hooks[0] as! HistoricalAveraging
        XCTAssertEqual(hook.averages[.generator]!.count, 4)      // switch-on + 3 updates
        XCTAssertEqual(hook.averages[.discriminator]!.count, 4)
        XCTAssertTrue(trained.removeHook(named: "historical-averaging"))
        try trained.train(iterations: 1)
        XCTAssertTrue(trained.history.rows.allSatisfy { $0.generatorLoss.isFinite && $0.discriminatorLoss.isFinite })
    }

    // MARK: minibatch-discrimination

    func testMinibatchDiscriminationLayerByHand() throws {
        // f = [1, 2, 4] (A = 1), T = [1, 0.5] (B = 1, C = 2): Mᵢ = fᵢ·[1, 0.5], L1 distances 1.5·|fᵢ − fⱼ|:
        // d₁₂ = 1.5, d₁₃ = 4.5, d₂₃ = 3; oᵢ = Σ_{j≠i} e^{−dᵢⱼ} − 1 (bias −1).
        let layer = MinibatchDiscriminationLayer(kernel: Parameter(try Tensor([1, 0.5], shape: [1, 2])),
                                                 bias: Parameter(Tensor([-1])), kernels: 1, dims: 2, replacing: nil)
        let f = try Tensor([1, 2, 4], shape: [3, 1]).requiringGradient()
        let output = try layer.forward(f, ForwardContext(training: true))
        XCTAssertEqual(output.shape, [3, 2])
        let e = { (x: Double) in exp(-x) }
        let expected = [1, e(1.5) + e(4.5) - 1, 2, e(1.5) + e(3) - 1, 4, e(4.5) + e(3) - 1]
        for (a, b) in zip(output.scalars, expected) { XCTAssertEqual(Double(a), b, accuracy: 1e-6) }
        // Σᵢ oᵢ = 2·Σ_{i<j} e^{−dᵢⱼ} − 3, so ∂/∂f₁ = 2·1.5·(e^{−1.5} + e^{−4.5}); ∂/∂bias = 3.
        let o = try output.slice(axis: 1, 1..<2).sum()
        let gradient = try gradients(of: o, wrt: [f, layer.bias.value])
        XCTAssertEqual(Double(gradient[0].scalars[0]), 3 * (e(1.5) + e(4.5)), accuracy: 1e-5)
        XCTAssertEqual(gradient[1].scalars, [3])
        XCTAssertEqual(layer.summary, "MinibatchDiscrimination(1 → 1+1, kernels 1, dims 2)")
        XCTAssertFalse(layer.isRowwise)
        // Central differences on a small random case, in the input, T and the bias.
        let stream = RandomStream(seed: 5, name: "test")
        let x = Tensor.randomNormal([4, 3], using: stream)
        let kernel = Tensor.randomNormal([3, 6], standardDeviation: 0.5, using: stream)
        let bias = Tensor.randomNormal([2], using: stream)
        let report = try GradientCheck.firstOrder([x, kernel, bias]) { inputs in
            let probe = MinibatchDiscriminationLayer(kernel: Parameter(inputs[1]), bias: Parameter(inputs[2]),
                                                     kernels: 2, dims: 3, replacing: nil)
            probe.kernel.value = inputs[1]
            probe.bias.value = inputs[2]
            return try probe.forward(inputs[0], ForwardContext(training: true))
        }
        XCTAssertTrue(report.passed, report.description)
    }

    func testMinibatchDiscriminationGoesIntoDAndComesOutAgain() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let originalFinal = session.discriminator.layers[4] as! Linear
        let finalWeight = originalFinal.weight.value
        let trick = try make(MinibatchDiscrimination.self, session, [("kernels", "6"), ("dims", "3")])
        session.addHook(trick)
        XCTAssertEqual(session.discriminator.describeLayers(), [
            "0  Linear(2 → 8, init pytorch)", "1  ReLU", "2  Linear(8 → 8, init pytorch)", "3  ReLU",
            "4  MinibatchDiscrimination(8 → 8+6, kernels 6, dims 3)", "5  Linear(14 → 1, init pytorch)",
        ])
        XCTAssertFalse(trick.keepsSamplesIndependent)
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: originalFinal.weight), 0) // forgotten
        XCTAssertThrowsError(try make(MinibatchDiscrimination.self, session)) {
            XCTAssertEqual("\($0)", "minibatch-discrimination is already on (kernels=6 dims=3); switch it off first to change its parameters")
        }
        try session.train(iterations: 3)
        let layer = session.discriminator.layers[4] as! MinibatchDiscriminationLayer
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: layer.kernel), 3)
        // A snapshot keeps the layer; restoring it replays exactly.
        session.saveSnapshot("on")
        try session.train(iterations: 2)
        let after = session.discriminator.parameters.map(\.value)
        try session.restoreSnapshot("on")
        try session.train(iterations: 2)
        for (p, q) in zip(session.discriminator.parameters, after) { XCTAssertTrue(p.value.isBitwiseEqual(to: q)) }
        // Off: the original final Linear is back, unchanged, and the layer's memory is forgotten.
        let removedKernel = (session.discriminator.layers[4] as! MinibatchDiscriminationLayer).kernel
        XCTAssertTrue(session.removeHook(named: "minibatch-discrimination"))
        XCTAssertEqual(session.discriminator.layers.count, 5)
        XCTAssertTrue((session.discriminator.layers[4] as! Linear).weight.value.isBitwiseEqual(to: finalWeight))
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: removedKernel), 0)
        try session.train(iterations: 1)
        XCTAssertTrue(session.history.rows.allSatisfy { $0.discriminatorLoss.isFinite && $0.generatorLoss.isFinite })
    }

    // MARK: vbn

    func testVirtualBatchNormByHand() throws {
        // Reference rows 1, 3: μ_r = 2, ν_r = 5 (variance 1), so they become −1, +1. w = 1/3.
        // x = 2: μ = 2, ν = 14/3, σ² = 2/3 → 0.  x = 5: μ = 3, ν = 35/3, σ² = 8/3 → 2/√(8/3).
        let layer = VirtualBatchNorm(features: 1, referenceCount: 2, epsilon: 0, replacing: nil)
        layer.scale.value = Tensor([2]).requiringGradient()
        layer.shift.value = Tensor([0.5]).requiringGradient()
        let input = try Tensor([1, 3, 2, 5], shape: [4, 1]).requiringGradient()
        let output = try layer.forward(input, ForwardContext(training: true))
        let expected = [-1, 1, 0, 2 / (8.0 / 3).squareRoot()].map { 2 * $0 + 0.5 }
        for (a, b) in zip(output.scalars, expected) { XCTAssertEqual(Double(a), b, accuracy: 1e-5) }
        // ∂out(x = 2)/∂x = γ·(1 − w)/σ = 2·(2/3)/√(2/3) = 2·√(2/3) (the numerator x − μ is 0 there).
        let gradient = try gradients(of: try output.slice(axis: 0, 2..<3).sum(), wrt: [input])[0].scalars
        XCTAssertEqual(Double(gradient[2]), 2 * (2.0 / 3).squareRoot(), accuracy: 1e-5)
        // Gradients flow through μ_r and ν_r into the reference rows.
        XCTAssertNotEqual(gradient[0], 0)
        let stream = RandomStream(seed: 9, name: "test")
        let x = Tensor.randomNormal([5, 3], using: stream)
        let report = try GradientCheck.firstOrder([x, Tensor.randomNormal([3], using: stream), Tensor.randomNormal([3], using: stream)]) { inputs in
            let probe = VirtualBatchNorm(features: 3, referenceCount: 3, replacing: nil)
            probe.scale.value = inputs[1]
            probe.shift.value = inputs[2]
            return try probe.forward(inputs[0], ForwardContext(training: true))
        }
        XCTAssertTrue(report.passed, report.description)
    }

    func testVirtualBatchNormGoesIntoGAndComesOutAgain() throws {
        let session = try smallSession()
        try session.train(iterations: 1)
        let trick = try make(VirtualBatchNormalization.self, session, [("reference", "8")])
        session.addHook(trick)
        XCTAssertEqual(session.generator.describeLayers(), [
            "0  VBNReference(8 rows of 2)", "1  Linear(2 → 8, init pytorch)", "2  VirtualBatchNorm(8, reference 8)",
            "3  ReLU", "4  Linear(8 → 8, init pytorch)", "5  VirtualBatchNorm(8, reference 8)", "6  ReLU",
            "7  Linear(8 → 2, init pytorch)", "8  VBNStrip(8 rows)",
        ])
        // z_ref comes from the stream "trick.vbn".
        let reference = session.generator.layers[0] as! VirtualBatchNormReference
        XCTAssertEqual(reference.rows.scalars, session.noise.sample(8, using: RandomStreams(seed: 3).stream("trick.vbn")).scalars)
        XCTAssertEqual(try session.generator.forward(Tensor.zeros([5, 2]), ForwardContext(training: false)).shape, [5, 2])
        try session.train(iterations: 3)
        session.saveSnapshot("vbn")
        try session.train(iterations: 2)
        let after = session.generator.parameters.map(\.value)
        try session.restoreSnapshot("vbn")
        try session.train(iterations: 2)
        for (p, q) in zip(session.generator.parameters, after) { XCTAssertTrue(p.value.isBitwiseEqual(to: q)) }
        XCTAssertTrue(session.removeHook(named: "vbn"))
        XCTAssertEqual(session.generator.layers.count, 5)
        try session.train(iterations: 1)
        XCTAssertTrue(session.history.rows.allSatisfy { $0.generatorLoss.isFinite && $0.discriminatorLoss.isFinite })
    }

    func testVirtualBatchNormReplacesBatchNormAndRefusesConflicts() throws {
        let session = try smallSession()
        try session.setModel(.generator, MLPModel.make([("hidden", "8,8"), ("norm", "batch")]))
        let batchNorm = session.generator.layers[1] as! BatchNorm
        session.addHook(try make(VirtualBatchNormalization.self, session, [("reference", "4")]))
        XCTAssertEqual(session.generator.layers.filter { $0 is BatchNorm }.count, 0)
        XCTAssertEqual(session.generator.layers[2].summary, "VirtualBatchNorm(8, reference 4, replaces BatchNorm)")
        try session.train(iterations: 2)
        let trainedScale = (session.generator.layers[2] as! VirtualBatchNorm).scale.value
        XCTAssertTrue(session.removeHook(named: "vbn"))
        XCTAssertTrue(session.generator.layers[1] === batchNorm)
        XCTAssertTrue(batchNorm.scale.value.isBitwiseEqual(to: trainedScale))
        // Layer normalisation, VBN twice, and VBN in D beside feature matching are refused.
        try session.setModel(.generator, MLPModel.make([("hidden", "8"), ("norm", "layer")]))
        XCTAssertThrowsError(try make(VirtualBatchNormalization.self, session)) {
            XCTAssertEqual("\($0)", "vbn replaces batch normalisation, and G uses layer normalisation; rebuild G with norm=none or norm=batch first")
        }
        try session.setModel(.generator, MLPModel.make([("hidden", "8,8")]))
        session.addHook(try make(FeatureMatching.self, session))
        XCTAssertThrowsError(try make(VirtualBatchNormalization.self, session, [("players", "both")])) {
            XCTAssertEqual("\($0)", "vbn in D conflicts with feature-matching, which would treat the reference rows as "
                + "part of the batch; use players=G or switch feature-matching off")
        }
        session.removeHook(named: "feature-matching")
        session.addHook(try make(MinibatchDiscrimination.self, session, [("kernels", "2"), ("dims", "2")]))
        XCTAssertThrowsError(try make(VirtualBatchNormalization.self, session, [("players", "both")])) {
            XCTAssertEqual("\($0)", "vbn in D conflicts with minibatch-discrimination, which would treat the reference rows as "
                + "part of the batch; use players=G or switch minibatch-discrimination off")
        }
        session.removeHook(named: "minibatch-discrimination")
        session.addHook(try make(VirtualBatchNormalization.self, session, [("players", "both"), ("reference", "4")]))
        XCTAssertThrowsError(try make(VirtualBatchNormalization.self, session)) {
            XCTAssertEqual("\($0)", "vbn is already on in G; switch it off first to change its parameters")
        }
        XCTAssertThrowsError(try make(MinibatchDiscrimination.self, session))
        XCTAssertThrowsError(try make(FeatureMatching.self, session)) {
            XCTAssertEqual("\($0)", "feature-matching conflicts with vbn in D, whose reference rows would count as real features; "
                + "switch vbn to players=G first")
        }
        try session.train(iterations: 2)
        XCTAssertTrue(session.removeHook(named: "vbn"))
        XCTAssertEqual(session.discriminator.layers.count, 5)
        XCTAssertEqual(session.generator.layers.count, 5)
    }

    // MARK: rebuilt networks

    func testTricksThatChangeNetworksFollowARebuild() throws {
        let session = try smallSession()
        session.addHook(try make(MinibatchDiscrimination.self, session, [("kernels", "4"), ("dims", "2")]))
        session.addHook(try make(VirtualBatchNormalization.self, session, [("reference", "4")]))
        session.addHook(try make(HistoricalAveraging.self, session))
        try session.train(iterations: 1)
        // New widths rebuild both networks without the tricks' layers; the next update puts them back.
        for player in Player.allCases {
            try session.setModel(player, MLPModel.make([("hidden", "6")]))
        }
        XCTAssertFalse(session.discriminator.layers.contains { $0 is MinibatchDiscriminationLayer })
        try session.train(iterations: 2)
        XCTAssertEqual(session.discriminator.layers[2].summary, "MinibatchDiscrimination(6 → 6+4, kernels 4, dims 2)")
        XCTAssertTrue(VirtualBatchNormalization.isInstalled(in: session.generator))
        // The historical averages restarted with the new networks: switch-on plus two updates.
        let averaging = session.hooks.compactMap { $0 as? HistoricalAveraging }.first!
        XCTAssertEqual(averaging.averages[.discriminator]!.count, 3)
        XCTAssertEqual(averaging.averages[.discriminator]!.mean.count, session.discriminator.parameters.count)
        XCTAssertTrue(session.history.rows.allSatisfy { $0.generatorLoss.isFinite && $0.discriminatorLoss.isFinite })
    }
}
