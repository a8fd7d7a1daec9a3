import Foundation
import Autodiff
import NeuralNet

/// `fashion-mnist`: Zalando's 28×28 greyscale pictures of clothing, ten classes, as Debian's
/// `dataset-fashion-mnist` installs them.
public final class FashionMNIST: Dataset {
    /// Which of the two files.
    enum Split: String, ParameterChoice { case train, test }

    static let split: ParameterKey<Split> = .choice(
        "split", default: Split.train, "train: the 60 000 training images; test: the 10 000 test images")
    static let folder: ParameterKey<String> = .text(
        "folder", default: installedFolder, "the folder holding the four IDX files (Debian's by default)")

    /// Where `dataset-fashion-mnist` puts the files.
    static let installedFolder = "/usr/share/datasets/fashion-mnist"
    /// The Debian package, and how to install it, for the error when the files are missing.
    static let installHint = "Fashion-MNIST comes with the Debian package dataset-fashion-mnist; install it with "
        + "`sudo apt-get install dataset-fashion-mnist` (scripts/setup test does), or give folder= a folder holding "
        + "train-images-idx3-ubyte.gz and the three other files"

    /// The classes in the order of their labels, as Zalando names them.
    public static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
                                 "Bag", "Ankle boot"]

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "fashion-mnist", aliases: ["fmnist"],
        summary: "Fashion-MNIST: 28×28 greyscale clothing, 10 classes (Debian's dataset-fashion-mnist), labels kept",
        discussion: """
            Reads Zalando's Fashion-MNIST from the IDX files Debian's dataset-fashion-mnist installs in \
            /usr/share/datasets/fashion-mnist (train-images-idx3-ubyte.gz and its labels for split=train, \
            t10k-… for split=test), once, when the data set is made. Each sample is one 1×28×28 image as a \
            row of 784 values; range=symmetric (the default) maps the pixels 0…255 to [−1, 1] as \
            (2v − 255)/255, what a generator ending in tanh produces, and range=unit to [0, 1] as v/255. The \
            labels (T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot) \
            are kept for classifiers and mode counting. A batch draws each image's index with nextInt(below: \
            n), with replacement, like points. Without the package the error names it and the command that \
            installs it; folder= reads the same four files from anywhere else.
            """,
        parameters: [split.spec, range.spec, folder.spec],
        reference: "Xiao, Rasul & Vollgraf 2017, Fashion-MNIST: a Novel Image Dataset for Benchmarking Machine Learning Algorithms")
    static let range = ImageCollection.range

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let images: ImageCollection

    /// Reads the split's images and labels; throws `DataFileError` naming the package when they are missing.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        images = try Self.read(parameters, split: parameters[Self.split])
    }

    /// One split's images and labels; throws `DataFileError` naming the package when they are missing.
    static func read(_ parameters: ParameterValues, split: Split) throws -> ImageCollection {
        let folder = parameters[Self.folder]
        let prefix = split == .train ? "train" : "t10k"
        var info = stat()
        guard stat(folder, &info) == 0 else {
            throw DataFileError(path: folder, "\(PointFile.openFailure(errno, path: folder)). \(Self.installHint)")
        }
        let imagesPath = (folder as NSString).appendingPathComponent("\(prefix)-images-idx3-ubyte.gz")
        let labelsPath = (folder as NSString).appendingPathComponent("\(prefix)-labels-idx1-ubyte.gz")
        for path in [imagesPath, labelsPath] where stat(path, &info) != 0 {
            throw DataFileError(path: path, "\(PointFile.openFailure(errno, path: path)). \(Self.installHint)")
        }
        return try ImageCollection.readIDX(images: imagesPath, labels: labelsPath, range: parameters[Self.range],
                                           classNames: Self.classes)
    }

    public var dimension: Int { images.shape.elementCount }
    public var modes: ModeLayout? { nil }
    public var imageShape: ImageShape? { images.shape }
    public var filePoints: (path: String, points: Tensor)? { (images.path, images.pixels) }
    public var classNames: [String]? { images.classNames }
    /// Its two files: train-… for the train split, t10k-… for the test split, whichever split= draws from.
    public func examples(_ split: DataSplit) throws -> LabelledExamples? {
        let wanted: Split = split == .train ? .train : .test
        let collection = wanted == parameters[Self.split] ? images : try Self.read(parameters, split: wanted)
        return collection.labels.map { LabelledExamples(rows: collection.pixels, labels: $0) }
    }

    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { images.draw(count, using: stream).samples }

    public func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? {
        images.labelledDraw(count, using: stream)
    }
}
