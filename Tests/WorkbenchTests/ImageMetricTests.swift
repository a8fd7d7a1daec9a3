import XCTest
import Foundation
import Autodiff
import Kernels
import NeuralNet
import _GantryTestSupport
@testable import Workbench

/// The feature-space metrics against independent computations (SciPy's sqrtm, a direct NumPy KID and
/// score), on inputs whose answers are known, and the classifier they read.
final class ImageMetricTests: XCTestCase {
    var folder = ""
    override func setUpWithError() throws { folder = try ScratchFolder.make("image-metrics") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    /// `count` rows of `dimension` standard normals times `scale`, plus `shift`, from a named stream.
    func normals(_ count: Int, _ dimension: Int, seed: UInt64, scale: Double = 1, shift: Double = 0) -> SampleMatrix {
        let z = Tensor.randomNormal([count, dimension], using: RandomStream(seed: seed, name: "test.features")).scalars
        return SampleMatrix(count: count, dimension: dimension, values: z.map { Double($0) * scale + shift })
    }

    /// Rows of `x` mixed by a fixed lower-triangular matrix, so the covariance is not diagonal.
    func correlated(_ x: SampleMatrix) -> SampleMatrix {
        var values = [Double](repeating: 0, count: x.values.count)
        for r in 0..<x.count {
            for i in 0..<x.dimension {
                var s = 0.5 * Double(i)
                for j in 0...i { s += x[r, j] * (i == j ? 1.5 : 0.3 / Double(1 + i - j)) }
                values[r * x.dimension + i] = s
            }
        }
        return SampleMatrix(count: x.count, dimension: x.dimension, values: values)
    }

    /// Runs `script` with a JSON file of `inputs` as its argument; the JSON object it prints.
    func python(_ script: String, _ inputs: [String: Any]) throws -> [String: Any] {
        let path = (folder as NSString).appendingPathComponent("inputs.json")
        try JSONSerialization.data(withJSONObject: inputs).write(to: URL(fileURLWithPath: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // NumPy and SciPy are required by the suite (scripts/setup installs them): missing, this fails.
        XCTAssertEqual(process.terminationStatus, 0, String(decoding: message, as: UTF8.self))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: output) as? [String: Any])
    }

    func rows(_ x: SampleMatrix) -> [[Double]] { (0..<x.count).map { x.row($0) } }

    func testFrechetDistanceKernelDistanceScoreAndEigenvaluesMatchSciPyAndNumPy() throws {
        let a = correlated(normals(400, 6, seed: 1)), b = correlated(normals(350, 6, seed: 2, scale: 0.8, shift: 0.3))
        let m = 300
        let ka = a.rows(Array(0..<m)), kb = b.rows(Array(0..<m))
        // Class probabilities: softmax of normal logits, 200 rows of 5 classes.
        let logits = normals(200, 5, seed: 3, scale: 2)
        var p = [Double]()
        for r in 0..<logits.count {
            let e = logits.row(r).map { Foundation.exp($0) }
            p += e.map { $0 / e.reduce(0, +) }
        }
        let probabilities = SampleMatrix(count: 200, dimension: 5, values: p)
        var entries: [[Double]] = []
        for i in 0..<12 {
            var row: [Double] = []
            for j in 0..<12 {
                let value = Double((i * 7 + j * 7) % 11) - 5
                row.append(i == j ? value + 3 : value)
            }
            entries.append(row)
        }
        let symmetric = SampleMatrix(rows: entries)
        let script = """
            import sys, json, numpy as np, scipy.linalg
            d = json.load(open(sys.argv[1]))
            a, b = np.array(d["a"]), np.array(d["b"])
            s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
            root = scipy.linalg.sqrtm(s1 @ s2).real
            fd = ((a.mean(0) - b.mean(0)) ** 2).sum() + np.trace(s1) + np.trace(s2) - 2 * np.trace(root)
            x, y = np.array(d["ka"]), np.array(d["kb"])
            k = lambda u, v: (u @ v.T / u.shape[1] + 1) ** 3
            m = x.shape[0]
            kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
            kid = (kxx.sum() - np.trace(kxx) + kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.sum() / m ** 2
            p = np.array(d["p"]); parts = []
            for s in range(4):
                q = p[s * 50:(s + 1) * 50]
                parts.append(np.exp(np.mean(np.sum(q * (np.log(q) - np.log(q.mean(0, keepdims=True))), 1))))
            eig = sorted(np.linalg.eigvalsh(np.array(d["sym"])))
            print(json.dumps({"fd": fd, "kid": kid, "score": float(np.mean(parts)), "score_std": float(np.std(parts)), "eig": eig}))
            """
        let reference = try python(script, ["a": rows(a), "b": rows(b), "ka": rows(ka), "kb": rows(kb), "p": rows(probabilities),
                                            "sym": rows(symmetric)])
        let fd = FrechetDistanceMetric.distance(a, b), expectedFD = try XCTUnwrap(reference["fd"] as? Double)
        XCTAssertEqual(fd, expectedFD, accuracy: 1e-12 * expectedFD, "fd \(fd) against SciPy's \(expectedFD)")
        let kid = KernelDistanceMetric.unbiasedMMD2(ka, kb), expectedKID = try XCTUnwrap(reference["kid"] as? Double)
        XCTAssertEqual(kid, expectedKID, accuracy: 1e-12 * abs(expectedKID))
        let score = ClassifierScoreMetric.score(probabilities, splits: 4)
        XCTAssertEqual(score.mean, try XCTUnwrap(reference["score"] as? Double), accuracy: 1e-12)
        XCTAssertEqual(score.standardDeviation, try XCTUnwrap(reference["score_std"] as? Double), accuracy: 1e-12)
        var values = [Double](repeating: 0, count: 12), vectors = [Double](repeating: 0, count: 144)
        let sweeps = symmetric.values.withUnsafeBufferPointer { s in
            values.withUnsafeMutableBufferPointer { v in
                vectors.withUnsafeMutableBufferPointer { e in
                    FeatureStatistics.symmetricEigen(s.baseAddress!, dimension: 12, values: v.baseAddress!, vectors: e.baseAddress!)
                }
            }
        }
        XCTAssertLessThanOrEqual(sweeps, 10)
        let expected = try XCTUnwrap(reference["eig"] as? [Double])
        for (ours, theirs) in zip(values.sorted(), expected) { XCTAssertEqual(ours, theirs, accuracy: 1e-13 * 24) }
        // The eigenvectors are orthonormal and diagonalise the matrix: A v = λ v for every column.
        for c in 0..<12 {
            for i in 0..<12 {
                let av = (0..<12).reduce(0.0) { $0 + symmetric[i, $1] * vectors[$1 * 12 + c] }
                XCTAssertEqual(av, values[c] * vectors[i * 12 + c], accuracy: 1e-11)
            }
        }
    }

    func testKnownAnswersAndControls() throws {
        let a = correlated(normals(500, 5, seed: 4))
        // Identical sets: 0, up to rounding. A pure shift by δ keeps the covariance: exactly ‖δ‖².
        let trace = (0..<5).reduce(0.0) { $0 + a.column($1).variance }
        XCTAssertEqual(FrechetDistanceMetric.distance(a, a), 0, accuracy: 1e-10 * trace)
        let shifted = SampleMatrix(count: a.count, dimension: 5, values: a.values.enumerated().map { $0.element + ($0.offset % 5 == 0 ? 0.5 : 0) })
        XCTAssertEqual(FrechetDistanceMetric.distance(a, shifted), 0.25, accuracy: 1e-9)
        // Two independent sets of one distribution: KID within three standard errors of 0; the control (a
        // shifted set) far outside.
        let b = correlated(normals(500, 5, seed: 5)), c = correlated(normals(500, 5, seed: 6, shift: 0.3))
        let stream = RandomStream(seed: 1, name: "test.kid")
        let same = KernelDistanceMetric.estimate(a, b, subsets: 20, subsetSize: 200, using: stream)
        let other = KernelDistanceMetric.estimate(a, c, subsets: 20, subsetSize: 200, using: stream)
        XCTAssertLessThan(abs(same.mean), 3 * max(same.standardDeviation, 1e-3), "\(same)")
        XCTAssertGreaterThan(other.mean, 10 * max(same.standardDeviation, 1e-3), "\(other) against \(same)")
        // Classifier score: confident and even over K classes gives K; one class gives 1.
        let even = SampleMatrix(rows: (0..<40).map { r in (0..<4).map { $0 == r % 4 ? 1.0 : 0 } })
        XCTAssertEqual(ClassifierScoreMetric.score(even, splits: 2).mean, 4, accuracy: 1e-12)
        let single = SampleMatrix(rows: (0..<40).map { _ in [0, 1.0, 0, 0] })
        XCTAssertEqual(ClassifierScoreMetric.score(single, splits: 2).mean, 1, accuracy: 1e-12)
    }

    /// Ten blobs classes of 4×4 images, stacked three at a time (three images as the three channels).
    func stacked(_ data: ImageBlobs, _ count: Int, seed: UInt64, classes: [Int]? = nil) throws -> Tensor {
        let stream = RandomStream(seed: seed, name: "test.stacked")
        guard let classes else {
            // Channel after channel of each row: 3·count single images, read as count rows of 3·16.
            return try Tensor(data.sample(3 * count, using: stream).scalars, shape: [count, 48])
        }
        let noise = Tensor.randomNormal([count, 48], standardDeviation: data.mixture.sigma, using: stream).scalars
        var values = [Float](repeating: 0, count: count * 48)
        for r in 0..<count {
            for b in 0..<3 {
                let centre = data.mixture.centres[classes[(r * 3 + b) % classes.count]]
                for j in 0..<16 { values[r * 48 + b * 16 + j] = centre[j] + noise[r * 48 + b * 16 + j] }
            }
        }
        return try Tensor(values, shape: [count, 48])
    }

    func testStackedModeCountingFindsEveryModeOfRealDataAndOneOfACollapsedGenerator() throws {
        let data = try ImageBlobs.make([("classes", "10"), ("sigma", "0.2")])
        // The data set's own posterior is a classifier like any other (the metric sees only the protocol).
        let classifier = SampleSpaceFeatures(inputWidth: 16, modes: data.modes)
        let n = 26_000
        let real = try StackedModesMetric.count(try stacked(data, n, seed: 1), classifier, role: "generated", metric: "t")
        XCTAssertEqual(real.total, 1000)
        // 26 000 draws over 1000 equally likely modes miss one with probability about 1000·e^(−26); KL of the
        // empirical histogram to uniform is about (1000 − 1)/(2·26 000) ≈ 0.019.
        XCTAssertEqual(real.modes, 1000)
        XCTAssertEqual(real.kl, 0.019, accuracy: 0.006)
        let collapsed = try StackedModesMetric.count(try stacked(data, n, seed: 2, classes: [7, 2, 5]), classifier,
                                                     role: "generated", metric: "t")
        XCTAssertEqual(collapsed.modes, 1)
        XCTAssertEqual(collapsed.kl, Foundation.log(1000), accuracy: 1e-12)
        // Control: half the classes per channel reach at most 5³ modes.
        let half = try StackedModesMetric.count(try stacked(data, 2000, seed: 3, classes: [0, 1, 2, 3, 4, 1, 3, 0]), classifier,
                                                role: "generated", metric: "t")
        XCTAssertLessThanOrEqual(half.modes, 125)
        // Through the plugin, without a classifier: the mixture's posterior classifies each 16-value block,
        // and the floor is counted on the real samples.
        let metric = try StackedModesMetric(ParameterValues(StackedModesMetric.spec, values: [("n", .integer(300))]))
        let input = MetricInput(real: try stacked(data, 300, seed: 4), generated: try stacked(data, 300, seed: 5, classes: [1]),
                                modes: data.modes, stream: RandomStream(seed: 1, name: "m"))
        let report = try metric.measure(input)
        XCTAssertEqual(report.value("modes"), 1)
        XCTAssertEqual(report.value("modes_total"), 1000)
        XCTAssertEqual(try XCTUnwrap(report.value("kl")), Foundation.log(1000), accuracy: 1e-12)
        // 300 draws over 1000 modes find about 1000·(1 − e^(−0.3)) ≈ 259 of them.
        XCTAssertEqual(try XCTUnwrap(report.value("modes_floor")), 259, accuracy: 25)
        let ring = MetricInput(real: try stacked(data, 300, seed: 4), generated: try Tensor([Float](repeating: 0, count: 300 * 48), shape: [300, 48]),
                               modes: ModeLayout(centres: [[0, 0, 0, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1]], standardDeviation: 1),
                               stream: RandomStream(seed: 1, name: "m"))
        XCTAssertThrowsError(try metric.measure(ring)) { error in
            XCTAssertEqual("\(error)", "the data set's mixture components have 7 values, but the samples have 48: give classifier=FILE")
        }
    }

    func testEveryFeatureMetricReportsItsFloorFromASecondRealSet() throws {
        let data = try ImageBlobs.make([("sigma", "0.3")])
        let drawn = RandomStream(seed: 9, name: "test.second")
        func input(generated: Tensor) -> MetricInput {
            MetricInput(real: data.sample(200, using: RandomStream(seed: 1, name: "r")), generated: generated, modes: data.modes,
                        stream: RandomStream(seed: 2, name: "s"), drawReal: { data.sample($0, using: drawn) })
        }
        let good = data.sample(200, using: RandomStream(seed: 3, name: "g"))
        // The control: a collapsed generator, every sample one real sample moved off the data.
        let bad = try Tensor((0..<200).flatMap { _ in good.scalars[0..<16].map { $0 + 1 } }, shape: [200, 16])
        for type in [FrechetDistanceMetric.self, KernelDistanceMetric.self, FeaturePrecisionRecallMetric.self,
                     FeatureDensityCoverageMetric.self, ClassifierScoreMetric.self, StackedModesMetric.self] as [any Metric.Type] {
            let metric = try type.init(ParameterValues(type.spec, values: []))
            let report = try metric.measure(input(generated: good)), control = try metric.measure(input(generated: bad))
            let first = report.values[0].name
            let floor = try XCTUnwrap(report.values.first { $0.name == first + "_floor" }?.value, "\(type.spec.name) has no floor")
            // Samples of the data itself score like the floor; the collapsed control does not.
            let value = report.values[0].value, controlValue = control.values[0].value
            XCTAssertLessThan(abs(value - floor), abs(controlValue - floor) / 3, "\(type.spec.name): \(report.values) vs \(control.values)")
        }
        let missing = MetricInput(real: good, generated: good, modes: data.modes, stream: drawn)
        XCTAssertThrowsError(try FrechetDistanceMetric(ParameterValues(FrechetDistanceMetric.spec, values: [])).measure(missing))
    }

    /// Many rows go through the classifier a block at a time (so 78 000 channel images take megabytes, not
    /// gigabytes); the blocks must change no bit and lose or repeat no row. The pieces below (7, then 1000
    /// at a time from row 7) never line up with the blocks, which start at rows 0, 1000, 2000.
    func testClassifierOutputsOfManyRowsEqualThoseOfTheRowsInPieces() throws {
        let architecture = ImageClassifier.Architecture(imageShape: ImageShape(channels: 1, height: 4, width: 4),
                                                        channels: [2], hidden: [3], classCount: 3)
        let classifier = ImageClassifier(architecture: architecture,
                                         network: try architecture.network(using: RandomStream(seed: 2, name: "classifier.weights")),
                                         classNames: ["a", "b", "c"], trainedOn: "", testAccuracy: 0)
        let n = 2345
        let rows = Tensor.randomNormal([n, 16], using: RandomStream(seed: 4, name: "test.rows"))
        XCTAssertGreaterThan(n, 2 * ImageClassifier.rowsPerBlock)
        let starts = [0] + Array(stride(from: 7, to: n, by: 1000))
        func pieces(_ f: (Tensor) throws -> Tensor) throws -> Tensor {
            try Tensor.concatenate(zip(starts, starts.dropFirst() + [n]).map { try f(try rows.slice(axis: 0, $0..<$1)) }, axis: 0)
        }
        let features = try classifier.features(rows)
        XCTAssertEqual(features.shape, [n, 3])
        XCTAssertTrue(features.isBitwiseEqual(to: try pieces(classifier.features)))
        XCTAssertTrue(try classifier.logits(rows).isBitwiseEqual(to: try pieces(classifier.logits)))
    }

    func testClassifierLearnsBlobsAndItsFileRoundTripsAndIsPinnedByItsHash() throws {
        let data = try ImageBlobs.make([("train", "300"), ("test", "200")])
        XCTAssertEqual(data.imageShape, ImageShape(channels: 1, height: 4, width: 4))
        let train = try XCTUnwrap(try data.examples(.train)), test = try XCTUnwrap(try data.examples(.test))
        XCTAssertTrue(train.rows.isBitwiseEqual(to: try XCTUnwrap(try data.examples(.train)).rows), "a split is the same on every call")
        XCTAssertFalse(train.rows.isBitwiseEqual(to: test.rows))
        XCTAssertEqual(Set(train.labels), [0, 1, 2])
        let plan = ClassifierTraining(epochs: 30, hidden: [32, 16], seed: 5)
        let result = try plan.run(on: data)
        // The accuracy floor, and its control: the same network before training is near chance.
        XCTAssertGreaterThanOrEqual(result.testAccuracy, 0.95)
        let untrained = ImageClassifier(architecture: result.classifier.architecture,
                                        network: try result.classifier.architecture.network(using: RandomStream(seed: 5, name: "classifier.weights")),
                                        classNames: try XCTUnwrap(data.classNames), trainedOn: "", testAccuracy: 0)
        XCTAssertLessThan(try untrained.accuracy(test), 0.8)
        let path = (folder as NSString).appendingPathComponent("c.safetensors")
        try result.classifier.write(to: path)
        let read = try ImageClassifier.read(path: path)
        XCTAssertEqual(read.sha256, SHA256.hex(try PointFile.readBytes(path: path)))
        XCTAssertEqual(read.architecture, result.classifier.architecture)
        XCTAssertEqual(read.trainedOn, "blobs classes=3 side=4 sigma=0.5 train=300 test=200")
        XCTAssertEqual(read.testAccuracy, result.testAccuracy)
        XCTAssertEqual(read.classNames, ["0", "1", "2"])
        let named = ImageClassifier(architecture: read.architecture, network: read.network, classNames: ["T-shirt/top", "a, b", "\"c\""],
                                    trainedOn: "x", testAccuracy: 0.5)
        let namedPath = (folder as NSString).appendingPathComponent("named.safetensors")
        try named.write(to: namedPath)
        XCTAssertEqual(try ImageClassifier.read(path: namedPath).classNames, ["T-shirt/top", "a, b", "\"c\""])
        XCTAssertTrue(try read.features(test.rows).isBitwiseEqual(to: result.classifier.features(test.rows)))
        XCTAssertEqual(try read.features(test.rows).shape, [200, 16])
        XCTAssertTrue(try read.classProbabilities(test.rows).isBitwiseEqual(to: result.classifier.classProbabilities(test.rows)))
        // Training again from the same seed writes the same bytes.
        let again = (folder as NSString).appendingPathComponent("again.safetensors")
        try plan.run(on: data).classifier.write(to: again)
        XCTAssertEqual(try PointFile.readBytes(path: again), try PointFile.readBytes(path: path))

        // A metric records the hash; stated, a changed file is refused.
        let made = try FrechetDistanceMetric(ParameterValues(FrechetDistanceMetric.spec, assignments: [("classifier", path)]))
        XCTAssertEqual(made.parameters.assignments(explicitOnly: true), ["classifier=\(ParameterValue.text(path))", "sha256=\(read.sha256)"])
        XCTAssertNoThrow(try FrechetDistanceMetric(made.parameters))
        try ClassifierTraining(epochs: 1, hidden: [32, 16], seed: 6).run(on: data).classifier.write(to: path)
        XCTAssertThrowsError(try FrechetDistanceMetric(made.parameters)) { error in
            XCTAssertTrue("\(error)".contains("has changed: its sha256 is"), "\(error)")
        }
        // A file that is not a classifier is refused with the reason.
        var other = SafeTensorsFile()
        other.append("x", Tensor([1, 2]))
        try other.write(to: again)
        XCTAssertThrowsError(try ImageClassifier.read(path: again)) { error in
            XCTAssertTrue("\(error)".contains("is not a classifier file"), "\(error)")
        }
    }
}

private extension Array where Element == Double {
    var variance: Double {
        let mean = reduce(0, +) / Double(count)
        return reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(count - 1)
    }
}
