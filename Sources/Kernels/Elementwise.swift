import Foundation
import Synchronization
#if arch(x86_64)
import _Builtin_intrinsics.intel
#endif

/// A binary elementwise operation on two floats.
public enum BinaryOperation: Sendable, Equatable {
    /// a + b
    case add
    /// a − b
    case subtract
    /// a × b
    case multiply
    /// a ÷ b (IEEE division)
    case divide
    /// 1 where a > b, else 0 (NaN compares false)
    case greater
}

/// A unary elementwise operation on one float.
public enum UnaryOperation: Sendable, Equatable {
    /// −x
    case negate
    /// |x|
    case absolute
    /// √x (IEEE, correctly rounded)
    case squareRoot
    /// x · x
    case square
    /// max(x, 0), with NaN passed through
    case relu
    /// x for x > 0, else slope · x
    case leakyRelu(slope: Float)
    /// e^x (FastMath)
    case exp
    /// ln x (FastMath)
    case log
    /// tanh x (FastMath)
    case tanh
    /// 1 / (1 + e^−x) (FastMath's formula)
    case sigmoid
    /// x^p: exact forms for p ∈ {0, 1, 2, 3, −1, ½}, else exp(p·ln|x|) with the sign of an odd integer p
    case power(Float)
    /// min(max(x, lower), upper)
    case clamp(lower: Float, upper: Float)
    /// 1 where x > 0, else 0
    case positiveMask
    /// 1 where x > 0, slope where x ≤ 0 (the derivative of leaky ReLU)
    case leakySlope(slope: Float)
    /// 1 where lower ≤ x ≤ upper, else 0 (the derivative of clamp)
    case insideMask(lower: Float, upper: Float)
    /// −1, 0 or 1 by the sign of x (0 for ±0 and NaN)
    case sign
    /// scale · x + shift, as one multiply then one add
    case affine(scale: Float, shift: Float)
    /// cos x, computed in Double by the C library and rounded once to Float
    case cosine
    /// sin x, computed in Double by the C library and rounded once to Float
    case sine
}

/// Out-of-place elementwise kernels over contiguous buffers, vectorised with `SIMD8<Float>`.
///
/// Every lane and every scalar tail element performs the same IEEE operations in the same order, so a
/// result never depends on where an element sits in the buffer.
public enum Elementwise {
    /// y[i] = op(a[i·aStride], b[i·bStride]) for i in 0..<count, strides 0 (broadcast) or 1.
    public static func apply(_ operation: BinaryOperation,
                             _ a: UnsafePointer<Float>, stride aStride: Int,
                             _ b: UnsafePointer<Float>, stride bStride: Int,
                             into y: UnsafeMutablePointer<Float>, count: Int) {
        inSlices(count) { start, length in
            applySlice(operation, a + start * aStride, aStride, b + start * bStride, bStride, y + start, length)
        }
    }

    private static func applySlice(_ operation: BinaryOperation, _ a: UnsafePointer<Float>, _ aStride: Int,
                                   _ b: UnsafePointer<Float>, _ bStride: Int, _ y: UnsafeMutablePointer<Float>,
                                   _ count: Int) {
        switch operation {
        case .add: binaryLoop(a, aStride, b, bStride, y, count, { $0 + $1 }, { $0 + $1 })
        case .subtract: binaryLoop(a, aStride, b, bStride, y, count, { $0 - $1 }, { $0 - $1 })
        case .multiply: binaryLoop(a, aStride, b, bStride, y, count, { $0 * $1 }, { $0 * $1 })
        case .divide: binaryLoop(a, aStride, b, bStride, y, count, { $0 / $1 }, { $0 / $1 })
        case .greater:
            binaryLoop(a, aStride, b, bStride, y, count,
                       { SIMD8<Float>(repeating: 0).replacing(with: 1, where: $0 .> $1) },
                       { $0 > $1 ? 1 : 0 })
        }
    }

    /// y[i] = op(x[i]) for i in 0..<count.
    public static func apply(_ operation: UnaryOperation, _ x: UnsafePointer<Float>,
                             into y: UnsafeMutablePointer<Float>, count: Int) {
        switch operation {
        case .exp, .log, .tanh, .sigmoid:
            inParallel(x, y, count) { applySlice(operation, $0, $1, $2) }
        case .power, .cosine, .sine:
            // A general power splits its own passes; the C library's cosine and sine stay on one thread.
            applySlice(operation, x, y, count)
        default:
            // The memory-bound passes of a large layer's activations (a rectifier over dcgan's 64×64×14×14
            // images) are shared out like the binary ones.
            inSlices(count) { start, length in applySlice(operation, x + start, y + start, length) }
        }
    }

