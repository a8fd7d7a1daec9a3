/// The sizes of one 2-D convolution over NCHW images: `batch` inputs of `inChannels` × `height` × `width`
/// (x), a kernel of `kernelHeight` × `kernelWidth` taking `inChannels` to `outChannels`, moved by `stride`
/// over x padded with `padding` zeros on every side, giving outputs of `outChannels` × `outHeight` ×
/// `outWidth` (y). A transposed convolution is the same geometry read backwards (from y's shape to x's).
public struct ConvolutionGeometry: Equatable, Sendable {
    public var batch: Int, inChannels: Int, height: Int, width: Int
    public var outChannels: Int, kernelHeight: Int, kernelWidth: Int
    public var stride: Int, padding: Int

    /// A geometry; the caller has checked that the kernel fits the padded input and stride ≥ 1.
    public init(batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
                kernelHeight: Int, kernelWidth: Int, stride: Int, padding: Int) {
        (self.batch, self.inChannels, self.height, self.width) = (batch, inChannels, height, width)
        (self.outChannels, self.kernelHeight, self.kernelWidth) = (outChannels, kernelHeight, kernelWidth)
        (self.stride, self.padding) = (stride, padding)
    }

    /// Rows of the output: the number of window positions down the padded input.
    public var outHeight: Int { (height + 2 * padding - kernelHeight) / stride + 1 }
    /// Columns of the output.
    public var outWidth: Int { (width + 2 * padding - kernelWidth) / stride + 1 }
    /// Values under one window (C·kH·kW): the depth of the products.
    var patchLength: Int { inChannels * kernelHeight * kernelWidth }
    /// Pixels of one output plane.
    var outPlane: Int { outHeight * outWidth }
    /// Window positions in the whole batch: the columns of the unfolded input.
    var positions: Int { batch * outPlane }
    /// Values of one input image (C·H·W).
    var inputImage: Int { inChannels * height * width }
    /// Values of one output image (O·Ho·Wo).
    var outputImage: Int { outChannels * outPlane }

    /// The output columns whose window column `kernelColumn` lands inside the input (others read padding).
    @inline(__always)
    func validColumns(_ kernelColumn: Int) -> Range<Int> {
        let offset = kernelColumn - padding  // input column = output column · stride + offset
        let first = offset >= 0 ? 0 : (-offset + stride - 1) / stride
        let last = width - 1 - offset >= 0 ? (width - 1 - offset) / stride : -1
        let end = Swift.min(outWidth, last + 1)
        return first < end ? first..<end : 0..<0
    }
}

/// Convolutions as products: the input's windows are unfolded into the columns of a matrix (im2col), so
/// that the convolution, its input gradient (the transposed convolution) and its weight gradient are each
/// one `GEMM.multiply` per chunk of images. Unfolding, folding and reordering copy or add values in a fixed
/// order and the products are bit-deterministic, so every result is the same in every bit for any thread
/// count and on either vector path, and an image's output does not depend on the batch around it.
///
/// Layouts: x is [N, C, H, W], y [N, O, Ho, Wo], the weight [O, C, kH, kW], all row-major. The unfolded
/// input is [C·kH·kW, n·Ho·Wo] for a chunk of n images, and the products run over that long second
/// dimension, which keeps the GEMM in its efficient regime where one image's 7×7 output would leave it
/// mostly padding.
public enum Convolution {
    /// Below this many copied values, unfolding and folding stay on the calling thread.
    static let parallelThreshold = 1 << 16

    /// y = x ⋆ w (+ bias[o] on output channel o).
    public static func forward(_ g: ConvolutionGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>) {
        forEachChunk(g, concurrently: true) { chunk, first in
            forwardChunk(chunk, input: x + first * g.inputImage, weight: w, bias: bias, output: y + first * g.outputImage)
        }
    }

    static func forwardChunk(_ g: ConvolutionGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                             bias: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>) {
        let (depth, positions, channels) = (g.patchLength, g.positions, g.outChannels)
        if positions == 0 || channels == 0 { return }
        let columns = scratch(depth * positions)
        defer { columns.deallocate() }
        unfold(g, x, into: columns)
        let product = scratch(channels * positions)
        defer { product.deallocate() }
        GEMM.multiply(m: channels, n: positions, k: depth, a: w, lda: depth, transposeA: false,
                      b: columns, ldb: positions, transposeB: false, c: product, ldc: positions, accumulate: false)
        let plane = g.outPlane
        forEachRange(g.batch * channels, work: channels * positions, threshold: copyThreshold) { planes in
            for index in planes {
                let (n, o) = (index / channels, index % channels)
                let source = product + o * positions + n * plane, target = y + index * plane
                if let bias {
                    let b = bias[o]
                    for i in 0..<plane { target[i] = source[i] + b }
                } else {
                    target.update(from: source, count: plane)
                }
            }
        }
    }

