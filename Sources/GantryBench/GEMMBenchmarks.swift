import Kernels

/// One GEMM shape to time: op(A) is m×k, op(B) is k×n; `op` names the transposes as in BLAS ("NN", "TN", …).
private struct GEMMCase {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool
    var op: String { (transposeA ? "T" : "N") + (transposeB ? "T" : "N") }
}

/// The shapes every run measures, each on 1 and 2 threads; `scripts/peers/numpy_matmul.py` times the same
/// list so that `scripts/bench` can pair them up. 256×512·512×512 is a typical dense layer at batch 256.
private let gemmCases: [GEMMCase] = [
    GEMMCase(m: 128, n: 128, k: 128, transposeA: false, transposeB: false),
    GEMMCase(m: 256, n: 512, k: 512, transposeA: false, transposeB: false),
    GEMMCase(m: 256, n: 512, k: 512, transposeA: true, transposeB: false),
    GEMMCase(m: 256, n: 512, k: 512, transposeA: false, transposeB: true),
    GEMMCase(m: 1024, n: 1024, k: 1024, transposeA: false, transposeB: false),
    // A toy GAN's output layers: G's 128 → 2 and D's 128 → 1 forward (x·Wᵀ), and D's input gradient (g·W).
    GEMMCase(m: 128, n: 2, k: 128, transposeA: false, transposeB: true),
    GEMMCase(m: 256, n: 1, k: 128, transposeA: false, transposeB: true),
    GEMMCase(m: 256, n: 128, k: 1, transposeA: false, transposeB: false),
]


/// Times `GEMM.multiply` (C = op(A)·op(B), C overwritten) and reports the median GFLOP/s (2·m·n·k flops).
let gemmSuite = BenchmarkSuite(
    name: "gemm",
    summary: "GEMM.multiply GFLOP/s (median) at 128³, 256×512×512 (NN, TN, NT), 1024³ and three output-layer shapes"
) { emit in
    let savedThreads = ComputeThreads.count
    defer { ComputeThreads.count = savedThreads }
    // The kernel this processor was given at start-up (GEMM.usesWideVectors), and a new timing of both.
    var choice = JSONLine("gemm-kernel")
    choice.add("wide", GEMM.usesWideVectors)
    if let measured = KernelChoice.measured {
        choice.add("startup_wide_gflops", measured.wideGFLOPS)
        choice.add("startup_narrow_gflops", measured.narrowGFLOPS)
    }
    if GEMM.usesWideVectors || KernelChoice.measured != nil {
        let again = KernelChoice.measure(rounds: 50)
        choice.add("wide_gflops", again.wideGFLOPS)
        choice.add("narrow_gflops", again.narrowGFLOPS)
    }
    emit(choice)
    for shape in gemmCases {
        // Operands as stored: a transposed operand is held in its transposed shape.
        let aCount = shape.m * shape.k, bCount = shape.k * shape.n
        // On cache-line boundaries: where the allocator happens to place them otherwise depends on what ran
        // before (the 256×128·1 case ran at 12 or 20 GFLOP/s with the same kernel, by C's offset alone).
        func aligned(_ count: Int) -> UnsafeMutablePointer<Float> {
            UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
        }
        let a = aligned(aCount), b = aligned(bCount), c = aligned(shape.m * shape.n)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        // Deterministic values in [-1, 1): the timing does not depend on them, but denormals or NaNs would.
        for i in 0..<aCount { a[i] = Float((i * 7919) % 2001) / 1000 - 1 }
        for i in 0..<bCount { b[i] = Float((i * 104_729) % 2001) / 1000 - 1 }
        let lda = shape.transposeA ? shape.m : shape.k
        let ldb = shape.transposeB ? shape.k : shape.n
        for threads in benchmarkThreadCounts {
            ComputeThreads.count = threads
            let soloBefore = ComputeThreads.soloPeriodCount
            let seconds = medianSecondsPerCall {
                GEMM.multiply(m: shape.m, n: shape.n, k: shape.k,
                              a: a, lda: lda, transposeA: shape.transposeA,
                              b: b, ldb: ldb, transposeB: shape.transposeB,
                              c: c, ldc: shape.n, accumulate: false)
            }
            var line = JSONLine("gemm")
            line.add("m", shape.m)
            line.add("n", shape.n)
            line.add("k", shape.k)
            line.add("op", shape.op)
            line.add("threads", threads)
            line.add("gflops", 2 * Double(shape.m * shape.n * shape.k) / seconds / 1e9)
            line.add("seconds", seconds)
            // Periods in which the pool ran alone because its worker did not get a core: on an idle machine, 0.
            line.add("solo_periods", ComputeThreads.soloPeriodCount - soloBefore)
            emit(line)
        }
    }
}
