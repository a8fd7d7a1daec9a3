import KernelsAVX512

/// Parameter updates from old values into new buffers (never in place, so a snapshot that holds the old
/// buffers stays valid). Vectorised explicitly; each lane and the scalar tail perform the same
/// operations in the same order, and no fused multiply-add is used where the documented formula has a
/// separate multiply and add, so an element's update never depends on its position.
public enum OptimizerKernels {
    /// Updates of at least this many elements (1 MiB per buffer) use non-temporal stores for the moments.
    static let streamingCount = 1 << 18

    /// What an update kernel measured on its way through: Σg² of the gradient as given (before weight
    /// decay) and Σp² of the new parameter, each in the order of `Reductions.sumOfSquares`.
    public struct UpdateSquares: Sendable, Equatable {
        /// Σg² of the gradient.
        public var gradientSquares: Double
        /// Σp² of the new parameter.
        public var parameterSquares: Double

        /// Nothing measured yet.
        public static let zero = UpdateSquares(gradientSquares: 0, parameterSquares: 0)

        /// A measurement.
        public init(gradientSquares: Double, parameterSquares: Double) {
            self.gradientSquares = gradientSquares
            self.parameterSquares = parameterSquares
        }

        /// Adds the sums of a later block or tensor (the order of additions is the caller's).
        public mutating func add(_ other: UpdateSquares) {
            gradientSquares += other.gradientSquares
            parameterSquares += other.parameterSquares
        }
    }

    /// Adam with PyTorch's arithmetic: g += wd·p; m = β₁m + (1−β₁)g; v = β₂v + (1−β₂)g²;
    /// p −= (lr / bc₁)·m / (√v / √bc₂ + ε), where bcᵢ = 1 − βᵢᵗ.
    ///
    /// Returns Σg² of the gradient as given and Σp² of the new parameter, accumulated on the way in exactly
    /// the order of `Reductions.sumOfSquares` (so the same bits), which spares two more passes over memory.
    /// Large updates run their blocks on the kernel threads; the blocks' sums are added in order.
    @discardableResult
    public static func adam(parameter p: UnsafePointer<Float>, gradient g: UnsafePointer<Float>,
                            firstMoment m: UnsafePointer<Float>, secondMoment v: UnsafePointer<Float>,
                            newParameter pOut: UnsafeMutablePointer<Float>, newFirstMoment mOut: UnsafeMutablePointer<Float>,
                            newSecondMoment vOut: UnsafeMutablePointer<Float>, count: Int,
                            learningRate: Float, beta1: Float, beta2: Float, epsilon: Float,
                            weightDecay: Float, biasCorrection1: Float, biasCorrection2: Float) -> UpdateSquares {
        // Large updates stream the new moments past the caches: written to fresh buffers, they would
        // otherwise first be read in and evict the operands still to come, and nothing reads them before
        // the next update. The new weights are stored normally (the next forward pass reads them: mnist-mlp
        // 110.9 it/s against 109.3 when they were streamed too).
        let streams = count >= streamingCount && [mOut, vOut].allSatisfy { Int(bitPattern: $0) % 16 == 0 }
        let block = Reductions.squareBlock
        let blocks = max(1, (count + block - 1) / block)
        // One piece per block when the update is large enough to share out, else one piece for all.
        let pieces = count >= parallelCount ? blocks : 1
        let sums = UnsafeMutablePointer<UpdateSquares>.allocate(capacity: pieces)
        defer { sums.deallocate() }
        ComputeThreads.forEachPiece(pieces) { piece in
            var total = UpdateSquares.zero
            for index in (pieces == 1 ? 0..<blocks : piece..<(piece + 1)) {
                let offset = index * block
                let part = adamBlock(p + offset, g + offset, m + offset, v + offset, pOut + offset, mOut + offset,
                                     vOut + offset, min(block, count - offset), learningRate, beta1, beta2, epsilon,
                                     weightDecay, biasCorrection1, biasCorrection2, streams)
                total.add(part)
            }
            sums[piece] = total
        }
        // Block sums in order, as `Reductions.sumOfSquares` adds them (x + 0 is x, so a piece's own total
        // starting from 0 changes nothing).
        var total = UpdateSquares.zero
        for piece in 0..<pieces { total.add(sums[piece]) }
        return total
    }

    /// Updates of at least this many elements (4 blocks, ~0.1 ms of work) run on the kernel threads.
    static let parallelCount = 4 * Reductions.squareBlock

