import XCTest
import Foundation
import Autodiff
import NeuralNet
import _GantryTestSupport
@testable import Workbench

/// Every labelled data set answers the same two requirements (`classNames`, `examples(split)`), and the
/// classifier and `stacked` read labels through them alone.
final class LabelledDataTests: XCTestCase {
    var folder = ""
    override func setUpWithError() throws { folder = try ScratchFolder.make("labelled-data") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    /// `blobs` answers the optional `classNames` (it used to answer nil there, so `stacked` refused it), draws
    /// labelled batches exactly as plain ones, and stacks into K³ modes.
    func testStackedOverBlobs() throws {
        let blobs = try ImageBlobs.make()
        XCTAssertEqual(blobs.classNames, ["0", "1", "2"])
        let (samples, labels) = try XCTUnwrap(blobs.labelledSample(50, using: RandomStream(seed: 4, name: "data")))
        XCTAssertTrue(samples.isBitwiseEqual(to: blobs.sample(50, using: RandomStream(seed: 4, name: "data"))))
        let centres = blobs.mixture.centres
        for (row, label) in labels.enumerated() {
            let distances = centres.map { c in zip(c, samples.scalars[(row * 16)..<((row + 1) * 16)]).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) }
            XCTAssertEqual(distances.firstIndex(of: distances.min()!), label, "row \(row) is nearest its own prototype")
        }
        let stacked = try StackedImages.make([("base", "blobs")])
        XCTAssertEqual(stacked.classNames?.count, 27)
        XCTAssertEqual(stacked.imageShape, ImageShape(channels: 3, height: 4, width: 4))
        let train = try XCTUnwrap(try stacked.examples(.train)), test = try XCTUnwrap(try stacked.examples(.test))
        XCTAssertEqual(train.rows.shape, [600, 48])
        XCTAssertEqual(test.labels.count, 300)
        XCTAssertTrue(train.rows.isBitwiseEqual(to: try XCTUnwrap(try stacked.examples(.train)).rows))
        XCTAssertGreaterThan(Set(train.labels).count, 20)
    }

    /// A single labelled file holds out every fifth image: the splits partition it.
    func testDigitsSplitHoldsOutEveryFifthImageAndTrainsAClassifier() throws {
        guard FileManager.default.fileExists(atPath: Digits.installedFile) else {
            return XCTFail("python3-sklearn is not installed: scripts/setup test installs it")
        }
        let data = try Digits.make()
        let train = try XCTUnwrap(try data.examples(.train)), test = try XCTUnwrap(try data.examples(.test))
        XCTAssertEqual(train.labels.count, 1438)
        XCTAssertEqual(test.labels.count, 359)
        XCTAssertEqual(Array(test.rows.scalars[0..<64]), Array(data.filePoints!.points.scalars[(4 * 64)..<(5 * 64)]))
        let result = try ClassifierTraining(epochs: 6, seed: 1).run(on: data)
        XCTAssertEqual(result.trainCount, 1438)
        XCTAssertEqual(result.testCount, 359)
        XCTAssertGreaterThan(result.testAccuracy, 0.8)
    }

    /// A folder of class sub-folders trains a classifier; a folder without them is refused with a reason.
    func testClassifierOnALabelledPNGFolder() throws {
        for (sub, value) in [("dark", 20), ("light", 230)] {
            try FileManager.default.createDirectory(atPath: folder + "/" + sub, withIntermediateDirectories: true)
            for index in 0..<10 {
                try ImageFixtures.write(ImageFixtures.greyPNG(width: 4, height: 4, value: UInt8(value + index)),
                                        to: "\(folder)/\(sub)/\(index).png")
            }
        }
        let data = try PNGFolder.make([("folder", folder)])
        XCTAssertEqual(try data.examples(.test)?.labels, [0, 0, 1, 1])
        let result = try ClassifierTraining(epochs: 20, batchSize: 4, seed: 2).run(on: data)
        XCTAssertEqual(result.classifier.classNames, ["dark", "light"])
        XCTAssertEqual(result.testAccuracy, 1)
        let flat = folder + "/flat"
        try FileManager.default.createDirectory(atPath: flat, withIntermediateDirectories: true)
        try ImageFixtures.write(ImageFixtures.greyPNG(width: 4, height: 4, value: 1), to: flat + "/a.png")
        XCTAssertThrowsError(try ClassifierTraining(epochs: 1, seed: 2).run(on: PNGFolder.make([("folder", flat)]))) {
            XCTAssertTrue("\($0)".contains("has no labels"), "\($0)")
        }
    }

