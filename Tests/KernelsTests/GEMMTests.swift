import Synchronization
import XCTest
@testable import Kernels
import _GantryTestSupport
import HostCPU

/// A row-major matrix stored with a leading dimension that may exceed its width.
private struct Matrix {
    let rows: Int, columns: Int, leading: Int
    var values: [Float]

    init(rows: Int, columns: Int, padding: Int, generator: inout SplitMix64) {
        self.rows = rows
        self.columns = columns
        self.leading = columns + padding
        // At least one element, so that the base address exists even for an empty matrix.
        values = (0..<max(1, rows * leading)).map { _ in generator.nextFloat() }
    }
}

/// One multiplication, run through both the optimised and the reference path on identical copies of C.
private struct Case {
    let m: Int, n: Int, k: Int
    let transposeA: Bool, transposeB: Bool, accumulate: Bool
    var padding = 0
    var seed: UInt64 = 1

    /// (optimised C, reference C), both including the padding columns, which must be left untouched.
    /// Without `reference`, the second array is the untouched initial C.
    func run(reference computeReference: Bool = true) -> (optimised: [Float], reference: [Float]) {
        var generator = SplitMix64(state: seed ^ UInt64(m * 1_000_003 + n * 1009 + k))
        let a = transposeA ? Matrix(rows: k, columns: m, padding: padding, generator: &generator)
                           : Matrix(rows: m, columns: k, padding: padding, generator: &generator)
        let b = transposeB ? Matrix(rows: n, columns: k, padding: padding + 1, generator: &generator)
                           : Matrix(rows: k, columns: n, padding: padding + 1, generator: &generator)
        let c0 = Matrix(rows: m, columns: n, padding: padding + 2, generator: &generator)
        var optimised = c0.values
        var reference = c0.values
        a.values.withUnsafeBufferPointer { aBuffer in
            b.values.withUnsafeBufferPointer { bBuffer in
                optimised.withUnsafeMutableBufferPointer { cBuffer in
                    GEMM.multiply(m: m, n: n, k: k, a: aBuffer.baseAddress!, lda: a.leading, transposeA: transposeA,
                                  b: bBuffer.baseAddress!, ldb: b.leading, transposeB: transposeB,
                                  c: cBuffer.baseAddress!, ldc: c0.leading, accumulate: accumulate)
                }
                guard computeReference else { return }
                reference.withUnsafeMutableBufferPointer { cBuffer in
                    GEMM.referenceMultiply(m: m, n: n, k: k, a: aBuffer.baseAddress!, lda: a.leading,
                                           transposeA: transposeA, b: bBuffer.baseAddress!, ldb: b.leading,
                                           transposeB: transposeB, c: cBuffer.baseAddress!, ldc: c0.leading,
                                           accumulate: accumulate)
                }
            }
        }
        return (optimised, reference)
    }

    var label: String {
        "\(m)×\(n)×\(k) \(transposeA ? "T" : "N")\(transposeB ? "T" : "N") acc=\(accumulate) pad=\(padding)"
    }
}

/// Index of the first element whose bits differ, or nil.
private func firstBitDifference(_ x: [Float], _ y: [Float]) -> Int? {
    guard x.count == y.count else { return -1 }
    return zip(x, y).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }?.offset
}

final class GEMMTests: XCTestCase {
    private let allOps = [(false, false), (true, false), (false, true), (true, true)]

    private func assertBitIdentical(_ testCase: Case, file: StaticString = #filePath, line: UInt = #line) {
        let (optimised, reference) = testCase.run()
        if let index = firstBitDifference(optimised, reference) {
            XCTFail("\(testCase.label): element \(index) differs: \(index >= 0 ? "\(optimised[index]) vs \(reference[index])" : "count")",
                    file: file, line: line)
        }
    }