    /// Adam over one block of at most `Reductions.squareBlock` elements, with its sums of squares.
    private static func adamBlock(_ p: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafePointer<Float>,
                                  _ v: UnsafePointer<Float>, _ pOut: UnsafeMutablePointer<Float>,
                                  _ mOut: UnsafeMutablePointer<Float>, _ vOut: UnsafeMutablePointer<Float>, _ count: Int,
                                  _ learningRate: Float, _ beta1: Float, _ beta2: Float, _ epsilon: Float,
                                  _ weightDecay: Float, _ biasCorrection1: Float, _ biasCorrection2: Float,
                                  _ streams: Bool) -> UpdateSquares {
        let stepSize = learningRate / biasCorrection1
        let rootCorrection2 = biasCorrection2.squareRoot()
        typealias V = SIMD8<Float>
        typealias D = SIMD8<Double>
        @inline(__always)
        func lane(_ p: V, _ g: V, _ m: V, _ v: V) -> (V, V, V) {
            let grad = weightDecay == 0 ? g : g + p * weightDecay
            let m2 = m * beta1 + grad * (1 - beta1)
            let v2 = v * beta2 + (grad * grad) * (1 - beta2)
            let denominator = Elementwise.squareRoot(v2) / rootCorrection2 + epsilon
            return (p - (m2 / denominator) * stepSize, m2, v2)
        }
        @inline(__always)
        func step(_ i: Int) -> (gradient: V, parameter: V) {
            let gradient = Elementwise.load(g + i)
            let (p2, m2, v2) = lane(Elementwise.load(p + i), gradient, Elementwise.load(m + i), Elementwise.load(v + i))
            // The new weights are read again by the next forward pass: they stay in the caches.
            Elementwise.store(p2, pOut + i)
            if streams {
                Elementwise.streamingStore(m2, mOut + i)
                Elementwise.streamingStore(v2, vOut + i)
            } else {
                Elementwise.store(m2, mOut + i)
                Elementwise.store(v2, vOut + i)
            }
            return (gradient, p2)
        }
        var (g0, g1, p0, p1) = (D(), D(), D(), D())
        var i = 0
        if GEMM.usesWideVectors {
            let settings = WideAdam.Settings(stepSize: stepSize, rootCorrection2: rootCorrection2, beta1: beta1,
                                             beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
            let whole = count - count % 16
            ((g0, g1), (p0, p1)) = WideAdam.update(p, g, m, v, pOut, mOut, vOut, count: whole, settings: settings,
                                                   streams: streams)
            i = whole
        }
        while i + 16 <= count {
            let (ga, pa) = step(i), (gb, pb) = step(i + 8)
            let (gda, gdb, pda, pdb) = (D(ga), D(gb), D(pa), D(pb))
            g0 += gda * gda
            g1 += gdb * gdb
            p0 += pda * pda
            p1 += pdb * pdb
            i += 16
        }
        let squaresEnd = i
        if i + 8 <= count {
            _ = step(i)
            i += 8
        }
        // The tail goes through the same lane code in a padded vector, so every element gets the same bits.
        if i < count {
            var (pt, gt, mt, vt) = (V(), V(), V(), V(repeating: 1))
            for j in i..<count { pt[j - i] = p[j]; gt[j - i] = g[j]; mt[j - i] = m[j]; vt[j - i] = v[j] }
            let (p2, m2, v2) = lane(pt, gt, mt, vt)
            for j in i..<count { pOut[j] = p2[j - i]; mOut[j] = m2[j - i]; vOut[j] = v2[j - i] }
        }
        if streams { Elementwise.fenceStreamingStores() }
        var (gradientTail, parameterTail) = (0.0, 0.0)
        for j in squaresEnd..<count {
            let (a, b) = (Double(g[j]), Double(pOut[j]))
            gradientTail += a * a
            parameterTail += b * b
        }
        return UpdateSquares(gradientSquares: (g0 + g1).sum() + gradientTail,
                             parameterSquares: (p0 + p1).sum() + parameterTail)
    }

    /// SGD with PyTorch's arithmetic: g += wd·p; b = μb + g (b = g on the first step); with Nesterov
    /// g += μb, else g = b; p −= lr·g. Without momentum the buffers are nil.
    public static func sgd(parameter p: UnsafePointer<Float>, gradient g: UnsafePointer<Float>,
                           momentumBuffer b: UnsafePointer<Float>?, newParameter pOut: UnsafeMutablePointer<Float>,
                           newMomentumBuffer bOut: UnsafeMutablePointer<Float>?, count: Int, learningRate: Float,
                           momentum: Float, nesterov: Bool, weightDecay: Float, firstStep: Bool) {
        for i in 0..<count {
            var grad = weightDecay == 0 ? g[i] : g[i] + p[i] * weightDecay
            if let b, let bOut {
                let buffer = firstStep ? grad : b[i] * momentum + grad
                bOut[i] = buffer
                grad = nesterov ? grad + buffer * momentum : buffer
            }
            pOut[i] = p[i] - grad * learningRate
        }
    }

    /// RMSProp with PyTorch's arithmetic (not centred, no momentum): g += wd·p; s = αs + (1−α)g²;
    /// p −= lr·g / (√s + ε).
    public static func rmsProp(parameter p: UnsafePointer<Float>, gradient g: UnsafePointer<Float>,
                               squareAverage s: UnsafePointer<Float>, newParameter pOut: UnsafeMutablePointer<Float>,
                               newSquareAverage sOut: UnsafeMutablePointer<Float>, count: Int, learningRate: Float,
                               alpha: Float, epsilon: Float, weightDecay: Float) {
        @inline(__always)
        func lane(_ p: SIMD8<Float>, _ g: SIMD8<Float>, _ s: SIMD8<Float>) -> (SIMD8<Float>, SIMD8<Float>) {
            let grad = weightDecay == 0 ? g : g + p * weightDecay
            let average = s * alpha + (grad * grad) * (1 - alpha)
            return (p - (grad / (Elementwise.squareRoot(average) + epsilon)) * learningRate, average)
        }
        var i = 0
        while i + 8 <= count {
            let (p2, s2) = lane(Elementwise.load(p + i), Elementwise.load(g + i), Elementwise.load(s + i))
            Elementwise.store(p2, pOut + i)
            Elementwise.store(s2, sOut + i)
            i += 8
        }
        if i < count {
            var (pt, gt, st) = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(repeating: 1))
            for j in i..<count { pt[j - i] = p[j]; gt[j - i] = g[j]; st[j - i] = s[j] }
            let (p2, s2) = lane(pt, gt, st)
            for j in i..<count { pOut[j] = p2[j - i]; sOut[j] = s2[j - i] }
        }
    }
}
