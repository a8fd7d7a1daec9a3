import Kernels

extension Tensor {
    /// The 2-D convolution (cross-correlation, as in every deep-learning library) of `self`, NCHW images
    /// [batch, in, height, width], with `weight` [out, in, kH, kW] (PyTorch's layout), moved by `stride`
    /// over the input padded with `padding` zeros on every side, plus `bias` [out] on each output channel.
    /// The result is [batch, out, (height + 2·padding − kH) / stride + 1, (width + 2·padding − kW) / stride + 1].
    ///
    /// Its derivatives are convolutions too (see `ConvolutionOperation`), so it can be differentiated any
    /// number of times: gradient penalties work on convolutional critics.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0) throws -> Tensor {
        let operation = "conv2d"
        try Tensor.checkConvolutionOperands(operation, input: self, weight: weight, stride: stride, padding: padding)
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        let (outChannels, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
        guard weight.shape[1] == channels else {
            throw TensorError.shapeMismatch(
                operation: operation, shapes: [shape, weight.shape],
                reason: "disagree on input channels: the input has \(channels), the weight [out, in, kH, kW] takes \(weight.shape[1])")
        }
        let (paddedHeight, paddedWidth) = (height + 2 * padding, width + 2 * padding)
        guard kernelHeight <= paddedHeight && kernelWidth <= paddedWidth else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "a \(kernelHeight)×\(kernelWidth) kernel does not fit the \(height)×\(width) input padded by \(padding) "
                    + "(\(paddedHeight)×\(paddedWidth)): the output would have no rows or columns")
        }
        try Tensor.checkConvolutionBias(operation, bias, channels: outChannels, weight: weight)
        let geometry = ConvolutionGeometry(batch: shape[0], inChannels: channels, height: height, width: width,
                                           outChannels: outChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                           stride: stride, padding: padding)
        return ConvolutionOperation(geometry).convolution(self, weight, bias: bias)
    }

    /// The transposed convolution of `self` [batch, in, height, width] with `weight` [in, out, kH, kW]
    /// (PyTorch's layout): the gradient of `conv2d` with respect to its input, used to upsample. The
    /// result is [batch, out, (height − 1)·stride − 2·padding + kH + outputPadding, likewise for the width],
    /// plus `bias` [out] on each output channel. `outputPadding` (0 ≤ it < stride) picks among the output
    /// sizes that a stride-`stride` convolution maps back to `height`.
    public func convTranspose2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Int = 0,
                                outputPadding: Int = 0) throws -> Tensor {
        let operation = "convTranspose2d"
        try Tensor.checkConvolutionOperands(operation, input: self, weight: weight, stride: stride, padding: padding)
        let (channels, height, width) = (shape[1], shape[2], shape[3])
        let (outChannels, kernelHeight, kernelWidth) = (weight.shape[1], weight.shape[2], weight.shape[3])
        guard weight.shape[0] == channels else {
            throw TensorError.shapeMismatch(
                operation: operation, shapes: [shape, weight.shape],
                reason: "disagree on input channels: the input has \(channels), the weight [in, out, kH, kW] takes \(weight.shape[0])")
        }
        guard outputPadding >= 0 && outputPadding < stride else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "output padding \(outputPadding) must be at least 0 and less than the stride \(stride)")
        }
        let outHeight = (height - 1) * stride - 2 * padding + kernelHeight + outputPadding
        let outWidth = (width - 1) * stride - 2 * padding + kernelWidth + outputPadding
        guard height > 0 && width > 0 && outHeight > 0 && outWidth > 0 else {
            throw TensorError.invalidArgument(
                operation: operation,
                reason: "a \(height)×\(width) input with a \(kernelHeight)×\(kernelWidth) kernel, stride \(stride), padding \(padding) "
                    + "and output padding \(outputPadding) gives a \(outHeight)×\(outWidth) output; it needs at least one row and column")
        }
        try Tensor.checkConvolutionBias(operation, bias, channels: outChannels, weight: weight)
        // The convolution this one transposes: from the output's shape back to the input's.
        let geometry = ConvolutionGeometry(batch: shape[0], inChannels: outChannels, height: outHeight, width: outWidth,
                                           outChannels: channels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
                                           stride: stride, padding: padding)
        return ConvolutionOperation(geometry).transposedConvolution(self, weight, bias: bias)
    }

    /// The checks both convolutions share: ranks, stride, padding and empty kernels.
    private static func checkConvolutionOperands(_ operation: String, input: Tensor, weight: Tensor,
                                                 stride: Int, padding: Int) throws {
        guard input.rank == 4 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "the input must be [batch, channels, height, width] (rank 4), got shape \(input.shape)")
        }
        guard weight.rank == 4 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "the weight must have rank 4 with the kernel's height and width last, got shape \(weight.shape)")
        }
        guard stride >= 1 else {
            throw TensorError.invalidArgument(operation: operation, reason: "the stride must be at least 1, got \(stride)")
        }
        guard padding >= 0 else {
            throw TensorError.invalidArgument(operation: operation, reason: "the padding must be at least 0, got \(padding)")
        }
        guard weight.shape[2] > 0 && weight.shape[3] > 0 else {
            throw TensorError.invalidArgument(
                operation: operation, reason: "the kernel must be at least 1×1, got weight shape \(weight.shape)")
        }
    }

    private static func checkConvolutionBias(_ operation: String, _ bias: Tensor?, channels: Int, weight: Tensor) throws {
        if let bias, bias.shape != [channels] {
            throw TensorError.shapeMismatch(
                operation: operation, shapes: [weight.shape, bias.shape],
                reason: "need a bias of shape [\(channels)], one value per output channel")
        }
    }
}

