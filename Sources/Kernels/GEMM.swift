#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import KernelsAVX512
import Synchronization

/// Single-precision matrix multiplication in pure Swift: packed, register-blocked and bit-deterministic.
///
/// Every C element is computed as one sequential fused multiply-add chain over k = 0, 1, …, K−1, starting
/// from 0 (or from the old C value when accumulating) — the order `referenceMultiply` spells out. Blocking,
/// packing and threading only decide *when* each link of a chain is computed, never the order or the
/// rounding, so results are identical in every bit for any thread count, block size or machine with FMA.
public enum GEMM {
    /// Depth per packed block: a 16-column B strip of this depth (16 KiB) stays in L1 while the kernel
    /// sweeps the A block past it.
    static let depthBlock = 256
    /// Rows of A per packed block (a multiple of `tileRows`): 120 × 256 floats = 120 KiB, resident in L2.
    static let rowBlock = 120
    /// Columns of B per packed block (a multiple of `tileColumns`): 256 × 2048 floats = 2 MiB, in L3.
    static let columnBlock = 2048
    /// Below this many multiply-adds (m·n·k = 256·128·128, or 64·256·256) splitting C across threads costs
    /// more than it saves in training, though not in a loop over one product: the second core must first
    /// fetch A from the first core's cache, where the previous layer left it, and hand back its part of C.
    /// On a 2-core Xeon (AVX-512), medians of 10 interleaved runs: with the threshold at 128·128·64, toy-small
    /// trained at 2070 it/s on two threads against 2124 on one; at this threshold 2238 against 2162, and
    /// digits-mlp (64×256×256 products, still split) at 1084 against 966.
    static let parallelThreshold = 1 << 22
    /// Work (in flops) the first piece gets on top of an equal share: none now that helpers start at once
    /// (with Dispatch, giving the caller's piece ~25 µs more work hid the workers' wake-up).
    static let headStartFlops = 0

    /// Whether full tiles go to the AVX-512 kernel (same bits, about twice the throughput on processors
    /// with full-width AVX-512 units). By default, where the processor has AVX-512F and the wide tile is not
    /// measurably slower there (`KernelChoice`); GANTRY_AVX512=0 or 1 decides instead. Tests switch it to
    /// compare both paths.
    nonisolated(unsafe) public static var usesWideVectors: Bool = KernelChoice.defaultUsesWideVectors()

