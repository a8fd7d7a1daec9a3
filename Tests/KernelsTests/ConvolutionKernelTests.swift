@testable import Kernels
import XCTest

/// Unfolding and folding against their definitions, walked the plain way, in every bit: the table-driven
/// walks must copy the same values and add each input pixel's entries in the same order ((kh, kw), starting
/// from 0), so that the convolutions keep their bits whatever way the walk is organised.
final class ConvolutionKernelTests: XCTestCase {
    /// Strides 1–3, paddings 0–2, odd and square sizes, kernels smaller and larger than the stride, and
    /// dcgan-small's two geometries at batch 2.
    static let geometries: [ConvolutionGeometry] = [
        (2, 3, 7, 5, 4, 3, 2, 1, 1), (1, 2, 9, 9, 3, 5, 5, 2, 2), (3, 1, 8, 11, 2, 4, 3, 3, 0),
        (2, 2, 6, 6, 2, 1, 1, 2, 0), (1, 1, 5, 4, 1, 3, 3, 1, 2), (2, 1, 28, 28, 64, 4, 4, 2, 1),
        (2, 64, 14, 14, 128, 4, 4, 2, 1),
    ].map { n, c, h, w, o, kh, kw, s, p in
        ConvolutionGeometry(batch: n, inChannels: c, height: h, width: w, outChannels: o,
                            kernelHeight: kh, kernelWidth: kw, stride: s, padding: p)
    }

    /// Values that include −0, so that a sum which started from a first entry instead of from 0 would keep
    /// a −0 the definition turns into +0.
    static func values(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let draw = Int(state >> 40) % 2001 - 1000
            return draw % 7 == 0 ? -0.0 : Float(draw) / 997
        }
    }

    /// The input pixel (row, column) window (kh, kw) at output (oh, ow) reads, or nil in the padding.
    static func source(_ g: ConvolutionGeometry, _ kh: Int, _ kw: Int, _ oh: Int, _ ow: Int) -> (Int, Int)? {
        let (ih, iw) = (oh * g.stride - g.padding + kh, ow * g.stride - g.padding + kw)
        return ih >= 0 && ih < g.height && iw >= 0 && iw < g.width ? (ih, iw) : nil
    }

    func testUnfoldCopiesEveryWindowAsDefined() {
        for g in Self.geometries {
            let x = Self.values(g.batch * g.inputImage, seed: 1)
            var got = [Float](repeating: .nan, count: g.patchLength * g.positions)
            x.withUnsafeBufferPointer { x in
                got.withUnsafeMutableBufferPointer { Convolution.unfold(g, x.baseAddress!, into: $0.baseAddress!) }
            }
            var mismatches = 0
            for c in 0..<g.inChannels {
                for kh in 0..<g.kernelHeight {
                    for kw in 0..<g.kernelWidth {
                        let row = (c * g.kernelHeight + kh) * g.kernelWidth + kw
                        for n in 0..<g.batch {
                            for oh in 0..<g.outHeight {
                                for ow in 0..<g.outWidth {
                                    let want = Self.source(g, kh, kw, oh, ow).map { ih, iw in
                                        x[((n * g.inChannels + c) * g.height + ih) * g.width + iw]
                                    } ?? 0
                                    let value = got[row * g.positions + (n * g.outHeight + oh) * g.outWidth + ow]
                                    if value.bitPattern != want.bitPattern { mismatches += 1 }
                                }
                            }
                        }
                    }
                }
            }
            XCTAssertEqual(mismatches, 0, "unfold of \(g)")
        }
    }

    func testFoldAddsEachPixelsEntriesInKernelOrderFromZero() {
        for g in Self.geometries {
            let columns = Self.values(g.patchLength * g.positions, seed: 2)
            let bias = Self.values(g.inChannels, seed: 3)
            for withBias in [false, true] {
                var got = [Float](repeating: .nan, count: g.batch * g.inputImage)
                columns.withUnsafeBufferPointer { columns in
                    bias.withUnsafeBufferPointer { bias in
                        got.withUnsafeMutableBufferPointer {
                            Convolution.fold(g, columns.baseAddress!, bias: withBias ? bias.baseAddress! : nil,
                                             into: $0.baseAddress!)
                        }
                    }
                }
                var want = [Float](repeating: 0, count: got.count)
                for n in 0..<g.batch {
                    for c in 0..<g.inChannels {
                        for ih in 0..<g.height {
                            for iw in 0..<g.width {
                                var sum: Float = 0
                                for kh in 0..<g.kernelHeight {
                                    for kw in 0..<g.kernelWidth {
                                        let (oh, ow) = (ih + g.padding - kh, iw + g.padding - kw)
                                        guard oh >= 0, ow >= 0, oh % g.stride == 0, ow % g.stride == 0,
                                              oh / g.stride < g.outHeight, ow / g.stride < g.outWidth else { continue }
                                        let row = (c * g.kernelHeight + kh) * g.kernelWidth + kw
                                        sum += columns[row * g.positions + (n * g.outHeight + oh / g.stride) * g.outWidth
                                                       + ow / g.stride]
                                    }
                                }
                                want[((n * g.inChannels + c) * g.height + ih) * g.width + iw] = withBias ? sum + bias[c] : sum
                            }
                        }
                    }
                }
                let mismatches = zip(got, want).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(mismatches, 0, "fold of \(g), bias \(withBias)")
            }
        }
    }

    /// A batch's chunks depend on its geometry alone: the same on any thread count, covering the batch in
    /// order, sizes within one image of each other, an even number when there are several (so that two
    /// threads taking whole chunks get equal shares).
    func testChunksDependOnTheGeometryAloneAndBalanceTwoThreads() {
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        for (batch, channels, size) in [(64, 64, 14), (7, 33, 15), (9, 80, 15), (1, 64, 14), (3, 512, 28), (64, 1, 28)] {
            let g = ConvolutionGeometry(batch: batch, inChannels: channels, height: size, width: size, outChannels: 8,
                                        kernelHeight: 4, kernelWidth: 4, stride: 2, padding: 1)
            ComputeThreads.count = 1
            let reference = Convolution.chunks(g)
            XCTAssertEqual(reference.map(\.first), reference.indices.map { i in reference[..<i].reduce(0) { $0 + $1.images } })
            XCTAssertEqual(reference.reduce(0) { $0 + $1.images }, batch, "\(g)")
            let sizes = reference.map(\.images)
            XCTAssertLessThanOrEqual(sizes.max()! - sizes.min()!, 1, "\(g)")
            XCTAssertLessThanOrEqual(sizes.max()! * g.patchLength * g.outPlane, max(Convolution.chunkValues, g.patchLength * g.outPlane))
            if reference.count > 1 && reference.count < batch { XCTAssertEqual(reference.count % 2, 0, "\(g)") }
            for threads in [2, 3] {
                ComputeThreads.count = threads
                let chunks = Convolution.chunks(g)
                XCTAssertEqual(chunks.map(\.first), reference.map(\.first), "\(g), \(threads) threads")
                XCTAssertEqual(chunks.map(\.images), reference.map(\.images), "\(g), \(threads) threads")
            }
        }
    }
}