    func testEdgeSizesAllOpsMatchReferenceBitForBit() {
        let sizes = [1, 3, 4, 5, 6, 7, 15, 16, 17, 65]
        for (transposeA, transposeB) in allOps {
            for m in sizes {
                for n in sizes {
                    for k in [1, 7, 16, 17] {
                        for accumulate in [false, true] {
                            assertBitIdentical(Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                                    accumulate: accumulate, padding: (m + n + k) % 3))
                        }
                    }
                }
            }
        }
    }

    func testLargerShapesCrossingBlockBoundariesMatchReference() {
        // 255/257/300 straddle the 256 depth block and the 120-row block; 100 is not a multiple of 6 or 16.
        let shapes = [(100, 100, 100), (255, 257, 300), (257, 255, 257), (300, 17, 255), (7, 300, 257),
                      (121, 33, 513), (7, 2100, 20), (6, 16, 256), (1, 300, 300), (300, 1, 300), (2, 129, 70)]
        for (m, n, k) in shapes {
            for (transposeA, transposeB) in allOps {
                for accumulate in [false, true] {
                    assertBitIdentical(Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                            accumulate: accumulate, padding: 3))
                }
            }
        }
    }

    /// The AVX-512 tile (where the processor has it) and the AVX2 tile give the same bits: both paths are
    /// checked against the reference, so a replay recorded on either kind of machine matches the other.
    func testWideAndNarrowVectorPathsGiveIdenticalBits() {
        let saved = GEMM.usesWideVectors
        defer { GEMM.usesWideVectors = saved }
        let shapes = [(12, 16, 5), (24, 32, 300), (130, 70, 257), (255, 257, 300), (13, 17, 9)]
        let paths = CPUFeatures.has("avx512f") ? [true, false] : [false]
        for wide in paths {
            GEMM.usesWideVectors = wide
            for (m, n, k) in shapes {
                for (transposeA, transposeB) in allOps {
                    for accumulate in [false, true] {
                        assertBitIdentical(Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                                accumulate: accumulate, padding: 1))
                    }
                }
            }
        }
    }

    func testTinyAndSkinnyShapesMatchReference() {
        // (128, 2, 128) and (37, 1, 35) NT take the AVX-512 row-dot kernel: 16 rows at a time, a row tail,
        // a depth tail.
        let shapes = [(1, 1, 1), (128, 2, 128), (64, 1, 256), (1, 512, 64), (3, 70, 5), (2, 2, 2), (4, 9, 3), (37, 1, 35),
                      (40, 2, 33)]
        for (m, n, k) in shapes {
            for (transposeA, transposeB) in allOps {
                for accumulate in [false, true] {
                    assertBitIdentical(Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                            accumulate: accumulate))
                    assertBitIdentical(Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                            accumulate: accumulate, padding: 5))
                }
            }
        }
    }

    func testThreadCountDoesNotChangeAnyBit() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        let shapes = [(300, 520, 270), (256, 512, 512), (1100, 20, 800)]
        for (m, n, k) in shapes {
            for (transposeA, transposeB) in [(false, false), (true, true)] {
                for accumulate in [false, true] {
                    let testCase = Case(m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB,
                                        accumulate: accumulate, padding: 1, seed: 7)
                    var results: [[Float]] = []
                    for threads in [1, 2, 3] {
                        ComputeThreads.count = threads
                        results.append(testCase.run(reference: false).optimised)
                    }
                    XCTAssertGreaterThan(GEMM.split(m: m, n: n, k: k, threads: 2).pieces, 1, "\(testCase.label) should be split")
                    XCTAssertNil(firstBitDifference(results[0], results[1]), "\(testCase.label): 1 vs 2 threads")
                    XCTAssertNil(firstBitDifference(results[0], results[2]), "\(testCase.label): 1 vs 3 threads")
                }
            }
        }
        // One threaded case against the reference too, so the split pieces are known to be right, not just alike.
        ComputeThreads.count = 2
        assertBitIdentical(Case(m: 300, n: 520, k: 270, transposeA: false, transposeB: true, accumulate: true, padding: 2))
    }

    func testTwoProductsSideBySideGiveTheBitsOfEachAlone() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        var generator = SplitMix64(state: 11)
        // Side by side (both small enough to run alone), one after the other (one too big), and too small.
        for ((m1, n1, k1), (m2, n2, k2)) in [((128, 128, 256), (256, 128, 128)), ((600, 700, 64), (64, 64, 64)),
                                             ((8, 8, 8), (30, 20, 10)), ((128, 2, 256), (256, 128, 2))] {
            let a1 = (0..<(m1 * k1)).map { _ in generator.nextFloat() }, b1 = (0..<(k1 * n1)).map { _ in generator.nextFloat() }
            let a2 = (0..<(k2 * m2)).map { _ in generator.nextFloat() }, b2 = (0..<(n2 * k2)).map { _ in generator.nextFloat() }
            var expected1 = [Float](repeating: 0, count: m1 * n1), expected2 = [Float](repeating: 0, count: m2 * n2)
            GEMM.referenceMultiply(m: m1, n: n1, k: k1, a: a1, lda: k1, transposeA: false, b: b1, ldb: n1, transposeB: false,
                                   c: &expected1, ldc: n1, accumulate: false)
            GEMM.referenceMultiply(m: m2, n: n2, k: k2, a: a2, lda: m2, transposeA: true, b: b2, ldb: k2, transposeB: true,
                                   c: &expected2, ldc: n2, accumulate: false)
            for threads in [1, 2] {
                ComputeThreads.count = threads
                var c1 = [Float](repeating: .nan, count: m1 * n1), c2 = [Float](repeating: .nan, count: m2 * n2)
                c1.withUnsafeMutableBufferPointer { p1 in
                    c2.withUnsafeMutableBufferPointer { p2 in
                        GEMM.multiplyBoth(
                            GEMMOperands(m: m1, n: n1, k: k1, a: a1, lda: k1, transposeA: false, b: b1, ldb: n1, transposeB: false,
                                         c: p1.baseAddress!, ldc: n1),
                            GEMMOperands(m: m2, n: n2, k: k2, a: a2, lda: m2, transposeA: true, b: b2, ldb: k2, transposeB: true,
                                         c: p2.baseAddress!, ldc: n2))
                    }
                }
                XCTAssertNil(firstBitDifference(c1, expected1), "\(m1)×\(n1)×\(k1), \(threads) threads")
                XCTAssertNil(firstBitDifference(c2, expected2), "\(m2)×\(n2)×\(k2) TT, \(threads) threads")
            }
        }
    }

    func testPiecesTileCExactlyOnce() {
        // The head start makes piece 0 larger; every split must still cover C exactly, in whole strips.
        for (m, n, k) in [(300, 520, 270), (128, 128, 128), (1100, 20, 800), (7, 40, 3000), (61, 17, 5)] {
            // Only addresses are computed, never dereferenced: the storage stays uninitialised.
            let storage = UnsafeMutablePointer<Float>.allocate(capacity: max(m * k, k * n, m * n))
            defer { storage.deallocate() }
            for count in 1...5 {
                for alongColumns in [true, false] {
                    let whole = GEMMProblem(m: m, n: n, k: k, a: storage, lda: k, transposeA: false, b: storage, ldb: n,
                                            transposeB: false, c: storage, ldc: n, accumulate: false)
                    let tile = alongColumns ? GEMM.tileColumns : GEMM.tileRows
                    var covered = 0
                    for index in 0..<count {
                        let part = whole.piece(index, of: count, alongColumns: alongColumns)
                        let offset = (alongColumns ? part.c - whole.c : (part.c - whole.c) / n)
                        XCTAssertEqual(offset, covered, "\(m)×\(n)×\(k) piece \(index)/\(count)")
                        XCTAssertEqual(offset % tile, 0)
                        covered += alongColumns ? part.n : part.m
                    }
                    XCTAssertEqual(covered, alongColumns ? n : m, "\(m)×\(n)×\(k) in \(count) pieces")
                }
            }
        }
    }

    /// Operands read in place must not be read past their last element: each matrix ends exactly where an
    /// inaccessible page begins, so a read or write beyond it stops the test process.
    func testNoOperandIsReadOrWrittenPastItsEnd() {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        /// `count` floats ending at a page that traps on any access; freed by the caller.
        func fenced(_ count: Int) -> (UnsafeMutablePointer<Float>, () -> Void) {
            let bytes = (count * 4 + page - 1) / page * page
            let region = mmap(nil, bytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)!
            mprotect(region + bytes, page, PROT_NONE)
            let start = (region + bytes - count * 4).bindMemory(to: Float.self, capacity: count)
            for i in 0..<count { start[i] = Float(i % 7) - 3 }
            return (start, { munmap(region, bytes + page) })
        }
        let saved = GEMM.usesWideVectors
        defer { GEMM.usesWideVectors = saved }
        for wide in CPUFeatures.has("avx512f") ? [true, false] : [false] {
            GEMM.usesWideVectors = wide
            for (m, n, k) in [(5, 7, 3), (13, 17, 9), (25, 33, 130), (64, 100, 64), (121, 20, 257), (7, 530, 11),
                              (64, 2, 100), (35, 1, 40), (16, 2, 16)] {
                for (transposeA, transposeB) in allOps {
                    let (a, freeA) = fenced(m * k), (b, freeB) = fenced(k * n), (c, freeC) = fenced(m * n)
                    var expected = [Float](repeating: 0, count: m * n)
                    GEMM.multiply(m: m, n: n, k: k, a: a, lda: transposeA ? m : k, transposeA: transposeA,
                                  b: b, ldb: transposeB ? k : n, transposeB: transposeB, c: c, ldc: n, accumulate: false)
                    GEMM.referenceMultiply(m: m, n: n, k: k, a: a, lda: transposeA ? m : k, transposeA: transposeA,
                                           b: b, ldb: transposeB ? k : n, transposeB: transposeB, c: &expected, ldc: n,
                                           accumulate: false)
                    XCTAssertNil(firstBitDifference(Array(UnsafeBufferPointer(start: c, count: m * n)), expected),
                                 "\(m)×\(n)×\(k) \(transposeA)/\(transposeB) wide=\(wide)")
                    freeA(); freeB(); freeC()
                }
            }
        }
    }

    func testZeroDepthZeroesOrKeepsC() {
        for accumulate in [false, true] {
            for (transposeA, transposeB) in allOps {
                let (optimised, reference) = Case(m: 5, n: 7, k: 0, transposeA: transposeA, transposeB: transposeB,
                                                  accumulate: accumulate, padding: 2).run()
                XCTAssertNil(firstBitDifference(optimised, reference))
            }
        }
        var c: [Float] = [1, 2, 3, 4, 5, 6]
        let one: [Float] = [1]
        GEMM.multiply(m: 2, n: 2, k: 0, a: one, lda: 0, transposeA: false, b: one, ldb: 2, transposeB: false,
                      c: &c, ldc: 3, accumulate: false)
        XCTAssertEqual(c, [0, 0, 3, 0, 0, 6], "k = 0 must zero exactly the m×n block")
        GEMM.multiply(m: 2, n: 2, k: 0, a: one, lda: 0, transposeA: false, b: one, ldb: 2, transposeB: false,
                      c: &c, ldc: 3, accumulate: true)
        XCTAssertEqual(c, [0, 0, 3, 0, 0, 6])
    }

    func testEmptyOutputsLeaveCUntouched() {
        for (m, n) in [(0, 5), (5, 0), (0, 0)] {
            for (transposeA, transposeB) in allOps {
                for accumulate in [false, true] {
                    let testCase = Case(m: m, n: n, k: 4, transposeA: transposeA, transposeB: transposeB,
                                        accumulate: accumulate, padding: 1)
                    let (optimised, reference) = testCase.run()
                    XCTAssertNil(firstBitDifference(optimised, reference), testCase.label)
                }
            }
        }
    }

    func testAgreesWithDoublePrecisionProduct() {
        // Checks the arithmetic itself (indexing, transposes), which bit-equality with the reference cannot.
        for (transposeA, transposeB) in allOps {
            for accumulate in [false, true] {
                let (m, n, k) = (37, 29, 300)
                var generator = SplitMix64(state: 99)
                let a = (0..<(m * k)).map { _ in generator.nextFloat() }
                let b = (0..<(k * n)).map { _ in generator.nextFloat() }
                var c = (0..<(m * n)).map { _ in generator.nextFloat() }
                let original = c
                GEMM.multiply(m: m, n: n, k: k, a: a, lda: transposeA ? m : k, transposeA: transposeA,
                              b: b, ldb: transposeB ? k : n, transposeB: transposeB, c: &c, ldc: n,
                              accumulate: accumulate)
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var exact = accumulate ? Double(original[i * n + j]) : 0
                        for p in 0..<k {
                            let x = transposeA ? a[p * m + i] : a[i * k + p]
                            let y = transposeB ? b[j * k + p] : b[p * n + j]
                            exact += Double(x) * Double(y)
                        }
                        worst = max(worst, abs(Double(c[i * n + j]) - exact))
                    }
                }
                // Each of the k roundings is at most half an ulp of a partial sum of size ≲ √k.
                XCTAssertLessThan(worst, 1e-4, "transposeA=\(transposeA) transposeB=\(transposeB) acc=\(accumulate)")
            }
        }
    }

    func testConcurrentCallersShareTheWorkspacePoolSafely() {
        let results = Mutex([Bool](repeating: false, count: 4))
        DispatchQueue.concurrentPerform(iterations: 4) { index in
            let (optimised, reference) = Case(m: 130, n: 70 + index, k: 260, transposeA: index % 2 == 0,
                                              transposeB: index >= 2, accumulate: true, seed: UInt64(index)).run()
            let matches = firstBitDifference(optimised, reference) == nil
            results.withLock { $0[index] = matches }
        }
        XCTAssertEqual(results.withLock { $0 }, [true, true, true, true])
    }
}

