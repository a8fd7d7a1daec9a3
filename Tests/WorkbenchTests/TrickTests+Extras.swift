import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

/// The tricks beyond the document: each formula on tiny hand-computed inputs, and on/off in a session.
final class ExtraTrickTests: XCTestCase {
    func smallSession(seed: UInt64 = 3) throws -> Session {
        let session = try Session(seed: seed)
        try session.setModel(.generator, MLPModel.make([("hidden", "8")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8")]))
        try session.setBatchSize(8)
        return session
    }

    /// `trick on NAME key=value…` as the shell does it: init (which may refuse), replace, attach.
    @discardableResult
    func switchOn(_ type: any Trick.Type, _ assignments: [(String, String)] = [], in session: Session) throws -> any Trick {
        let trick = try type.init(try ParameterValues(type.spec, assignments: assignments), environment: session.trickEnvironment)
        session.removeHook(named: type.spec.name)
        session.addHook(trick)
        return trick
    }

    func assertClose(_ a: [Float], _ b: [Float], accuracy: Float = 1e-5, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, file: file, line: line) }
    }

    // MARK: ttur

    func testTTURSetsBothRatesKeepsMemoryAndRestoresThem() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let firstWeight = session.discriminator.parameters[0]
        let steps = session.optimizer(.discriminator).stepCount(of: firstWeight)
        let moments = session.optimizer(.discriminator).buffers(of: firstWeight).map(\.value)
        try switchOn(TTURTrick.self, in: session)
        XCTAssertEqual(session.optimizer(.generator).learningRate, 1e-4)
        XCTAssertEqual(session.optimizer(.discriminator).learningRate, 4e-4)
        XCTAssertEqual(session.rule(.discriminator).parameters.real("lr"), 4e-4)
        // Same optimizer, new rate: the moments and step counts are the ones from before.
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: firstWeight), steps)
        for (a, b) in zip(session.optimizer(.discriminator).buffers(of: firstWeight).map(\.value), moments) {
            XCTAssertTrue(a.isBitwiseEqual(to: b))
        }
        // Switching it on again with other rates, then off: the rates from before the first ttur come back.
        try switchOn(TTURTrick.self, [("g_lr", "2e-4"), ("d_lr", "1e-3")], in: session)
        XCTAssertEqual(session.optimizer(.generator).learningRate, 2e-4)
        XCTAssertEqual(session.optimizer(.discriminator).learningRate, 1e-3)
        try session.train(iterations: 1)
        XCTAssertTrue(session.removeHook(named: "ttur"))
        XCTAssertEqual(session.optimizer(.generator).learningRate, 1e-4)
        XCTAssertEqual(session.optimizer(.discriminator).learningRate, 1e-4)
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: firstWeight), steps + 1)
        // A rate the user set while ttur was on is kept when it goes off.
        try switchOn(TTURTrick.self, in: session)
        try session.setOptimizer(.generator, try SGDRule.make([("lr", "0.05")]))
        session.removeHook(named: "ttur")
        XCTAssertEqual(session.optimizer(.generator).learningRate, 0.05)
        XCTAssertEqual(session.optimizer(.discriminator).learningRate, 1e-4)
        // A rate outside the declared range is refused before anything changes.
        XCTAssertThrowsError(try switchOn(TTURTrick.self, [("d_lr", "50")], in: session)) { error in
            XCTAssertEqual("\(error)", "trick ttur: d_lr=50 is out of range; expected real in [0, 10]")
        }
        XCTAssertEqual(session.optimizer(.discriminator).learningRate, 1e-4)
    }

    // MARK: spectral-norm

    func testSpectralNormDividesByOnePowerIterationsSigmaAndDifferentiatesThroughIt() throws {
        // W = [[1, 1], [0, 1]], u₀ = e₁: v = Wᵀu₀/‖·‖ = (1, 1)/√2, u = Wv/‖·‖ = (2, 1)/√5,
        // σ = uᵀWv = 5/√10 = √10/2 ≈ 1.58114 (the true largest singular value is the golden ratio 1.618).
        let linear = Linear(weight: Parameter(try Tensor(rows: [[1, 1], [0, 1]])), bias: Parameter(Tensor([0.5, -0.5])),
                            initialization: .pytorch)
        let layer = try SpectralNormLinear(linear, u: Tensor([1, 0]))
        try layer.powerIterate()
        assertClose(layer.v.value.scalars, [1 / 2.0.squareRoot(), 1 / 2.0.squareRoot()].map(Float.init))
        assertClose(layer.u.value.scalars, [2 / 5.0.squareRoot(), 1 / 5.0.squareRoot()].map(Float.init))
        let sigma = Float(10.0.squareRoot() / 2)
        XCTAssertEqual(try layer.sigma().scalar!, sigma, accuracy: 1e-6)
        // y = x·(W/σ)ᵀ + b for x = (1, 2): ((1 + 2)/σ + 0.5, 2/σ − 0.5).
        let y = try layer.forward(try Tensor(rows: [[1, 2]]), ForwardContext(training: true))
        assertClose(y.scalars, [3 / sigma + 0.5, 2 / sigma - 0.5])
        // d sum(y)/dW = Ĝ/σ − ⟨Ĝ, W⟩/σ²·u vᵀ with Ĝ = [[1, 2], [1, 2]], ⟨Ĝ, W⟩ = 5, 5/σ² = 2,
        // u vᵀ = [[2, 2], [1, 1]]/√10: [[−2/√10, 0], [0, 2/√10]]. The bias is not normalised: gradient (1, 1).
        let grads = try gradients(of: y.sum(), wrt: [linear.weight.value, linear.bias!.value])
        let c = Float(2 / 10.0.squareRoot())
        assertClose(grads[0].scalars, [-c, 0, 0, c])
        assertClose(grads[1].scalars, [1, 1])
        XCTAssertEqual(layer.summary, "SpectralNorm(Linear(2 → 2, init pytorch))")
        XCTAssertEqual(layer.namedParameters(prefix: "").map(\.name), ["weight", "bias"])
        XCTAssertEqual(layer.namedBuffers(prefix: "").map(\.name), ["weight_u", "weight_v"])
    }

    func testSpectralNormWrapsDsLinearsKeepsUAcrossSnapshotsAndUnwraps() throws {
        let session = try smallSession()
        let weights = session.discriminator.parameters
        try switchOn(SpectralNormTrick.self, in: session)
        XCTAssertEqual(session.discriminator.describeLayers(), [
            "0  SpectralNorm(Linear(2 → 8, init pytorch))", "1  ReLU", "2  SpectralNorm(Linear(8 → 1, init pytorch))",
        ])
        // The same parameter objects: the optimizer's memory follows them.
        XCTAssertTrue(zip(session.discriminator.parameters, weights).allSatisfy { $0 === $1 })
        try session.train(iterations: 3)
        let layer = session.discriminator.layers[0] as! SpectralNormLinear
        session.saveSnapshot("a")
        let u = layer.u.value
        try session.train(iterations: 1)
        XCTAssertFalse(layer.u.value.isBitwiseEqual(to: u))
        try session.restoreSnapshot("a")
        XCTAssertTrue((session.discriminator.layers[0] as! SpectralNormLinear).u.value.isBitwiseEqual(to: u))
        // The output layer has one row: its only singular value is ‖W‖, which one power iteration finds exactly.
        let restored = session.discriminator.layers[2] as! SpectralNormLinear
        XCTAssertEqual(try restored.sigma().scalar!, Float(restored.linear.weight.value.squaredNorm().squareRoot()), accuracy: 1e-4)
        XCTAssertTrue(session.removeHook(named: "spectral-norm"))
        XCTAssertEqual(session.discriminator.describeLayers(), [
            "0  Linear(2 → 8, init pytorch)", "1  ReLU", "2  Linear(8 → 1, init pytorch)",
        ])
        try session.train(iterations: 1)
    }

    // MARK: packing

    func testPackingConcatenatesConsecutiveSamplesAndPassesGradientsBack() throws {
        let samples = try Tensor(rows: [[1, 2], [3, 4], [5, 6], [7, 8]]).requiringGradient()
        let packed = try PackingTrick.pack(samples, 2)
        XCTAssertEqual(packed.shape, [2, 4])
        XCTAssertEqual(packed.scalars, [1, 2, 3, 4, 5, 6, 7, 8])
        // A linear score of each pack, w = (1, 2, 3, 4): each sample's gradient is its slice of w.
        let w = try Tensor(rows: [[1], [2], [3], [4]])
        let gradient = try gradients(of: try packed.matmul(w).sum(), wrt: [samples])[0]
        XCTAssertEqual(gradient.scalars, [1, 2, 3, 4, 1, 2, 3, 4])
        XCTAssertThrowsError(try PackingTrick.pack(samples, 3)) { error in
            XCTAssertEqual("\(error)", "packing m=3 needs a batch size divisible by 3; the batch is 4")
        }
    }

    func testPackingRebuildsDForPacksRefusesABadBatchAndUndoes() throws {
        let session = try smallSession()
        try session.setBatchSize(6)
        XCTAssertThrowsError(try switchOn(PackingTrick.self, [("m", "4")], in: session)) { error in
            XCTAssertEqual("\(error)", "packing m=4 needs a batch size divisible by 4; the batch is 6")
        }
        XCTAssertEqual(session.discriminatorInputWidth, 2)
        try switchOn(PackingTrick.self, [("m", "3")], in: session)
        XCTAssertEqual(session.discriminatorInputWidth, 6)
        XCTAssertEqual(session.discriminator.describeLayers().first, "0  Linear(6 → 8, init pytorch)")
        try session.train(iterations: 2)
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0]), 2)
        // A snapshot taken with packing on keeps the packed D and the hook; restoring gives both back together.
        session.saveSnapshot("packed")
        XCTAssertTrue(session.removeHook(named: "packing"))
        XCTAssertEqual(session.discriminatorInputWidth, 2)
        XCTAssertEqual(session.discriminator.describeLayers().first, "0  Linear(2 → 8, init pytorch)")
        XCTAssertEqual(session.optimizer(.discriminator).state.count, 0)
        try session.train(iterations: 1)
        try session.restoreSnapshot("packed")
        XCTAssertEqual(session.discriminatorInputWidth, 6)
        try session.train(iterations: 1)
        // A batch changed to one m does not divide stops training with the same message.
        try session.setBatchSize(8)
        XCTAssertThrowsError(try session.train(iterations: 1)) { error in
            XCTAssertEqual("\(error)", "packing m=3 needs a batch size divisible by 3; the batch is 8")
        }
    }

    // MARK: ema-generator

    func testEMAGeneratorAveragesAfterEachGUpdateAndIsWhatMetricsSample() throws {
        // β = 0.75: 0.75·(1, 2) + 0.25·(3, 6) = (1.5, 3).
        XCTAssertEqual(try EMAGeneratorTrick.blend(Tensor([1, 2]), Tensor([3, 6]), beta: 0.75).scalars, [1.5, 3])
        let session = try smallSession()
        try session.train(iterations: 2)
        let trick = try switchOn(EMAGeneratorTrick.self, [("beta", "0.5")], in: session) as! EMAGeneratorTrick
        let start = session.generator.parameters.map(\.value)
        XCTAssertTrue(zip(trick.average.parameters, start).allSatisfy { $0.value.isBitwiseEqual(to: $1) })
        try session.train(iterations: 1)
        for (mean, (before, after)) in zip(trick.average.parameters, zip(start, session.generator.parameters)) {
            let expected = zip(before.scalars, after.value.scalars).map { 0.5 * $0 + 0.5 * $1 }
            assertClose(mean.value.scalars, expected, accuracy: 1e-7)
        }
        // Metrics sample the average, not the trained G; training is unchanged by the trick.
        let z = session.noise.sample(4, using: RandomStream(seed: 9, name: "z"))
        let expected = try trick.average.forward(z, ForwardContext(training: false))
        XCTAssertTrue(try session.generate(4, using: RandomStream(seed: 9, name: "z")).isBitwiseEqual(to: expected))
        let plain = try smallSession()
        try plain.train(iterations: 3)
        XCTAssertTrue(zip(plain.generator.parameters, session.generator.parameters).allSatisfy { $0.value.isBitwiseEqual(to: $1.value) })
        // Snapshots keep their own average; off goes back to sampling the trained G.
        session.saveSnapshot("a")
        try session.train(iterations: 1)
        try session.restoreSnapshot("a")
        let restored = session.hooks.first as! EMAGeneratorTrick
        XCTAssertFalse(restored === trick)
        XCTAssertTrue(try restored.average.forward(z, ForwardContext(training: false)).isBitwiseEqual(to: expected))
        // A reseed makes the trick afresh, as `trick on` after `seed` would: its average starts at the new G.
        try session.reseed(11)
        let fresh = session.hooks.first as! EMAGeneratorTrick
        XCTAssertFalse(fresh === restored)
        XCTAssertTrue(zip(fresh.average.parameters, session.generator.parameters).allSatisfy { $0.value.isBitwiseEqual(to: $1.value) })
        try session.train(iterations: 1)
        session.removeHook(named: "ema-generator")
        let trained = try session.generator.forward(z, ForwardContext(training: false))
        XCTAssertTrue(try session.generate(4, using: RandomStream(seed: 9, name: "z")).isBitwiseEqual(to: trained))
    }

    // MARK: replay-buffer

    func testReplayPoolSwapsWithProbabilityPAndFillsReservoirStyle() throws {
        let stream = RandomStream(seed: 1, name: "trick.replay-buffer")
        var pool = ReplayPool(capacity: 2)
        // An empty pool has nothing to swap in; the first two samples fill it without a draw of their own.
        let first = try Tensor(rows: [[1, 1], [2, 2]])
        XCTAssertEqual(try pool.mix(first, p: 1, using: stream).scalars, first.scalars)
        XCTAssertEqual(pool.rows, [[1, 1], [2, 2]])
        XCTAssertEqual(stream.position, 2)  // the two uniforms only
        // p = 1: every sample comes from the pool as it was; the new one replaces slot j with j < 2 of 3.
        let replay = stream.copy()
        let mixed = try pool.mix(try Tensor(rows: [[5, 5]]), p: 1, using: stream)
        _ = replay.nextUniform()
        XCTAssertEqual(mixed.scalars, [[1, 1], [2, 2]][replay.nextInt(below: 2)])
        let slot = replay.nextInt(below: 3)
        XCTAssertEqual(pool.rows, slot == 2 ? [[1, 1], [2, 2]] : (slot == 0 ? [[5, 5], [2, 2]] : [[1, 1], [5, 5]]))
        XCTAssertEqual(pool.seen, 3)
        // p = 0: the batch is unchanged, and it still enters the pool.
        let batch = try Tensor(rows: [[7, 7], [8, 8]])
        XCTAssertEqual(try pool.mix(batch, p: 0, using: stream).scalars, batch.scalars)
        XCTAssertEqual(pool.seen, 5)
        // Another width (data set or packing changed) starts a new pool.
        XCTAssertEqual(try pool.mix(try Tensor(rows: [[1, 2, 3]]), p: 1, using: stream).scalars, [1, 2, 3])
        XCTAssertEqual(pool.rows, [[1, 2, 3]])
    }

    func testReplayBufferFeedsDOldFakesOnlyInDUpdates() throws {
        let session = try smallSession()
        let trick = try switchOn(ReplayBufferTrick.self, [("size", "20"), ("p", "0.5")], in: session) as! ReplayBufferTrick
        try session.train(iterations: 3)
        XCTAssertEqual(trick.pool.seen, 24)  // 8 fakes per D update, none from the G updates
        XCTAssertEqual(trick.pool.rows.count, 20)
        // The data and noise batches are those of a session without the trick.
        let plain = try smallSession()
        try plain.train(iterations: 3)
        let positions = Dictionary(uniqueKeysWithValues: session.streams.positions.map { ($0.name, $0.position) })
        for (name, position) in plain.streams.positions { XCTAssertEqual(positions[name], position, name) }
        XCTAssertNotNil(positions["trick.replay-buffer"])
        // Restoring a snapshot gives back the pool of that moment (hooks are copied, the pool is a value).
        session.saveSnapshot("a")
        try session.train(iterations: 1)
        try session.restoreSnapshot("a")
        XCTAssertEqual((session.hooks.first as! ReplayBufferTrick).pool.seen, 24)
        session.removeHook(named: "replay-buffer")
        try session.train(iterations: 1)
    }

    // MARK: consensus

    func testConsensusRegulariserOfABilinearGameAndItsGradients() throws {
        // D(x) = φx, G(z) = θz under the WGAN losses: L_D = φθz̄ − φx̄, L_G = −φθz̄, so ∂L_G/∂θ = −φz̄ and
        // ∂L_D/∂φ = θz̄ − x̄. With θ = 3, φ = 0.5, x = (1, 3), z = (0, 2): x̄ = 2, z̄ = 1,
        // R = ½(0.25 + 1) = 0.625, ∂R/∂θ = z̄(θz̄ − x̄) = 1, ∂R/∂φ = φz̄² = 0.5.
        let theta = Tensor(3).reshapedForTest().requiringGradient(), phi = Tensor(0.5).reshapedForTest().requiringGradient()
        let x = try Tensor(rows: [[1], [3]]), z = try Tensor(rows: [[0], [2]])
        let fakeScores = try (try z.matmul(theta)).matmul(phi), realScores = try x.matmul(phi)
        let lossD = try fakeScores.mean() - realScores.mean(), lossG = -fakeScores.mean()
        let r = try ConsensusTrick.regulariser(generatorLoss: lossG, generatorWeights: [theta],
                                               discriminatorLoss: lossD, discriminatorWeights: [phi])
        XCTAssertEqual(r.scalar!, 0.625, accuracy: 1e-6)
        let grads = try gradients(of: r, wrt: [theta, phi])
        XCTAssertEqual(grads[0].scalar!, 1, accuracy: 1e-6)
        XCTAssertEqual(grads[1].scalar!, 0.5, accuracy: 1e-6)
    }

    func testConsensusTrainsOnItsOwnBatchesAndRefusesGradientPenalties() throws {
        let session = try smallSession()
        try switchOn(ConsensusTrick.self, [("gamma", "0.5")], in: session)
        try session.train(iterations: 2)
        let plain = try smallSession()
        try plain.train(iterations: 2)
        let positions = Dictionary(uniqueKeysWithValues: session.streams.positions.map { ($0.name, $0.position) })
        for (name, position) in plain.streams.positions { XCTAssertEqual(positions[name], position, name) }
        XCTAssertGreaterThan(positions["trick.consensus"] ?? 0, 0)
        XCTAssertFalse(zip(plain.generator.parameters, session.generator.parameters).allSatisfy { $0.value.isBitwiseEqual(to: $1.value) })
        try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec)))
        XCTAssertThrowsError(try session.train(iterations: 1)) { error in
            XCTAssertTrue("\(error)".hasPrefix("consensus differentiates the players' gradients again; loss wgan-gp"), "\(error)")
        }
        XCTAssertEqual(session.iteration, 2)
        session.removeHook(named: "consensus")
        XCTAssertThrowsError(try switchOn(ConsensusTrick.self, in: session))
        // What is refused is a penalty, not a loss by name: wgan-gp without its penalty trains, R1 does not.
        try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec, assignments: [("lambda", "0")])))
        try switchOn(ConsensusTrick.self, in: session)
        try session.train(iterations: 1)
        try session.setLoss(try NonSaturatingLoss(try ParameterValues(NonSaturatingLoss.spec, assignments: [("r1", "0.5")])))
        XCTAssertThrowsError(try session.train(iterations: 1))
    }
}

private extension Tensor {
    /// A scalar as a 1×1 matrix.
    func reshapedForTest() -> Tensor { try! reshaped([1, 1]) }
}
