import XCTest
import Foundation
import Autodiff
import NeuralNet
import _GantryTestSupport
@testable import Workbench

/// The image data sets: Fashion-MNIST from its Debian package, MNIST-format files of the user's, the 8×8
/// digits, stacked images, and the labels they hand out beside their samples.
final class ImageDatasetTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws { folder = try ScratchFolder.make("image-data") }
    override func tearDownWithError() throws { ScratchFolder.remove(folder) }

    func stream(_ seed: UInt64 = 11) -> RandomStream { RandomStream(seed: seed, name: "data") }

    func make<D: Dataset>(_ type: D.Type, _ assignments: [(String, String)]) throws -> D {
        try type.make(assignments.map { (name: $0.0, value: $0.1) })
    }

    func message(_ body: () throws -> Any) -> String { errorText(body) }

    // MARK: fashion-mnist

    /// The installed test split: its size, layout, range and labels, checked against Python reading the same
    /// gzip file with its own gzip module.
    func testFashionMNISTReadsTheInstalledPackage() throws {
        let images = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"
        guard FileManager.default.fileExists(atPath: images) else {
            return XCTFail("dataset-fashion-mnist is not installed: scripts/setup test installs it")
        }
        let data = try make(FashionMNIST.self, [("split", "test")])
        XCTAssertEqual(data.imageShape, ImageShape(channels: 1, height: 28, width: 28))
        XCTAssertEqual(data.dimension, 784)
        XCTAssertEqual(data.filePoints?.points.shape, [10_000, 784])
        XCTAssertEqual(data.filePoints?.path, images)
        XCTAssertEqual(data.classNames, FashionMNIST.classes)
        let labels = try XCTUnwrap(try data.examples(.test)).labels
        // The test split holds 1000 images of each class.
        XCTAssertEqual((0..<10).map { k in labels.filter { $0 == k }.count }, Array(repeating: 1000, count: 10))
        let pixels = data.filePoints!.points.scalars
        let first = pixels[0..<7840]  // ten images: a linear scan of all 7.8 million would be slow in debug
        XCTAssertEqual(first.min(), -1)
        XCTAssertEqual(first.max(), 1)
        guard PointFileTests.numpyAvailable else { return XCTFail("python3 with NumPy is needed (scripts/setup test)") }
        let script = """
            import gzip, sys, numpy as np
            images = np.frombuffer(gzip.open(sys.argv[1]).read()[16:], dtype=np.uint8).reshape(-1, 784)
            labels = np.frombuffer(gzip.open(sys.argv[2]).read()[8:], dtype=np.uint8)
            print(' '.join(str(v) for v in images[[0, 1, 9999]].reshape(-1)))
            print(' '.join(str(v) for v in labels[:20]))
            """
        let result = PointFileTests.python(script, [images, images.replacingOccurrences(of: "images-idx3", with: "labels-idx1")])
        XCTAssertEqual(result.status, 0)
        let lines = result.output.split(separator: "\n")
        let values: [Float] = lines[0].split(separator: " ").map { Float(Int($0)!) }
        let expected: [Float] = values.map { (2 * $0 - 255) / 255 }
        XCTAssertEqual(Array(pixels[0..<784]) + Array(pixels[784..<1568]) + Array(pixels[(9999 * 784)...]), expected)
        XCTAssertEqual(labels.prefix(20).map(String.init).joined(separator: " "), String(lines[1]))
    }

    func testFashionMNISTWithoutThePackageSaysWhatToInstall() {
        let text = message { try self.make(FashionMNIST.self, [("folder", self.folder + "/none")]) }
        XCTAssertEqual(text, folder + "/none: file not found. " + FashionMNIST.installHint)
        XCTAssertTrue(text.contains("sudo apt-get install dataset-fashion-mnist"), text)
        // A folder without the split's files names the file that is missing.
        let missing = message { try self.make(FashionMNIST.self, [("folder", self.folder), ("split", "test")]) }
        XCTAssertTrue(missing.hasPrefix(folder + "/t10k-images-idx3-ubyte.gz: file not found. Fashion-MNIST comes with"), missing)
    }

    // MARK: mnist

    func testMNISTReadsImagesAndLabelsPlainOrCompressed() throws {
        // Five 2×3 images; pixel j of image i is 50·i + j; labels 3, 0, 2, 0, 1.
        let pixels = (0..<5).flatMap { i in (0..<6).map { UInt8(50 * i + $0) } }
        let images = try ImageFixtures.write(ImageFixtures.idx([5, 2, 3], pixels), to: folder + "/images-idx3-ubyte")
        let labels = try ImageFixtures.write(ImageFixtures.idx([5], [3, 0, 2, 0, 1]), to: folder + "/labels-idx1-ubyte")
        let data = try make(MNIST.self, [("images", images), ("labels", labels)])
        XCTAssertEqual(data.imageShape, ImageShape(channels: 1, height: 2, width: 3))
        XCTAssertEqual(data.filePoints!.points.scalars, pixels.map { (2 * Float($0) - 255) / 255 })
        XCTAssertEqual(data.filePoints!.points.scalars.first, -1)
        XCTAssertEqual(try data.examples(.train)?.labels, [3, 0, 2, 0])
        XCTAssertEqual(try data.examples(.test)?.labels, [1], "every fifth image is held out")
        XCTAssertEqual(data.classNames, ["0", "1", "2", "3"])
        XCTAssertEqual(try make(MNIST.self, [("images", images), ("range", "unit")]).filePoints!.points.scalars,
                       pixels.map { Float($0) / 255 })
        // Without labels the data set is unlabelled.
        let unlabelled = try make(MNIST.self, [("images", images)])
        XCTAssertNil(unlabelled.classNames)
        XCTAssertNil(try unlabelled.examples(.train))
        XCTAssertNil(unlabelled.labelledSample(4, using: stream()))
        // gzip-compressed files (by gzip itself) read the same.
        guard let gzip = ["/usr/bin/gzip", "/bin/gzip"].first(where: FileManager.default.isExecutableFile) else { return }
        for file in [images, labels] {
            let process = try Process.run(URL(fileURLWithPath: gzip), arguments: ["-k", "-9", file])
            process.waitUntilExit()
        }
        let compressed = try make(MNIST.self, [("images", images + ".gz"), ("labels", labels + ".gz")])
        XCTAssertTrue(compressed.filePoints!.points.isBitwiseEqual(to: data.filePoints!.points))
        XCTAssertEqual(try compressed.examples(.train)?.labels, try data.examples(.train)?.labels)
    }

    func testMNISTRefusesFilesThatAreNotImagesWithTheirLabels() throws {
        let images = try ImageFixtures.write(ImageFixtures.idx([2, 2, 2], Array(0..<8)), to: folder + "/i-idx3-ubyte")
        let three = try ImageFixtures.write(ImageFixtures.idx([3], [0, 1, 2]), to: folder + "/three-idx1-ubyte")
        XCTAssertEqual(message { try self.make(MNIST.self, [("images", images), ("labels", three)]) },
                       three + ": holds 3 labels, but \(images) holds 2 images")
        let floats = try ImageFixtures.write(ImageFixtures.idx([1, 1, 1], [0, 0, 0, 0], type: 0x0D), to: folder + "/f-idx3-ubyte")
        XCTAssertEqual(message { try self.make(MNIST.self, [("images", floats)]) },
                       floats + ": holds 32-bit floats; IDX images must be unsigned bytes (0 to 255)")
        let flat = try ImageFixtures.write(ImageFixtures.idx([2, 4], Array(0..<8)), to: folder + "/flat-idx2-ubyte")
        XCTAssertEqual(message { try self.make(MNIST.self, [("images", flat)]) },
                       flat + ": holds an array of dimensions [2, 4]; IDX images are shaped [count, height, width]")
        let short = try ImageFixtures.write(ImageFixtures.idx([2, 2, 2], Array(0..<7)), to: folder + "/short-idx3-ubyte")
        XCTAssertEqual(message { try self.make(MNIST.self, [("images", short)]) },
                       short + ": is truncated: dimensions [2, 2, 2] need 8 bytes of data, and 7 follow the header")
        let empty = try ImageFixtures.write(ImageFixtures.idx([0, 2, 2], []), to: folder + "/empty-idx3-ubyte")
        XCTAssertEqual(message { try self.make(MNIST.self, [("images", empty)]) }, empty + ": holds no images (dimensions [0, 2, 2])")
        // Fashion-MNIST's names fix the number of classes: a label beyond them is refused.
        let eleven = try ImageFixtures.write(ImageFixtures.idx([2], [0, 10]), to: folder + "/eleven-idx1-ubyte")
        XCTAssertEqual(message { try ImageCollection.readIDX(images: images, labels: eleven, range: .unit, classNames: FashionMNIST.classes) },
                       eleven + ": label 1 is 10; this data set has 10 classes (0 to 9)")
    }

    /// A labelled batch is the plain batch (same stream use, same rows) with the label of each row.
    func testLabelledSamplesAreThePlainSamplesWithTheirLabels() throws {
        // Image i is all 30·(i % 4): its pixels say its label.
        let (images, labels) = try ImageFixtures.writeIDXSet(in: folder, count: 12, height: 2, width: 2, classes: 4) { UInt8(30 * ($0 % 4)) }
        let data = try make(MNIST.self, [("images", images), ("labels", labels), ("range", "unit")])
        let (plain, labelled) = (stream(), stream())
        let batch = data.sample(50, using: plain)
        let (samples, classes) = try XCTUnwrap(data.labelledSample(50, using: labelled))
        XCTAssertTrue(samples.isBitwiseEqual(to: batch))
        XCTAssertEqual(plain.position, labelled.position)
        XCTAssertEqual(classes.count, 50)
        for (row, label) in classes.enumerated() {
            XCTAssertEqual(batch.scalars[row * 4], Float(30 * label) / 255, "row \(row)")
        }
        XCTAssertEqual(Set(classes), [0, 1, 2, 3])
        // Data sets without labels say so.
        XCTAssertNil(try RingGaussians.make().classNames)
        XCTAssertNil(try RingGaussians.make().labelledSample(3, using: stream()))
        XCTAssertNil(try RingGaussians.make().examples(.test))
    }

    /// Data sets made again from the same files share one copy of the pixels while one is in use; a file
    /// rewritten in place (same name, same size, within the clock's granularity) is read again.
    func testTheSameFilesShareTheirPixelsUntilRewritten() throws {
        let (images, labels) = try ImageFixtures.writeIDXSet(in: folder, count: 4, height: 2, width: 2, classes: 2) { UInt8($0) }
        let first = try make(MNIST.self, [("images", images), ("labels", labels)])
        let again = try make(MNIST.self, [("images", images), ("labels", labels)])
        XCTAssertTrue(first.collection === again.collection)
        XCTAssertFalse(try make(MNIST.self, [("images", images), ("labels", labels), ("range", "unit")]).collection === first.collection)
        XCTAssertFalse(try make(MNIST.self, [("images", images)]).collection === first.collection)
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: images))
        try handle.seek(toOffset: 16)
        try handle.write(contentsOf: Data([255]))
        try handle.close()
        let rewritten = try make(MNIST.self, [("images", images), ("labels", labels)])
        XCTAssertFalse(rewritten.collection === first.collection)
        XCTAssertEqual(rewritten.filePoints!.points.scalars[0], 1)
        XCTAssertEqual(first.filePoints!.points.scalars[0], -1)
    }

    // MARK: digits

    /// A digits file of three lines, scaled and labelled; a value out of range is refused at its row.
    func testDigitsReadsScikitLearnsFormat() throws {
        let lines = (0..<3).map { (digit: Int) -> String in
            let pixels: [String] = (0..<64).map { String(($0 + digit) % 17) }
            return (pixels + [String(digit * 4)]).joined(separator: ",")
        }
        let file = folder + "/digits.csv"
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let data = try make(Digits.self, [("file", file)])
        XCTAssertEqual(data.imageShape, ImageShape(channels: 1, height: 8, width: 8))
        XCTAssertEqual(try data.examples(.train)?.labels, [0, 4, 8])
        XCTAssertEqual(data.classNames, (0...9).map(String.init))
        let second: [Float] = (0..<64).map { (column: Int) -> Float in (2 * Float((column + 1) % 17) - 16) / 16 }
        XCTAssertEqual(Array(data.filePoints!.points.scalars[64..<128]), second)
        XCTAssertEqual(try make(Digits.self, [("file", file), ("range", "unit")]).filePoints!.points.scalars[16], 1)
        let bad = folder + "/bad.csv"
        try (lines[0] + "\n" + lines[1].dropLast(2) + ",17" + "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        XCTAssertEqual(message { try self.make(Digits.self, [("file", bad)]) },
                       bad + ": row 2, value 65: 17 is not a digit (an integer 0 to 9)")
        let narrow = folder + "/narrow.csv"
        try "1,2,3\n".write(toFile: narrow, atomically: true, encoding: .utf8)
        XCTAssertEqual(message { try self.make(Digits.self, [("file", narrow)]) },
                       narrow + ": has 3 values per line; the digits file has 65 (64 pixels, then the digit)")
        let missing = message { try self.make(Digits.self, [("file", self.folder + "/none.csv.gz")]) }
        XCTAssertEqual(missing, folder + "/none.csv.gz: file not found. " + Digits.installHint)
        XCTAssertTrue(missing.contains("python3-sklearn"), missing)
    }

    /// The file Debian's python3-sklearn installs: 1797 digits, each class as often as Python counts it.
    func testDigitsReadsTheInstalledFile() throws {
        guard FileManager.default.fileExists(atPath: Digits.installedFile) else {
            return XCTFail("python3-sklearn is not installed: scripts/setup test installs it")
        }
        let data = try Digits.make()
        XCTAssertEqual(data.filePoints?.path, Digits.installedFile)
        XCTAssertEqual(data.filePoints?.points.shape, [1797, 64])
        let labels = try XCTUnwrap(try data.examples(.train)).labels + XCTUnwrap(try data.examples(.test)).labels
        let script = """
            import gzip, sys, numpy as np
            rows = np.loadtxt(gzip.open(sys.argv[1]), delimiter=',')
            print(' '.join(str(int((rows[:, -1] == k).sum())) for k in range(10)))
            print(' '.join(str(int(v)) for v in rows[1796, :64]))
            """
        let result = PointFileTests.python(script, [Digits.installedFile])
        XCTAssertEqual(result.status, 0)
        let lines = result.output.split(separator: "\n")
        XCTAssertEqual((0..<10).map { k in String(labels.filter { $0 == k }.count) }.joined(separator: " "), String(lines[0]))
        let last: [Float] = lines[1].split(separator: " ").map { (2 * Float(Int($0)!) - 16) / 16 }
        XCTAssertEqual(Array(data.filePoints!.points.scalars[(1796 * 64)...]), last)
    }

    // MARK: stacked

    /// Ten classes whose images say their class: every stacked sample's channels are images of the classes
    /// its label names (100a + 10b + c), and 20 000 samples reach all 1000 modes.
    func testStackedImagesHaveAThousandModesForTenClasses() throws {
        let (images, labels) = try ImageFixtures.writeIDXSet(in: folder, count: 30, height: 2, width: 2, classes: 10) { UInt8(20 * ($0 % 10)) }
        let base = "mnist images=\"\(images)\" labels=\"\(labels)\" range=unit"
        let data = try make(StackedImages.self, [("base", base)])
        XCTAssertEqual(data.imageShape, ImageShape(channels: 3, height: 2, width: 2))
        XCTAssertEqual(data.dimension, 12)
        XCTAssertEqual(data.classNames?.count, 1000)
        XCTAssertEqual(data.classNames?[307], "307")
        XCTAssertEqual(data.filePoints?.path, images)
        let (plain, labelled) = (stream(), stream())
        let batch = data.sample(20_000, using: plain)
        let (samples, modes) = try XCTUnwrap(data.labelledSample(20_000, using: labelled))
        XCTAssertTrue(samples.isBitwiseEqual(to: batch))
        XCTAssertEqual(plain.position, labelled.position)
        XCTAssertEqual(Set(modes).count, 1000)
        batch.withUnsafeBufferPointer { values in
            for (row, mode) in modes.enumerated().prefix(500) {
                let classes = [mode / 100, mode / 10 % 10, mode % 10]
                for channel in 0..<3 {
                    for pixel in 0..<4 {
                        XCTAssertEqual(values[row * 12 + channel * 4 + pixel], Float(20 * classes[channel]) / 255)
                    }
                }
            }
        }
        // The three channels are the base's own labelled batch of three times as many, in order.
        let baseData = try make(MNIST.self, [("images", images), ("labels", labels), ("range", "unit")])
        let drawn = try XCTUnwrap(baseData.labelledSample(30, using: stream(5)))
        let stacked = try XCTUnwrap(data.labelledSample(10, using: stream(5)))
        XCTAssertEqual(stacked.samples.scalars, drawn.samples.scalars)
        XCTAssertEqual(stacked.labels, (0..<10).map { 100 * drawn.labels[3 * $0] + 10 * drawn.labels[3 * $0 + 1] + drawn.labels[3 * $0 + 2] })
        XCTAssertEqual(data.canonicalText, "stacked base=\"mnist images=\\\"\(images)\\\" labels=\\\"\(labels)\\\" range=unit\"")
    }

    func testStackedRefusesBasesItCannotStack() throws {
        let (images, _) = try ImageFixtures.writeIDXSet(in: folder, count: 4, height: 2, width: 2, classes: 2) { UInt8($0) }
        // The refusal of `base`, and the start every refusal has: the value as `save` would write it.
        func refusal(_ base: String) -> (message: String, start: String) {
            (message { try self.make(StackedImages.self, [("base", base)]) },
             "dataset stacked: base=" + ParameterValue.text(base).description + " is not valid; expected ")
        }
        func assertRefused(_ base: String, _ expected: String, line: UInt = #line) {
            let (message, start) = refusal(base)
            XCTAssertEqual(message, start + expected, line: line)
        }
        assertRefused("ring8", "a greyscale image data set (ring8's samples are not images)")
        assertRefused("mnist images=\(images)", "a data set with labels (mnist has none here)")
        assertRefused("fashion-mnst", "a labelled greyscale image data set such as fashion-mnist, digits or mnist "
                      + "('fashion-mnst' is none; did you mean fashion-mnist?)")
        assertRefused("mnist images=\"\(images)", "a closing quote in the base's parameters")
        assertRefused("", "a data set's name, then its parameters")
        assertRefused("mnist size=3", "parameters mnist accepts (unknown parameter 'size' for dataset mnist)")
        XCTAssertTrue(refusal("ring8").message.hasPrefix("dataset stacked: base=ring8 is not valid"))
        // A stacked set is three channels, so it cannot be stacked again.
        let (labelled, labels) = try ImageFixtures.writeIDXSet(in: folder, name: "l", count: 4, height: 2, width: 2, classes: 2) { UInt8($0) }
        let inner = "mnist images=\\\"\(labelled)\\\" labels=\\\"\(labels)\\\""
        assertRefused("stacked base=\"\(inner)\"", "a greyscale image data set (stacked's samples are 3×2×2 images)")
    }
}