    /// x-shaped result of the transposed convolution of `outputGradient` (y-shaped) with the weight: the
    /// gradient of `forward` with respect to its input, and a transposed-convolution layer's forward pass.
    /// Adds bias[c] on channel c when given.
    public static func backwardInput(_ g: ConvolutionGeometry, outputGradient dy: UnsafePointer<Float>,
                                     weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                     into dx: UnsafeMutablePointer<Float>) {
        forEachChunk(g, concurrently: true) { chunk, first in
            backwardInputChunk(chunk, outputGradient: dy + first * g.outputImage, weight: w, bias: bias,
                               into: dx + first * g.inputImage)
        }
    }

    static func backwardInputChunk(_ g: ConvolutionGeometry, outputGradient dy: UnsafePointer<Float>,
                                   weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                                   into dx: UnsafeMutablePointer<Float>) {
        let (depth, positions, channels) = (g.patchLength, g.positions, g.outChannels)
        let columns = scratch(depth * positions)
        defer { columns.deallocate() }
        withChannelsFirst(g, dy) { gathered in
            GEMM.multiply(m: depth, n: positions, k: channels, a: w, lda: depth, transposeA: true,
                          b: gathered, ldb: positions, transposeB: false, c: columns, ldc: positions, accumulate: false)
        }
        fold(g, columns, bias: bias, into: dx)
    }

    /// The weight-shaped gradient Σ over the batch and output positions of dy[n, o, ·] times the window of
    /// x under it: the gradient of `forward` with respect to its weight.
    public static func backwardWeight(_ g: ConvolutionGeometry, input x: UnsafePointer<Float>,
                                      outputGradient dy: UnsafePointer<Float>, into dw: UnsafeMutablePointer<Float>) {
        if g.positions == 0 {
            dw.update(repeating: 0, count: g.outChannels * g.patchLength)
            return
        }
        // Each chunk continues every element's chain where the previous one stopped (accumulate), so the
        // chains run over the whole batch in order, as one product over all of it would: the chunks run
        // one after the other, each shared out inside.
        forEachChunk(g, concurrently: false) { chunk, first in
            let (depth, positions, channels) = (chunk.patchLength, chunk.positions, chunk.outChannels)
            let columns = scratch(depth * positions)
            defer { columns.deallocate() }
            unfold(chunk, x + first * g.inputImage, into: columns)
            withChannelsFirst(chunk, dy + first * g.outputImage) { gathered in
                GEMM.multiply(m: channels, n: depth, k: positions, a: gathered, lda: positions, transposeA: false,
                              b: columns, ldb: positions, transposeB: true, c: dw, ldc: depth, accumulate: first > 0)
            }
        }
    }

    /// The most unfolded values a chunk of images holds at once (1 MiB): the unfolded chunk stays in the
    /// cache between being written and being packed by the product, where a whole batch's (12.8 MB for
    /// 64 images of 64 × 14 × 14 under a 4 × 4 kernel) would go out to memory and back.
    static let chunkValues = 1 << 18

    /// The chunks of a batch: consecutive runs of whole images, each small enough for `chunkValues`, as
    /// (first image, images). Their number is even when there is more than one, and their sizes differ by
    /// at most one image, so that two threads taking whole chunks get equal shares (13 chunks of 5 images
    /// on dcgan-small's second layer left one thread a chunk behind); they depend on the geometry alone.
    static func chunks(_ g: ConvolutionGeometry) -> [(first: Int, images: Int)] {
        let perImage = Swift.max(1, g.patchLength * g.outPlane)
        let most = Swift.max(1, chunkValues / perImage)
        var count = (g.batch + most - 1) / most
        if count > 1 && count % 2 == 1 && count < g.batch { count += 1 }
        count = Swift.max(count, 1)
        return (0..<count).map { i in
            let first = i * g.batch / count
            return (first, (i + 1) * g.batch / count - first)
        }
    }