    /// C[m×n] = op(A)·op(B), or C += op(A)·op(B) when `accumulate`; row-major, leading dimensions in elements.
    /// op(A) is A (m×k, lda ≥ k) or, when transposeA, Aᵀ with A stored k×m (lda ≥ m); likewise B (k×n or n×k).
    ///
    /// With k = 0, C becomes zero (or is left unchanged when accumulating). C must not overlap A or B.
    /// Uses up to `ComputeThreads.count` threads on large products; the result does not depend on it.
    public static func multiply(m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                                c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool) {
        multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                 c: c, ldc: ldc, accumulate: accumulate, epilogue: nil)
    }

    /// C[m×n] = act(op(A)·op(B) + bias), the bias added to every row: a linear layer's forward pass. The
    /// AVX-512 kernels add the bias and rectify each tile before storing it; other paths make one pass over
    /// C afterwards. Both give the bits of the product followed by `Elementwise.addBias`.
    public static func multiply(m: Int, n: Int, k: Int,
                                a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                                c: UnsafeMutablePointer<Float>, ldc: Int,
                                bias: UnsafePointer<Float>, then activation: BiasActivation) {
        let epilogue: GEMMEpilogue = switch activation {
        case .none: GEMMEpilogue(bias: bias, rectifier: 0, slope: 0)
        case .relu: GEMMEpilogue(bias: bias, rectifier: 1, slope: 0)
        case .leakyRelu(let slope): GEMMEpilogue(bias: bias, rectifier: 2, slope: slope)
        }
        multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                 c: c, ldc: ldc, accumulate: false, epilogue: epilogue)
    }

    private static func multiply(m: Int, n: Int, k: Int,
                                 a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                                 b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                                 c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, epilogue: GEMMEpilogue?) {
        checkArguments(m: m, n: n, k: k, lda: lda, transposeA: transposeA, ldb: ldb, transposeB: transposeB, ldc: ldc)
        if m == 0 || n == 0 { return }
        // Paths without a fused epilogue run it as a pass over C when they are done.
        defer {
            if let epilogue, k == 0 || !usesWideVectors || isSkinny(rows: m, contiguous: !transposeB)
                || isSkinny(rows: n, contiguous: transposeA) {
                Elementwise.addBias(epilogue.bias, to: c, rows: m, columns: n, ldc: ldc, then: epilogue.activation)
            }
        }
        if k == 0 {
            if !accumulate {
                for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            }
            return
        }
        if isSkinny(rows: m, contiguous: !transposeB) {
            skinnyMultiply(rows: m, columns: n, depth: k,
                           a: a, aRowStride: transposeA ? 1 : lda, aDepthStride: transposeA ? lda : 1,
                           b: b, bDepthStride: transposeB ? 1 : ldb, bColumnStride: transposeB ? ldb : 1,
                           c: c, cRowStride: ldc, cColumnStride: 1, accumulate: accumulate)
            return
        }
        if isSkinny(rows: n, contiguous: transposeA) {
            var done = 0
            if usesWideVectors && !transposeA && transposeB && n <= 2 && m >= 16 {
                // A row-major and W's rows contiguous: 16 rows at a time on vector lanes.
                done = m - m % 16
                WideRowDots.multiply(rows: done, outputs: n, depth: k, a: a, lda: lda, w: b, ldw: ldb, c: c, ldc: ldc,
                                     accumulate: accumulate)
                if done == m { return }
            }
            let (m, a, c) = (m - done, a + done * lda, c + done * ldc)
            // Cᵀ = op(B)ᵀ·op(A)ᵀ: the same chains, with the roles of the operands swapped.
            skinnyMultiply(rows: n, columns: m, depth: k,
                           a: b, aRowStride: transposeB ? ldb : 1, aDepthStride: transposeB ? 1 : ldb,
                           b: a, bDepthStride: transposeA ? lda : 1, bColumnStride: transposeA ? 1 : lda,
                           c: c, cRowStride: 1, cColumnStride: ldc, accumulate: accumulate)
            return
        }
        let problem = GEMMProblem(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA,
                                  b: b, ldb: ldb, transposeB: transposeB, c: c, ldc: ldc, accumulate: accumulate,
                                  epilogue: usesWideVectors ? epilogue : nil)
        let split = split(m: m, n: n, k: k, threads: ComputeThreads.available)
        if split.pieces <= 1 {
            problem.run()
            return
        }
        ComputeThreads.forEachPiece(split.pieces) { piece in
            problem.piece(piece, of: split.pieces, alongColumns: split.alongColumns).run()
        }
    }
}

/// A bias per column of C and a rectifier, applied after the product (see `GEMM.multiply(…bias:then:)`).
struct GEMMEpilogue {
    var bias: UnsafePointer<Float>
    /// 0: none, 1: ReLU, 2: leaky ReLU.
    var rectifier: Int
    var slope: Float

    /// The same, as `Elementwise.addBias` takes it.
    var activation: BiasActivation {
        switch rectifier {
        case 1: .relu
        case 2: .leakyRelu(slope: slope)
        default: .none
        }
    }
}

/// The operands of one C = op(A)·op(B), as `GEMM.multiply` takes them (for `GEMM.multiplyBoth`).
public struct GEMMOperands {
    /// Rows of C, columns of C, and the depth.
    public var m: Int, n: Int, k: Int
    /// A, its row stride, and whether op transposes it.
    public var a: UnsafePointer<Float>, lda: Int, transposeA: Bool
    /// B, its row stride, and whether op transposes it.
    public var b: UnsafePointer<Float>, ldb: Int, transposeB: Bool
    /// C and its row stride.
    public var c: UnsafeMutablePointer<Float>, ldc: Int

    /// Operands of a product written into C (not accumulated).
    public init(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int, transposeA: Bool,
                b: UnsafePointer<Float>, ldb: Int, transposeB: Bool, c: UnsafeMutablePointer<Float>, ldc: Int) {
        (self.m, self.n, self.k) = (m, n, k)
        (self.a, self.lda, self.transposeA) = (a, lda, transposeA)
        (self.b, self.ldb, self.transposeB) = (b, ldb, transposeB)
        (self.c, self.ldc) = (c, ldc)
    }

    /// Runs the product.
    func run() {
        GEMM.multiply(m: m, n: n, k: k, a: a, lda: lda, transposeA: transposeA, b: b, ldb: ldb, transposeB: transposeB,
                      c: c, ldc: ldc, accumulate: false)
    }
}

extension GEMM {
    /// The least work (m·n·k) worth handing one of two products to another thread.
    static let pairThreshold = 1 << 15

