extension GEMM {
    /// Rows of C per micro-tile: 6 rows × 2 vectors = 12 accumulators, plus 2 B vectors and 1 broadcast,
    /// fills 15 of the 16 AVX2 registers, so nothing spills inside the loop.
    static let tileRows = 6
    /// Columns of C per micro-tile: two 8-lane vectors.
    static let tileColumns = 16

    /// C[6×16] (row stride `ldc`) = (loadC ? C : 0) + Σₚ a[p]·b[p] over one packed depth block of `depth` steps.
    ///
    /// `a` is a packed A strip (6 floats per step), `b` a packed B strip (16 floats per step, 32-byte aligned).
    /// Each C element stays one sequential fused multiply-add chain over p: the accumulators are separate
    /// locals so the compiler keeps all twelve in registers, and the tile is read and written whole
    /// exactly once per depth block.
    @inline(__always)
    static func microKernel(depth: Int, a: UnsafePointer<Float>, b: UnsafeRawPointer,
                            c: UnsafeMutablePointer<Float>, ldc: Int, loadC: Bool) {
        typealias V = SIMD8<Float>
        let r0 = UnsafeMutableRawPointer(c)
        let r1 = UnsafeMutableRawPointer(c + ldc)
        let r2 = UnsafeMutableRawPointer(c + 2 * ldc)
        let r3 = UnsafeMutableRawPointer(c + 3 * ldc)
        let r4 = UnsafeMutableRawPointer(c + 4 * ldc)
        let r5 = UnsafeMutableRawPointer(c + 5 * ldc)
        var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V()
        var c30 = V(), c31 = V(), c40 = V(), c41 = V(), c50 = V(), c51 = V()
        if loadC {
            c00 = r0.loadUnaligned(as: V.self); c01 = r0.loadUnaligned(fromByteOffset: 32, as: V.self)
            c10 = r1.loadUnaligned(as: V.self); c11 = r1.loadUnaligned(fromByteOffset: 32, as: V.self)
            c20 = r2.loadUnaligned(as: V.self); c21 = r2.loadUnaligned(fromByteOffset: 32, as: V.self)
            c30 = r3.loadUnaligned(as: V.self); c31 = r3.loadUnaligned(fromByteOffset: 32, as: V.self)
            c40 = r4.loadUnaligned(as: V.self); c41 = r4.loadUnaligned(fromByteOffset: 32, as: V.self)
            c50 = r5.loadUnaligned(as: V.self); c51 = r5.loadUnaligned(fromByteOffset: 32, as: V.self)
        }
        var ap = a
        var bp = b
        for _ in 0..<depth {
            let b0 = bp.load(as: V.self)
            let b1 = bp.load(fromByteOffset: 32, as: V.self)
            var x = V(repeating: ap[0])
            c00 = c00.addingProduct(x, b0); c01 = c01.addingProduct(x, b1)
            x = V(repeating: ap[1])
            c10 = c10.addingProduct(x, b0); c11 = c11.addingProduct(x, b1)
            x = V(repeating: ap[2])
            c20 = c20.addingProduct(x, b0); c21 = c21.addingProduct(x, b1)
            x = V(repeating: ap[3])
            c30 = c30.addingProduct(x, b0); c31 = c31.addingProduct(x, b1)
            x = V(repeating: ap[4])
            c40 = c40.addingProduct(x, b0); c41 = c41.addingProduct(x, b1)
            x = V(repeating: ap[5])
            c50 = c50.addingProduct(x, b0); c51 = c51.addingProduct(x, b1)
            ap += 6
            bp += 64
        }
        r0.storeBytes(of: c00, as: V.self); r0.storeBytes(of: c01, toByteOffset: 32, as: V.self)
        r1.storeBytes(of: c10, as: V.self); r1.storeBytes(of: c11, toByteOffset: 32, as: V.self)
        r2.storeBytes(of: c20, as: V.self); r2.storeBytes(of: c21, toByteOffset: 32, as: V.self)
        r3.storeBytes(of: c30, as: V.self); r3.storeBytes(of: c31, toByteOffset: 32, as: V.self)
        r4.storeBytes(of: c40, as: V.self); r4.storeBytes(of: c41, toByteOffset: 32, as: V.self)
        r5.storeBytes(of: c50, as: V.self); r5.storeBytes(of: c51, toByteOffset: 32, as: V.self)
    }

    /// The micro-kernel for a tile cut by the edge of C (`rows` < 6 or `columns` < 16).
    ///
    /// The packed strips are zero-padded, so the full kernel runs on a 6×16 scratch tile; only the valid
    /// part is read from and written back to C. Padding lanes never mix into valid elements, so the valid
    /// elements get exactly the chains a full tile would give them.
    @inline(never)
    static func edgeKernel(depth: Int, a: UnsafePointer<Float>, b: UnsafeRawPointer,
                           c: UnsafeMutablePointer<Float>, ldc: Int, loadC: Bool,
                           rows: Int, columns: Int, scratch: UnsafeMutablePointer<Float>) {
        if loadC {
            for r in 0..<rows {
                for col in 0..<columns { scratch[r * tileColumns + col] = c[r * ldc + col] }
            }
        }
        microKernel(depth: depth, a: a, b: b, c: scratch, ldc: tileColumns, loadC: loadC)
        for r in 0..<rows {
            for col in 0..<columns { c[r * ldc + col] = scratch[r * tileColumns + col] }
        }
    }
}