    /// The classifier is convolutional; a file of the MLP classifier an earlier Gantry wrote is refused with
    /// what to do, and today's file records the convolutions.
    func testTheClassifierIsACNNAndAnMLPFileIsRefused() throws {
        let data = try ImageBlobs.make([("side", "8"), ("train", "64"), ("test", "32")])
        let result = try ClassifierTraining(epochs: 1, channels: [4, 8], hidden: [6], seed: 3).run(on: data)
        XCTAssertEqual("\(result.classifier.architecture)", "cnn 1×8×8 → conv 4 → conv 8 → 6 → 3")
        XCTAssertEqual(result.classifier.network.layers.filter { $0 is Conv2d }.count, 2)
        XCTAssertEqual(try result.classifier.features(try XCTUnwrap(try data.examples(.test)).rows).shape, [32, 6])
        let path = folder + "/cnn.safetensors"
        try result.classifier.write(to: path)
        XCTAssertEqual(try ImageClassifier.read(path: path).architecture, result.classifier.architecture)
        var old = result.classifier.file()
        old.metadata = old.metadata.map { entry in
            switch entry.key {
            case "version": return (entry.key, "1")
            case "architecture": return (entry.key, "mlp")
            default: return entry
            }
        }
        let oldPath = folder + "/mlp.safetensors"
        try old.write(to: oldPath)
        XCTAssertThrowsError(try ImageClassifier.read(path: oldPath)) {
            XCTAssertEqual("\($0)", "\(oldPath): is an MLP classifier written by an earlier Gantry (version 1); the image metrics "
                           + "now use a convolutional one: train it again with classifier train")
        }
    }

    /// With a train and test split the four comparing metrics' floors compare the two splits and say so;
    /// without one, two independent real batches. The control: splits that are one and the same set give a
    /// floor of exactly zero distance, which a second real batch never does.
    func testFloorsCompareTheTrainAndTestSplitsWhenThereAreSome() throws {
        let data = try ImageBlobs.make([("sigma", "0.3")])
        let real = data.sample(100, using: RandomStream(seed: 1, name: "r"))
        let same = data.sample(100, using: RandomStream(seed: 5, name: "same"))
        func input(splits: Bool) -> MetricInput {
            let drawn = RandomStream(seed: 9, name: "second")
            return MetricInput(real: real, generated: real, modes: data.modes, stream: RandomStream(seed: 2, name: "s"),
                               drawReal: { data.sample($0, using: drawn) },
                               drawSplits: splits ? { _ in (same, same) } : nil)
        }
        let fd = try FrechetDistanceMetric(ParameterValues(FrechetDistanceMetric.spec, values: []))
        let split = try fd.measure(input(splits: true)), batches = try fd.measure(input(splits: false))
        XCTAssertEqual(try XCTUnwrap(split.value("fd_floor")), 0, accuracy: 1e-9)
        XCTAssertGreaterThan(try XCTUnwrap(batches.value("fd_floor")), 1e-3)
        XCTAssertEqual(split.notes.last, "floor: 100 train-split examples against 100 test-split ones")
        XCTAssertEqual(batches.notes.last, "floor: two independent real batches of 100")
        for type in [KernelDistanceMetric.self, FeaturePrecisionRecallMetric.self, FeatureDensityCoverageMetric.self] as [any Metric.Type] {
            let metric = try type.init(ParameterValues(type.spec, values: []))
            XCTAssertEqual(try metric.measure(input(splits: true)).notes.last, "floor: 100 train-split examples against 100 test-split ones")
        }
        // A session over blobs measures its floor on blobs' splits.
        let session = try Session(seed: 3)
        _ = try session.setDataset(ImageBlobs.make())
        let report = try session.measure(fd)
        XCTAssertEqual(report.notes.last, "floor: 2000 train-split examples against 2000 test-split ones")
    }
}
