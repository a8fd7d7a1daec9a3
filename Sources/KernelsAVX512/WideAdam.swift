#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// Adam's update on 16-lane vectors for processors with AVX-512: the same IEEE operations per element as
/// the 8-lane kernel in `OptimizerKernels` (so the same bits), with twice the divisions and square roots
/// per instruction, which bound the update of a small network's weights.
public enum WideAdam {
    /// The settings of one update, as the 8-lane kernel derives them.
    public struct Settings {
        /// lr / bc₁.
        public var stepSize: Float
        /// √bc₂.
        public var rootCorrection2: Float
        /// β₁, β₂, ε and the weight decay.
        public var beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float

        public init(stepSize: Float, rootCorrection2: Float, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) {
            (self.stepSize, self.rootCorrection2) = (stepSize, rootCorrection2)
            (self.beta1, self.beta2, self.epsilon, self.weightDecay) = (beta1, beta2, epsilon, weightDecay)
        }
    }

    /// Updates the first `count` elements (a multiple of 16) and returns the sums of squares of the
    /// gradient and of the new parameter in two 8-lane halves each (elements 16j…16j+7 in the first,
    /// 16j+8…16j+15 in the second), as the 8-lane kernel accumulates them. `streams`: non-temporal stores
    /// for the new moments (which must then be 16-byte aligned).
    public static func update(_ p: UnsafePointer<Float>, _ g: UnsafePointer<Float>, _ m: UnsafePointer<Float>,
                              _ v: UnsafePointer<Float>, _ pOut: UnsafeMutablePointer<Float>,
                              _ mOut: UnsafeMutablePointer<Float>, _ vOut: UnsafeMutablePointer<Float>, count: Int,
                              settings s: Settings, streams: Bool)
        -> (gradient: (SIMD8<Double>, SIMD8<Double>), parameter: (SIMD8<Double>, SIMD8<Double>)) {
        typealias V = SIMD16<Float>
        typealias D = SIMD8<Double>
        var (g0, g1, p0, p1) = (D(), D(), D(), D())
        @inline(__always) func load(_ x: UnsafePointer<Float>, _ i: Int) -> V {
            UnsafeRawPointer(x + i).loadUnaligned(as: V.self)
        }
        @inline(__always) func store(_ x: V, _ y: UnsafeMutablePointer<Float>, _ i: Int, streams: Bool) {
            #if arch(x86_64)
            if streams {
                // 16-byte non-temporal stores: malloc's alignment is all they need.
                _mm_stream_ps(y + i, x.lowHalf.lowHalf)
                _mm_stream_ps(y + i + 4, x.lowHalf.highHalf)
                _mm_stream_ps(y + i + 8, x.highHalf.lowHalf)
                _mm_stream_ps(y + i + 12, x.highHalf.highHalf)
                return
            }
            #endif
            UnsafeMutableRawPointer(y + i).storeBytes(of: x, as: V.self)
        }
        // Spelled with the vector intrinsics: the generic SIMD16 operators were split into 256- and 128-bit
        // pieces by the code generator (6.4 ns per 16 elements against 2.x with these).
        #if arch(x86_64)
        @inline(__always) func mul(_ x: V, _ y: V) -> V { _mm512_mul_ps(x, y) }
        @inline(__always) func add(_ x: V, _ y: V) -> V { _mm512_add_ps(x, y) }
        @inline(__always) func sub(_ x: V, _ y: V) -> V { _mm512_sub_ps(x, y) }
        @inline(__always) func div(_ x: V, _ y: V) -> V { _mm512_div_ps(x, y) }
        #else
        @inline(__always) func mul(_ x: V, _ y: V) -> V { x * y }
        @inline(__always) func add(_ x: V, _ y: V) -> V { x + y }
        @inline(__always) func sub(_ x: V, _ y: V) -> V { x - y }
        @inline(__always) func div(_ x: V, _ y: V) -> V { x / y }
        #endif
        let beta1 = V(repeating: s.beta1), beta2 = V(repeating: s.beta2)
        let oneMinusBeta1 = V(repeating: 1 - s.beta1), oneMinusBeta2 = V(repeating: 1 - s.beta2)
        let rootCorrection2 = V(repeating: s.rootCorrection2), epsilon = V(repeating: s.epsilon)
        let stepSize = V(repeating: s.stepSize), weightDecay = V(repeating: s.weightDecay)
        @inline(__always) func run(decays: Bool, streams: Bool) {
            var i = 0
            while i + 16 <= count {
                let (pv, gv, mv, vv) = (load(p, i), load(g, i), load(m, i), load(v, i))
                let grad = decays ? add(gv, mul(pv, weightDecay)) : gv
                let m2 = add(mul(mv, beta1), mul(grad, oneMinusBeta1))
                let v2 = add(mul(vv, beta2), mul(mul(grad, grad), oneMinusBeta2))
                let denominator = add(div(squareRoot(v2), rootCorrection2), epsilon)
                let p2 = sub(pv, mul(div(m2, denominator), stepSize))
                // The new weights are read again by the next forward pass: they stay in the caches.
                UnsafeMutableRawPointer(pOut + i).storeBytes(of: p2, as: V.self)
                store(m2, mOut, i, streams: streams)
                store(v2, vOut, i, streams: streams)
                let (ga, gb, pa, pb) = (D(gv.lowHalf), D(gv.highHalf), D(p2.lowHalf), D(p2.highHalf))
                g0 += ga * ga
                g1 += gb * gb
                p0 += pa * pa
                p1 += pb * pb
                i += 16
            }
        }
        switch (s.weightDecay != 0, streams) {
        case (false, false): run(decays: false, streams: false)
        case (false, true): run(decays: false, streams: true)
        case (true, false): run(decays: true, streams: false)
        case (true, true): run(decays: true, streams: true)
        }
        return ((g0, g1), (p0, p1))
    }

    /// √x per lane, correctly rounded.
    @inline(__always)
    static func squareRoot(_ x: SIMD16<Float>) -> SIMD16<Float> {
        #if arch(x86_64)
        return _mm512_sqrt_ps(x)
        #else
        var result = x
        for lane in 0..<16 { result[lane] = x[lane].squareRoot() }
        return result
        #endif
    }
}
