extension Tensor {
    /// Nearest-neighbour upsampling of NCHW images [batch, channels, height, width] by a whole `factor`:
    /// every pixel becomes a factor × factor block of itself, giving [batch, channels, height·factor,
    /// width·factor] (PyTorch's `nn.Upsample(scale_factor: factor, mode: "nearest")`).
    ///
    /// Its derivative sums each factor × factor block of the gradient, written as a reshape and a sum, whose
    /// own derivative is a broadcast: any order of derivative is made of tensor operations.
    public func upsampledNearest(factor: Int) throws -> Tensor {
        guard rank == 4 else {
            throw TensorError.invalidArgument(
                operation: "upsample", reason: "the input must be [batch, channels, height, width] (rank 4), got shape \(shape)")
        }
        guard factor >= 1 else {
            throw TensorError.invalidArgument(operation: "upsample", reason: "the factor must be at least 1, got \(factor)")
        }
        if factor == 1 { return self }
        let (rows, width) = (shape[0] * shape[1] * shape[2], shape[3])
        let wide = width * factor
        let source = storage.base
        let y = Tensor.build([shape[0], shape[1], shape[2] * factor, wide]) { out in
            for row in 0..<rows {
                let input = source + row * width
                let first = out + row * factor * wide
                for column in 0..<width {
                    let value = input[column]
                    for copy in 0..<factor { first[column * factor + copy] = value }
                }
                for repeated in 1..<factor { (first + repeated * wide).update(from: first, count: wide) }
            }
        }
        guard Tensor.recordsGradient(self) else { return y }
        return y.recorded("upsample nearest", self, parameters: OperationParameters(int0: factor)) { g, c in
            let (input, factor) = (c.input(0).shape, c.parameters.int0)
            let rows = input[0] * input[1] * input[2]
            return [try g.reshaped(to: [rows, factor, input[3], factor])
                .sum(toShape: [rows, 1, input[3], 1])
                .reshaped(to: input)]
        }
    }
}
