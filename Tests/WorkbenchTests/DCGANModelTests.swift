import XCTest
import Autodiff
import Kernels
import NeuralNet
@testable import Workbench

/// The dcgan model on image data: the benchmark networks layer by layer, refusals, gradient penalties
/// through convolutions, bit-identity across thread counts, and the image layers' records (VBN on images:
/// `VirtualBatchNorm2dTests`).
final class DCGANModelTests: XCTestCase {
    func bits(_ network: Sequential) -> [[UInt32]] { network.parameters.map { $0.value.scalars.map(\.bitPattern) } }

    /// A session on tiny uniform images with dcgan networks (kept small: debug builds train slowly).
    func imageSession(size: Int = 8, noise: Int = 4, generator: [(name: String, value: String)] = [("width", "4")],
                      critic: [(name: String, value: String)] = [("width", "4"), ("norm", "none")], batch: Int = 8) throws -> Session {
        let session = try Session(seed: 3)
        try session.setDataset(try UniformImages.make([("size", "\(size)")]))
        try session.setNoise(try NormalNoise(dimension: noise))
        try session.setModel(.generator, try DCGANModel.make(generator))
        try session.setModel(.discriminator, try DCGANModel.make(critic))
        try session.setBatchSize(batch)
        return session
    }

    /// dcgan-small of issue 18, counted by hand (PyTorch's modules, every bias on; ReLU, Unflatten, Flatten, Tanh
    /// and LeakyReLU hold nothing):
    /// G: Linear(100 → 6272) 100·6272 + 6272 = 633 472; BatchNorm1d(6272) 2·6272 = 12 544;
    ///    ConvTranspose2d(128 → 64, k 4) 128·64·16 + 64 = 131 136; BatchNorm2d(64) 128;
    ///    ConvTranspose2d(64 → 1, k 4) 64·16 + 1 = 1 025; total 778 305.
    /// D: Conv2d(1 → 64, k 4) 64·16 + 64 = 1 088; Conv2d(64 → 128, k 4) 128·64·16 + 128 = 131 200;
    ///    Linear(6272 → 1) 6 273; total 138 561.
    func testDCGANSmallIsTheIssuesArchitecture() throws {
        let session = try imageSession(size: 28, noise: 100, generator: [], critic: [("norm", "none")], batch: 64)
        XCTAssertEqual(session.generator.layers.map(\.summary), [
            "Linear(100 → 6272, init pytorch)", "BatchNorm(6272)", "ReLU", "Unflatten(6272 → 128×7×7)",
            "ConvTranspose2d(128×7×7 → 64×14×14, kernel 4, stride 2, padding 1, init pytorch)", "BatchNorm2d(64×14×14)", "ReLU",
            "ConvTranspose2d(64×14×14 → 1×28×28, kernel 4, stride 2, padding 1, init pytorch)", "Tanh",
        ])
        XCTAssertEqual(session.discriminator.layers.map(\.summary), [
            "Conv2d(1×28×28 → 64×14×14, kernel 4, stride 2, padding 1, init pytorch)", "LeakyReLU(0.2)",
            "Conv2d(64×14×14 → 128×7×7, kernel 4, stride 2, padding 1, init pytorch)", "LeakyReLU(0.2)",
            "Flatten(128×7×7 → 6272)", "Linear(6272 → 1, init pytorch)",
        ])
        XCTAssertEqual(session.generator.layers.map { $0.parameters.map(\.shape) }, [
            [[6272, 100], [6272]], [[6272], [6272]], [], [], [[128, 64, 4, 4], [64]], [[64], [64]], [], [[64, 1, 4, 4], [1]], [],
        ])
        XCTAssertEqual(session.discriminator.layers.map { $0.parameters.map(\.shape) }, [
            [[64, 1, 4, 4], [64]], [], [[128, 64, 4, 4], [128]], [], [], [[1, 6272], [1]],
        ])
        XCTAssertEqual(session.generator.parameterCount, 778_305)
        XCTAssertEqual(session.discriminator.parameterCount, 138_561)
        XCTAssertEqual(session.generator.outputWidth(forInputWidth: 100), 784)
        XCTAssertEqual(session.discriminator.outputWidth(forInputWidth: 784), 1)
        // The memory estimate keeps every feature map of a row (normalisations four times): by hand,
        // G 100 + 6·6272 + 6·12544 + 2·784 and D 784 + 2·12544 + 2·6272 + 1, each + 2.
        let plan = session.trainingPlan()
        XCTAssertEqual(plan.generator.floatsPerRow, 2 + 100 + 6 * 6272 + 6 * 12544 + 2 * 784)
        XCTAssertEqual(plan.discriminator.floatsPerRow, 2 + 784 + 2 * 12544 + 2 * 6272 + 1)
        // The declared layers (what checkpoints and the memory estimate read) count the same parameters.
        XCTAssertEqual(plan.generator.parameters, 778_305)
        XCTAssertEqual(plan.discriminator.parameters, 138_561)
        let batch = try session.generator.forward(Tensor.randomNormal([2, 100], using: RandomStream(seed: 1, name: "z")),
                                                  ForwardContext(training: true))
        XCTAssertEqual(batch.shape, [2, 784])
        XCTAssertTrue(batch.scalars.allSatisfy { abs($0) <= 1 })
    }