/// The three operations a convolution's derivatives are made of, for one geometry (x: [N, C, H, W],
/// y: [N, O, Ho, Wo], weight [O, C, kH, kW]). Each is linear in each of its two operands, and the
/// derivative of each with respect to one operand is another of the three: with T(x, w, dy) = Σ dy ⊙
/// conv(x, w), the convolution is ∂T/∂dy, the transposed convolution ∂T/∂x and the weight gradient
/// ∂T/∂w. Derivatives of any order are therefore these three operations again.
struct ConvolutionOperation {
    let geometry: ConvolutionGeometry

    init(_ geometry: ConvolutionGeometry) { self.geometry = geometry }

    var inputShape: Shape { [geometry.batch, geometry.inChannels, geometry.height, geometry.width] }
    var outputShape: Shape { [geometry.batch, geometry.outChannels, geometry.outHeight, geometry.outWidth] }
    var weightShape: Shape { [geometry.outChannels, geometry.inChannels, geometry.kernelHeight, geometry.kernelWidth] }

    /// y = conv(x, w) + bias.
    func convolution(_ x: Tensor, _ w: Tensor, bias: Tensor?) -> Tensor {
        let y = Tensor.build(outputShape) { out in
            Convolution.forward(geometry, input: x.storage.base, weight: w.storage.base,
                                bias: bias?.storage.base, output: out)
        }
        let inputs = bias.map { [x, w, $0] } ?? [x, w]
        guard GradientMode.recording && inputs.contains(where: { $0.node != nil }) else {
            return y
        }
        let operation = self
        return y.recorded("conv2d", inputs: inputs) { g, c in
            [c.needs[0] ? operation.transposedConvolution(g, c.input(1), bias: nil) : nil,
             c.needs[1] ? operation.weightGradient(c.input(0), g) : nil]
                + (c.node.inputCount == 3 ? [c.needs[2] ? try operation.channelSums(g) : nil] : [])
        }
    }

    /// x-shaped convT(dy, w) + bias (bias on x's channels).
    func transposedConvolution(_ dy: Tensor, _ w: Tensor, bias: Tensor?) -> Tensor {
        let x = Tensor.build(inputShape) { out in
            Convolution.backwardInput(geometry, outputGradient: dy.storage.base, weight: w.storage.base,
                                      bias: bias?.storage.base, into: out)
        }
        let inputs = bias.map { [dy, w, $0] } ?? [dy, w]
        guard GradientMode.recording && inputs.contains(where: { $0.node != nil }) else {
            return x
        }
        let operation = self
        return x.recorded("conv transpose 2d", inputs: inputs) { g, c in
            [c.needs[0] ? operation.convolution(g, c.input(1), bias: nil) : nil,
             c.needs[1] ? operation.weightGradient(g, c.input(0)) : nil]
                + (c.node.inputCount == 3 ? [c.needs[2] ? try operation.channelSums(g) : nil] : [])
        }
    }

    /// The weight-shaped W(x, dy) = Σ dy[n, o, ·] ⊙ the windows of x under it.
    func weightGradient(_ x: Tensor, _ dy: Tensor) -> Tensor {
        let w = Tensor.build(weightShape) { out in
            Convolution.backwardWeight(geometry, input: x.storage.base, outputGradient: dy.storage.base, into: out)
        }
        guard Tensor.recordsGradient(x, dy) else { return w }
        let operation = self
        return w.recorded("conv2d weight gradient", x, dy) { g, c in
            [c.needs[0] ? operation.transposedConvolution(c.input(1), g, bias: nil) : nil,
             c.needs[1] ? operation.convolution(c.input(0), g, bias: nil) : nil]
        }
    }

    /// A bias's gradient: `g` [N, channels, h, w] summed over all but the channel axis.
    func channelSums(_ g: Tensor) throws -> Tensor {
        try g.sum(toShape: [g.shape[1], 1, 1]).reshaped(to: [g.shape[1]])
    }
}
