import Autodiff
import Kernels

/// One layer of the `dcgan-small` configuration (issue 18): its input, weight and geometry.
private struct ConvolutionLayerCase {
    let name: String
    let transposed: Bool
    let input: Shape
    let weight: Shape

    /// The convolution whose kernels the layer runs: a transposed layer's is read from its output back to
    /// its input.
    func geometry(output: Shape) -> ConvolutionGeometry {
        let (image, channels) = transposed ? (output, weight[0]) : (input, weight[0])
        return ConvolutionGeometry(batch: input[0], inChannels: image[1], height: image[2], width: image[3],
                                   outChannels: channels, kernelHeight: weight[2], kernelWidth: weight[3],
                                   stride: 2, padding: 1)
    }

    func apply(_ x: Tensor, _ w: Tensor, _ b: Tensor) throws -> Tensor {
        transposed ? try x.convTranspose2d(weight: w, bias: b, stride: 2, padding: 1)
                   : try x.conv2d(weight: w, bias: b, stride: 2, padding: 1)
    }
}

/// D's two convolutions and G's two transposed convolutions at batch 64, all kernel 4, stride 2, padding 1.
private let dcganLayers: [ConvolutionLayerCase] = [
    ConvolutionLayerCase(name: "D conv 1→64 28²", transposed: false, input: [64, 1, 28, 28], weight: [64, 1, 4, 4]),
    ConvolutionLayerCase(name: "D conv 64→128 14²", transposed: false, input: [64, 64, 14, 14], weight: [128, 64, 4, 4]),
    ConvolutionLayerCase(name: "G convT 128→64 7²", transposed: true, input: [64, 128, 7, 7], weight: [128, 64, 4, 4]),
    ConvolutionLayerCase(name: "G convT 64→1 14²", transposed: true, input: [64, 64, 14, 14], weight: [64, 1, 4, 4]),
]

/// Times each layer's forward pass (no recording) and forward plus backward (gradients of Σ y ⊙ G with
/// respect to the input, weight and bias, as in training), on each thread count; the two kernels of the
/// backward pass alone (`input_gradient_ms`, `weight_gradient_ms`); and, to show what the unfolding and
/// reordering around it cost, the one product the forward pass makes (`forward_gemm_ms`).
let convolutionSuite = BenchmarkSuite(
    name: "conv",
    summary: "dcgan-small's conv2d and convTranspose2d layers (batch 64, k4 s2 p1): forward and forward+backward ms"
) { emit in
    let savedThreads = ComputeThreads.count
    defer { ComputeThreads.count = savedThreads }
    let stream = RandomStream(seed: 1, name: "bench.conv")
    for layer in dcganLayers {
        let x = Tensor.randomUniform(layer.input, lower: -1, upper: 1, using: stream)
        let w = Tensor.randomUniform(layer.weight, lower: -0.1, upper: 0.1, using: stream)
        let b = Tensor.randomUniform([layer.weight[layer.transposed ? 1 : 0]], lower: -0.1, upper: 0.1, using: stream)
        let y = try! layer.apply(x, w, b)
        let g = Tensor.randomUniform(y.shape, lower: -1, upper: 1, using: stream)
        let (xv, wv, bv) = (x.requiringGradient(), w.requiringGradient(), b.requiringGradient())
        for threads in benchmarkThreadCounts {
            ComputeThreads.count = threads
            let soloBefore = ComputeThreads.soloPeriodCount
            let forward = withoutGradients { medianSecondsPerCall { _ = try! layer.apply(x, w, b) } }
            let product = forwardProductSeconds(layer, output: y.shape)
            let (inputGradient, weightGradient) = backwardKernelSeconds(layer, x: x, w: w, g: g)
            let both = medianSecondsPerCall {
                let out = try! layer.apply(xv, wv, bv)
                _ = try! gradients(of: (out * g).sum(), wrt: [xv, wv, bv])
            }
            var line = JSONLine("conv")
            line.add("layer", layer.name)
            line.add("input", layer.input.description)
            line.add("threads", threads)
            line.add("forward_ms", forward * 1e3)
            line.add("forward_gemm_ms", product * 1e3)
            line.add("forward_backward_ms", both * 1e3)
            line.add("input_gradient_ms", inputGradient * 1e3)
            line.add("weight_gradient_ms", weightGradient * 1e3)
            line.add("solo_periods", ComputeThreads.soloPeriodCount - soloBefore)
            emit(line)
        }
    }
}

/// The time of the product inside a layer's forward pass alone: [rows, depth] · [depth, positions], where a
/// convolution's rows are its output channels and a transposed one's are the unfolded window values.
private func forwardProductSeconds(_ layer: ConvolutionLayerCase, output: Shape) -> Double {
    let kernelArea = layer.weight[2] * layer.weight[3]
    let (m, n, k) = layer.transposed
        ? (layer.weight[1] * kernelArea, layer.input[0] * layer.input[2] * layer.input[3], layer.input[1])
        : (output[1], output[0] * output[2] * output[3], layer.input[1] * kernelArea)
    let a = Tensor.full([m, k], 0.5), b = Tensor.full([k, n], 0.25)
    var c = Tensor.zeros([m, n])
    return a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
            c.withUnsafeMutableBufferPointer { c in
                medianSecondsPerCall {
                    GEMM.multiply(m: m, n: n, k: k, a: a.baseAddress!, lda: k, transposeA: false,
                                  b: b.baseAddress!, ldb: n, transposeB: false, c: c.baseAddress!, ldc: n, accumulate: false)
                }
            }
        }
    }
}

/// The times of the two kernels a layer's backward pass calls, given the gradient `g` of its output: the
/// input's gradient (the transposed convolution of `g`, or for a transposed layer the convolution of `g`)
/// and the weight's (the windows of the convolution's input against its output's gradient).
private func backwardKernelSeconds(_ layer: ConvolutionLayerCase, x: Tensor, w: Tensor, g: Tensor) -> (Double, Double) {
    let geometry = layer.geometry(output: g.shape)
    var dx = Tensor.zeros(x.shape), dw = Tensor.zeros(w.shape)
    // The convolution's input and its output's gradient: for a transposed layer, g and x.
    let (image, imageGradient) = layer.transposed ? (g, x) : (x, g)
    let inputSeconds = g.withUnsafeBufferPointer { g in
        w.withUnsafeBufferPointer { w in
            dx.withUnsafeMutableBufferPointer { dx in
                medianSecondsPerCall {
                    if layer.transposed {
                        Convolution.forward(geometry, input: g.baseAddress!, weight: w.baseAddress!, bias: nil,
                                            output: dx.baseAddress!)
                    } else {
                        Convolution.backwardInput(geometry, outputGradient: g.baseAddress!, weight: w.baseAddress!,
                                                  bias: nil, into: dx.baseAddress!)
                    }
                }
            }
        }
    }
    let weightSeconds = image.withUnsafeBufferPointer { image in
        imageGradient.withUnsafeBufferPointer { imageGradient in
            dw.withUnsafeMutableBufferPointer { dw in
                medianSecondsPerCall {
                    Convolution.backwardWeight(geometry, input: image.baseAddress!, outputGradient: imageGradient.baseAddress!,
                                               into: dw.baseAddress!)
                }
            }
        }
    }
    return (inputSeconds, weightSeconds)
}