    func testDataThatAreNotImagesOrDoNotHalveAreRefused() throws {
        let session = try Session(seed: 3)
        XCTAssertThrowsError(try session.setModel(.generator, try DCGANModel.make())) {
            XCTAssertEqual("\($0)", "dcgan builds convolutional networks for images, and the data are not images (samples of 2 values); "
                           + "choose an image data set first, such as data uniform-images")
        }
        XCTAssertEqual(session.model(.generator).name, "mlp")
        try session.setDataset(try UniformImages.make([("size", "14")]))
        XCTAssertThrowsError(try session.setModel(.discriminator, try DCGANModel.make())) {
            XCTAssertEqual("\($0)", "dcgan with depth=2 halves the image's side 2 times, so the side must be divisible by 4; the data's "
                           + "images are 14×14: choose depth=1 or a data set of another size")
        }
        try session.setModel(.discriminator, try DCGANModel.make([("depth", "1")]))
        XCTAssertEqual(session.discriminator.outputWidth(forInputWidth: 196), 1)
        // Leaving image data behind would leave D without its layout: refused, the images kept.
        XCTAssertThrowsError(try session.setDataset(try RingGaussians.make()))
        XCTAssertEqual(session.dataset.imageShape, ImageShape(channels: 1, height: 14, width: 14))
    }

    /// Images of another layout but as many values per row are another input: the networks are rebuilt for it.
    func testANewImageLayoutOfTheSameWidthRebuildsTheNetworks() throws {
        let session = try imageSession(size: 16)
        let note = try session.setDataset(try UniformImages.make([("size", "8"), ("channels", "4")]))
        XCTAssertEqual(note, "the image layout changed from 1×16×16 to 4×8×8: G and D were rebuilt with fresh weights")
        XCTAssertEqual(session.discriminator.layers.first?.summary, "Conv2d(4×8×8 → 4×4×4, kernel 4, stride 2, padding 1, init pytorch)")
        XCTAssertEqual(session.generator.outputWidth(forInputWidth: 4), 256)
    }

    /// The penalties differentiate ‖∇ₓD‖ with respect to D's weights: second order through both convolutions.
    /// With the penalty on, one step moves D's weights elsewhere than with it off.
    func testGradientPenaltiesTrainTheConvolutionalCritic() throws {
        for (loss, on, off) in [("wgan-gp", [("lambda", "10")], [("lambda", "0")]),
                                ("nonsaturating", [("r1", "10")], [("r1", "0")])] as [(String, [(name: String, value: String)], [(name: String, value: String)])] {
            var weights: [[[UInt32]]] = []
            for assignments in [on, off] {
                let session = try imageSession()
                let type = try XCTUnwrap(Plugins.losses.named(loss))
                try session.setLoss(try type.make(try ParameterValues(type.spec, assignments: assignments)))
                try session.train(iterations: 1)
                XCTAssertTrue(session.discriminator.parameters.allSatisfy { $0.value.scalars.allSatisfy(\.isFinite) }, loss)
                weights.append(bits(session.discriminator))
            }
            XCTAssertNotEqual(weights[0][0], weights[1][0], "\(loss): the first convolution's weights ignore the penalty")
        }
    }

    func testTrainingIsBitIdenticalOnOneAndTwoThreads() throws {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        var results: [[[UInt32]]] = []
        for threads in [1, 2] {
            ComputeThreads.count = threads
            let session = try imageSession(critic: [("width", "4"), ("norm", "batch"), ("depth", "2")])
            try session.train(iterations: 3)
            results.append(bits(session.generator) + bits(session.discriminator) + session.generator.buffers.map { $0.value.scalars.map(\.bitPattern) })
        }
        XCTAssertEqual(results[0], results[1])
    }

    func testSpectralNormRefusesAConvolutionalCritic() throws {
        let session = try imageSession()
        XCTAssertThrowsError(try SpectralNormTrick(try ParameterValues(SpectralNormTrick.spec), environment: session.trickEnvironment)) {
            XCTAssertEqual("\($0)", "spectral-norm normalises D's Linear layers, and D has convolutions (Conv2d(1×8×8 → 4×4×4, kernel 4, "
                           + "stride 2, padding 1, init pytorch)) whose weights it would leave unnormalised; use it with a D of Linear "
                           + "layers (critic mlp …)")
        }
    }

