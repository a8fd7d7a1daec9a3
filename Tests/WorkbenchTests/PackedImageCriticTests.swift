import XCTest
import _GantryTestSupport
import Autodiff
import NeuralNet
@testable import Workbench

/// Packing (PacGAN) on a convolutional D: a pack of m images of C×H×W is one image of m·C channels, the first
/// sample's channels first, as PacGAN concatenates stacked-MNIST samples along the channel axis; the dcgan
/// critic is rebuilt for m·C channels and back; gradients reach every sample of a pack, to second order.
/// Tiny 3×8×8 images keep the debug build quick.
final class PackedImageCriticTests: XCTestCase {
    func bits(_ network: Sequential) -> [[UInt32]] { network.parameters.map { $0.value.scalars.map(\.bitPattern) } }

    /// 3×8×8 uniform images, dcgan G and D of width 2 without normalisation, batch 8.
    func imageSession(channels: Int = 3) throws -> Session {
        let session = try Session(seed: 4)
        try session.setDataset(try UniformImages.make([("size", "8"), ("channels", "\(channels)")]))
        try session.setNoise(try NormalNoise(dimension: 3))
        try session.setModel(.generator, try DCGANModel.make([("width", "2"), ("norm", "none")]))
        try session.setModel(.discriminator, try DCGANModel.make([("width", "2"), ("norm", "none")]))
        try session.setBatchSize(8)
        return session
    }

    /// `trick on packing m=M` as the shell does it.
    func packing(_ m: Int, in session: Session) throws {
        let trick = try PackingTrick(try ParameterValues(PackingTrick.spec, assignments: [("m", "\(m)")]),
                                     environment: session.trickEnvironment)
        session.removeHook(named: PackingTrick.spec.name)
        session.addHook(trick)
    }

    func firstLayer(_ session: Session) -> String { session.discriminator.layers.first?.summary ?? "" }

    /// Pixel (c, y, x) of pack p holds pixel (c mod C, y, x) of sample m·p + ⌊c / C⌋: the samples' channels one
    /// after the other, which in NCHW rows is each sample's row after the previous one.
    func testAPackIsTheChannelsOfItsSamplesOneAfterTheOther() throws {
        let (m, c, side) = (2, 3, 8)
        let samples = Tensor.randomUniform([4, c * side * side], lower: -1, upper: 1, using: RandomStream(seed: 1, name: "x"))
        let packed = try PackingTrick.pack(samples, m)
        XCTAssertEqual(packed.shape, [2, m * c * side * side])
        var misplaced: [String] = []
        for p in 0..<2 {
            for channel in 0..<(m * c) {
                for y in 0..<side {
                    for x in 0..<side where packed[p, (channel * side + y) * side + x].bitPattern
                        != samples[m * p + channel / c, (channel % c) * side * side + y * side + x].bitPattern {
                        misplaced.append("pack \(p) channel \(channel) (\(y), \(x))")
                    }
                }
            }
        }
        XCTAssertEqual(misplaced.count, 0, "first misplaced pixels: \(misplaced.prefix(3))")
    }

