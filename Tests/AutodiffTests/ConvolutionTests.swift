import XCTest
import Autodiff
import HostCPU
import Kernels
import _GantryTestSupport

/// One convolution to test: conv2d, or convTranspose2d with its output padding.
struct ConvolutionCase: CustomStringConvertible {
    var transposed = false
    var input: Shape
    var weight: Shape
    var bias = true
    var stride = 1
    var padding = 0
    var outputPadding = 0

    var description: String {
        "\(transposed ? "convTranspose2d" : "conv2d") x \(input) w \(weight)\(bias ? " + bias" : "") "
            + "s \(stride) p \(padding)\(transposed ? " op \(outputPadding)" : "")"
    }

    /// The operation on [x, w] or [x, w, b].
    func apply(_ v: [Tensor]) throws -> Tensor {
        let b = bias ? v[2] : nil
        return transposed
            ? try v[0].convTranspose2d(weight: v[1], bias: b, stride: stride, padding: padding, outputPadding: outputPadding)
            : try v[0].conv2d(weight: v[1], bias: b, stride: stride, padding: padding)
    }

    var shapes: [Shape] { bias ? [input, weight, [transposed ? weight[1] : weight[0]]] : [input, weight] }

    func inputs(seed: UInt64) -> [Tensor] {
        let stream = RandomStream(seed: seed, name: "convolution inputs")
        return shapes.map { Tensor.randomNormal($0, using: stream) }
    }
}

/// Strides 1 and 2, paddings 0, 1 and 2, output padding 0 and 1, odd and non-square sizes (5×7 images,
/// 3×3, 4×4 and 3×2 kernels), batches and channels above one, with and without a bias.
let convolutionCases: [ConvolutionCase] = [
    ConvolutionCase(input: [2, 2, 5, 7], weight: [3, 2, 3, 3]),
    ConvolutionCase(input: [2, 3, 5, 7], weight: [2, 3, 4, 4], stride: 2, padding: 1),
    ConvolutionCase(input: [2, 2, 5, 7], weight: [2, 2, 3, 3], bias: false, stride: 2, padding: 2),
    ConvolutionCase(input: [3, 2, 5, 7], weight: [2, 2, 4, 4], bias: false, stride: 1, padding: 1),
    ConvolutionCase(input: [2, 2, 6, 5], weight: [2, 2, 3, 2], stride: 2, padding: 0),
    ConvolutionCase(transposed: true, input: [2, 3, 5, 7], weight: [3, 2, 3, 3]),
    ConvolutionCase(transposed: true, input: [2, 3, 3, 4], weight: [3, 2, 4, 4], stride: 2, padding: 1),
    ConvolutionCase(transposed: true, input: [2, 2, 5, 7], weight: [2, 2, 4, 4], bias: false, stride: 2, padding: 1,
                    outputPadding: 1),
    ConvolutionCase(transposed: true, input: [2, 2, 3, 5], weight: [2, 3, 3, 3], stride: 2, padding: 2, outputPadding: 1),
    ConvolutionCase(transposed: true, input: [3, 2, 4, 3], weight: [2, 2, 3, 2], bias: false, stride: 1, padding: 1),
]

/// A convolution and the gradients of Σ G ⊙ y computed by direct loops in Double, with Σ|terms| of each
/// element for a rounding bound.
struct NaiveConvolution {
    var y: [Double], dx: [Double], dw: [Double], db: [Double]
    var yMagnitude: [Double], dxMagnitude: [Double], dwMagnitude: [Double], dbMagnitude: [Double]
    var outputShape: Shape

