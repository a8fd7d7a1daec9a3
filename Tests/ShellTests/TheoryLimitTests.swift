import XCTest
@testable import Workbench
@testable import Shell

/// Where the theory behind a loss or trick breaks: a gradient penalty with a D that mixes the samples of a
/// batch is refused; feature matching with instance noise is run with a located warning; feature matching's
/// `last` layer stays a feature of each sample under minibatch discrimination.
final class TheoryLimitTests: XCTestCase {
    func run(_ interpreter: Interpreter, _ source: String) -> Bool { interpreter.execute(source, file: "t.gan") }

    func testAGradientPenaltyIsRefusedWhenDMixesTheSamplesOfABatch() throws {
        let (shell, take) = try makeTestInterpreter()
        XCTAssertTrue(run(shell, "generator mlp hidden=8; critic mlp hidden=8 norm=batch; batch 16; loss wgan-gp"))
        _ = take()
        XCTAssertFalse(run(shell, "step 2"))
        let errors = take().errors.joined(separator: "\n")
        XCTAssertTrue(errors.contains("loss wgan-gp has a gradient penalty, which needs D to score each sample on its own"), errors)
        XCTAssertTrue(errors.contains("D's layer 1, BatchNorm(8), mixes the samples of a batch: rebuild D with norm=layer or norm=none"), errors)
        XCTAssertEqual(shell.session.iteration, 0)
        XCTAssertFalse(run(shell, "step d"))
        // R1 on any loss, with minibatch discrimination's layer in D: refused, naming the layer.
        XCTAssertTrue(run(shell, "critic mlp hidden=8 norm=none; loss nonsaturating r1=1; trick on minibatch-discrimination kernels=4 dims=3"))
        _ = take()
        XCTAssertFalse(run(shell, "step 1"))
        let mbd = take().errors.joined(separator: "\n")
        XCTAssertTrue(mbd.contains("loss nonsaturating has a gradient penalty"), mbd)
        XCTAssertTrue(mbd.contains("MinibatchDiscrimination(8 → 8+4, kernels 4, dims 3), mixes the samples of a batch: switch off the trick that added it"), mbd)
        // Without the penalty, or with a D that scores samples one by one (layer norm, dropout, VBN's fixed
        // reference rows), training goes on.
        XCTAssertTrue(run(shell, "loss nonsaturating r1=0; step 1"))
        XCTAssertTrue(run(shell, "trick off minibatch-discrimination; critic mlp hidden=8 norm=layer dropout=0.2; loss wgan-gp; step 1"))
        XCTAssertTrue(run(shell, "critic mlp hidden=8; trick on vbn players=both reference=8; step 1"), take().errors.joined(separator: "\n"))
        XCTAssertEqual(shell.session.iteration, 3)
    }

    func testFeatureMatchingWithInstanceNoiseIsWarnedAboutWhicheverComesSecond() throws {
        let (shell, take) = try makeTestInterpreter()
        XCTAssertTrue(run(shell, "trick on feature-matching"))
        XCTAssertTrue(take().errors.isEmpty)
        XCTAssertTrue(run(shell, "trick on instance-noise sigma=0.1"))
        let warning = take().errors
        XCTAssertEqual(warning.first, "t.gan:1:10: warning: feature-matching compares generated samples with instance-noise's "
                       + "noise on them against clean real samples, so their mean features differ even when G is the data; "
                       + "the bias lasts until the noise anneals to 0 (anneal=linear)")
        XCTAssertEqual(shell.failureCount, 0)
        XCTAssertTrue(run(shell, "trick off feature-matching; trick on feature-matching form=mse"))
        XCTAssertTrue(take().errors.contains { $0.hasSuffix("warning: feature-matching compares generated samples with instance-noise's noise on them against clean real samples, so their mean features differ even when G is the data; the bias lasts until the noise anneals to 0 (anneal=linear)") })
        XCTAssertTrue(run(shell, "trick off instance-noise; trick on minibatch-discrimination"))
        XCTAssertTrue(take().errors.isEmpty)
    }

    func testFeatureMatchingsLastLayerIsTheOneBeforeMinibatchDiscrimination() throws {
        let (shell, _) = try makeTestInterpreter()
        XCTAssertTrue(run(shell, "critic mlp hidden=8,8; trick on feature-matching; trick on minibatch-discrimination kernels=4 dims=3"))
        let matching = try XCTUnwrap(shell.session.hooks.first as? FeatureMatching)
        func index() throws -> Int { try matching.featureIndex(of: shell.session.discriminator) }
        // Linear, ReLU, Linear, ReLU, MinibatchDiscrimination, Linear: the features of each sample end at layer 3.
        XCTAssertTrue(shell.session.discriminator.layers[4].comparesSamples)
        XCTAssertEqual(shell.session.discriminator.lastHiddenLayerIndex, 4)
        XCTAssertEqual(try index(), 3)
        XCTAssertTrue(run(shell, "step 1"))
        XCTAssertTrue(run(shell, "trick off minibatch-discrimination"))
        XCTAssertEqual(try index(), 3)
        XCTAssertTrue(run(shell, "critic mlp hidden=8"))
        XCTAssertEqual(try index(), 1)
    }
}
