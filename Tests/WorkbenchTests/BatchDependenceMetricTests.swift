import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

/// batch-dependence: exactly 0 where G treats each z on its own (no normalisation, layer normalisation,
/// VBN's fixed reference), positive under batch normalisation, and measuring moves nothing of training.
final class BatchDependenceMetricTests: XCTestCase {
    func session(_ norm: String) throws -> Session {
        let session = try Session(seed: 2)
        try session.setModel(.generator, MLPModel.make([("hidden", "16,16"), ("norm", norm)]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "16")]))
        try session.setBatchSize(32)
        try session.train(iterations: 3)
        return session
    }

    func measure(_ session: Session) throws -> (change: Double, relative: Double) {
        let report = try session.measure(try BatchDependenceMetric(try ParameterValues(BatchDependenceMetric.spec)))
        return (report.value("change")!, report.value("relative")!)
    }

    func testItIsZeroUnlessGMixesTheSamplesOfABatch() throws {
        XCTAssertEqual(try measure(try session("none")).change, 0)
        XCTAssertEqual(try measure(try session("layer")).change, 0)
        let batchNorm = try session("batch")
        let before = batchNorm.generator.namedBuffers(prefix: "").map { $0.parameter.value.scalars }
        let positions = batchNorm.streams.positions.map(\.position)
        let coupled = try measure(batchNorm)
        XCTAssertGreaterThan(coupled.change, 1e-3)
        XCTAssertGreaterThan(coupled.relative, 1e-3)
        // Measured on a copy of G from the measurement's own stream: running statistics and training streams stay.
        XCTAssertEqual(batchNorm.generator.namedBuffers(prefix: "").map { $0.parameter.value.scalars }, before)
        XCTAssertEqual(batchNorm.streams.positions.map(\.position), positions)
        // VBN replaces the BatchNorms: each sample is normalised with the fixed reference batch and itself.
        batchNorm.addHook(try VirtualBatchNormalization(try ParameterValues(VirtualBatchNormalization.spec, assignments: [("reference", "16")]),
                                                        environment: batchNorm.trickEnvironment))
        XCTAssertEqual(try measure(batchNorm).change, 0)
    }

    func testTheChangeIsTheMeanDistanceOfTheFixedRowsAcrossBatches() throws {
        // A "generator" that adds the batch mean to every row: row i of batch r is z_i + mean_r.
        var draws = 0
        let probe = GeneratorProbe(batchSize: 4, noise: { n in
            draws += 1
            return try! Tensor(Array(repeating: Float(draws), count: n), shape: [n, 1])
        }, generate: { z in try z + z.mean(axis: 0) })
        let metric = try BatchDependenceMetric(try ParameterValues(BatchDependenceMetric.spec, assignments: [("trials", "3")]))
        let report = try metric.measure(MetricInput(real: Tensor.zeros([1, 1]), generated: try Tensor([1, 3], shape: [2, 1]), modes: nil,
                                                    stream: RandomStream(seed: 1, name: "m"), generator: probe))
        // Fixed rows are 1, 1; batch-mates 2, 2 then 3, 3 then 4, 4: means 1.5, 2, 2.5, so the fixed rows move by
        // 0.5 and 1 from the first batch: change 0.75. The samples 1 and 3 lie 1 from their mean: relative 0.75.
        XCTAssertEqual(report.value("change")!, 0.75, accuracy: 1e-6)
        XCTAssertEqual(report.value("relative")!, 0.75, accuracy: 1e-6)
    }
}