    /// conv2d: y[n, o, oh, ow] = b[o] + Σ x[n, c, oh·s − p + kh, ow·s − p + kw] · w[o, c, kh, kw].
    /// convTranspose2d, by its own definition (a scatter): x[n, c, ih, iw] · w[c, o, kh, kw] is added to
    /// y[n, o, ih·s − p + kh, iw·s − p + kw].
    init(_ test: ConvolutionCase, x: [Float], w: [Float], b: [Float]?, outputGradient: (Shape) -> [Float]) {
        let (batch, channels, height, width) = (test.input[0], test.input[1], test.input[2], test.input[3])
        let (kernelHeight, kernelWidth) = (test.weight[2], test.weight[3])
        let (s, p) = (test.stride, test.padding)
        let outChannels = test.transposed ? test.weight[1] : test.weight[0]
        let outHeight = test.transposed ? (height - 1) * s - 2 * p + kernelHeight + test.outputPadding
                                        : (height + 2 * p - kernelHeight) / s + 1
        let outWidth = test.transposed ? (width - 1) * s - 2 * p + kernelWidth + test.outputPadding
                                       : (width + 2 * p - kernelWidth) / s + 1
        outputShape = [batch, outChannels, outHeight, outWidth]
        let g = outputGradient(outputShape).map(Double.init)
        y = [Double](repeating: 0, count: outputShape.elementCount)
        yMagnitude = y
        dx = [Double](repeating: 0, count: x.count)
        dxMagnitude = dx
        dw = [Double](repeating: 0, count: w.count)
        dwMagnitude = dw
        db = [Double](repeating: 0, count: outChannels)
        dbMagnitude = db
        func xIndex(_ n: Int, _ c: Int, _ h: Int, _ v: Int) -> Int { ((n * channels + c) * height + h) * width + v }
        func yIndex(_ n: Int, _ o: Int, _ h: Int, _ v: Int) -> Int { ((n * outChannels + o) * outHeight + h) * outWidth + v }
        func wIndex(_ o: Int, _ c: Int, _ kh: Int, _ kw: Int) -> Int {
            test.transposed ? ((c * outChannels + o) * kernelHeight + kh) * kernelWidth + kw
                            : ((o * channels + c) * kernelHeight + kh) * kernelWidth + kw
        }
        // One tap: input element xi meets weight element wi in output element yi.
        func tap(_ xi: Int, _ wi: Int, _ yi: Int) {
            let (xv, wv, gv) = (Double(x[xi]), Double(w[wi]), g[yi])
            y[yi] += xv * wv
            yMagnitude[yi] += abs(xv * wv)
            dx[xi] += gv * wv
            dxMagnitude[xi] += abs(gv * wv)
            dw[wi] += gv * xv
            dwMagnitude[wi] += abs(gv * xv)
        }
        if test.transposed {
            for n in 0..<batch { for c in 0..<channels { for ih in 0..<height { for iw in 0..<width {
                for o in 0..<outChannels { for kh in 0..<kernelHeight { for kw in 0..<kernelWidth {
                    let (oh, ow) = (ih * s - p + kh, iw * s - p + kw)
                    if oh >= 0 && oh < outHeight && ow >= 0 && ow < outWidth {
                        tap(xIndex(n, c, ih, iw), wIndex(o, c, kh, kw), yIndex(n, o, oh, ow))
                    }
                } } }
            } } } }
        } else {
            for n in 0..<batch { for o in 0..<outChannels { for oh in 0..<outHeight { for ow in 0..<outWidth {
                for c in 0..<channels { for kh in 0..<kernelHeight { for kw in 0..<kernelWidth {
                    let (ih, iw) = (oh * s - p + kh, ow * s - p + kw)
                    if ih >= 0 && ih < height && iw >= 0 && iw < width {
                        tap(xIndex(n, c, ih, iw), wIndex(o, c, kh, kw), yIndex(n, o, oh, ow))
                    }
                } } }
            } } } }
        }
        for n in 0..<batch { for o in 0..<outChannels { for h in 0..<outHeight { for v in 0..<outWidth {
            let i = yIndex(n, o, h, v)
            if let b {
                y[i] += Double(b[o])
                yMagnitude[i] += abs(Double(b[o]))
            }
            db[o] += g[i]
            dbMagnitude[o] += abs(g[i])
        } } } }
    }
}

final class ConvolutionTests: XCTestCase {
    /// Float results within the worst-case rounding of summing `terms` products (γ bound) of Double's.
    func assertClose(_ got: [Float], _ want: [Double], _ magnitude: [Double], terms: Int, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        let unit = pow(2.0, -24.0)
        for i in 0..<min(got.count, want.count) {
            let bound = 1.01 * Double(terms + 2) * unit * magnitude[i] + 1e-30
            if abs(Double(got[i]) - want[i]) > bound {
                XCTFail("\(what) element \(i): \(got[i]), naive \(want[i]) (bound \(bound))", file: file, line: line)
                return
            }
        }
    }