    private static func applySlice(_ operation: UnaryOperation, _ x: UnsafePointer<Float>,
                                   _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        switch operation {
        case .negate: unaryLoop(x, y, count, { -$0 }, { -$0 })
        case .absolute:
            unaryLoop(x, y, count, { unsafeBitCast(unsafeBitCast($0, to: SIMD8<UInt32>.self) & 0x7fff_ffff,
                                                   to: SIMD8<Float>.self) },
                      { Float(bitPattern: $0.bitPattern & 0x7fff_ffff) })
        case .squareRoot: unaryLoop(x, y, count, squareRoot, { $0.squareRoot() })
        case .square: unaryLoop(x, y, count, { $0 * $0 }, { $0 * $0 })
        case .relu:
            unaryLoop(x, y, count, { $0.replacing(with: 0, where: $0 .<= 0) }, { $0 <= 0 ? 0 : $0 })
        case .leakyRelu(let slope):
            unaryLoop(x, y, count, { $0.replacing(with: $0 * slope, where: $0 .<= 0) },
                      { $0 <= 0 ? $0 * slope : $0 })
        case .exp: FastMath.exp(x, into: y, count: count)
        case .log: FastMath.log(x, into: y, count: count)
        case .tanh: FastMath.tanh(x, into: y, count: count)
        case .sigmoid: FastMath.sigmoid(x, into: y, count: count)
        case .power(let p): power(x, p, y, count)
        case .clamp(let lower, let upper):
            unaryLoop(x, y, count,
                      { $0.replacing(with: SIMD8(repeating: lower), where: $0 .< lower)
                          .replacing(with: SIMD8(repeating: upper), where: $0 .> upper) },
                      { $0 < lower ? lower : ($0 > upper ? upper : $0) })
        case .positiveMask:
            unaryLoop(x, y, count, { SIMD8<Float>(repeating: 0).replacing(with: 1, where: $0 .> 0) },
                      { $0 > 0 ? 1 : 0 })
        case .leakySlope(let slope):
            unaryLoop(x, y, count, { SIMD8<Float>(repeating: slope).replacing(with: 1, where: $0 .> 0) },
                      { $0 > 0 ? 1 : slope })
        case .insideMask(let lower, let upper):
            unaryLoop(x, y, count,
                      { SIMD8<Float>(repeating: 0).replacing(with: 1, where: ($0 .>= lower) .& ($0 .<= upper)) },
                      { $0 >= lower && $0 <= upper ? 1 : 0 })
        case .sign:
            unaryLoop(x, y, count,
                      { SIMD8<Float>(repeating: 0).replacing(with: 1, where: $0 .> 0)
                          .replacing(with: -1, where: $0 .< 0) },
                      { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) })
        case .affine(let scale, let shift):
            // A separate multiply and add (no FMA), so the result equals the two tensor ops it replaces.
            unaryLoop(x, y, count, { $0 * scale + shift }, { $0 * scale + shift })
        case .cosine: for i in 0..<count { y[i] = Float(cos(Double(x[i]))) }
        case .sine: for i in 0..<count { y[i] = Float(sin(Double(x[i]))) }
        }
    }

    /// y[i] = mask[i·mStride] ≠ 0 ? a[i·aStride] : b[i·bStride], strides 0 or 1.
    public static func select(_ mask: UnsafePointer<Float>, stride mStride: Int,
                              _ a: UnsafePointer<Float>, stride aStride: Int,
                              _ b: UnsafePointer<Float>, stride bStride: Int,
                              into y: UnsafeMutablePointer<Float>, count: Int) {
        inSlices(count) { start, length in
            selectSlice(mask + start * mStride, mStride, a + start * aStride, aStride, b + start * bStride, bStride,
                        y + start, length)
        }
    }

    private static func selectSlice(_ mask: UnsafePointer<Float>, _ mStride: Int, _ a: UnsafePointer<Float>, _ aStride: Int,
                                    _ b: UnsafePointer<Float>, _ bStride: Int, _ y: UnsafeMutablePointer<Float>,
                                    _ count: Int) {
        var i = 0
        if mStride == 1 {
            // The mask is contiguous; each branch is contiguous or one repeated value (relu's and
            // clamp's derivatives select against a scalar zero).
            let aValue = SIMD8<Float>(repeating: a[0]), bValue = SIMD8<Float>(repeating: b[0])
            switch (aStride, bStride) {
            case (1, 1):
                while i + 8 <= count {
                    store(load(b + i).replacing(with: load(a + i), where: load(mask + i) .!= 0), y + i)
                    i += 8
                }
            case (1, 0):
                while i + 8 <= count {
                    store(bValue.replacing(with: load(a + i), where: load(mask + i) .!= 0), y + i)
                    i += 8
                }
            case (0, 1):
                while i + 8 <= count {
                    store(load(b + i).replacing(with: aValue, where: load(mask + i) .!= 0), y + i)
                    i += 8
                }
            default:
                break
            }
        }
        while i < count {
            y[i] = mask[i &* mStride] != 0 ? a[i &* aStride] : b[i &* bStride]
            i += 1
        }
    }

    /// Sets count elements to `value`.
    public static func fill(_ y: UnsafeMutablePointer<Float>, with value: Float, count: Int) {
        y.update(repeating: value, count: count)
    }

    /// Elements below which one thread does all the work of an elementary function (~15 µs of work).
    static let parallelElementThreshold = 1 << 15

    /// Elements each thread must get before a memory-bound pass (add, multiply, a rectifier's gradient) is
    /// shared out: 64 Ki floats, about 10 µs of work.
    public static let parallelPassThreshold = 1 << 16

    /// Runs `body(start, length)` over contiguous slices of `count` elements, on the kernel threads when
    /// the pass is long enough to pay for them. Slices start at multiples of 8, so every element is
    /// computed by the same lane code as without the split.
    static func inSlices(_ count: Int, _ body: (Int, Int) -> Void) {
        let pieces = min(ComputeThreads.count, count / parallelPassThreshold)
        guard pieces > 1 else { return body(0, count) }
        let size = (count / pieces + 7) & ~7
        ComputeThreads.forEachPiece(pieces) { piece in
            let start = piece * size
            let end = piece == pieces - 1 ? count : min(count, start + size)
            if start < end { body(start, end - start) }
        }
    }

    /// Runs a buffer kernel over contiguous slices on the kernel threads when the buffer is large. Every
    /// element is computed by the same lane code wherever a slice starts, so the split changes no bit.
    static func inParallel(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int,
                           _ kernel: (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void) {
        let pieces = min(ComputeThreads.count, count / parallelElementThreshold)
        guard pieces > 1 else { return kernel(x, y, count) }
        let size = (count / pieces + 7) & ~7
        ComputeThreads.forEachPiece(pieces) { piece in
            let start = piece * size
            let end = piece == pieces - 1 ? count : min(count, start + size)
            if start < end { kernel(x + start, y + start, end - start) }
        }
    }

    /// √x per lane with one vsqrtps (correctly rounded, so the same bits as a scalar square root). Neither
    /// SIMD8's `squareRoot()` nor a loop of `Float.squareRoot()` gets there: both keep libm's errno path
    /// (a vsqrtss per lane with a call to sqrtf for negative inputs), which also stops vectorisation.
    @inline(__always)
    static func squareRoot(_ x: SIMD8<Float>) -> SIMD8<Float> {
        #if arch(x86_64)
        return _mm256_sqrt_ps(x)
        #else
        var result = x
        for lane in 0..<8 { result[lane] = x[lane].squareRoot() }
        return result
        #endif
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
    }

    @inline(__always)
    static func store(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: SIMD8<Float>.self)
    }

    /// A store that bypasses the caches, as two 16-byte halves: `p` need only be 16-byte aligned, which
    /// every malloc'd buffer is (32- or 64-byte aligned buffers cost 20 MB of fragmentation in mnist-mlp).
    /// Call `fenceStreamingStores` before another thread may read what was written.
    @inline(__always)
    static func streamingStore(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>) {
        #if arch(x86_64)
        _mm_stream_ps(p, v.lowHalf)
        _mm_stream_ps(p + 4, v.highHalf)
        #else
        store(v, p)
        #endif
    }

    /// Orders earlier streaming stores before every later memory access: a locked read-modify-write (which
    /// x86 never reorders with non-temporal stores) on a word of its own.
    @inline(__always)
    static func fenceStreamingStores() {
        streamingFence.wrappingAdd(0, ordering: .sequentiallyConsistent)
    }

    /// The word `fenceStreamingStores` updates.
    private static let streamingFence = Atomic<Int>(0)

    @inline(__always)
    static func binaryLoop(_ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
                           _ y: UnsafeMutablePointer<Float>, _ n: Int,
                           _ vector: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>,
                           _ scalar: (Float, Float) -> Float) {
        var i = 0
        switch (sa, sb) {
        case (1, 1):
            while i + 8 <= n { store(vector(load(a + i), load(b + i)), y + i); i += 8 }
        case (1, 0):
            let vb = SIMD8<Float>(repeating: b[0])
            while i + 8 <= n { store(vector(load(a + i), vb), y + i); i += 8 }
        case (0, 1):
            let va = SIMD8<Float>(repeating: a[0])
            while i + 8 <= n { store(vector(va, load(b + i)), y + i); i += 8 }
        default:
            break
        }
        while i < n { y[i] = scalar(a[i &* sa], b[i &* sb]); i += 1 }
    }

    @inline(__always)
    static func unaryLoop(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                          _ vector: (SIMD8<Float>) -> SIMD8<Float>, _ scalar: (Float) -> Float) {
        var i = 0
        while i + 8 <= n { store(vector(load(x + i)), y + i); i += 8 }
        while i < n { y[i] = scalar(x[i]); i += 1 }
    }

    /// x^p. Small exact cases keep derivatives such as x^1 = x and x^2 = x·x exact.
    static func power(_ x: UnsafePointer<Float>, _ p: Float, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        switch p {
        case 0: fill(y, with: 1, count: n)
        case 1: y.update(from: x, count: n)
        case 2: unaryLoop(x, y, n, { $0 * $0 }, { $0 * $0 })
        case 3: unaryLoop(x, y, n, { $0 * $0 * $0 }, { $0 * $0 * $0 })
        case -1: unaryLoop(x, y, n, { 1 / $0 }, { 1 / $0 })
        case 0.5: unaryLoop(x, y, n, squareRoot, { $0.squareRoot() })
        default:
            // |x|^p = exp(p·ln|x|); negative x keeps a sign only for integer p (odd → negative), else NaN.
            let isInteger = p == p.rounded()
            let isOdd = isInteger && abs(p.truncatingRemainder(dividingBy: 2)) == 1
            apply(.absolute, x, into: y, count: n)
            FastMath.log(y, into: y, count: n)
            apply(.affine(scale: p, shift: 0), y, into: y, count: n)
            FastMath.exp(y, into: y, count: n)
            for i in 0..<n where x[i] < 0 {
                y[i] = isInteger ? (isOdd ? -y[i] : y[i]) : .nan
            }
        }
    }
}