    /// `body(chunk, first)` for every chunk of the batch (see `chunks`): `chunk` is the geometry of images
    /// first..<first + chunk.batch. `concurrently`, chunks that write disjoint outputs are shared out over
    /// the kernel threads, a whole chunk to a thread (its unfolding, product and reordering stay in that
    /// core's cache, with no wait between them); one chunk, or chunks in order, share out their own work.
    static func forEachChunk(_ g: ConvolutionGeometry, concurrently: Bool, _ body: (ConvolutionGeometry, Int) -> Void) {
        let list = chunks(g)
        func run(_ i: Int) {
            var chunk = g
            chunk.batch = list[i].images
            body(chunk, list[i].first)
        }
        if concurrently && list.count > 1 {
            ComputeThreads.forEachPiece(list.count, run)
        } else {
            for i in list.indices { run(i) }
        }
    }

    /// Below this many values, reordering a product or a gradient stays on the calling thread.
    static let copyThreshold = 1 << 14

    /// An uninitialised buffer of `count` floats, on a cache line.
    static func scratch(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: Swift.max(count, 1) * 4, alignment: 64)
            .bindMemory(to: Float.self, capacity: Swift.max(count, 1))
    }

    /// `body` with y-shaped `dy` laid out as [O, N·Ho·Wo] (itself when the batch is one image).
    static func withChannelsFirst(_ g: ConvolutionGeometry, _ dy: UnsafePointer<Float>,
                                  _ body: (UnsafePointer<Float>) -> Void) {
        if g.batch == 1 {
            body(dy)
            return
        }
        let (plane, channels, positions) = (g.outPlane, g.outChannels, g.positions)
        let gathered = scratch(channels * positions)
        defer { gathered.deallocate() }
        forEachRange(g.batch * channels, work: channels * positions, threshold: copyThreshold) { planes in
            for index in planes {
                let (n, o) = (index / channels, index % channels)
                (gathered + o * positions + n * plane).update(from: dy + index * plane, count: plane)
            }
        }
        body(gathered)
    }

    /// Runs `body` over `count` items in contiguous ranges, one per thread when the work is large enough.
    static func forEachRange(_ count: Int, work: Int, threshold: Int = parallelThreshold, _ body: (Range<Int>) -> Void) {
        let pieces = work < threshold ? 1 : Swift.min(ComputeThreads.available, count)
        ComputeThreads.forEachPiece(pieces) { piece in
            body((piece * count / pieces)..<((piece + 1) * count / pieces))
        }
    }

    /// Where each window reads: entry (kh·kW + kw)·Ho·Wo + oh·Wo + ow holds the offset in an input plane of
    /// x[oh·s − p + kh, ow·s − p + kw], or −1 where that falls in the padding. One table serves every
    /// channel and image, so folding becomes flat loops over it instead of a walk that works out the valid
    /// columns of every output row (7 values on dcgan-small's second layer) again and again.
    static func windowTable(_ g: ConvolutionGeometry) -> [Int32] {
        let (plane, outHeight, outWidth) = (g.outPlane, g.outHeight, g.outWidth)
        var table = [Int32](repeating: -1, count: g.kernelHeight * g.kernelWidth * plane)
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                let base = (kh * g.kernelWidth + kw) * plane
                for oh in 0..<outHeight {
                    let ih = oh * g.stride - g.padding + kh
                    guard ih >= 0 && ih < g.height else { continue }
                    for ow in g.validColumns(kw) {
                        table[base + oh * outWidth + ow] = Int32(ih * g.width + ow * g.stride - g.padding + kw)
                    }
                }
            }
        }
        return table
    }

    /// The unfolded input: row (c, kh, kw), column (n, oh, ow) holds x[n, c, oh·s − p + kh, ow·s − p + kw],
    /// or 0 where that falls in the padding.
    static func unfold(_ g: ConvolutionGeometry, _ x: UnsafePointer<Float>, into columns: UnsafeMutablePointer<Float>) {
        let (positions, plane, imagePlane) = (g.positions, g.outPlane, g.height * g.width)
        let kernelArea = g.kernelHeight * g.kernelWidth
        // Each plane is first copied inside a border of zeros as wide as the padding, so that every window
        // reads the copy: the walk is then a plain gather through one offset table, with no test per value.
        let (paddedHeight, paddedWidth) = (g.height + 2 * g.padding, g.width + 2 * g.padding)
        var table = [Int32](repeating: 0, count: kernelArea * plane)
        for kh in 0..<g.kernelHeight {
            for kw in 0..<g.kernelWidth {
                for oh in 0..<g.outHeight {
                    for ow in 0..<g.outWidth {
                        table[((kh * g.kernelWidth + kw) * g.outHeight + oh) * g.outWidth + ow] =
                            Int32((oh * g.stride + kh) * paddedWidth + ow * g.stride + kw)
                    }
                }
            }
        }
        table.withUnsafeBufferPointer { table in
            let table = table.baseAddress!
            forEachRange(g.inChannels * g.batch, work: g.patchLength * positions) { planes in
                let padded = scratch(paddedHeight * paddedWidth)
                defer { padded.deallocate() }
                padded.update(repeating: 0, count: paddedHeight * paddedWidth)
                for index in planes {
                    let (c, n) = (index / g.batch, index % g.batch)
                    let image = x + (n * g.inChannels + c) * imagePlane
                    for h in 0..<g.height {
                        (padded + (h + g.padding) * paddedWidth + g.padding).update(from: image + h * g.width, count: g.width)
                    }
                    for k in 0..<kernelArea {
                        let window = table + k * plane
                        let target = columns + (c * kernelArea + k) * positions + n * plane
                        for i in 0..<plane { target[i] = padded[Int(window[i])] }
                    }
                }
            }
        }
    }

    /// The inverse walk of `unfold`: each x element becomes the sum of the unfolded entries that read it,
    /// added in order of (kh, kw) (one entry per kernel position at most) to 0, then bias[c].
    static func fold(_ g: ConvolutionGeometry, _ columns: UnsafePointer<Float>, bias: UnsafePointer<Float>?,
                     into x: UnsafeMutablePointer<Float>) {
        let (positions, plane, imagePlane) = (g.positions, g.outPlane, g.height * g.width)
        let kernelArea = g.kernelHeight * g.kernelWidth
        // The entries each input pixel q receives, as offsets from its image and channel's first unfolded
        // entry ((kh·kW + kw)·positions + oh·Wo + ow), in (kh, kw) order. Pixels are grouped by how many
        // entries they sum, each as a record [q, its offsets…], so that the common counts run as
        // straight-line sums instead of a loop of unknown length per pixel.
        let table = windowTable(g)
        var counts = [Int](repeating: 0, count: imagePlane)
        for offset in table where offset >= 0 { counts[Int(offset)] += 1 }
        let most = counts.max() ?? 0
        var pixels = [Int](repeating: 0, count: most + 1)
        for count in counts { pixels[count] += 1 }
        var groupStart = [0]
        for count in 0...most { groupStart.append(groupStart[count] + pixels[count] * (count + 1)) }
        var records = [Int](repeating: 0, count: groupStart[most + 1])
        var (next, record) = (groupStart, [Int](repeating: 0, count: imagePlane))
        for q in 0..<imagePlane {
            record[q] = next[counts[q]]
            records[record[q]] = q
            next[counts[q]] += counts[q] + 1
        }
        var filled = [Int](repeating: 0, count: imagePlane)
        for k in 0..<kernelArea {
            for i in 0..<plane where table[k * plane + i] >= 0 {
                let q = Int(table[k * plane + i])
                filled[q] += 1
                records[record[q] + filled[q]] = k * positions + i
            }
        }
        forEachRange(g.batch * g.inChannels, work: g.patchLength * positions) { planes in
            for index in planes {
                let (n, c) = (index / g.inChannels, index % g.inChannels)
                let source = columns + c * kernelArea * positions + n * plane
                let image = x + index * imagePlane
                records.withUnsafeBufferPointer { records in
                    for count in 0...most where pixels[count] > 0 {
                        sumGroup(count: count, records.baseAddress! + groupStart[count], pixels[count], source, image)
                    }
                }
                if let bias {
                    let b = bias[c]
                    for i in 0..<imagePlane { image[i] += b }
                }
            }
        }
    }

    /// image[q] = 0 + source[r₁] + … + source[r_count], left to right, for each record [q, r₁ … r_count].
    @inline(__always)
    static func sumGroup(count: Int, _ e: UnsafePointer<Int>, _ records: Int,
                         _ source: UnsafePointer<Float>, _ image: UnsafeMutablePointer<Float>) {
        switch count {
        case 0:
            for r in 0..<records { image[e[r]] = 0 }
        case 1:
            for r in 0..<records { let p = e + 2 * r; image[p[0]] = 0 + source[p[1]] }
        case 2:
            for r in 0..<records { let p = e + 3 * r; image[p[0]] = 0 + source[p[1]] + source[p[2]] }
        case 4:
            for r in 0..<records {
                let p = e + 5 * r
                image[p[0]] = 0 + source[p[1]] + source[p[2]] + source[p[3]] + source[p[4]]
            }
        default:
            for r in 0..<records {
                let p = e + (count + 1) * r
                var sum: Float = 0
                for j in 0..<count { sum += source[p[1 + j]] }
                image[p[0]] = sum
            }
        }
    }
}