    /// Cases large enough that the batch is cut into chunks of images (2 of 3 images, 2 of 10 and 2): the
    /// weight gradient's chains continue from one chunk to the next.
    static let chunkedCases = [
        ConvolutionCase(input: [6, 8, 20, 20], weight: [4, 8, 5, 5], padding: 2),
        ConvolutionCase(transposed: true, input: [12, 8, 10, 10], weight: [8, 16, 4, 4], stride: 2, padding: 1),
    ]

    func testValuesAndGradientsMatchANaiveLoopInDouble() throws {
        for (index, test) in (convolutionCases + Self.chunkedCases).enumerated() {
            for seed: UInt64 in index < convolutionCases.count ? [1, 2] : [1] {
                let values = test.inputs(seed: seed)
                let variables = values.map { $0.requiringGradient() }
                let y = try test.apply(variables)
                let g = Tensor.randomNormal(y.shape, using: RandomStream(seed: seed, name: "output gradient"))
                let naive = NaiveConvolution(test, x: values[0].scalars, w: values[1].scalars,
                                             b: test.bias ? values[2].scalars : nil) { _ in g.scalars }
                XCTAssertEqual(y.shape, naive.outputShape, "\(test)")
                let grads = try gradients(of: (y * g).sum(), wrt: variables)
                // No element sums more terms than the weight has elements (C·kH·kW or O·kH·kW) or the output
                // has (N·Ho·Wo for the weight's gradient).
                let terms = max(values[1].elementCount, y.elementCount) + 1
                assertClose(y.scalars, naive.y, naive.yMagnitude, terms: terms, "\(test) value")
                assertClose(grads[0].scalars, naive.dx, naive.dxMagnitude, terms: terms, "\(test) d input")
                assertClose(grads[1].scalars, naive.dw, naive.dwMagnitude, terms: terms, "\(test) d weight")
                if test.bias {
                    assertClose(grads[2].scalars, naive.db, naive.dbMagnitude, terms: terms, "\(test) d bias")
                }
            }
        }
    }

    /// The check's central differences are in Float, like every op's. A convolution is linear in each
    /// single element of each operand (and so is the contracted gradient of the second-order check), so a
    /// central difference has no truncation error at any step: a step of 0.05 instead of 0.001 divides the
    /// rounding noise, ε·|L|/h, by 50 (at 0.001 the error reached 0.011 on these outputs, whose Σ|y| runs
    /// from 38 to 1118, and failed the tolerance) without hiding a wrong rule, which is off by the size of
    /// the gradient.
    static let step: Float = 0.05

    func testFirstOrderGradientCheck() throws {
        var worst: Float = 0
        for test in convolutionCases {
            let report = try GradientCheck.firstOrder(test.inputs(seed: 3), step: Self.step, test.apply)
            XCTAssertTrue(report.passed, "\(test): \(report)")
            worst = max(worst, report.maxAbsoluteError)
        }
        print("convolution first-order gradient check: max abs error \(worst)")
    }

    /// Gradients of gradients, as WGAN-GP and R1 take them on a convolutional critic: the derivative rules
    /// of the convolution, the transposed convolution and the weight gradient are all differentiated.
    func testSecondOrderGradientCheck() throws {
        var worst: Float = 0
        for test in convolutionCases {
            let report = try GradientCheck.secondOrder(test.inputs(seed: 4), step: Self.step, test.apply)
            XCTAssertTrue(report.passed, "\(test): \(report)")
            worst = max(worst, report.maxAbsoluteError)
        }
        print("convolution second-order gradient check: max abs error \(worst)")
    }

