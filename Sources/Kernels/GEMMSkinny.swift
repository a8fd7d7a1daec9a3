extension GEMM {
    /// Whether a C with `rows` rows is cheaper straight from the operands than through the packed kernel,
    /// which would pad it to 6-row tiles and pack all of B to use a sliver of it. `contiguous`: rows of
    /// op(B) are contiguous, so the direct product runs on vectors (scalar chains otherwise).
    /// Crossovers measured at 512×512 and 512×256 operands: 4 rows with vectors, 2 without.
    static func isSkinny(rows: Int, contiguous: Bool) -> Bool {
        rows <= (contiguous ? 4 : 2)
    }

    /// The product for a C with very few rows (see `isSkinny`), straight from the operands.
    ///
    /// Every operand is addressed through element strides, so one routine serves every transpose and,
    /// applied to Cᵀ = op(B)ᵀ·op(A)ᵀ, C with very few columns too: transposing swaps the factors of each
    /// product, and a fused multiply-add does not care about their order, so the chains stay bit-identical.
    /// Each C element is still one sequential chain over p, only several chains run side by side.
    static func skinnyMultiply(rows: Int, columns: Int, depth: Int,
                               a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int,
                               b: UnsafePointer<Float>, bDepthStride: Int, bColumnStride: Int,
                               c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int,
                               accumulate: Bool) {
        for i in 0..<rows {
            let aRow = a + i * aRowStride
            let cRow = c + i * cRowStride
            var j = 0
            if bColumnStride == 1 {
                // Rows of B are contiguous: eight 8-lane chains at once cover the FMA latency.
                while j + 64 <= columns {
                    skinnyVectorBlock(depth: depth, a: aRow, aStride: aDepthStride, b: b + j, bStride: bDepthStride,
                                      c: cRow + j * cColumnStride, cStride: cColumnStride, accumulate: accumulate)
                    j += 64
                }
            }
            // The rest (and every column when B rows are strided): eight scalar chains at a time.
            while j < columns {
                let width = min(8, columns - j)
                skinnyScalarBlock(width: width, depth: depth, a: aRow, aStride: aDepthStride,
                                  b: b + j * bColumnStride, bDepthStride: bDepthStride, bColumnStride: bColumnStride,
                                  c: cRow + j * cColumnStride, cStride: cColumnStride, accumulate: accumulate)
                j += width
            }
        }
    }

    /// 64 consecutive columns of one C row as eight vector chains; B rows are contiguous.
    @inline(__always)
    private static func skinnyVectorBlock(depth: Int, a: UnsafePointer<Float>, aStride: Int,
                                          b: UnsafePointer<Float>, bStride: Int,
                                          c: UnsafeMutablePointer<Float>, cStride: Int, accumulate: Bool) {
        typealias V = SIMD8<Float>
        var s0 = V(), s1 = V(), s2 = V(), s3 = V(), s4 = V(), s5 = V(), s6 = V(), s7 = V()
        if accumulate {
            @inline(__always) func gather(_ offset: Int) -> V {
                var v = V()
                for lane in 0..<8 { v[lane] = c[(offset + lane) * cStride] }
                return v
            }
            s0 = gather(0); s1 = gather(8); s2 = gather(16); s3 = gather(24)
            s4 = gather(32); s5 = gather(40); s6 = gather(48); s7 = gather(56)
        }
        var ap = a
        var bp = UnsafeRawPointer(b)
        let bBytes = bStride * MemoryLayout<Float>.stride
        for _ in 0..<depth {
            let x = V(repeating: ap.pointee)
            s0 = s0.addingProduct(x, bp.loadUnaligned(as: V.self))
            s1 = s1.addingProduct(x, bp.loadUnaligned(fromByteOffset: 32, as: V.self))
            s2 = s2.addingProduct(x, bp.loadUnaligned(fromByteOffset: 64, as: V.self))
            s3 = s3.addingProduct(x, bp.loadUnaligned(fromByteOffset: 96, as: V.self))
            s4 = s4.addingProduct(x, bp.loadUnaligned(fromByteOffset: 128, as: V.self))
            s5 = s5.addingProduct(x, bp.loadUnaligned(fromByteOffset: 160, as: V.self))
            s6 = s6.addingProduct(x, bp.loadUnaligned(fromByteOffset: 192, as: V.self))
            s7 = s7.addingProduct(x, bp.loadUnaligned(fromByteOffset: 224, as: V.self))
            ap += aStride
            bp += bBytes
        }
        @inline(__always) func scatter(_ v: V, _ offset: Int) {
            for lane in 0..<8 { c[(offset + lane) * cStride] = v[lane] }
        }
        scatter(s0, 0); scatter(s1, 8); scatter(s2, 16); scatter(s3, 24)
        scatter(s4, 32); scatter(s5, 40); scatter(s6, 48); scatter(s7, 56)
    }

    /// Up to 8 columns of one C row as independent scalar chains (B addressed by strides).
    @inline(__always)
    private static func skinnyScalarBlock(width: Int, depth: Int, a: UnsafePointer<Float>, aStride: Int,
                                          b: UnsafePointer<Float>, bDepthStride: Int, bColumnStride: Int,
                                          c: UnsafeMutablePointer<Float>, cStride: Int, accumulate: Bool) {
        if width < 8 {
            // Too narrow to be worth unrolling: one chain per column, exactly as the reference runs it.
            for col in 0..<width {
                var sum: Float = accumulate ? c[col * cStride] : 0
                var ap = a
                var bp = b + col * bColumnStride
                for _ in 0..<depth {
                    sum = sum.addingProduct(ap.pointee, bp.pointee)
                    ap += aStride
                    bp += bDepthStride
                }
                c[col * cStride] = sum
            }
            return
        }
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        var s4: Float = 0, s5: Float = 0, s6: Float = 0, s7: Float = 0
        if accumulate {
            s0 = c[0]; s1 = c[cStride]; s2 = c[2 * cStride]; s3 = c[3 * cStride]
            s4 = c[4 * cStride]; s5 = c[5 * cStride]; s6 = c[6 * cStride]; s7 = c[7 * cStride]
        }
        let b0 = b, b1 = b0 + bColumnStride, b2 = b1 + bColumnStride, b3 = b2 + bColumnStride
        let b4 = b3 + bColumnStride, b5 = b4 + bColumnStride, b6 = b5 + bColumnStride, b7 = b6 + bColumnStride
        var ap = a
        var offset = 0
        for _ in 0..<depth {
            let x = ap.pointee
            s0 = s0.addingProduct(x, b0[offset]); s1 = s1.addingProduct(x, b1[offset])
            s2 = s2.addingProduct(x, b2[offset]); s3 = s3.addingProduct(x, b3[offset])
            s4 = s4.addingProduct(x, b4[offset]); s5 = s5.addingProduct(x, b5[offset])
            s6 = s6.addingProduct(x, b6[offset]); s7 = s7.addingProduct(x, b7[offset])
            ap += aStride
            offset += bDepthStride
        }
        c[0] = s0; c[cStride] = s1; c[2 * cStride] = s2; c[3 * cStride] = s3
        c[4 * cStride] = s4; c[5 * cStride] = s5; c[6 * cStride] = s6; c[7 * cStride] = s7
    }
}
