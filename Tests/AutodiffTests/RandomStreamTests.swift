import XCTest
import Foundation
import Autodiff
import Kernels

final class RandomStreamTests: XCTestCase {
    /// Known-answer vectors of Philox-4×32-10 published with the Random123 library.
    func testPhiloxMatchesThePublishedKnownAnswers() {
        let zero = Philox4x32(key: 0, counterHigh: 0).block(0)
        XCTAssertEqual(zero, SIMD4(0x6627_e8d5, 0xe169_c58d, 0xbc57_ac4c, 0x9b00_dbd8))
        let ones = Philox4x32(key: .max, counterHigh: .max).block(.max)
        XCTAssertEqual(ones, SIMD4(0x408f_276d, 0x41c8_3b0e, 0xa20b_c7c6, 0x6d54_51fd))
        let pi = Philox4x32(key: 0x299f_31d0_a409_3822, counterHigh: 0x0370_7344_1319_8a2e).block(0x85a3_08d3_243f_6a88)
        XCTAssertEqual(pi, SIMD4(0xd16c_fe09, 0x94fd_cceb, 0x5001_e420, 0x2412_6ea1))
    }

    /// The first draws of a named stream are pinned: a change here breaks every recorded transcript.
    /// The sixteen-lane (AVX-512) and eight-lane generators give every block's words as `block` does,
    /// across the carry from the low to the high counter word and with a scalar remainder; a stream's
    /// words do not depend on how they are requested (one at a time, or in runs that start inside a block).
    func testVectorBlocksEqualSingleBlocks() {
        let generator = Philox4x32(key: 0x299f_31d0_a409_3822, counterHigh: 77)
        let first: UInt64 = (1 << 32) - 21
        let saved = GEMM.usesWideVectors
        defer { GEMM.usesWideVectors = saved }
        // 61 blocks: three groups of 16 where AVX-512 is available, then one of 8, then 5 one at a time.
        for wide in saved ? [true, false] : [false] {
            GEMM.usesWideVectors = wide
            var words = [UInt32](repeating: 0, count: 4 * 61)
            generator.fill(blocks: 61, from: first, into: &words)
            for block in 0..<61 {
                let expected = generator.block(first + UInt64(block))
                XCTAssertEqual(Array(words[(4 * block)..<(4 * block + 4)]), [expected[0], expected[1], expected[2], expected[3]],
                               "block \(block), AVX-512 \(wide)")
            }
        }
        let (single, runs) = (RandomStream(seed: 4, name: "w"), RandomStream(seed: 4, name: "w"))
        let one = (0..<203).map { _ in single.nextWord() }
        var batched: [UInt32] = []
        for size in [3, 1, 64, 35, 100] {
            var run = [UInt32](repeating: 0, count: size)
            runs.fill(words: &run, count: size)
            batched += run
        }
        XCTAssertEqual(one, batched)
    }

    func testStreamsAreReproducibleAndPinned() {
        let a = RandomStream(seed: 42, name: "noise"), b = RandomStream(seed: 42, name: "noise")
        let first = (0..<6).map { _ in a.nextWord() }
        XCTAssertEqual(first, (0..<6).map { _ in b.nextWord() })
        XCTAssertEqual(first, [0x03cf_1b48, 0x0963_98f3, 0x8007_50bc, 0xceff_64a2, 0x4309_da98, 0xd105_2173])
        let again = RandomStream(seed: 42, name: "noise")
        let normals = Tensor.randomNormal([4], using: again).scalars
        XCTAssertEqual(again.position, 4)
        XCTAssertEqual(normals.map(\.bitPattern), [0x4034_c109, 0x3f29_a055, 0x3ed8_e39f, 0xbf8c_9727])
        XCTAssertEqual(Tensor.randomNormal([4], using: RandomStream(seed: 42, name: "noise")).scalars.map(\.bitPattern),
                       normals.map(\.bitPattern))
    }

    func testStreamsAreIndependentByName() {
        let streams = RandomStreams(seed: 7)
        _ = Tensor.randomNormal([1000], using: streams.stream("data"))
        let noiseAfterData = Tensor.randomNormal([50], using: streams.stream("noise"))
        let alone = Tensor.randomNormal([50], using: RandomStreams(seed: 7).stream("noise"))
        XCTAssertTrue(noiseAfterData.isBitwiseEqual(to: alone), "drawing from 'data' changed 'noise'")
        let other = Tensor.randomNormal([50], using: RandomStreams(seed: 7).stream("init"))
        XCTAssertFalse(other.isBitwiseEqual(to: alone))
        let otherSeed = Tensor.randomNormal([50], using: RandomStreams(seed: 8).stream("noise"))
        XCTAssertFalse(otherSeed.isBitwiseEqual(to: alone))
        XCTAssertEqual(streams.positions.map(\.name), ["data", "noise"])
        XCTAssertEqual(streams.positions.map(\.position), [1000, 50])
    }

    func testPositionsCanBeSavedAndRestored() {
        let stream = RandomStream(seed: 3, name: "data")
        _ = (0..<13).map { _ in stream.nextWord() }
        let twin = stream.copy()
        let restored = RandomStream(seed: 3, name: "data")
        restored.position = 13
        let next = (0..<9).map { _ in stream.nextWord() }
        XCTAssertEqual(next, (0..<9).map { _ in twin.nextWord() })
        XCTAssertEqual(next, (0..<9).map { _ in restored.nextWord() })
    }

