#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch
import HostCPU
import KernelsAVX512

/// Which GEMM micro-kernel this processor runs fastest, measured once per process.
///
/// Having AVX-512 says what a processor can run, not how fast: some run 512-bit instructions on 256-bit
/// units (two passes each), where the wide tile gains nothing over the AVX2 one. Both tiles compute every C
/// element as the same chain of fused multiply-adds, so the choice changes the speed and never a bit.
public enum KernelChoice {
    /// One timing of the two tiles over the same packed block.
    public struct Measurement: Sendable {
        /// GFLOP/s of the AVX-512 tile (8 × 32) and of the AVX2 tile (6 × 16), best of the rounds.
        public var wideGFLOPS: Double, narrowGFLOPS: Double

        /// The wide tile is kept unless it is measurably slower: beyond the tile, the wide path also fuses
        /// the bias into the product and widens packing, random draws and Adam.
        public var prefersWide: Bool { wideGFLOPS >= 0.95 * narrowGFLOPS }
    }

    /// The measurement behind `GEMM.usesWideVectors`' default, when one was made (the processor has AVX-512
    /// and GANTRY_AVX512 does not decide).
    nonisolated(unsafe) public private(set) static var measured: Measurement?

    /// The default of `GEMM.usesWideVectors`: GANTRY_AVX512=0 or 1 decides; otherwise the wide tile where the
    /// processor has AVX-512F and it is not measurably slower than the AVX2 one.
    static func defaultUsesWideVectors() -> Bool {
        if let raw = getenv("GANTRY_AVX512") {
            switch String(cString: raw) {
            case "0": return false
            case "1": return CPUFeatures.has("avx512f")
            default: break
            }
        }
        guard CPUFeatures.has("avx512f") else { return false }
        let measurement = measure()
        measured = measurement
        return measurement.prefersWide
    }

    /// Times both tiles on a 48 × 64 block of C at depth 256 (A and B packed, 112 KiB, in L2): five rounds,
    /// alternating, each kernel's best round counted, so a busy moment slows a round and not the choice.
    /// About a third of a millisecond.
    public static func measure(rounds: Int = 5) -> Measurement {
        let depth = 256, rows = 48, columns = 64
        let a = UnsafeMutablePointer<Float>.allocate(capacity: rows * depth)
        let b = UnsafeMutableRawPointer.allocate(byteCount: depth * columns * 4, alignment: 64)
        let c = UnsafeMutablePointer<Float>.allocate(capacity: rows * columns)
        defer { a.deallocate(); b.deallocate(); c.deallocate() }
        for i in 0..<(rows * depth) { a[i] = Float(i % 7) * 0.125 - 0.375 }
        let bFloats = b.bindMemory(to: Float.self, capacity: depth * columns)
        for i in 0..<(depth * columns) { bFloats[i] = Float(i % 5) * 0.25 - 0.5 }

        // A packed in 6-row strips (narrow) or 8-row strips (wide) of the same block: the values do not
        // matter for the time, only the layout each tile reads.
        func narrowBlock() {
            for strip in 0..<(rows / GEMM.tileRows) {
                for band in 0..<(columns / GEMM.tileColumns) {
                    GEMM.microKernel(depth: depth, a: a + strip * GEMM.tileRows * depth,
                                     b: UnsafeRawPointer(b) + band * GEMM.tileColumns * depth * 4,
                                     c: c + strip * GEMM.tileRows * columns + band * GEMM.tileColumns,
                                     ldc: columns, loadC: false)
                }
            }
        }
        func wideBlock() {
            for strip in 0..<(rows / WideTile.rows) {
                for band in 0..<(columns / WideTile.columns) {
                    let strips = UnsafeRawPointer(b) + band * WideTile.columns * depth * 4
                    WideTile.multiply(depth: depth,
                                      a: WideTileA(base: a + strip * WideTile.rows * depth, rowStride: 1, step: WideTile.rows),
                                      b: WideTileB(base: strips, stepBytes: 64, secondHalfBytes: 16 * depth * 4,
                                                   columns: WideTile.columns),
                                      c: c + strip * WideTile.rows * columns + band * WideTile.columns, ldc: columns,
                                      rows: WideTile.rows, loadC: false)
                }
            }
        }
        func bestSeconds(_ block: () -> Void, _ best: inout Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<2 { block() }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 2e9)
        }
        narrowBlock()
        wideBlock()
        var narrow = Double.infinity, wide = Double.infinity
        for _ in 0..<rounds {
            bestSeconds(narrowBlock, &narrow)
            bestSeconds(wideBlock, &wide)
        }
        let flops = 2 * Double(rows * columns * depth)
        return Measurement(wideGFLOPS: flops / max(wide, 1e-9) / 1e9, narrowGFLOPS: flops / max(narrow, 1e-9) / 1e9)
    }
}
