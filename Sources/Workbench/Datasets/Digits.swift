import Foundation
import Autodiff
import NeuralNet

/// `digits`: the 1 797 handwritten 8×8 digits of the UCI optical-recognition set, as scikit-learn ships them
/// (and with it Debian's `python3-sklearn`).
public final class Digits: Dataset {
    static let file: ParameterKey<String> = .text(
        "file", default: "installed",
        "scikit-learn's digits.csv.gz; installed: the one Debian's python3-sklearn puts in /usr/lib/python3/dist-packages")
    static let range = ImageCollection.range

    /// Where `python3-sklearn` puts the file.
    static let installedFile = "/usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz"
    static let installHint = "The 8×8 digits come with Debian's python3-sklearn; install it with "
        + "`sudo apt-get install --no-install-recommends python3-sklearn` (scripts/setup test does), or give file= "
        + "the digits.csv.gz of any scikit-learn (sklearn/datasets/data/digits.csv.gz)"

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "digits", aliases: ["digits8"],
        summary: "the 1797 handwritten 8×8 digits scikit-learn ships (Debian's python3-sklearn), 10 classes, labels kept",
        discussion: """
            Reads scikit-learn's digits.csv.gz (file=installed, the default, reads the one Debian's \
            python3-sklearn installs; file=PATH any other copy): 1797 lines \
            of 65 integers, the 64 pixels of an 8×8 image row by row, each 0…16 (the count of set pixels in a \
            4×4 block of the original 32×32 bitmap), then the digit 0…9. Each sample is one 1×8×8 image; \
            range=symmetric (the default) maps 0…16 to [−1, 1] as (2v − 16)/16 and range=unit to [0, 1] as \
            v/16. The digits are the labels. Small enough to train convolutional models in seconds, the \
            images-sized counterpart of the toy sets. A batch draws each image's index with nextInt(below: \
            n), with replacement, like points.
            """,
        parameters: [file.spec, range.spec],
        reference: "Alpaydin & Kaynak 1998, Optical Recognition of Handwritten Digits (UCI); scikit-learn's load_digits")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let collection: ImageCollection

    /// Reads the file; throws `DataFileError` naming the file, and the package when it is missing.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let path = parameters[Self.file] == "installed" ? Self.installedFile : parameters[Self.file]
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw DataFileError(path: path, "\(PointFile.openFailure(errno, path: path)). \(Self.installHint)")
        }
        let range = parameters[Self.range]
        let file = try PointFile.readBytes(path: path)
        collection = try ImageCollection.shared(key: ["digits", path, range.rawValue, ImageCollection.contentKey(file)]) {
            try Self.decode(file, path: path, range: range)
        }
    }

    /// The file's digits, checked and scaled.
    private static func decode(_ file: [UInt8], path: String, range: PixelRange) throws -> ImageCollection {
        let table = try PointFile.decode(file, path: path)
        let (rows, columns) = (table.shape[0], table.shape[1])
        guard columns == 65 else {
            throw DataFileError(path: path, "has \(columns) values per line; the digits file has 65 (64 pixels, then the digit)")
        }
        guard rows > 0 else { throw DataFileError(path: path, "holds no digits") }
        let shape = ImageShape(channels: 1, height: 8, width: 8)
        let scale = ImageCollection.table(maximum: 16, range: range)
        var labels: [Int] = []
        labels.reserveCapacity(rows)
        var problem: String?
        let pixels = SampleBuffer.matrix(rows: rows, columns: 64) { out in
            table.withUnsafeBufferPointer { values in
                for row in 0..<rows where problem == nil {
                    for column in 0..<65 {
                        let value = values[row * 65 + column]
                        let top: Float = column < 64 ? 16 : 9
                        guard value >= 0 && value <= top && value.rounded() == value else {
                            problem = "row \(row + 1), value \(column + 1): \(Tensor.format(value)) is not "
                                + (column < 64 ? "a pixel value (an integer 0 to 16)" : "a digit (an integer 0 to 9)")
                            break
                        }
                        if column < 64 { out[row * 64 + column] = scale[Int(value)] } else { labels.append(Int(value)) }
                    }
                }
            }
        }
        if let problem { throw DataFileError(path: path, problem) }
        return ImageCollection(path: path, pixels: pixels, shape: shape, labels: labels, classNames: (0...9).map(String.init))
    }

    public var dimension: Int { 64 }
    public var modes: ModeLayout? { nil }
    public var imageShape: ImageShape? { collection.shape }
    public var filePoints: (path: String, points: Tensor)? { (collection.path, collection.pixels) }
    public var classNames: [String]? { collection.classNames }
    public func examples(_ split: DataSplit) throws -> LabelledExamples? { collection.examples(split) }

    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { collection.draw(count, using: stream).samples }

    public func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? {
        collection.labelledDraw(count, using: stream)
    }
}