/// The kernel chosen at start-up: the wide tile unless it is measurably slower than the AVX2 one.
final class KernelChoiceTests: XCTestCase {
    func testTheWideTileIsKeptUnlessMeasurablySlower() {
        XCTAssertTrue(KernelChoice.Measurement(wideGFLOPS: 200, narrowGFLOPS: 100).prefersWide)
        XCTAssertTrue(KernelChoice.Measurement(wideGFLOPS: 96, narrowGFLOPS: 100).prefersWide)
        XCTAssertFalse(KernelChoice.Measurement(wideGFLOPS: 94, narrowGFLOPS: 100).prefersWide)
    }

    /// Where the processor has AVX-512, both tiles are timed on the same block and give real rates.
    func testBothTilesAreTimedWhereTheProcessorHasAVX512() throws {
        try XCTSkipUnless(CPUFeatures.has("avx512f"), "this processor has no AVX-512: only the AVX2 tile exists")
        let measurement = KernelChoice.measure(rounds: 2)
        XCTAssertGreaterThan(measurement.wideGFLOPS, 1)
        XCTAssertGreaterThan(measurement.narrowGFLOPS, 1)
        XCTAssertTrue(measurement.wideGFLOPS.isFinite && measurement.narrowGFLOPS.isFinite)
    }
}
