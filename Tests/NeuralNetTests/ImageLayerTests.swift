import XCTest
import Autodiff
import NeuralNet
import _GantryTestSupport

/// The image layers on flat rows against the tensor operations on NCHW images, PyTorch's initialisation
/// bounds, per-channel batch statistics against a loop in Double, and nearest-neighbour upsampling with
/// its first and second derivatives.
final class ImageLayerTests: XCTestCase {
    let training = ForwardContext(training: true)
    let evaluation = ForwardContext(training: false)

    func testConv2dOnRowsIsTheConvolutionOfTheImages() throws {
        let settings = try ConvolutionSettings(transposed: false, input: ImageShape(channels: 2, height: 5, width: 7),
                                               outChannels: 3, kernel: 4, stride: 2, padding: 1)
        XCTAssertEqual(settings.output, ImageShape(channels: 3, height: 2, width: 3))
        let layer = Conv2d(settings, using: RandomStream(seed: 1, name: "init"))
        let rows = Tensor.randomNormal([4, 70], using: RandomStream(seed: 2, name: "x"))
        let got = try layer.forward(rows, training)
        let want = try rows.reshaped(to: [4, 2, 5, 7]).conv2d(weight: layer.weight.value, bias: layer.bias?.value, stride: 2, padding: 1)
        XCTAssertEqual(got.shape, [4, 18])
        XCTAssertTrue(got.isBitwiseEqual(to: try want.reshaped(to: [4, 18])))
        XCTAssertEqual(layer.outputWidth(forInputWidth: 70), 18)
        XCTAssertNil(layer.outputWidth(forInputWidth: 71))
        XCTAssertEqual(layer.summary, "Conv2d(2×5×7 → 3×2×3, kernel 4, stride 2, padding 1, init pytorch)")
        XCTAssertThrowsError(try layer.forward(Tensor.zeros([4, 69]), training)) { error in
            XCTAssertEqual("\(error)", "Conv2d(2×5×7 → 3×2×3, kernel 4, stride 2, padding 1, init pytorch) expects rows of "
                           + "2×5×7 = 70 values, got [4, 69]")
        }
    }

    func testConvTranspose2dOnRowsIsTheTransposedConvolutionOfTheImages() throws {
        let settings = try ConvolutionSettings(transposed: true, input: ImageShape(channels: 3, height: 3, width: 4),
                                               outChannels: 2, kernel: 3, stride: 2, padding: 1, outputPadding: 1)
        XCTAssertEqual(settings.output, ImageShape(channels: 2, height: 6, width: 8))
        XCTAssertEqual(settings.weightShape, [3, 2, 3, 3])
        let layer = ConvTranspose2d(settings, using: RandomStream(seed: 1, name: "init"))
        let rows = Tensor.randomNormal([2, 36], using: RandomStream(seed: 2, name: "x"))
        let got = try layer.forward(rows, training)
        let want = try rows.reshaped(to: [2, 3, 3, 4])
            .convTranspose2d(weight: layer.weight.value, bias: layer.bias?.value, stride: 2, padding: 1, outputPadding: 1)
        XCTAssertTrue(got.isBitwiseEqual(to: try want.reshaped(to: [2, 96])))
        XCTAssertEqual(layer.outputWidth(forInputWidth: 36), 96)
        XCTAssertEqual(layer.parameterCount, 3 * 2 * 9 + 2)
    }

    /// Images travel as rows; the layers read them as images through a reshape that shares the storage.
    func testReshapingAContiguousTensorSharesItsStorage() throws {
        let rows = Tensor.randomNormal([3, 2 * 4 * 4], using: RandomStream(seed: 5, name: "x"))
        let images = try rows.reshaped(to: [3, 2, 4, 4])
        let (a, b) = (rows.withUnsafeBufferPointer { $0.baseAddress }, images.withUnsafeBufferPointer { $0.baseAddress })
        XCTAssertEqual(a, b)
    }

