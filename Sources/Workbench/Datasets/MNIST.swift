import Foundation
import Autodiff
import NeuralNet

/// `mnist`: greyscale images from the user's own IDX files (MNIST's format), with their labels when given.
public final class MNIST: Dataset {
    static let images: ParameterKey<String> = .text(
        "images", default: nil, "an IDX file of unsigned bytes shaped [count, height, width], optionally .gz")
    static let labels: ParameterKey<String> = .text(
        "labels", default: "none", "an IDX file of unsigned bytes shaped [count], one label per image; none: unlabelled")
    static let range = ImageCollection.range

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "mnist", aliases: ["idx-images"],
        summary: "greyscale images from your own IDX files (MNIST's format, gzip-compressed or not), labels optional",
        discussion: """
            Reads images=FILE, an IDX file of unsigned bytes shaped [count, height, width] as LeCun's MNIST \
            files are (train-images-idx3-ubyte, gzip-compressed or not), once, when the data set is made, and \
            with labels=FILE an IDX file of unsigned bytes shaped [count] holding each image's class (classes \
            are numbered 0 to the largest label). Each sample is one 1×height×width image as a row; \
            range=symmetric (the default) maps the pixels 0…255 to [−1, 1] as (2v − 255)/255, for a generator \
            ending in tanh, and range=unit to [0, 1] as v/255. A batch draws each image's index with \
            nextInt(below: n), with replacement, like points. A gzip file is inflated only as far as its IDX \
            header declares. Gantry does not download MNIST: give the files you have.
            """,
        parameters: [images.spec, labels.spec, range.spec],
        reference: "LeCun, Bottou, Bengio & Haffner 1998, Gradient-based learning applied to document recognition")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let collection: ImageCollection

    /// Reads the images and the labels; throws `DataFileError` naming the file at fault.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let labels = parameters[Self.labels]
        collection = try ImageCollection.readIDX(images: parameters[Self.images], labels: labels == "none" ? nil : labels,
                                                 range: parameters[Self.range])
    }

    public var dimension: Int { collection.shape.elementCount }
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
