import Foundation
import Autodiff
import NeuralNet
import Inflate

/// The range image data sets map their pixels to.
public enum PixelRange: String, ParameterChoice {
    /// [−1, 1]: what a generator whose output layer is tanh (DCGAN's) can produce, so that the real images do
    /// not sit where G's output saturates.
    case symmetric
    /// [0, 1]: what a sigmoid output produces, and how most classifiers are trained.
    case unit
}

/// Images held in memory as an image data set draws them: one row per image (NCHW, scaled to the range
/// asked for), the label of each row and the names of the classes when the data has them.
///
/// The image data sets (`fashion-mnist`, `mnist`, `digits`, `png`) read their files into one of these and
/// draw from it as `points` draws rows: one `nextInt(below: n)` per sample, with replacement, so every batch
/// depends on the data stream alone and sessions replay bit for bit. A class, so that data sets made again
/// from the same files share one copy of the pixels.
final class ImageCollection {
    /// The file or folder the images came from, as given.
    let path: String
    /// The images, [count, channels·height·width].
    let pixels: Tensor
    /// The layout of each row.
    let shape: ImageShape
    /// The label of each row, in 0..<classNames.count, when the data has labels.
    let labels: [Int]?
    /// The name of each class, when the data has labels.
    let classNames: [String]?

    /// Images and what is known of them.
    init(path: String, pixels: Tensor, shape: ImageShape, labels: [Int]?, classNames: [String]?) {
        self.path = path
        self.pixels = pixels
        self.shape = shape
        self.labels = labels
        self.classNames = classNames
    }

    /// The declaration of the parameter every image data set shares.
    static let range: ParameterKey<PixelRange> = .choice(
        "range", default: .symmetric,
        "symmetric: pixels scaled to [-1, 1], what a generator ending in tanh produces; unit: to [0, 1]")

    /// The number of images.
    var count: Int { pixels.shape[0] }

    /// Pixel values `0…maximum` as sample values: `(2v − maximum) / maximum` for [−1, 1] and `v / maximum`
    /// for [0, 1]. Both are one correctly rounded division of exact integers, so black is exactly −1 or 0
    /// and full intensity exactly 1.
    static func table(maximum: Int, range: PixelRange) -> [Float] {
        let top = Float(maximum)
        return (0...maximum).map { value in
            range == .symmetric ? (2 * Float(value) - top) / top : Float(value) / top
        }
    }

    /// `count` rows chosen uniformly with replacement (one `nextInt(below: n)` each) and their indices.
    func draw(_ count: Int, using stream: RandomStream) -> (samples: Tensor, indices: [Int]) {
        precondition(count >= 0, "cannot draw \(count) samples")
        let n = self.count, d = shape.elementCount
        let chosen = (0..<count).map { _ in stream.nextInt(below: n) }
        let samples = SampleBuffer.matrix(rows: count, columns: d) { out in
            pixels.withUnsafeBufferPointer { source in
                for (row, index) in chosen.enumerated() {
                    UnsafeMutableRawPointer(out.baseAddress! + row * d)
                        .copyMemory(from: source.baseAddress! + index * d, byteCount: d * MemoryLayout<Float>.size)
                }
            }
        }
        return (samples, chosen)
    }

    /// A batch with the label of each image, or nil when the images have none.
    func labelledDraw(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? {
        guard let labels else { return nil }
        let (samples, indices) = draw(count, using: stream)
        return (samples, indices.map { labels[$0] })
    }

    /// Whether image `index` belongs to the test split of a collection that has no split of its own: every
    /// fifth image (4, 9, 14, …), a fixed rule so that the split is the same in every session and spreads over
    /// the file's order (files sorted by class, as a PNG folder is, keep every class in both splits).
    static func isHeldOut(_ index: Int) -> Bool { index % 5 == 4 }

    /// The images of `split` under `isHeldOut`, with their labels, in file order; nil when unlabelled.
    func examples(_ split: DataSplit) -> LabelledExamples? {
        guard let labels else { return nil }
        let chosen = (0..<count).filter { Self.isHeldOut($0) == (split == .test) }
        return select(chosen, labels: labels)
    }

    /// The images at `indices` and their labels.
    func select(_ indices: [Int], labels: [Int]) -> LabelledExamples {
        let d = shape.elementCount
        let rows = SampleBuffer.matrix(rows: indices.count, columns: d) { out in
            pixels.withUnsafeBufferPointer { source in
                for (row, index) in indices.enumerated() {
                    UnsafeMutableRawPointer(out.baseAddress! + row * d)
                        .copyMemory(from: source.baseAddress! + index * d, byteCount: d * MemoryLayout<Float>.size)
                }
            }
        }
        return LabelledExamples(rows: rows, labels: indices.map { labels[$0] })
    }

    /// Refuses a collection whose pixels would need more memory than this machine reads into memory, before
    /// they are allocated.
    static func checkSize(count: Int, shape: ImageShape, path: String) throws {
        let (values, overflow) = count.multipliedReportingOverflow(by: shape.elementCount)
        let (bytes, tooLarge) = values.multipliedReportingOverflow(by: MemoryLayout<Float>.size)
        guard !overflow && !tooLarge && bytes <= PointFile.memoryLimit else {
            throw DataFileError(path: path, "\(count) images of \(shape) would need more than "
                                + "\(PointFile.sizeText(PointFile.memoryLimit)), the most this machine reads into memory")
        }
    }
}

extension ImageCollection {
    /// The collection a data set in use already holds under `key` (the paths and options it was read with,
    /// and the `contentKey` of each file's bytes), or what `read` makes, kept for the next one. Making the
    /// same data set again (`stacked` over it, `save` → `run`, the fresh session a checkpoint loads into) then
    /// shares the decoded images instead of inflating and scaling Fashion-MNIST's 47 million pixels again;
    /// a file rewritten since has another key. The references are weak, so a collection no data set holds any
    /// more is freed as before.
    static func shared(key: [String], _ read: () throws -> ImageCollection) throws -> ImageCollection {
        if let kept = SharedCollections.shared.collection(for: key) { return kept }
        let collection = try read()
        SharedCollections.shared.keep(collection, for: key)
        return collection
    }

    /// A file's content in a few characters: its length and CRC-32 (read, unlike a modification time, whose
    /// clock can be too coarse to tell two writes apart).
    static func contentKey(_ bytes: [UInt8]) -> String { "\(bytes.count):\(CRC32.checksum(of: bytes))" }
}

/// Weak references to the collections data sets hold, by key (see `ImageCollection.shared`).
private final class SharedCollections: @unchecked Sendable {
    static let shared = SharedCollections()
    private let lock = NSLock()
    private var entries: [(key: [String], collection: WeakCollection)] = []

    private struct WeakCollection { weak var value: ImageCollection? }

    func collection(for key: [String]) -> ImageCollection? {
        lock.withLock { entries.first { $0.key == key }?.collection.value }
    }

    func keep(_ collection: ImageCollection, for key: [String]) {
        lock.withLock {
            entries.removeAll { $0.key == key || $0.collection.value == nil }
            entries.append((key, WeakCollection(value: collection)))
        }
    }
}
