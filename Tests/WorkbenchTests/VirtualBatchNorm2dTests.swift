import XCTest
import Autodiff
import Kernels
import NeuralNet
import _GantryTestSupport
@testable import Workbench

/// Virtual batch normalisation of image channels: the layer against a per-sample computation in Double, its
/// derivatives, a sample's independence from its batch-mates, and the trick on dcgan networks and back.
final class VirtualBatchNorm2dTests: XCTestCase {
    let training = ForwardContext(training: true)

    func bits(_ parameters: [Parameter]) -> [[UInt32]] { parameters.map { $0.value.scalars.map(\.bitPattern) } }

    /// A layer of `image` with `reference` reference rows and random γ, β.
    func layer(_ image: ImageShape, reference: Int, seed: UInt64 = 2) -> VirtualBatchNorm2d {
        let norm = VirtualBatchNorm2d(image, referenceCount: reference, replacing: nil)
        let stream = RandomStream(seed: seed, name: "affine")
        norm.scale.value = Tensor.randomNormal([image.channels], using: stream).requiringGradient()
        norm.shift.value = Tensor.randomNormal([image.channels], using: stream).requiringGradient()
        return norm
    }

    /// Per channel: the reference rows by the reference batch's N_ref·H·W values, every other image by those
    /// mixed with its own H·W values at weight 1/(N_ref + 1), computed image by image in Double.
    func testForwardAgainstANaivePerSampleComputation() throws {
        let image = ImageShape(channels: 3, height: 3, width: 5)
        let (reference, others) = (4, 3)
        let norm = layer(image, reference: reference)
        // Offsets per channel, so that the mean matters as much as the spread.
        let x = Tensor.randomNormal([reference + others, image.elementCount], using: RandomStream(seed: 5, name: "x")) * 2 + 0.7
        let y = try norm.forward(x, training).scalars
        let values = x.scalars.map(Double.init)
        let (pixels, gamma, beta) = (15, norm.scale.value.scalars.map(Double.init), norm.shift.value.scalars.map(Double.init))
        func channelValues(_ row: Int, _ channel: Int) -> [Double] {
            (0..<pixels).map { values[row * image.elementCount + channel * pixels + $0] }
        }
        let w = 1.0 / Double(reference + 1)
        for channel in 0..<3 {
            let referenceValues = (0..<reference).flatMap { channelValues($0, channel) }
            let meanR = referenceValues.reduce(0, +) / Double(referenceValues.count)
            let squareR = referenceValues.reduce(0) { $0 + $1 * $1 } / Double(referenceValues.count)
            for row in 0..<(reference + others) {
                let own = channelValues(row, channel)
                var (mean, square) = (meanR, squareR)
                if row >= reference {
                    mean = w * own.reduce(0, +) / Double(pixels) + (1 - w) * meanR
                    square = w * own.reduce(0) { $0 + $1 * $1 } / Double(pixels) + (1 - w) * squareR
                }
                for (pixel, value) in own.enumerated() {
                    let expected = gamma[channel] * (value - mean) / (1e-5 + square - mean * mean).squareRoot() + beta[channel]
                    XCTAssertEqual(Double(y[row * image.elementCount + channel * pixels + pixel]), expected, accuracy: 2e-5,
                                   "row \(row) channel \(channel) pixel \(pixel)")
                }
            }
        }
        // With 1×1 images it is the virtual batch normalisation of features.
        let flat = VirtualBatchNorm(features: 3, referenceCount: reference, replacing: nil)
        let pointwise = layer(ImageShape(channels: 3, height: 1, width: 1), reference: reference)
        flat.scale.value = pointwise.scale.value
        flat.shift.value = pointwise.shift.value
        let z = Tensor.randomNormal([reference + others, 3], using: RandomStream(seed: 6, name: "z"))
        for (a, b) in zip(try pointwise.forward(z, training).scalars, try flat.forward(z, training).scalars) {
            XCTAssertEqual(a, b, accuracy: 1e-5)
        }
    }

    /// First and second derivatives with respect to the input (reference rows included), γ and β, on odd sizes.
    func testGradientsFirstAndSecondOrder() throws {
        let image = ImageShape(channels: 2, height: 3, width: 1)
        let stream = RandomStream(seed: 9, name: "gradcheck")
        let inputs = [Tensor.randomNormal([5, image.elementCount], using: stream), Tensor.randomNormal([2], using: stream),
                      Tensor.randomNormal([2], using: stream)]
        func f(_ inputs: [Tensor]) throws -> Tensor {
            let probe = VirtualBatchNorm2d(image, referenceCount: 3, replacing: nil)
            probe.scale.value = inputs[1]
            probe.shift.value = inputs[2]
            return try probe.forward(inputs[0], ForwardContext(training: true))
        }
        let first = try GradientCheck.firstOrder(inputs, f)
        XCTAssertTrue(first.passed, first.description)
        let second = try GradientCheck.secondOrder(inputs, f)
        XCTAssertTrue(second.passed, second.description)
        // The reference rows get a gradient from the other rows' outputs (through μ_r and ν_r).
        let x = inputs[0].requiringGradient()
        let output = try VirtualBatchNorm2d(image, referenceCount: 3, replacing: nil).forward(x, training)
        let gradient = try gradients(of: try output.slice(axis: 0, 3..<5).squared().sum(), wrt: [x])[0].scalars
        XCTAssertTrue(gradient[0..<(3 * image.elementCount)].contains { $0 != 0 })
    }