    /// A gradient penalty on a small convolutional critic, ‖∇ₓ D(x)‖², differentiated with respect to the
    /// weights: the third-order path (the penalty's gradient goes through the gradient's graph). The
    /// penalty is large (L ≈ 134), so the step is 3e-3: at 1e-3 Float rounding alone moves the
    /// numeric derivative by 0.006.
    func testGradientPenaltyThroughAConvolutionalCritic() throws {
        let stream = RandomStream(seed: 5, name: "critic")
        let x = Tensor.randomNormal([2, 1, 6, 5], using: stream)
        let w1 = Tensor.randomNormal([3, 1, 3, 3], using: stream), b1 = Tensor.randomNormal([3], using: stream)
        let w2 = Tensor.randomNormal([1, 3, 2, 2], using: stream)
        let report = try GradientCheck.firstOrder([x, w1, b1, w2], step: 3e-3) { v in
            let input = v[0].requiresGradient ? v[0] : v[0].requiringGradient()
            let hidden = try input.conv2d(weight: v[1], bias: v[2], stride: 2, padding: 1).tanh()
            let score = try hidden.conv2d(weight: v[3]).sum()
            let dx = try gradients(of: score, wrt: [input], createGraph: true)[0]
            return dx.squared().sum()
        }
        XCTAssertTrue(report.passed, "\(report)")
        print("convolutional critic's gradient penalty: \(report)")
    }

    /// Any thread count and either vector path give the same bits, on shapes large enough that the products
    /// are split across threads and unfolding and folding run in pieces.
    func testBitIdenticalForAnyThreadCountAndVectorPath() throws {
        let savedThreads = ComputeThreads.count, savedWide = GEMM.usesWideVectors
        defer { ComputeThreads.count = savedThreads; GEMM.usesWideVectors = savedWide }
        let cases = [
            ConvolutionCase(input: [4, 64, 14, 14], weight: [32, 64, 4, 4], stride: 2, padding: 1),
            ConvolutionCase(transposed: true, input: [4, 32, 7, 7], weight: [32, 64, 4, 4], stride: 2, padding: 1),
            ConvolutionCase(input: [4, 3, 29, 27], weight: [16, 3, 3, 3], bias: false, stride: 1, padding: 2),
            // Batches of several chunks (4 of 1 to 3 images each), which run on threads of their own.
            ConvolutionCase(input: [7, 33, 15, 13], weight: [5, 33, 5, 3], stride: 1, padding: 1),
            ConvolutionCase(transposed: true, input: [9, 20, 9, 7], weight: [20, 80, 4, 4], stride: 2, padding: 1,
                            outputPadding: 1),
        ]
        let paths = CPUFeatures.has("avx512f") ? [false, true] : [false]
        for test in cases {
            let values = test.inputs(seed: 6)
            func run() throws -> [Tensor] {
                let variables = values.map { $0.requiringGradient() }
                let y = try test.apply(variables)
                let g = Tensor.randomNormal(y.shape, using: RandomStream(seed: 6, name: "output gradient"))
                return try [y] + gradients(of: (y * g).sum(), wrt: variables)
            }
            var first: [Tensor]?
            for wide in paths {
                GEMM.usesWideVectors = wide
                for threads in [1, 2, 3] {
                    ComputeThreads.count = threads
                    let results = try run()
                    guard let reference = first else { first = results; continue }
                    for (i, (got, want)) in zip(results, reference).enumerated() {
                        XCTAssertTrue(got.isBitwiseEqual(to: want), "\(test): result \(i) differs with \(threads) threads, wide \(wide)")
                    }
                }
            }
        }
    }

    /// Each image of a batch gets the bits it gets alone, for the value and the input's gradient, across
    /// chunk boundaries.
    func testAnImageGetsTheSameBitsInAnyBatch() throws {
        for test in Self.chunkedCases {
            let values = test.inputs(seed: 7)
            let batch = test.input[0]
            func run(_ x: Tensor) throws -> (Tensor, Tensor) {
                let variable = x.requiringGradient()
                let y = try test.apply([variable] + values.dropFirst())
                let g = Tensor.full(y.shape, 0.5)
                return (y, try gradients(of: (y * g).sum(), wrt: [variable])[0])
            }
            let (y, dx) = try run(values[0])
            for image in [0, batch / 2, batch - 1] {
                let (alone, aloneGradient) = try run(values[0].slice(axis: 0, image..<(image + 1)))
                XCTAssertTrue(try y.slice(axis: 0, image..<(image + 1)).isBitwiseEqual(to: alone), "\(test) image \(image)")
                XCTAssertTrue(try dx.slice(axis: 0, image..<(image + 1)).isBitwiseEqual(to: aloneGradient),
                              "\(test) image \(image) gradient")
            }
        }
    }