    /// Every image layer is written and read back with its tensors; records that cannot be are refused by name.
    func testImageLayerRecordsRoundTripAndCorruptOnesAreRefused() throws {
        let stream = RandomStream(seed: 8, name: "init")
        let image = ImageShape(channels: 2, height: 3, width: 3)
        let up = try ConvolutionSettings(transposed: true, input: image, outChannels: 3, kernel: 3, stride: 2, padding: 1, outputPadding: 1)
        let down = try ConvolutionSettings(transposed: false, input: ImageShape(channels: 3, height: 12, width: 12), outChannels: 2,
                                           kernel: 3, stride: 2, padding: 0, bias: false)
        let norm = BatchNorm2d(up.output, momentum: 0.2, epsilon: 1e-4)
        norm.runningMean.value = Tensor([0.5, -1, 2]).requiringGradient()
        let network = Sequential([ConvTranspose2d(up, using: stream), norm, try Upsample(up.output, factor: 2),
                                  Conv2d(down, initialization: .normal(standardDeviation: 0.1), using: stream), Reshape(.flatten, down.output)])
        var file = SafeTensorsFile()
        let records = try NetworkRecord.encode(network, prefix: "G", into: &file)
        XCTAssertEqual(file.entries.map(\.name), ["G.0.weight", "G.0.bias", "G.1.weight", "G.1.bias", "G.1.running_mean", "G.1.running_var",
                                                  "G.3.weight"])
        var reader = TensorReader(file, path: "t.safetensors")
        let restored = try NetworkRecord.decode(records, prefix: "G", &reader)
        XCTAssertEqual(restored.layers.map(\.summary), network.layers.map(\.summary))
        XCTAssertEqual(bits(restored), bits(network))
        XCTAssertEqual(restored.buffers.map { $0.value.scalars }, network.buffers.map { $0.value.scalars })
        XCTAssertEqual((restored.layers[1] as? BatchNorm2d)?.momentum, 0.2)

        func refusal(_ index: Int, _ change: (inout [(key: String, value: JSONValue)]) -> Void) -> String {
            guard case .array(var list) = records, var fields = list[index].objectValue else { return "not a list" }
            change(&fields)
            list[index] = .object(fields)
            var reader = TensorReader(file, path: "t.safetensors")
            do {
                _ = try NetworkRecord.decode(.array(list), prefix: "G", &reader)
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        func set(_ key: String, _ value: JSONValue) -> (inout [(key: String, value: JSONValue)]) -> Void {
            { fields in fields = fields.map { $0.key == key ? (key, value) : $0 } }
        }
        XCTAssertTrue(refusal(0, set("kernel", .integer(4))).hasSuffix("tensor 'G.0.weight' (the weight of ConvTranspose2d G.0) has shape "
                                                                        + "[2, 3, 3, 3]; [2, 3, 4, 4] was expected"))
        XCTAssertTrue(refusal(0, set("output_padding", .integer(2))).hasSuffix(
            "layer G.0 has settings that do not make a layer: ConvTranspose2d needs an output padding from 0 to stride − 1 = 1, got 2"))
        XCTAssertTrue(refusal(1, set("input", .array([.integer(3), .integer(6)]))).hasSuffix(
            "layer G.1 has no image 'input' [channels, height, width] with channels in [1, 16384] and sides in [1, 16384]"))
        XCTAssertTrue(refusal(2, set("factor", .integer(0))).hasSuffix("layer G.2 has no integer 'factor' in [1, 256]"))
        XCTAssertTrue(refusal(3, set("stride", .integer(1_000_000))).hasSuffix("layer G.3 has no integer 'stride' in [1, 256]"))
        XCTAssertTrue(refusal(4, set("image", .string("2×5×5"))).hasSuffix("layer G.4 has no image 'image' [channels, height, width] "
                                                                          + "with channels in [1, 16384] and sides in [1, 16384]"))
        XCTAssertTrue(refusal(4, set("type", .string("Squash"))).hasSuffix("layer G.4 has an unknown layer type 'Squash'"))
        XCTAssertEqual(refusal(3, { _ in }), "accepted")
    }
    /// A checkpoint whose image layer records disagree with the configuration is refused before anything is
    /// built, naming the layer; the same file unchanged restores.
    func testACheckpointWhoseImageLayersDisagreeWithItsConfigurationIsRefused() throws {
        let session = try imageSession(critic: [("width", "4")])
        try session.train(iterations: 1)
        let saved = try Checkpoint.capture(session)
        func restoring(_ edit: (String) -> String) -> String {
            var file = saved
            file.metadata = saved.metadata.map { $0.key == "gantry.networks" ? ($0.key, edit($0.value)) : $0 }
            do {
                _ = try Checkpoint(file, path: "c.safetensors", verifyingChecksum: false).restore()
                return "restored"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(restoring { $0 }, "restored")
        let kernel = restoring { $0.replacingOccurrences(of: #""kernel":4"#, with: #""kernel":3"#) }
        XCTAssertTrue(kernel.hasSuffix("layer G.4 is a ConvTranspose2d(8×2×2 → 4×3×3, kernel 3, stride 2, padding 1), but the configuration "
                                       + "declares ConvTranspose2d(8×2×2 → 4×4×4, kernel 4, stride 2, padding 1) there"), kernel)
        let norm = restoring { $0.replacingOccurrences(of: #""type":"BatchNorm2d","input":[4,4,4]"#, with: #""type":"BatchNorm2d","input":[4,2,8]"#) }
        XCTAssertTrue(norm.hasSuffix("layer G.5 is a BatchNorm2d(4×2×8), but the configuration declares BatchNorm2d(4×4×4) there"), norm)
    }
}