/// What `Elementwise.addBias` applies to each element after adding its column's bias.
public enum BiasActivation: Sendable, Equatable {
    /// Nothing: c + bias.
    case none
    /// max(c + bias, 0), with NaN passed through (as `UnaryOperation.relu`).
    case relu
    /// c + bias for positive values, else slope · (c + bias) (as `UnaryOperation.leakyRelu`).
    case leakyRelu(slope: Float)
}

extension Elementwise {
    /// C[i, j] = act(C[i, j] + bias[j]) in place over `rows` rows of `columns` (row stride `ldc`): a linear
    /// layer's bias and rectifier in one pass over a product still in cache. Each element gets the same
    /// IEEE add and the same comparison as the separate broadcast add and activation, so the bits match.
    public static func addBias(_ bias: UnsafePointer<Float>, to c: UnsafeMutablePointer<Float>, rows: Int, columns: Int,
                               ldc: Int, then activation: BiasActivation) {
        switch activation {
        case .none:
            biasLoop(bias, c, rows, columns, ldc, { $0 }, { $0 })
        case .relu:
            biasLoop(bias, c, rows, columns, ldc, { $0.replacing(with: 0, where: $0 .<= 0) }, { $0 <= 0 ? 0 : $0 })
        case .leakyRelu(let slope):
            biasLoop(bias, c, rows, columns, ldc, { $0.replacing(with: $0 * slope, where: $0 .<= 0) },
                     { $0 <= 0 ? $0 * slope : $0 })
        }
    }

