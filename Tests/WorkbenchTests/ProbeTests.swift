import XCTest
import Autodiff
import NeuralNet
@testable import Workbench

/// The numbers plots are made of: right where they are, and taken without changing the session.
final class ProbeTests: XCTestCase {
    func smallSession() throws -> Session {
        let session = try Session(seed: 4)
        try session.setModel(.generator, MLPModel.make([("hidden", "8")]))
        try session.setModel(.discriminator, MLPModel.make([("hidden", "8")]))
        try session.setBatchSize(16)
        return session
    }

    /// A linear network `inputs → outputs` with the given weight rows and no bias.
    func linear(_ rows: [[Float]]) throws -> Sequential {
        Sequential([Linear(weight: Parameter(try Tensor(rows: rows)), bias: Parameter(Tensor.zeros([rows.count])),
                           initialization: .pytorch)])
    }

    func testProbesChangeNothingAndRepeatExactly() throws {
        let session = try smallSession()
        try session.train(iterations: 3)
        let positions = session.streams.positions.map { "\($0.name)=\($0.position)" }
        let weights = (session.generator.parameters + session.discriminator.parameters).map(\.value)
        let first = try session.probeSamples(50)
        let grid = try session.discriminatorGrid(x: -1...1, y: -1...1, columns: 5, rows: 4)
        let push = try session.generatorPush(at: Array(first.generated.prefix(10)))
        _ = try session.noiseGridImage(lines: 3, pointsPerLine: 4)
        XCTAssertEqual(session.streams.positions.map { "\($0.name)=\($0.position)" }, positions)
        for (before, after) in zip(weights, (session.generator.parameters + session.discriminator.parameters).map(\.value)) {
            XCTAssertTrue(before.isBitwiseEqual(to: after))
        }
        XCTAssertEqual(session.iteration, 3)
        XCTAssertEqual(try session.probeSamples(50).generated, first.generated)
        XCTAssertEqual(try session.discriminatorGrid(x: -1...1, y: -1...1, columns: 5, rows: 4), grid)
        XCTAssertEqual(try session.generatorPush(at: Array(first.generated.prefix(10))), push)
        XCTAssertEqual(first.real.count, 50)
        XCTAssertEqual(first.generated[0].count, 2)
        XCTAssertEqual(grid.count, 20)
        // Training after probing goes exactly as it would have without them.
        let twin = try smallSession()
        try twin.train(iterations: 3)
        try session.train(iterations: 2)
        try twin.train(iterations: 2)
        XCTAssertTrue(session.history.rows.last!.isReproduction(of: twin.history.rows.last!))
    }

    /// With D(x, y) = x the grid grows along each row; with D(x, y) = y it grows from the first (bottom)
    /// row up; values are taken at cell centres.
    func testDiscriminatorGridIsBottomRowFirstAndLowestXFirst() throws {
        let session = try smallSession()
        session.discriminator = try linear([[1, 0]])
        let alongX = try session.discriminatorGrid(x: 0...4, y: 10...12, columns: 4, rows: 2)
        XCTAssertEqual(alongX, [0.5, 1.5, 2.5, 3.5, 0.5, 1.5, 2.5, 3.5])
        session.discriminator = try linear([[0, 1]])
        let alongY = try session.discriminatorGrid(x: 0...4, y: 10...12, columns: 4, rows: 2)
        XCTAssertEqual(alongY, [10.5, 10.5, 10.5, 10.5, 11.5, 11.5, 11.5, 11.5])
    }

    /// With D(x, y) = x and the non-saturating loss, each point is pushed towards larger x, by
    /// σ(−D(x̃)) (the derivative of softplus(−D)).
    func testGeneratorPushIsMinusTheGradientOfTheGeneratorLoss() throws {
        let session = try smallSession()
        session.discriminator = try linear([[1, 0]])
        let points = try session.probeSamples(20).generated
        let push = try session.generatorPush(at: points)
        XCTAssertEqual(push.count, 20)
        for (point, vector) in zip(points, push) {
            XCTAssertEqual(vector[0], 1 / (1 + exp(point[0])), accuracy: 1e-5)
            XCTAssertEqual(vector[1], 0)
        }
    }

