import Foundation
import Autodiff
import NeuralNet

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
/// depends on the data stream alone and sessions replay bit for bit.
struct ImageCollection {
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