    @inline(__always)
    private static func biasLoop(_ bias: UnsafePointer<Float>, _ c: UnsafeMutablePointer<Float>, _ rows: Int,
                                 _ columns: Int, _ ldc: Int, _ vector: (SIMD8<Float>) -> SIMD8<Float>,
                                 _ scalar: (Float) -> Float) {
        for i in 0..<rows {
            let row = c + i * ldc
            var j = 0
            while j + 8 <= columns { store(vector(load(row + j) + load(bias + j)), row + j); j += 8 }
            while j < columns { row[j] = scalar(row[j] + bias[j]); j += 1 }
        }
    }
}

extension Elementwise {
    /// out[i] = g[i] where y[i] > 0, else +0 (ReLU) or g[i]·slope (leaky ReLU, `slope` non-nil): a rectifier's
    /// backward pass read off its output, in one pass. The same bits as selecting with a positive mask of y
    /// (ReLU) or multiplying by its leaky slope (leaky ReLU).
    public static func rectifierGradient(_ g: UnsafePointer<Float>, output y: UnsafePointer<Float>, slope: Float?,
                                         into out: UnsafeMutablePointer<Float>, count: Int) {
        inSlices(count) { start, length in
            rectifierGradientSlice(g + start, y + start, slope, out + start, length)
        }
    }