    /// PyTorch's `reset_parameters`: kaiming_uniform(a = √5) gives U(±1/√fan_in) for the weight, and the bias
    /// the same bound, where fan_in is the weight's dimension 1 times the kernel's area: the input channels of
    /// Conv2d, the *output* channels of ConvTranspose2d. Weight first, then bias, from one stream.
    func testPyTorchDefaultInitialisationUsesEachModulesFanIn() throws {
        let image = ImageShape(channels: 128, height: 7, width: 7)
        let transposed = try ConvolutionSettings(transposed: true, input: image, outChannels: 1, kernel: 4, stride: 2, padding: 1)
        XCTAssertEqual(transposed.fanIn, 1 * 16)
        let convolution = try ConvolutionSettings(transposed: false, input: image, outChannels: 1, kernel: 4, stride: 2, padding: 1)
        XCTAssertEqual(convolution.fanIn, 128 * 16)
        for (settings, bound) in [(transposed, Float(0.25)), (convolution, 1 / Float(2048).squareRoot())] {
            let layer: any Layer = settings.transposed
                ? ConvTranspose2d(settings, using: RandomStream(seed: 9, name: "init"))
                : Conv2d(settings, using: RandomStream(seed: 9, name: "init"))
            let stream = RandomStream(seed: 9, name: "init")
            let weight = Tensor.randomUniform(Shape(settings.weightShape), lower: -bound, upper: bound, using: stream)
            let bias = Tensor.randomUniform([1], lower: -bound, upper: bound, using: stream)
            XCTAssertTrue(layer.parameters[0].value.isBitwiseEqual(to: weight), "\(settings)")
            XCTAssertTrue(layer.parameters[1].value.isBitwiseEqual(to: bias), "\(settings)")
            let largest = weight.scalars.map(abs).max()!
            XCTAssertTrue(largest > 0.95 * bound && largest <= bound, "\(settings): \(largest) against \(bound)")
        }
    }

    func testSettingsThatLeaveNoPixelsOrMisuseOutputPaddingAreRefused() {
        let image = ImageShape(channels: 1, height: 3, width: 3)
        XCTAssertThrowsError(try ConvolutionSettings(transposed: false, input: image, outChannels: 2, kernel: 6, padding: 1)) {
            XCTAssertEqual("\($0)", "Conv2d(1×3×3 → 2 channels, kernel 6, stride 1, padding 1) leaves no pixels: the output would be 0×0")
        }
        XCTAssertThrowsError(try ConvolutionSettings(transposed: true, input: image, outChannels: 2, kernel: 4, stride: 2, outputPadding: 2)) {
            XCTAssertEqual("\($0)", "ConvTranspose2d needs an output padding from 0 to stride − 1 = 1, got 2")
        }
        XCTAssertThrowsError(try ConvolutionSettings(transposed: false, input: image, outChannels: 2, kernel: 2, outputPadding: 1))
        XCTAssertThrowsError(try Upsample(image, factor: 0))
    }

    /// Per-channel statistics over N·H·W values, against the same sums in Double; the running estimates
    /// take the unbiased variance; evaluation uses them.
    func testBatchNorm2dNormalisesEachChannelOverBatchAndPixels() throws {
        let image = ImageShape(channels: 3, height: 2, width: 3)
        let norm = BatchNorm2d(image)
        norm.scale.value = Tensor([1.5, -0.5, 2]).requiringGradient()
        norm.shift.value = Tensor([0.1, 0.2, -0.3]).requiringGradient()
        let x = Tensor.randomNormal([4, 18], using: RandomStream(seed: 4, name: "x"))
        let y = try norm.forward(x, training).scalars
        let values = x.scalars
        let count = Double(4 * 6)
        for channel in 0..<3 {
            let indices = (0..<4).flatMap { n in (0..<6).map { n * 18 + channel * 6 + $0 } }
            let mean = indices.reduce(0.0) { $0 + Double(values[$1]) } / count
            let variance = indices.reduce(0.0) { $0 + (Double(values[$1]) - mean) * (Double(values[$1]) - mean) } / count
            let (gamma, beta) = ([1.5, -0.5, 2.0][channel], [0.1, 0.2, -0.3][channel])
            for i in indices {
                XCTAssertEqual(Double(y[i]), gamma * (Double(values[i]) - mean) / (variance + 1e-5).squareRoot() + beta, accuracy: 1e-5)
            }
            XCTAssertEqual(Double(norm.runningMean.value.scalars[channel]), 0.1 * mean, accuracy: 1e-6)
            XCTAssertEqual(Double(norm.runningVariance.value.scalars[channel]), 0.9 + 0.1 * variance * count / (count - 1), accuracy: 1e-6)
        }
        let evaluated = try norm.forward(x, evaluation).scalars
        let (mean0, variance0) = (Double(norm.runningMean.value.scalars[0]), Double(norm.runningVariance.value.scalars[0]))
        XCTAssertEqual(Double(evaluated[1]), 1.5 * (Double(values[1]) - mean0) / (variance0 + 1e-5).squareRoot() + 0.1, accuracy: 1e-5)
        XCTAssertTrue(norm.mixesSamples)
        XCTAssertEqual(norm.namedBuffers(prefix: "G.4").map(\.name), ["G.4.running_mean", "G.4.running_var"])
        // One image still has six values per channel; one pixel of one image has only one.
        XCTAssertNoThrow(try norm.forward(Tensor.randomNormal([1, 18], using: RandomStream(seed: 4, name: "one")), training))
        XCTAssertThrowsError(try BatchNorm2d(ImageShape(channels: 2, height: 1, width: 1)).forward(Tensor.zeros([1, 2]), training)) {
            XCTAssertEqual("\($0)", "BatchNorm2d(2×1×1) in training needs more than one value per channel, got a batch of 1")
        }
    }