    /// Two independent products (a layer's two gradients). Products too small to be split across threads
    /// each run on a thread of their own, side by side; others run one after the other, each split as
    /// `multiply` splits it. Either way every element gets the same chain of operations as from `multiply`.
    public static func multiplyBoth(_ first: GEMMOperands, _ second: GEMMOperands) {
        let threads = ComputeThreads.count
        let alone = [first, second].allSatisfy { split(m: $0.m, n: $0.n, k: $0.k, threads: threads).pieces == 1 }
        guard threads > 1, alone, min(first.m * first.n * first.k, second.m * second.n * second.k) >= pairThreshold else {
            first.run()
            second.run()
            return
        }
        ComputeThreads.forEachPiece(2) { piece in (piece == 0 ? first : second).run() }
    }
}

/// One multiplication's operands. A sub-problem (a thread's share of C, a packed block's source) is the
/// same layout with offset pointers and smaller sizes, so every piece runs the same code.
struct GEMMProblem {
    var m: Int, n: Int, k: Int
    var a: UnsafePointer<Float>, lda: Int, transposeA: Bool
    var b: UnsafePointer<Float>, ldb: Int, transposeB: Bool
    var c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool
    /// Applied by the AVX-512 kernels to each tile of the last depth block (nil: none).
    var epilogue: GEMMEpilogue? = nil

    /// Address of op(A)[i, p].
    @inline(__always)
    func aElement(_ i: Int, _ p: Int) -> UnsafePointer<Float> { transposeA ? a + p * lda + i : a + i * lda + p }
    /// Address of op(B)[p, j].
    @inline(__always)
    func bElement(_ p: Int, _ j: Int) -> UnsafePointer<Float> { transposeB ? b + j * ldb + p : b + p * ldb + j }

    /// The share of C that piece `index` of `count` computes: a contiguous run of whole strips, the first
    /// piece larger by up to `GEMM.headStartFlops` (at most half of all strips).
    func piece(_ index: Int, of count: Int, alongColumns: Bool) -> GEMMProblem {
        let tile = alongColumns ? GEMM.tileColumns : GEMM.tileRows
        let extent = alongColumns ? n : m
        let strips = (extent + tile - 1) / tile
        let stripFlops = 2 * (alongColumns ? m : n) * tile * k
        let extra = min(strips / count, (GEMM.headStartFlops + stripFlops / 2) / stripFlops)
        func boundary(_ i: Int) -> Int {
            i == count ? extent : min(extent, (i == 0 ? 0 : extra + i * (strips - extra) / count) * tile)
        }
        let start = boundary(index), end = boundary(index + 1)
        var part = self
        if alongColumns {
            part.n = end - start
            part.b = bElement(0, start)
            part.c = c + start
            part.epilogue?.bias += start
        } else {
            part.m = end - start
            part.a = aElement(start, 0)
            part.c = c + start * ldc
        }
        return part
    }

    /// The single-threaded blocked algorithm over this problem's whole C.
    func run() {
        if m == 0 || n == 0 { return }
        let workspace = GEMMWorkspace.take()
        defer { GEMMWorkspace.give(workspace) }
        if GEMM.usesWideVectors {
            runWide(workspace)
            return
        }
        forEachBlock { jc, columns, pc, depth, loadC, _ in
            GEMM.packB(depth: depth, columns: columns, b: bElement(pc, jc), ldb: ldb, transposed: transposeB,
                       into: workspace.packedB)
            var ic = 0
            while ic < m {
                let rows = min(GEMM.rowBlock, m - ic)
                GEMM.packA(rows: rows, depth: depth, a: aElement(ic, pc), lda: lda, transposed: transposeA,
                           into: workspace.packedA)
                GEMM.macroKernel(rows: rows, columns: columns, depth: depth,
                                 packedA: workspace.packedA, packedB: workspace.packedB,
                                 c: c + ic * ldc + jc, ldc: ldc, loadC: loadC, scratch: workspace.scratch)
                ic += rows
            }
        }
    }