    private static func rectifierGradientSlice(_ g: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ slope: Float?,
                                               _ out: UnsafeMutablePointer<Float>, _ count: Int) {
        // Written out rather than through `binaryLoop`: there the vector closure stayed a call per 8 lanes.
        var i = 0
        let zero = SIMD8<Float>(repeating: 0)
        if let slope {
            let slopes = SIMD8<Float>(repeating: slope)
            while i + 8 <= count {
                store(load(g + i) * slopes.replacing(with: 1, where: load(y + i) .> zero), out + i)
                i += 8
            }
            while i < count { out[i] = g[i] * (y[i] > 0 ? 1 : slope); i += 1 }
        } else {
            while i + 8 <= count {
                store(zero.replacing(with: load(g + i), where: load(y + i) .> zero), out + i)
                i += 8
            }
            while i < count { out[i] = y[i] > 0 ? g[i] : 0; i += 1 }
        }
    }
}

extension Elementwise {
    /// softplus(x) = max(x, 0) + log(1 + e^{x > 0 ? −x : x}) with our `exp` and `log`, rounded after each
    /// step: the same bits as composing the ReLU, select, exp, add and log operations, in one pass.
    public static func softplus(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func value(_ x: SIMD8<Float>) -> SIMD8<Float> {
            let zero = SIMD8<Float>(repeating: 0)
            let rectified = x.replacing(with: zero, where: x .<= zero)
            let exponential = FastMath.exp((-x).replacing(with: x, where: .!(x .> zero)))
            return rectified + FastMath.log(1 + exponential)
        }
        var i = 0
        while i + 8 <= count { store(value(load(x + i)), y + i); i += 8 }
        if i < count { storePartial(value(loadPartial(x + i, count - i)), y + i, count - i) }
    }

    /// The gradient of `softplus` for an output gradient g: with e = e^{x > 0 ? −x : x} and t = (g / (1 + e))·e,
    /// g − t where x > 0 and t + 0 elsewhere. These are the sums the derivatives of the composed operations
    /// form (the ReLU passes g, the select and negation pass −t or t, the other branch +0), so the bits match.
    public static func softplusGradient(_ x: UnsafePointer<Float>, _ g: UnsafePointer<Float>,
                                        into out: UnsafeMutablePointer<Float>, count: Int) {
        @inline(__always) func gradient(_ x: SIMD8<Float>, _ g: SIMD8<Float>) -> SIMD8<Float> {
            let zero = SIMD8<Float>(repeating: 0)
            let positive = x .> zero
            let exponential = FastMath.exp((-x).replacing(with: x, where: .!positive))
            let t = (g / (1 + exponential)) * exponential
            return (t + zero).replacing(with: g - t, where: positive)
        }
        var i = 0
        while i + 8 <= count { store(gradient(load(x + i), load(g + i)), out + i); i += 8 }
        if i < count {
            let rest = count - i
            storePartial(gradient(loadPartial(x + i, rest), loadPartial(g + i, rest)), out + i, rest)
        }
    }

    /// The first `count` (< 8) floats at `p` in the low lanes, zeros above.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int) -> SIMD8<Float> {
        var v = SIMD8<Float>()
        for lane in 0..<count { v[lane] = p[lane] }
        return v
    }

    /// The low `count` (< 8) lanes of `v` written to `p`.
    @inline(__always)
    static func storePartial(_ v: SIMD8<Float>, _ p: UnsafeMutablePointer<Float>, _ count: Int) {
        for lane in 0..<count { p[lane] = v[lane] }
    }
}