    /// Kolmogorov–Smirnov statistic of sorted samples against a CDF.
    func ksStatistic(_ samples: [Float], cdf: (Double) -> Double) -> Double {
        let sorted = samples.map(Double.init).sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, abs(f - Double(i) / n), abs(Double(i + 1) / n - f))
        }
        return d
    }

    /// Box–Muller on whole runs of eight pairs (words split and converted on vector lanes) gives each pair
    /// the bits it gets alone, for even and odd counts.
    func testNormalRunsEqualPairsTransformedAlone() {
        let stream = RandomStream(seed: 11, name: "normal")
        var words = [UInt32](repeating: 0, count: 80)
        stream.fill(words: &words, count: 80)
        words[3] = 0; words[4] = .max; words[6] = 0xFF  // u₁ at its smallest and u₂ at both ends
        for count in [1, 2, 15, 16, 17, 31, 47, 64, 71, 80] {
            var bulk = [Float](repeating: .nan, count: count)
            RandomTransforms.standardNormal(words, into: &bulk, count: count)
            for pair in 0..<((count + 1) / 2) {
                var alone = [Float](repeating: .nan, count: 2)
                words.withUnsafeBufferPointer { RandomTransforms.standardNormal($0.baseAddress! + 2 * pair, into: &alone, count: 2) }
                XCTAssertEqual(bulk[2 * pair].bitPattern, alone[0].bitPattern, "count \(count), value \(2 * pair)")
                if 2 * pair + 1 < count {
                    XCTAssertEqual(bulk[2 * pair + 1].bitPattern, alone[1].bitPattern, "count \(count), value \(2 * pair + 1)")
                }
            }
        }
    }

    func testNormalDrawsHaveTheRightMomentsAndDistribution() {
        let n = 100_000
        let z = Tensor.randomNormal([n], using: RandomStream(seed: 1, name: "moments")).scalars.map(Double.init)
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)
        let skew = z.map { pow($0 - mean, 3) }.reduce(0, +) / Double(n) / pow(variance, 1.5)
        let kurtosis = z.map { pow($0 - mean, 4) }.reduce(0, +) / Double(n) / (variance * variance)
        // Bounds are ~4 standard errors: mean 1/√n, variance √(2/n), skew √(6/n), kurtosis √(24/n).
        XCTAssertEqual(mean, 0, accuracy: 4 / sqrt(Double(n)))
        XCTAssertEqual(variance, 1, accuracy: 4 * sqrt(2 / Double(n)))
        XCTAssertEqual(skew, 0, accuracy: 4 * sqrt(6 / Double(n)))
        XCTAssertEqual(kurtosis, 3, accuracy: 4 * sqrt(24 / Double(n)))
        // KS at the 1 % level: D < 1.63/√n.
        let d = ksStatistic(z.map(Float.init)) { 0.5 * erfc(-$0 / 2.0.squareRoot()) }
        XCTAssertLessThan(d, 1.63 / sqrt(Double(n)))
        XCTAssertLessThanOrEqual(z.map(abs).max()!, 5.78, "Box–Muller with 24-bit uniforms cannot exceed √(48 ln 2)")
        let shifted = Tensor.randomNormal([n], mean: 3, standardDeviation: 0.5, using: RandomStream(seed: 1, name: "m2"))
        XCTAssertEqual(Double(shifted.mean().scalar!), 3, accuracy: 4 * 0.5 / sqrt(Double(n)))
    }

    func testUniformDrawsHaveTheRightMomentsAndDistribution() {
        let n = 100_000
        let u = Tensor.randomUniform([n], using: RandomStream(seed: 2, name: "uniform")).scalars
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
        let mean = u.map(Double.init).reduce(0, +) / Double(n)
        XCTAssertEqual(mean, 0.5, accuracy: 4 * sqrt(1.0 / 12 / Double(n)))
        XCTAssertLessThan(ksStatistic(u) { min(max($0, 0), 1) }, 1.63 / sqrt(Double(n)))
        let wide = Tensor.randomUniform([1000], lower: -3, upper: 5, using: RandomStream(seed: 2, name: "w")).scalars
        XCTAssertTrue(wide.allSatisfy { $0 >= -3 && $0 < 5 })
    }

    func testIntegersAreUnbiasedAndPermutationsArePermutations() {
        let stream = RandomStream(seed: 5, name: "ints")
        var counts = [Int](repeating: 0, count: 10)
        for _ in 0..<100_000 { counts[stream.nextInt(below: 10)] += 1 }
        let chiSquare = counts.map { Double(($0 - 10_000) * ($0 - 10_000)) / 10_000 }.reduce(0, +)
        XCTAssertLessThan(chiSquare, 27.88, "χ² with 9 degrees of freedom above its 0.1 % critical value")
        XCTAssertEqual(stream.nextInt(below: 1), 0)
        let permutation = RandomStream(seed: 5, name: "perm").permutation(100)
        XCTAssertEqual(permutation.sorted(), Array(0..<100))
        XCTAssertNotEqual(permutation, Array(0..<100))
        XCTAssertEqual(permutation, RandomStream(seed: 5, name: "perm").permutation(100))
    }
}