    /// Every block of columns (`columnBlock`) and depth of C, columns outside: `body(jc, columns, pc, depth,
    /// loadC, lastDepth)`. Chains continue from the stored C after the first depth block (`loadC`): this
    /// is what keeps the order one sequential chain per element instead of a sum of per-block partial
    /// sums. Depth blocks are equal rather than 256 + remainder: a short last block would run the kernel
    /// at a depth too small to amortise loading and storing the C tile.
    @inline(__always)
    func forEachBlock(_ body: (_ jc: Int, _ columns: Int, _ pc: Int, _ depth: Int, _ loadC: Bool, _ lastDepth: Bool) -> Void) {
        let depthBlocks = (k + GEMM.depthBlock - 1) / GEMM.depthBlock
        let depthStep = (k + depthBlocks - 1) / depthBlocks
        var jc = 0
        while jc < n {
            let columns = min(GEMM.columnBlock, n - jc)
            var pc = 0
            while pc < k {
                let depth = min(depthStep, k - pc)
                body(jc, columns, pc, depth, accumulate || pc > 0, pc + depth == k)
                pc += depth
            }
            jc += columns
        }
    }
}

extension GEMMProblem {
    /// `run` with the AVX-512 kernels, which read an operand in place where its layout already serves them
    /// and its rows are short (see `GEMM.inPlacePitchA` and `inPlacePitchB`): op(B) with contiguous rows, and A
    /// (8 row streams, or 8 consecutive values per depth step when transposed). Only the other operands,
    /// and the last partial row tile of an A read in place, are packed. Every element still gets one
    /// sequential chain, so the bits are those of the packed path.
    func runWide(_ workspace: GEMMWorkspace) {
        let packsB = transposeB || ldb > GEMM.inPlacePitchB
        let packsA = lda > GEMM.inPlacePitchA
        let tileRows = WideTile.rows, tileColumns = WideTile.columns
        forEachBlock { jc, columns, pc, depth, loadC, lastDepth in
            if packsB {
                GEMM.packB(depth: depth, columns: columns, b: bElement(pc, jc), ldb: ldb, transposed: transposeB,
                           into: workspace.packedB)
            }
            var ic = 0
            while ic < m {
                let rows = min(GEMM.rowBlock, m - ic)
                // Reading a partial tile in place would read past A: that tile is always packed.
                let inPlaceRows = packsA ? 0 : rows - rows % tileRows
                if inPlaceRows < rows {
                    GEMM.packWideA(rows: rows - inPlaceRows, depth: depth, a: aElement(ic + inPlaceRows, pc), lda: lda,
                                   transposed: transposeA, into: workspace.packedA)
                }
                var left = 0
                while left < columns {
                    let width = min(tileColumns, columns - left)
                    let b = packsB
                        ? WideTileB(base: UnsafeRawPointer(workspace.packedB + left * depth), stepBytes: 64,
                                    secondHalfBytes: GEMM.tileColumns * depth * 4, columns: width)
                        : WideTileB(base: UnsafeRawPointer(bElement(pc, jc + left)), stepBytes: ldb * 4,
                                    secondHalfBytes: GEMM.tileColumns * 4, columns: width)
                    var top = 0
                    while top < rows {
                        let height = min(tileRows, rows - top)
                        let a: WideTileA
                        if top >= inPlaceRows {
                            a = WideTileA(base: workspace.packedA + (top - inPlaceRows) * depth, rowStride: 1,
                                          step: tileRows)
                        } else if transposeA {
                            a = WideTileA(base: aElement(ic + top, pc), rowStride: 1, step: lda)
                        } else {
                            a = WideTileA(base: aElement(ic + top, pc), rowStride: lda, step: 1)
                        }
                        WideTile.multiply(depth: depth, a: a, b: b, c: c + (ic + top) * ldc + jc + left, ldc: ldc,
                                          rows: height, loadC: loadC, epilogue: tileEpilogue(jc + left, lastDepth))
                        top += height
                    }
                    left += width
                }
                ic += rows
            }
        }
    }
}

extension GEMMProblem {
    /// The epilogue of a tile whose first column is `column`, once its chains are complete.
    @inline(__always)
    func tileEpilogue(_ column: Int, _ lastDepth: Bool) -> WideTileEpilogue? {
        guard lastDepth, let epilogue else { return nil }
        return WideTileEpilogue(bias: epilogue.bias + column, rectifier: epilogue.rectifier, slope: epilogue.slope)
    }
}

extension GEMM {
    /// The longest row pitch (floats) at which the AVX-512 path reads A in place instead of packing it.
    /// Its 8 row streams touch 8 lines per step: at a pitch of 2 KiB they share few cache sets but fit.
    /// Measured on Zen 5, one thread: in place, toy-small trains at 2123 it/s (2022 with A packed); at a
    /// pitch of 1024 floats, 1024³ drops from 207 to 174 GFLOP/s.
    static let inPlacePitchA = 512
    /// The same for B, whose strip steps one row per depth step: at a pitch of 2 KiB every step lands in
    /// the same two cache sets, so 512-wide layers are packed (toy-wgangp 12.32 it/s against 11.94 read
    /// in place; mnist-mlp alike), and 128- and 256-wide ones are read in place (digits-mlp 965 against 948).
    static let inPlacePitchB = 256

