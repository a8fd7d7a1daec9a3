import KernelsAVX512

extension GEMM {
    /// Copies a block of op(A) (`rows` × `depth`, starting at `a`) into 6-row strips: strip s holds, for each
    /// depth step p, the 6 values op(A)[6s…6s+5, p] side by side, so the micro-kernel reads A sequentially.
    ///
    /// The transpose is absorbed here: the kernel never sees strides. Rows past `rows` in the last strip are
    /// zero so the kernel can always compute a full tile.
    static func packA(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int, transposed: Bool,
                      into packed: UnsafeMutablePointer<Float>) {
        if transposed {
            packTransposedA(rows: rows, depth: depth, a: a, lda: lda, into: packed)
            return
        }
        var out = packed
        var top = 0
        while top < rows {
            let height = min(tileRows, rows - top)
            if height == tileRows {
                // Six row streams read in step: each stays sequential, so the hardware prefetcher follows them.
                let s0 = a + top * lda, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda, s4 = s3 + lda, s5 = s4 + lda
                for p in 0..<depth {
                    out[0] = s0[p]; out[1] = s1[p]; out[2] = s2[p]
                    out[3] = s3[p]; out[4] = s4[p]; out[5] = s5[p]
                    out += 6
                }
            } else {
                for p in 0..<depth {
                    for r in 0..<tileRows { out[r] = r < height ? a[(top + r) * lda + p] : 0 }
                    out += 6
                }
            }
            top += tileRows
        }
    }

    /// `packA` for op(A) = Aᵀ: row p of the stored A holds op(A)[·, p], six consecutive values per strip.
    ///
    /// Walks the stored rows in order and deals each one out to all strips. Going strip by strip instead
    /// re-reads every row once per strip, 24 bytes of each line at a time: twice as slow (21 vs 11 µs for
    /// a 256×512 A).
    private static func packTransposedA(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int,
                                        into packed: UnsafeMutablePointer<Float>) {
        let fullStrips = rows / tileRows
        let tail = rows - fullStrips * tileRows
        let stripStride = tileRows * depth
        for p in 0..<depth {
            var source = a + p * lda
            var out = packed + p * tileRows
            for _ in 0..<fullStrips {
                out[0] = source[0]; out[1] = source[1]; out[2] = source[2]
                out[3] = source[3]; out[4] = source[4]; out[5] = source[5]
                out += stripStride
                source += tileRows
            }
            if tail > 0 {
                for r in 0..<tileRows { out[r] = r < tail ? source[r] : 0 }
            }
        }
    }

    /// Copies a block of op(B) (`depth` × `columns`, starting at `b`) into 16-column strips: strip s holds,
    /// for each depth step p, the 16 values op(B)[p, 16s…16s+15] (64 bytes, one cache line when aligned).
    ///
    /// Columns past `columns` in the last strip are zero. `packed` must be 32-byte aligned: the kernel
    /// uses aligned vector loads.
    static func packB(depth: Int, columns: Int, b: UnsafePointer<Float>, ldb: Int, transposed: Bool,
                      into packed: UnsafeMutablePointer<Float>) {
        typealias V = SIMD8<Float>
        var out = packed
        var left = 0
        while left < columns {
            let width = min(tileColumns, columns - left)
            if !transposed && width == tileColumns {
                var source = UnsafeRawPointer(b + left)
                let rowBytes = ldb * MemoryLayout<Float>.stride
                for _ in 0..<depth {
                    let destination = UnsafeMutableRawPointer(out)
                    destination.storeBytes(of: source.loadUnaligned(as: V.self), as: V.self)
                    destination.storeBytes(of: source.loadUnaligned(fromByteOffset: 32, as: V.self),
                                           toByteOffset: 32, as: V.self)
                    out += 16
                    source += rowBytes
                }
            } else if transposed && width == tileColumns {
                if usesWideVectors {
                    WidePacking.packTransposedStrip(depth: depth, b: b + left * ldb, ldb: ldb, into: out)
                } else {
                    packTransposedStrip(depth: depth, b: b + left * ldb, ldb: ldb, into: out)
                }
                out += 16 * depth
            } else {
                let depthStride = transposed ? 1 : ldb, columnStride = transposed ? ldb : 1
                for p in 0..<depth {
                    for col in 0..<tileColumns {
                        out[col] = col < width ? b[p * depthStride + (left + col) * columnStride] : 0
                    }
                    out += 16
                }
            }
            left += tileColumns
        }
    }

    /// One full 16-column strip of op(B) = Bᵀ, where B is stored with 16 consecutive rows of length ≥ `depth`.
    ///
    /// Sixteen row streams are read in step, one element each per depth step; every stream stays
    /// sequential so each cache line fetched is used completely before it is evicted.
    @inline(__always)
    static func packTransposedStrip(depth: Int, b: UnsafePointer<Float>, ldb: Int,
                                    into packed: UnsafeMutablePointer<Float>) {
        var out = packed
        for p in 0..<depth {
            var source = b + p
            for col in 0..<tileColumns {
                out[col] = source.pointee
                source += ldb
            }
            out += 16
        }
    }

    /// Copies a block of op(A) (`rows` × `depth`, starting at `a`) into strips of `WideTile.rows` rows for the
    /// AVX-512 kernel: strip s holds, for each depth step p, op(A)[8s…8s+7, p] side by side. Rows past
    /// `rows` in the last strip are zero.
    static func packWideA(rows: Int, depth: Int, a: UnsafePointer<Float>, lda: Int, transposed: Bool,
                          into packed: UnsafeMutablePointer<Float>) {
        let height = WideTile.rows
        var top = 0
        var out = packed
        while top < rows {
            let valid = min(height, rows - top)
            if valid == height && transposed {
                // Row p of the stored A holds the strip's 8 values for step p side by side.
                for p in 0..<depth {
                    UnsafeMutableRawPointer(out).storeBytes(
                        of: UnsafeRawPointer(a + p * lda + top).loadUnaligned(as: SIMD8<Float>.self), as: SIMD8<Float>.self)
                    out += height
                }
            } else if valid == height {
                // Eight row streams read in step, each sequential.
                let s0 = a + top * lda, s1 = s0 + lda, s2 = s1 + lda, s3 = s2 + lda
                let s4 = s3 + lda, s5 = s4 + lda, s6 = s5 + lda, s7 = s6 + lda
                for p in 0..<depth {
                    out[0] = s0[p]; out[1] = s1[p]; out[2] = s2[p]; out[3] = s3[p]
                    out[4] = s4[p]; out[5] = s5[p]; out[6] = s6[p]; out[7] = s7[p]
                    out += height
                }
            } else {
                for p in 0..<depth {
                    for r in 0..<height {
                        out[r] = r < valid ? (transposed ? a[p * lda + top + r] : a[(top + r) * lda + p]) : 0
                    }
                    out += height
                }
            }
            top += height
        }
    }
}
