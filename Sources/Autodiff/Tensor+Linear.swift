import Kernels

/// The rectifier a fused `linear` applies after its bias.
public enum Rectifier: Sendable, Equatable {
    /// None: the affine map alone.
    case identity
    /// max(·, 0), as `relu()`.
    case relu
    /// · for positive values, slope·(·) otherwise, as `leakyRelu(slope:)`; fused only for slope ≥ 0.
    case leakyRelu(slope: Float)
}

extension Tensor {
    /// act(self·weightᵀ + bias), a linear layer and its rectifier as one recorded operation: one product
    /// and one pass over it that adds the bias and rectifies in place, where the three separate operations
    /// make two more passes, two more tensors and two more graph nodes. Values and gradients are
    /// bit-identical to `matmul(weight, transposeOther: true)`, `+ bias`, then the rectifier.
    ///
    /// `self` is [batch, in], `weight` [out, in] (PyTorch's layout), `bias` [out] or nil.
    public func linear(weight: Tensor, bias: Tensor?, rectifier: Rectifier = .identity) throws -> Tensor {
        if case .leakyRelu(let slope) = rectifier, !(slope >= 0) {
            // The derivative is read from the output's sign, which a negative slope does not preserve.
            let affine = try linear(weight: weight, bias: bias)
            return affine.leakyRelu(slope: slope)
        }
        guard rank == 2, weight.rank == 2, shape[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(operation: "linear", shapes: [shape, weight.shape],
                                            reason: "need [batch, in] and [out, in]")
        }
        let (m, n, k) = (shape[0], weight.shape[0], shape[1])
        if let bias, bias.shape != [n] {
            throw TensorError.shapeMismatch(operation: "linear", shapes: [weight.shape, bias.shape],
                                            reason: "need a bias of shape [\(n)] for a weight of \(n) rows")
        }
        let kernelRectifier: BiasActivation
        var code = 0
        switch rectifier {
        case .identity: kernelRectifier = .none
        case .relu: (kernelRectifier, code) = (.relu, 1)
        case .leakyRelu(let slope): (kernelRectifier, code) = (.leakyRelu(slope: slope), 2)
        }
        if bias == nil && code != 0 {
            // No pass to fold the rectifier into: the product, then the rectifier as its own operation.
            let product = try matmul(weight, transposeOther: true)
            return code == 1 ? product.relu() : product.leakyRelu(slope: rectifierSlope(rectifier))
        }
        let y = Tensor.build([m, n]) { c in
            if let bias {
                GEMM.multiply(m: m, n: n, k: k, a: storage.base, lda: k, transposeA: false,
                              b: weight.storage.base, ldb: k, transposeB: true, c: c, ldc: n,
                              bias: bias.storage.base, then: kernelRectifier)
            } else {
                GEMM.multiply(m: m, n: n, k: k, a: storage.base, lda: k, transposeA: false,
                              b: weight.storage.base, ldb: k, transposeB: true, c: c, ldc: n, accumulate: false)
            }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        guard inputs.contains(where: { $0.node != nil }) && GradientMode.recording else { return y }
        let parameters = OperationParameters(float0: rectifierSlope(rectifier), int0: code)
        return y.recorded("linear", inputs: inputs, savesOutput: code != 0, parameters: parameters) { g, c in
            // The rectifier's derivative from the output's sign: y > 0 exactly where the pre-activation is.
            let g = switch c.parameters.int0 {
            case 1: g.rectifierGradient(output: c.output.detached(), slope: nil)
            case 2: g.rectifierGradient(output: c.output.detached(), slope: c.parameters.float0)
            default: g
            }
            let (x, w, needs) = (c.input(0), c.input(1), c.needs)
            // As matmul's rule for C = X·Wᵀ: dX = G·W and dW = Gᵀ·X.
            var gradients: [Tensor?]
            if needs[0] && needs[1] {
                let (dx, dw) = Tensor.matmuls((g, w, false, false), (g, x, true, false))
                gradients = [dx, dw]
            } else {
                gradients = [needs[0] ? try g.matmul(w) : nil, needs[1] ? try g.matmul(x, transposeSelf: true) : nil]
            }
            if c.node.inputCount == 3 {
                gradients.append(needs[2] ? try g.sum(toShape: c.input(2).shape) : nil)
            }
            return gradients
        }
    }
}

/// The slope of a leaky rectifier, 0 for the others.
private func rectifierSlope(_ rectifier: Rectifier) -> Float {
    if case .leakyRelu(let slope) = rectifier { return slope }
    return 0
}

extension Tensor {
    /// `self` (a gradient) where `output` > 0, else +0 (ReLU, `slope` nil) or slope·self (leaky ReLU): a
    /// rectifier's backward pass read off its output in one pass, where select or multiply with a mask
    /// makes two. Recorded, with `output` as a constant, so that it can be differentiated again: it is
    /// linear in `self`, and its derivative is itself.
    func rectifierGradient(output: Tensor, slope: Float?) -> Tensor {
        let y = Tensor.build(shape) { out in
            Elementwise.rectifierGradient(storage.base, output: output.storage.base, slope: slope, into: out,
                                          count: elementCount)
        }
        guard Tensor.recordsGradient(self) else { return y }
        let parameters = OperationParameters(float0: slope ?? 0, int0: slope == nil ? 0 : 1)
        return y.recorded("rectifier gradient", self, output, parameters: parameters) { g, c in
            [g.rectifierGradient(output: c.input(1), slope: c.parameters.int0 == 1 ? c.parameters.float0 : nil), nil]
        }
    }
}
