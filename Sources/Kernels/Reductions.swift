/// Sums and maxima over contiguous buffers, in a summation order fixed by the sizes alone.
///
/// A tensor of any rank is reduced along one axis by viewing it as [outer, length, inner]: the axis is the
/// middle dimension. The order of additions depends only on these three numbers, never on the thread
/// count or on memory alignment, so every reduction is reproducible bit for bit.
public enum Reductions {
    /// The sum of `count` contiguous floats: 32 running partial sums (four SIMD8 accumulators), combined
    /// pairwise in a fixed order, then the tail added in sequence.
    public static func sum(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        while i + 32 <= count {
            a0 += Elementwise.load(x + i)
            a1 += Elementwise.load(x + i + 8)
            a2 += Elementwise.load(x + i + 16)
            a3 += Elementwise.load(x + i + 24)
            i += 32
        }
        while i + 8 <= count {
            a0 += Elementwise.load(x + i)
            i += 8
        }
        let v = (a0 + a1) + (a2 + a3)
        var total = ((v[0] + v[1]) + (v[2] + v[3])) + ((v[4] + v[5]) + (v[6] + v[7]))
        while i < count {
            total += x[i]
            i += 1
        }
        return total
    }

    /// Elements per block of `sumOfSquares`: blocks are summed separately and then added in order, so a
    /// kernel may compute them on several threads and get the same bits.
    public static let squareBlock = 1 << 16

    /// Σ x[i]² accumulated in Double (no overflow for any finite floats). Within each block of
    /// `squareBlock` elements, 16 interleaved partial sums (two 8-lane vectors, so the adds are not one
    /// latency-bound chain) are combined in a fixed order; block sums are added in order. NaN or ±∞
    /// anywhere makes the result non-finite.
    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        var total = 0.0
        var start = 0
        repeat {
            total += blockSumOfSquares(x + start, count: min(squareBlock, count - start))
            start += squareBlock
        } while start < count
        return total
    }

    /// One block of `sumOfSquares`.
    @inline(__always)
    static func blockSumOfSquares(_ x: UnsafePointer<Float>, count: Int) -> Double {
        typealias D = SIMD8<Double>
        var s0 = D(), s1 = D()
        var i = 0
        let raw = UnsafeRawPointer(x)
        while i + 16 <= count {
            let a = D(raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self))
            let b = D(raw.loadUnaligned(fromByteOffset: 4 * i + 32, as: SIMD8<Float>.self))
            s0 += a * a
            s1 += b * b
            i += 16
        }
        var tail = 0.0
        while i < count {
            let a = Double(x[i])
            tail += a * a
            i += 1
        }
        return (s0 + s1).sum() + tail
    }

    /// y[o, j] = Σ_l x[o, l, j] for x viewed as [outer, length, inner] (y is [outer, inner]).
    public static func sum(_ x: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
                           into y: UnsafeMutablePointer<Float>) {
        if inner == 1 {
            for o in 0..<outer { y[o] = sum(x + o * length, count: length) }
            return
        }
        // Large sums (a batch normalisation's per-channel sums over a batch of images) are shared out in
        // slices of j, or of o when there are enough: every y element keeps its one chain over l.
        let pieces = min(ComputeThreads.count, outer * length * inner / Elementwise.parallelPassThreshold)
        if pieces > 1 && outer >= pieces {
            ComputeThreads.forEachPiece(pieces) { piece in
                for o in (piece * outer / pieces)..<((piece + 1) * outer / pieces) {
                    sumColumns(x + o * length * inner, length: length, inner: inner, columns: 0..<inner, into: y + o * inner)
                }
            }
        } else if pieces > 1 && inner >= 8 * pieces {
            for o in 0..<outer {
                ComputeThreads.forEachPiece(pieces) { piece in
                    let columns = ((piece * inner / pieces) & ~7)..<(piece == pieces - 1 ? inner : ((piece + 1) * inner / pieces) & ~7)
                    sumColumns(x + o * length * inner, length: length, inner: inner, columns: columns, into: y + o * inner)
                }
            }
        } else {
            for o in 0..<outer {
                sumColumns(x + o * length * inner, length: length, inner: inner, columns: 0..<inner, into: y + o * inner)
            }
        }
    }

    /// out[j] = Σ_l base[l·inner + j] for j in `columns`, sequential over l, vectorised across j.
    private static func sumColumns(_ base: UnsafePointer<Float>, length: Int, inner: Int, columns: Range<Int>,
                                   into out: UnsafeMutablePointer<Float>) {
        let (first, count) = (columns.lowerBound, columns.count)
        if length == 0 {
            (out + first).update(repeating: 0, count: count)
            return
        }
        (out + first).update(from: base + first, count: count)
        for l in 1..<length {
            Elementwise.binaryLoop(out + first, 1, base + l * inner + first, 1, out + first, count, { $0 + $1 }, { $0 + $1 })
        }
    }

    /// y[o, j] = max_l x[o, l, j] and index[o, j] = the first l attaining it (NaN wins, as the
    /// maximum of a set holding NaN is undefined).
    public static func max(_ x: UnsafePointer<Float>, outer: Int, length: Int, inner: Int,
                           into y: UnsafeMutablePointer<Float>, indices: UnsafeMutablePointer<Int32>) {
        for o in 0..<outer {
            for j in 0..<inner {
                let base = x + o * length * inner + j
                var best = base[0]
                var bestIndex: Int32 = 0
                if !best.isNaN {
                    for l in 1..<Swift.max(length, 1) {
                        let value = base[l * inner]
                        if value > best || value.isNaN {
                            best = value
                            bestIndex = Int32(l)
                            if value.isNaN { break }
                        }
                    }
                }
                y[o * inner + j] = best
                indices[o * inner + j] = bestIndex
            }
        }
    }
}

/// Block copies used by reshaping ops (slice, pad, concatenate, transpose, broadcast).
public enum BlockCopy {
    /// Copies `rows` runs of `length` floats: run r goes from source + r·sourceStride to
    /// destination + r·destinationStride.
    public static func rows(_ rows: Int, length: Int,
                            from source: UnsafePointer<Float>, sourceStride: Int,
                            to destination: UnsafeMutablePointer<Float>, destinationStride: Int) {
        for r in 0..<rows {
            (destination + r * destinationStride).update(from: source + r * sourceStride, count: length)
        }
    }

    /// y = xᵀ for x of `rows` × `columns` (row-major), in 32 × 32 blocks to stay in cache.
    public static func transpose(_ x: UnsafePointer<Float>, rows: Int, columns: Int,
                                 into y: UnsafeMutablePointer<Float>) {
        let block = 32
        var r0 = 0
        while r0 < rows {
            let r1 = Swift.min(r0 + block, rows)
            var c0 = 0
            while c0 < columns {
                let c1 = Swift.min(c0 + block, columns)
                for r in r0..<r1 {
                    for c in c0..<c1 { y[c * rows + r] = x[r * columns + c] }
                }
                c0 = c1
            }
            r0 = r1
        }
    }

    /// y[i] = x[i·stride] for i in 0..<count, stride 0 (repeat one value) or 1 (copy).
    public static func run(_ x: UnsafePointer<Float>, stride: Int, into y: UnsafeMutablePointer<Float>, count: Int) {
        if stride == 0 {
            y.update(repeating: x[0], count: count)
        } else {
            y.update(from: x, count: count)
        }
    }
}