    func testNoiseGridImageThroughAnIdentityIsTheGrid() throws {
        let session = try smallSession()
        session.generator = try linear([[1, 0], [0, 1]])
        let image = try session.noiseGridImage(lines: 3, pointsPerLine: 5)
        XCTAssertEqual(image.range, -2...2)
        XCTAssertEqual(image.variedCoordinates, 2)
        XCTAssertEqual(image.imageLines.count, 6)
        XCTAssertEqual(image.noiseLines[0].map { $0[1] }, [-2, -1, 0, 1, 2])
        for (noiseLine, imageLine) in zip(image.noiseLines, image.imageLines) { XCTAssertEqual(noiseLine, imageLine) }
        // Four-dimensional noise: the first two coordinates vary, the others stay at the centre (0).
        try session.setNoise(UniformNoise(dimension: 4, lower: 0, upper: 1))
        session.generator = try linear([[0, 0, 1, 0], [1, 0, 0, 0]])
        let held = try session.noiseGridImage(lines: 2, pointsPerLine: 3)
        XCTAssertEqual(held.range, 0...1)
        XCTAssertEqual(held.heldValue, 0.5)
        XCTAssertEqual(held.imageLines[0], [[0.5, 0], [0.5, 0], [0.5, 0]])
    }

    func testPackingLeavesDWithoutAValueAtAPoint() throws {
        let session = try smallSession()
        let packing = try PackingTrick(try ParameterValues(PackingTrick.spec, assignments: [("m", "2")]), environment: session.trickEnvironment)
        session.addHook(packing)
        XCTAssertNotNil(session.discriminatorProbeProblem)
        XCTAssertThrowsError(try session.discriminatorGrid(x: 0...1, y: 0...1, columns: 2, rows: 2))
        XCTAssertThrowsError(try session.generatorPush(at: [[0, 0]]))
        XCTAssertEqual(try session.probeSamples(4).real.count, 4)
    }

    /// With minibatch discrimination a point's score depends on its batch: points go through D in
    /// batches of the training size, so 40 points with batch 16 are scored as 16 + 16 + 8.
    func testPointsGoThroughABatchComparingDInTrainingSizeBatches() throws {
        let session = try smallSession()
        let trick = try MinibatchDiscrimination(try ParameterValues(MinibatchDiscrimination.spec), environment: session.trickEnvironment)
        session.addHook(trick)
        XCTAssertFalse(session.discriminatorScoresPointsIndependently)
        let points = (0..<40).map { [sin(Double($0)), cos(Double($0) * 0.7)] }
        let together = try session.discriminatorValues(at: points)
        let piecewise = try session.discriminatorValues(at: Array(points[0..<16])) + session.discriminatorValues(at: Array(points[16..<32]))
            + session.discriminatorValues(at: Array(points[32...]))
        XCTAssertEqual(together, piecewise)
        XCTAssertNotEqual(Array(together[0..<8]), try session.discriminatorValues(at: Array(points[0..<8])),
                          "the batch a point is scored in matters")
    }

    func testMeasurementsFormSeries() throws {
        let session = try smallSession()
        try session.train(iterations: 2)
        let modes = try Plugins.metrics.named("modes")!.make(try ParameterValues(Plugins.metrics.named("modes")!.spec, assignments: [("n", "100")]))
        try session.measure(modes)
        try session.train(iterations: 1)
        try session.measure(modes)
        XCTAssertEqual(session.history.measurementNames, ["modes.modes", "modes.modes_total", "modes.high_quality", "modes.reverse_kl"])
        XCTAssertEqual(session.history.measurementSeries("modes.modes_total")?.map(\.iteration), [2, 3])
        XCTAssertEqual(session.history.measurementSeries("modes.modes_total")?.map(\.value), [8, 8])
        XCTAssertNil(session.history.measurementSeries("w1.w1"))
    }
}