    func testShapesAreCheckedWithClearErrors() {
        let x = Tensor.zeros([2, 3, 5, 7])
        func message(_ body: () throws -> Tensor) -> String {
            do {
                _ = try body()
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(message { try Tensor.zeros([3, 5, 7]).conv2d(weight: Tensor.zeros([2, 3, 3, 3])) },
                       "conv2d: the input must be [batch, channels, height, width] (rank 4), got shape [3, 5, 7]")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 3])) },
                       "conv2d: the weight must have rank 4 with the kernel's height and width last, got shape [2, 3, 3]")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 4, 3, 3])) },
                       "conv2d: shapes [2, 3, 5, 7] and [2, 4, 3, 3] disagree on input channels: the input has 3, "
                           + "the weight [out, in, kH, kW] takes 4")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 6, 3])) },
                       "conv2d: a 6×3 kernel does not fit the 5×7 input padded by 0 (5×7): the output would have no rows or columns")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 8, 3]), padding: 1) },
                       "conv2d: a 8×3 kernel does not fit the 5×7 input padded by 1 (7×9): the output would have no rows or columns")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 3, 3]), stride: 0) },
                       "conv2d: the stride must be at least 1, got 0")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 3, 3]), padding: -1) },
                       "conv2d: the padding must be at least 0, got -1")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 0, 3])) },
                       "conv2d: the kernel must be at least 1×1, got weight shape [2, 3, 0, 3]")
        XCTAssertEqual(message { try x.conv2d(weight: Tensor.zeros([2, 3, 3, 3]), bias: Tensor.zeros([3])) },
                       "conv2d: shapes [2, 3, 3, 3] and [3] need a bias of shape [2], one value per output channel")
        XCTAssertEqual(message { try x.convTranspose2d(weight: Tensor.zeros([2, 3, 3, 3])) },
                       "convTranspose2d: shapes [2, 3, 5, 7] and [2, 3, 3, 3] disagree on input channels: the input has 3, "
                           + "the weight [in, out, kH, kW] takes 2")
        XCTAssertEqual(message { try x.convTranspose2d(weight: Tensor.zeros([3, 2, 3, 3]), stride: 2, outputPadding: 2) },
                       "convTranspose2d: output padding 2 must be at least 0 and less than the stride 2")
        XCTAssertEqual(message { try x.convTranspose2d(weight: Tensor.zeros([3, 2, 2, 2]), padding: 3) },
                       "convTranspose2d: a 5×7 input with a 2×2 kernel, stride 1, padding 3 and output padding 0 gives "
                           + "a 0×2 output; it needs at least one row and column")
        XCTAssertEqual(message { try x.convTranspose2d(weight: Tensor.zeros([3, 2, 3, 3]), bias: Tensor.zeros([3])) },
                       "convTranspose2d: shapes [3, 2, 3, 3] and [3] need a bias of shape [2], one value per output channel")
        XCTAssertEqual(message { try x.convTranspose2d(weight: Tensor.zeros([3, 2, 4, 4]), stride: 2, padding: 1,
                                                      outputPadding: 1) }, "no error")
    }

    /// The DCGAN shapes of the benchmark keep their sizes: 28 → 14 → 7 down, 7 → 14 → 28 up.
    func testDCGANShapes() throws {
        let image = Tensor.zeros([2, 1, 28, 28])
        let down = try image.conv2d(weight: Tensor.zeros([8, 1, 4, 4]), stride: 2, padding: 1)
        XCTAssertEqual(down.shape, [2, 8, 14, 14])
        let up = try Tensor.zeros([2, 16, 7, 7]).convTranspose2d(weight: Tensor.zeros([16, 8, 4, 4]), stride: 2, padding: 1)
        XCTAssertEqual(up.shape, [2, 8, 14, 14])
    }
}