    /// How many pieces to cut C into, and along which dimension.
    ///
    /// Pieces are whole micro-tile strips, so no piece computes a padded tile that another could have filled;
    /// columns are preferred because then each thread packs only its own part of the (larger) B block.
    static func split(m: Int, n: Int, k: Int, threads: Int) -> (pieces: Int, alongColumns: Bool) {
        guard threads > 1, m * n * k >= parallelThreshold else { return (1, true) }
        let columnStrips = (n + tileColumns - 1) / tileColumns
        let rowStrips = (m + tileRows - 1) / tileRows
        if columnStrips >= 2 * threads { return (threads, true) }
        if rowStrips >= 2 * threads { return (threads, false) }
        return (1, true)
    }

    /// Runs the micro-kernel over one packed A block × packed B block.
    ///
    /// B strips outside, A strips inside: the current B strip stays in L1 while A strips stream from L2.
    static func macroKernel(rows: Int, columns: Int, depth: Int,
                            packedA: UnsafeMutablePointer<Float>, packedB: UnsafeMutablePointer<Float>,
                            c: UnsafeMutablePointer<Float>, ldc: Int, loadC: Bool,
                            scratch: UnsafeMutablePointer<Float>) {
        var left = 0
        var bStrip = UnsafeRawPointer(packedB)
        while left < columns {
            let width = min(tileColumns, columns - left)
            var top = 0
            var aStrip = UnsafePointer(packedA)
            while top < rows {
                let height = min(tileRows, rows - top)
                let tile = c + top * ldc + left
                if height == tileRows && width == tileColumns {
                    microKernel(depth: depth, a: aStrip, b: bStrip, c: tile, ldc: ldc, loadC: loadC)
                } else {
                    edgeKernel(depth: depth, a: aStrip, b: bStrip, c: tile, ldc: ldc, loadC: loadC,
                               rows: height, columns: width, scratch: scratch)
                }
                aStrip += tileRows * depth
                top += tileRows
            }
            bStrip += tileColumns * depth * MemoryLayout<Float>.stride
            left += tileColumns
        }
    }
}

/// The packing buffers one thread needs for one multiplication, kept in a small pool so that steady-state
/// calls allocate nothing. Owned by one thread at a time (taken from and given back to the pool).
final class GEMMWorkspace: @unchecked Sendable {
    /// Room for one packed A block (`rowBlock` × `depthBlock`).
    let packedA: UnsafeMutablePointer<Float>
    /// Room for one packed B block (`depthBlock` × `columnBlock`), 64-byte aligned for aligned vector loads.
    let packedB: UnsafeMutablePointer<Float>
    /// One 6×16 tile for edge tiles.
    let scratch: UnsafeMutablePointer<Float>
    private let storage: UnsafeMutableRawPointer

    private init() {
        let aCount = GEMM.rowBlock * GEMM.depthBlock
        let bCount = GEMM.depthBlock * GEMM.columnBlock
        let scratchCount = GEMM.tileRows * GEMM.tileColumns
        // Each region starts on a 64-byte boundary: all three counts are multiples of 16 floats.
        storage = UnsafeMutableRawPointer.allocate(byteCount: (aCount + bCount + scratchCount) * 4, alignment: 64)
        let floats = storage.bindMemory(to: Float.self, capacity: aCount + bCount + scratchCount)
        packedB = floats
        packedA = floats + bCount
        scratch = floats + bCount + aCount
    }

    deinit { storage.deallocate() }

    /// Idle workspaces. A mutex rather than per-thread storage: two callers (or the pieces of one threaded
    /// call) may run at once, and the lock is taken only twice per call.
    private static let idle = Mutex<[GEMMWorkspace]>([])
    /// More idle workspaces than this are freed, bounding the memory held between calls (~2.1 MiB each).
    private static let maximumIdle = 8

    /// A workspace for the calling thread's exclusive use until it is given back.
    static func take() -> GEMMWorkspace {
        idle.withLock { $0.popLast() } ?? GEMMWorkspace()
    }

    /// Returns a workspace to the pool.
    static func give(_ workspace: GEMMWorkspace) {
        idle.withLock { pool in
            if pool.count < maximumIdle { pool.append(workspace) }
        }
    }
}