    /// VBN's point: an image's output depends on the reference batch and itself, never on its batch-mates
    /// (bit for bit); BatchNorm2d on the same rows is the control, whose outputs move with the batch.
    func testASampleIsIndependentOfTheRestOfItsBatch() throws {
        let image = ImageShape(channels: 2, height: 3, width: 3)
        let norm = layer(image, reference: 3)
        let stream = RandomStream(seed: 12, name: "rows")
        let reference = Tensor.randomNormal([3, 18], using: stream)
        let (sample, mates) = (Tensor.randomNormal([1, 18], using: stream), Tensor.randomNormal([4, 18], using: stream) * 3)
        let alone = try norm.forward(try Tensor.concatenate([reference, sample], axis: 0), training).slice(axis: 0, 3..<4)
        let amongOthers = try norm.forward(try Tensor.concatenate([reference, mates, sample], axis: 0), training).slice(axis: 0, 7..<8)
        XCTAssertTrue(alone.isBitwiseEqual(to: amongOthers))
        let batchNorm = BatchNorm2d(image)
        let plainAlone = try batchNorm.forward(try Tensor.concatenate([reference, sample], axis: 0), training).slice(axis: 0, 3..<4)
        let plainAmongOthers = try batchNorm.forward(try Tensor.concatenate([reference, mates, sample], axis: 0), training).slice(axis: 0, 7..<8)
        XCTAssertGreaterThan(try (plainAlone - plainAmongOthers).abs().sum().scalar!, 0.1)
        // The reference rows are normalised by their own statistics alone: BatchNorm2d of them with the same γ, β.
        batchNorm.scale.value = norm.scale.value
        batchNorm.shift.value = norm.shift.value
        let referenceOut = try norm.forward(try Tensor.concatenate([reference, mates], axis: 0), training).slice(axis: 0, 0..<3)
        for (a, b) in zip(referenceOut.scalars, try batchNorm.forward(reference, training).scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
        XCTAssertFalse(norm.mixesSamples)
        XCTAssertThrowsError(try norm.forward(Tensor.zeros([2, 18]), training)) {
            XCTAssertEqual("\($0)", "VirtualBatchNorm2d(2×3×3, reference 3) expects [3 + batch, 18] (rows of 2×3×3), got [2, 18]")
        }
    }

    /// A session on 8×8 uniform images with small dcgan networks.
    func imageSession(generator: [(name: String, value: String)] = [("width", "4")],
                      critic: [(name: String, value: String)] = [("width", "4"), ("norm", "none")]) throws -> Session {
        let session = try Session(seed: 3)
        try session.setDataset(try UniformImages.make([("size", "8")]))
        try session.setNoise(try NormalNoise(dimension: 4))
        try session.setModel(.generator, try DCGANModel.make(generator))
        try session.setModel(.discriminator, try DCGANModel.make(critic))
        try session.setBatchSize(8)
        return session
    }

    func vbn(_ session: Session, _ assignments: [(name: String, value: String)] = [("reference", "4")]) throws {
        let trick = try VirtualBatchNormalization(try ParameterValues(VirtualBatchNormalization.spec, assignments: assignments),
                                                  environment: session.trickEnvironment)
        session.addHook(trick)
    }

    /// On a dcgan G with batch normalisation, each BatchNorm becomes a VirtualBatchNorm and each BatchNorm2d a
    /// VirtualBatchNorm2d; off puts back the very layers, bit for bit when nothing trained, with the trained
    /// γ and β (and untouched running statistics) when something did.
    func testOnAndOffADCGANGenerator() throws {
        let session = try imageSession()
        try session.train(iterations: 1)
        let layers = session.generator.layers
        let before = bits(session.generator.parameters) + bits(session.generator.buffers)
        try vbn(session)
        XCTAssertEqual(session.generator.layers.map(\.summary), [
            "VBNReference(4 rows of 4)", "Linear(4 → 32, init pytorch)", "VirtualBatchNorm(32, reference 4, replaces BatchNorm)", "ReLU",
            "Unflatten(32 → 8×2×2)", "ConvTranspose2d(8×2×2 → 4×4×4, kernel 4, stride 2, padding 1, init pytorch)",
            "VirtualBatchNorm2d(4×4×4, reference 4, replaces BatchNorm2d)", "ReLU",
            "ConvTranspose2d(4×4×4 → 1×8×8, kernel 4, stride 2, padding 1, init pytorch)", "Tanh", "VBNStrip(4 rows)",
        ])
        XCTAssertTrue(session.removeHook(named: "vbn"))
        XCTAssertEqual(session.generator.layers.count, layers.count)
        XCTAssertTrue(zip(session.generator.layers, layers).allSatisfy { $0 === $1 })
        XCTAssertEqual(bits(session.generator.parameters) + bits(session.generator.buffers), before)
        // Trained under VBN: γ and β come back trained, the running statistics as they were.
        try vbn(session)
        try session.train(iterations: 2)
        let trained = try XCTUnwrap(session.generator.layers[6] as? VirtualBatchNorm2d)
        let (scale, shift) = (trained.scale.value, trained.shift.value)
        XCTAssertFalse(scale.isBitwiseEqual(to: layers[5].parameters[0].value))
        XCTAssertTrue(session.removeHook(named: "vbn"))
        let batchNorm = try XCTUnwrap(session.generator.layers[5] as? BatchNorm2d)
        XCTAssertTrue(batchNorm === layers[5])
        XCTAssertTrue(batchNorm.scale.value.isBitwiseEqual(to: scale) && batchNorm.shift.value.isBitwiseEqual(to: shift))
        XCTAssertEqual(bits(batchNorm.buffers), bits(layers[5].buffers))
        try session.train(iterations: 1)
    }

    /// Networks without normalisation get VBN after every hidden Linear and convolution; in D (players=both)
    /// a gradient penalty then differentiates through the reference statistics, which it refuses to do through
    /// a BatchNorm2d.
    func testInsertedIntoNetworksWithoutNormalisationAndUnderAGradientPenalty() throws {
        let session = try imageSession(generator: [("width", "4"), ("norm", "none")], critic: [("width", "4"), ("norm", "batch")])
        try session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec, assignments: [("lambda", "10"), ("critic_steps", "1")])))
        XCTAssertThrowsError(try session.train(iterations: 1))
        try vbn(session, [("reference", "4"), ("players", "both")])
        XCTAssertEqual(session.generator.layers.filter { $0 is VirtualBatchNorm }.map(\.summary), ["VirtualBatchNorm(32, reference 4)"])
        XCTAssertEqual(session.generator.layers.filter { $0 is VirtualBatchNorm2d }.map(\.summary), ["VirtualBatchNorm2d(4×4×4, reference 4)"])
        XCTAssertEqual(session.discriminator.layers.filter { $0 is VirtualBatchNorm2d }.map(\.summary),
                       ["VirtualBatchNorm2d(8×2×2, reference 4, replaces BatchNorm2d)"])
        let first = bits(session.discriminator.parameters)
        try session.train(iterations: 2)
        XCTAssertTrue(session.history.rows.allSatisfy { $0.discriminatorLoss.isFinite && $0.generatorLoss.isFinite })
        XCTAssertNotEqual(bits(session.discriminator.parameters), first)
        let fresh = try imageSession(generator: [("width", "4"), ("norm", "none")], critic: [("width", "4"), ("norm", "none")])
        try vbn(fresh, [("reference", "4"), ("players", "both")])
        XCTAssertEqual(fresh.discriminator.layers.map(\.summary).filter { $0.hasPrefix("Virtual") }, [
            "VirtualBatchNorm2d(4×4×4, reference 4)", "VirtualBatchNorm2d(8×2×2, reference 4)",
        ])
        XCTAssertTrue(fresh.removeHook(named: "vbn"))
        XCTAssertFalse(fresh.discriminator.layers.contains { $0 is VirtualBatchNorm2d || $0 is VirtualBatchNormReference })
    }

    /// The same training on one and two threads gives the same bits, VBN in both networks.
    func testBitIdenticalOnOneAndTwoThreads() throws {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        var results: [[[UInt32]]] = []
        for threads in [1, 2] {
            ComputeThreads.count = threads
            let session = try imageSession(critic: [("width", "4"), ("norm", "batch")])
            try vbn(session, [("reference", "4"), ("players", "both")])
            try session.train(iterations: 3)
            results.append(bits(session.generator.parameters) + bits(session.discriminator.parameters))
        }
        XCTAssertEqual(results[0], results[1])
    }

    /// The memory estimate counts the reference rows' pass through an image network.
    func testTheMemoryEstimateCountsTheReferenceRows() throws {
        let session = try imageSession()
        let before = session.trainingPlan().generator.floatsPerRow
        let other = session.trainingPlan().generator.otherFloatsPerRow
        try vbn(session, [("reference", "16")])
        XCTAssertEqual(session.trainingPlan().generator.floatsPerRow, before + 2 * other)
    }
}