    /// D's first convolution reads input channels 0…C−1 from a pack's first sample and C…2C−1 from its second:
    /// with the weights of one group set to 0, changing the sample that group reads leaves every score as it was,
    /// and changing the other sample moves it.
    func testTheCriticsFirstConvolutionReadsEachSampleOfAPackThroughItsOwnChannels() throws {
        let session = try imageSession()
        try packing(2, in: session)
        XCTAssertEqual(firstLayer(session), "Conv2d(6×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        let stream = RandomStream(seed: 2, name: "x")
        let samples = Tensor.randomUniform([8, 192], lower: -1, upper: 1, using: stream)
        // The same samples with the second (odd rows) or the first (even rows) of every pack replaced.
        let other = Tensor.randomUniform([8, 192], lower: -1, upper: 1, using: stream)
        func replacing(odd: Bool) throws -> Tensor {
            var scalars: [Float] = []
            for row in 0..<8 {
                let source = (row % 2 == 1) == odd ? other : samples
                scalars += source.scalars[(row * 192)..<(row * 192 + 192)]
            }
            return try Tensor(scalars, shape: [8, 192])
        }
        let convolution = try XCTUnwrap(session.discriminator.layers.first as? Conv2d)
        let weight = convolution.weight.value  // [out 2, in 6, 4, 4]
        XCTAssertEqual(weight.shape, [2, 6, 4, 4])
        // Silencing channels 0…2 makes D blind to the first sample of each pack (the even rows), 3…5 to the second.
        for (silenced, blindToOdd) in [(0..<3, false), (3..<6, true)] {
            convolution.weight.value = try Tensor(weight.scalars.enumerated().map { index, value in
                silenced.contains(index / 16 % 6) ? 0 : value
            }, shape: weight.shape).requiringGradient()
            func scores(_ rows: Tensor) throws -> [Float] { try session.discriminatorScores(try PackingTrick.pack(rows, 2)).scalars }
            let base = try scores(samples)
            XCTAssertEqual(try scores(try replacing(odd: blindToOdd)).map(\.bitPattern), base.map(\.bitPattern),
                           "with input channels \(silenced) silenced, D still reads the sample they held")
            let moved = try scores(try replacing(odd: !blindToOdd))
            XCTAssertTrue(zip(moved, base).allSatisfy { $0 != $1 }, "D does not read the sample held by the channels left on")
        }
    }

    /// Central differences of D(pack(x)) agree with the gradients the engine computes, first order (what G learns
    /// from) and second order (what a gradient penalty on packs trains D with), and no sample's gradient is 0.
    func testGradientsReachEverySampleOfAPackToSecondOrder() throws {
        let session = try imageSession()
        try packing(2, in: session)
        let network = session.discriminator
        let samples = Tensor.randomUniform([4, 192], lower: -1, upper: 1, using: RandomStream(seed: 3, name: "x"))
        func critic(_ inputs: [Tensor]) throws -> Tensor {
            try network.forward(try PackingTrick.pack(inputs[0], 2), ForwardContext(training: true))
        }
        let first = try GradientCheck.firstOrder([samples], critic)
        XCTAssertTrue(first.passed, "\(first)")
        let second = try GradientCheck.secondOrder([samples], critic)
        XCTAssertTrue(second.passed, "\(second)")
        let x = samples.requiringGradient()
        let gradient = try gradients(of: try critic([x]).sum(), wrt: [x])[0]
        for row in 0..<4 {
            let norm = gradient.scalars[(row * 192)..<(row * 192 + 192)].reduce(0) { $0 + $1 * $1 }
            XCTAssertGreaterThan(norm, 0, "sample \(row) gets no gradient through its pack")
        }
    }

    /// On: D is rebuilt for m·C channels with fresh weights, and trains; off: D is the one the session had
    /// before packing, weight for weight (both are drawn from stream init.D for their architecture). A new D or
    /// new data while packing is on are built for packs too.
    func testTheConvolutionalCriticIsRebuiltForPacksAndBack() throws {
        let session = try imageSession()
        let unpacked = bits(session.discriminator)
        XCTAssertEqual(firstLayer(session), "Conv2d(3×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        try packing(4, in: session)
        XCTAssertEqual(firstLayer(session), "Conv2d(12×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        XCTAssertEqual(session.discriminatorInputWidth, 4 * 192)
        try session.train(iterations: 2)
        XCTAssertEqual(session.optimizer(.discriminator).stepCount(of: session.discriminator.parameters[0]), 2)
        try packing(2, in: session)
        XCTAssertEqual(firstLayer(session), "Conv2d(6×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        try session.setModel(.discriminator, try DCGANModel.make([("width", "3"), ("norm", "batch")]))
        XCTAssertEqual(firstLayer(session), "Conv2d(6×8×8 → 3×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        try session.setDataset(try UniformImages.make([("size", "8"), ("channels", "1")]))
        XCTAssertEqual(firstLayer(session), "Conv2d(2×8×8 → 3×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        try session.train(iterations: 1)
        try session.setDataset(try UniformImages.make([("size", "8"), ("channels", "3")]))
        try session.setModel(.discriminator, try DCGANModel.make([("width", "2"), ("norm", "none")]))
        XCTAssertTrue(session.removeHook(named: PackingTrick.spec.name))
        XCTAssertEqual(firstLayer(session), "Conv2d(3×8×8 → 2×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        XCTAssertEqual(bits(session.discriminator), unpacked)
        XCTAssertEqual(session.optimizer(.discriminator).state.count, 0)
        try session.train(iterations: 1)
    }
}