    /// Flatten and Unflatten name PyTorch's modules; rows are already flat, so they only check the width.
    func testReshapePassesRowsThroughAndChecksTheirWidth() throws {
        let image = ImageShape(channels: 2, height: 3, width: 3)
        let rows = Tensor.randomNormal([2, 18], using: RandomStream(seed: 3, name: "x"))
        for layer in [Reshape(.unflatten, image), Reshape(.flatten, image)] {
            XCTAssertTrue(try layer.forward(rows, training).isBitwiseEqual(to: rows))
            XCTAssertEqual(layer.outputWidth(forInputWidth: 18), 18)
            XCTAssertNil(layer.outputWidth(forInputWidth: 9))
        }
        XCTAssertEqual(Reshape(.unflatten, image).summary, "Unflatten(18 → 2×3×3)")
        XCTAssertThrowsError(try Reshape(.flatten, image).forward(Tensor.zeros([2, 9]), training)) {
            XCTAssertEqual("\($0)", "Flatten(2×3×3 → 18) expects rows of 18 values, got [2, 9]")
        }
    }

    func testUpsampleRepeatsEveryPixelIntoABlock() throws {
        let x = try Tensor((0..<12).map(Float.init), shape: [1, 2, 2, 3])
        let y = try x.upsampledNearest(factor: 2)
        XCTAssertEqual(y.shape, [1, 2, 4, 6])
        for c in 0..<2 { for h in 0..<4 { for w in 0..<6 {
            XCTAssertEqual(y[0, c, h, w], x[0, c, h / 2, w / 2])
        } } }
        let layer = try Upsample(ImageShape(channels: 2, height: 2, width: 3), factor: 3)
        XCTAssertEqual(layer.outputWidth(forInputWidth: 12), 2 * 6 * 9)
        XCTAssertTrue(try layer.forward(x.reshaped(to: [1, 12]), training)
            .isBitwiseEqual(to: try x.upsampledNearest(factor: 3).reshaped(to: [1, 108])))
        XCTAssertEqual(layer.summary, "Upsample(2×2×3 → 2×6×9, nearest)")
    }

    /// First and second derivatives of the upsampling, odd sizes and factors 2 and 3, through a nonlinearity
    /// so the second derivative is not zero.
    func testUpsampleGradientsFirstAndSecondOrder() throws {
        for (shape, factor) in [([2, 3, 3, 5], 2), ([1, 2, 5, 3], 3), ([2, 1, 1, 1], 2)] as [(Shape, Int)] {
            let x = Tensor.randomNormal(shape, using: RandomStream(seed: 12, name: "x"))
            let f: ([Tensor]) throws -> Tensor = { try $0[0].upsampledNearest(factor: factor).tanh() }
            let first = try GradientCheck.firstOrder([x], f)
            XCTAssertTrue(first.passed, "\(shape) ×\(factor): \(first)")
            let second = try GradientCheck.secondOrder([x], f)
            XCTAssertTrue(second.passed, "\(shape) ×\(factor): \(second)")
        }
    }
}
