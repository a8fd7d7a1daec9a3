import Kernels

extension Tensor {
    /// Normal draws N(mean, std²) from `stream` (Box–Muller; consumes 2·⌈n/2⌉ words).
    public static func randomNormal(_ shape: Shape, mean: Float = 0, standardDeviation: Float = 1,
                                    using stream: RandomStream) -> Tensor {
        let n = shape.elementCount
        var words = [UInt32](repeating: 0, count: 2 * ((n + 1) / 2))
        if n > 0 { words.withUnsafeMutableBufferPointer { stream.fill(words: $0.baseAddress!, count: $0.count) } }
        let standard = build(shape) { out in
            if n > 0 { words.withUnsafeBufferPointer { RandomTransforms.standardNormal($0.baseAddress!, into: out, count: n) } }
        }
        if mean == 0 && standardDeviation == 1 { return standard }
        return standard.unaryValue(.affine(scale: standardDeviation, shift: mean))
    }

    /// Uniform draws in [lower, upper) from `stream` (one word each).
    public static func randomUniform(_ shape: Shape, lower: Float = 0, upper: Float = 1,
                                     using stream: RandomStream) -> Tensor {
        let n = shape.elementCount
        var words = [UInt32](repeating: 0, count: n)
        guard n > 0 else { return zeros(shape) }
        words.withUnsafeMutableBufferPointer { stream.fill(words: $0.baseAddress!, count: n) }
        return build(shape) { out in
            words.withUnsafeBufferPointer { RandomTransforms.uniform($0.baseAddress!, lower: lower, upper: upper, into: out, count: n) }
        }
    }
}
