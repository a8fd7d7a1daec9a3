import Foundation
import Autodiff
import Kernels
import NeuralNet

/// A trained classifier of images (or any rows) as the image metrics use it: its last hidden layer's
/// activations are the features, the softmax of its output the class probabilities. It lives in a
/// safetensors file whose metadata say how to rebuild the network and what it was trained on.
public final class ImageClassifier: FeatureMap {
    /// How the network is built: one place, so that the file's metadata can rebuild exactly what training made.
    public struct Architecture: Sendable, Equatable, CustomStringConvertible {
        /// The layout of the rows it reads.
        public let imageShape: ImageShape
        /// Output channels of each convolution (3×3, stride 2, padding 1, each followed by ReLU).
        public let channels: [Int]
        /// Widths of the dense hidden layers after the convolutions; the last is the feature width.
        public let hidden: [Int]
        /// Number of classes.
        public let classCount: Int

        /// An architecture.
        public init(imageShape: ImageShape, channels: [Int], hidden: [Int], classCount: Int) {
            self.imageShape = imageShape
            self.channels = channels
            self.hidden = hidden
            self.classCount = classCount
        }

        /// "cnn 1×28×28 → conv 16 → conv 32 → 64 → 10".
        public var description: String {
            (["cnn \(imageShape)"] + channels.map { "conv \($0)" } + hidden.map(String.init) + [String(classCount)])
                .joined(separator: " → ")
        }

        /// The network, weights drawn from `stream` in layer order: each convolution halves the image (rounding
        /// up), so a 28×28 image is 7×7 after two and an 8×8 one 2×2, and stride 2 rather than pooling keeps to
        /// the layers the GANs use; then dense layers on the flattened channels, the last hidden one giving
        /// the features the image metrics compare.
        public func network(using stream: RandomStream) throws -> Sequential {
            var layers: [any Layer] = [], shape = imageShape
            for width in channels {
                let settings = try ConvolutionSettings(transposed: false, input: shape, outChannels: width, kernel: 3,
                                                       stride: 2, padding: 1)
                layers += [Conv2d(settings, using: stream), ReLU()]
                shape = settings.output
            }
            layers.append(Reshape(.flatten, shape))
            var width = shape.elementCount
            for next in hidden {
                layers += [Linear(width, next, using: stream), ReLU()]
                width = next
            }
            layers.append(Linear(width, classCount, using: stream))
            return Sequential(layers)
        }
    }

    /// The file's format tag.
    static let format = "gantry-classifier"

    /// The network.
    public let architecture: Architecture
    /// The weights, in evaluation mode.
    let network: Sequential
    /// Class names in label order.
    public let classNames: [String]
    /// The data set it was trained on, as `data` would set it.
    public let trainedOn: String
    /// Accuracy on that data set's test split when it was written.
    public let testAccuracy: Double
    /// The file's content hash (empty for a classifier not read from a file).
    public let sha256: String
    /// The file it was read from (empty when not read).
    public let path: String

    /// A classifier from its parts.
    init(architecture: Architecture, network: Sequential, classNames: [String], trainedOn: String,
         testAccuracy: Double, sha256: String = "", path: String = "") {
        self.architecture = architecture
        self.network = network
        self.classNames = classNames
        self.trainedOn = trainedOn
        self.testAccuracy = testAccuracy
        self.sha256 = sha256
        self.path = path
    }

    public var inputWidth: Int { architecture.imageShape.elementCount }
    public var classCount: Int { architecture.classCount }
    public var summary: String { "classifier \(path.isEmpty ? "" : path + " ")(\(architecture))" }

    /// The last hidden layer's activations.
    public func features(_ rows: Tensor) throws -> Tensor {
        guard let index = network.lastHiddenLayerIndex else { return rows }
        return try inBlocks(rows) { block in
            let context = ForwardContext(training: false, capturing: [String(index)])
            _ = try withoutGradients { try network.forward(block, context) }
            return context.output(at: String(index))!
        }
    }

    /// The raw outputs, one per class.
    public func logits(_ rows: Tensor) throws -> Tensor {
        try inBlocks(rows) { block in try withoutGradients { try network.forward(block, ForwardContext(training: false)) } }
    }

    /// Rows a block at which the convolutions' intermediate images stay small: 1000 rows of 28×28 take
    /// about 20 MB per layer, where the 78 000 channel images of PacGAN's 26 000 stacked samples at once took
    /// gigabytes. Each row's output does not depend on the others (no batch statistics at evaluation), so the
    /// blocks change no bit.
    static let rowsPerBlock = 1000

    private func inBlocks(_ rows: Tensor, _ body: (Tensor) throws -> Tensor) throws -> Tensor {
        let n = rows.shape.rank == 2 ? rows.shape[0] : 0
        guard n > Self.rowsPerBlock else { return try body(rows) }
        let blocks = try stride(from: 0, to: n, by: Self.rowsPerBlock).map { start in
            try body(try rows.slice(axis: 0, start..<min(n, start + Self.rowsPerBlock)))
        }
        return try Tensor.concatenate(blocks, axis: 0)
    }

    /// The softmax of the outputs, in Double, shifted by the largest so no exponent overflows.
    public func classProbabilities(_ rows: Tensor) throws -> Tensor {
        let logits = try logits(rows).scalars
        let k = classCount, n = logits.count / k
        var out = [Float](repeating: 0, count: n * k)
        for r in 0..<n {
            let row = logits[(r * k)..<((r + 1) * k)].map(Double.init)
            let top = row.max()!
            let weights = row.map { Foundation.exp($0 - top) }
            let total = weights.reduce(0, +)
            for c in 0..<k { out[r * k + c] = Float(weights[c] / total) }
        }
        return try Tensor(out, shape: [n, k])
    }

    /// The most probable class of each row.
    public func predictions(_ rows: Tensor) throws -> [Int] {
        let logits = try logits(rows).scalars
        let k = classCount
        return (0..<(logits.count / k)).map { r in
            var best = 0
            for c in 1..<k where logits[r * k + c] > logits[r * k + best] { best = c }
            return best
        }
    }

    /// The share of `examples` it classifies correctly.
    public func accuracy(_ examples: LabelledExamples) throws -> Double {
        let predicted = try predictions(examples.rows)
        let right = zip(predicted, examples.labels).filter { $0 == $1 }.count
        return Double(right) / Double(max(1, examples.labels.count))
    }

    // MARK: The file

    /// The safetensors file: the weights as `net.*` tensors (PyTorch's `nn.Sequential` names after the prefix)
    /// and metadata naming the format, the architecture, the classes and the training data.
    public func file() -> SafeTensorsFile {
        var file = SafeTensorsFile()
        for (name, parameter) in network.namedParameters(prefix: "net") { file.append(name, parameter.value) }
        let shape = architecture.imageShape
        file.metadata = [
            ("format", Self.format),
            ("version", "2"),
            ("architecture", "cnn"),
            ("image_shape", "\(shape.channels),\(shape.height),\(shape.width)"),
            ("channels", architecture.channels.map(String.init).joined(separator: ",")),
            ("hidden", architecture.hidden.map(String.init).joined(separator: ",")),
            // A JSON array, so that a class name may hold any character (Fashion-MNIST's "T-shirt/top").
            ("classes", JSONValue.array(classNames.map(JSONValue.string)).serialized),
            ("trained_on", trainedOn),
            ("test_accuracy", String(testAccuracy)),
        ]
        return file
    }

    /// Writes the file atomically: a reader sees the old file or the whole new one.
    public func write(to path: String) throws { try file().write(to: path) }

    /// Reads and checks a classifier file; every problem is a `DataFileError` naming it.
    public static func read(path: String) throws -> ImageClassifier {
        let bytes = try PointFile.readBytes(path: path)
        let file = try SafeTensorsFile.decode(bytes, path: path)
        func failure(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }
        guard file.metadata("format") == format else {
            throw failure("is not a classifier file (its metadata has no format=\(format)); classifier train writes one")
        }
        if file.metadata("version") == "1" && file.metadata("architecture") == "mlp" {
            // Features of another network are other numbers: measurements with it could not be compared with
            // today's, so it is refused rather than kept alive beside the convolutional one.
            throw failure("is an MLP classifier written by an earlier Gantry (version 1); the image metrics now use a "
                          + "convolutional one: train it again with classifier train")
        }
        guard file.metadata("version") == "2", file.metadata("architecture") == "cnn" else {
            throw failure("is a classifier of version \(file.metadata("version") ?? "?") and architecture "
                          + "\(file.metadata("architecture") ?? "?"), which this build cannot read")
        }
        let shape = (file.metadata("image_shape") ?? "").split(separator: ",").compactMap { Int($0) }
        let hidden = (file.metadata("hidden") ?? "").split(separator: ",").compactMap { Int($0) }
        let channels = (file.metadata("channels") ?? "").split(separator: ",").compactMap { Int($0) }
        let classText = Array((file.metadata("classes") ?? "").utf8)[...]
        let classes = ((try? JSONValue.parse(classText, maximumDepth: 2))?.arrayValue ?? []).compactMap(\.stringValue)
        guard shape.count == 3, shape.allSatisfy({ (1...4096).contains($0) }), hidden.allSatisfy({ (1...65536).contains($0) }),
              channels.allSatisfy({ (1...4096).contains($0) }),
              classes.count >= 2, let accuracy = Double(file.metadata("test_accuracy") ?? "") else {
            throw failure("has corrupt classifier metadata (image_shape, channels, hidden, classes or test_accuracy)")
        }
        let architecture = Architecture(imageShape: ImageShape(channels: shape[0], height: shape[1], width: shape[2]),
                                        channels: channels, hidden: hidden, classCount: classes.count)
        let network = try architecture.network(using: RandomStream(seed: 0, name: "classifier.read"))
        let expected = network.namedParameters(prefix: "net")
        guard file.entries.count == expected.count else {
            throw failure("holds \(file.entries.count) tensors, but a classifier \(architecture) has \(expected.count)")
        }
        for (name, parameter) in expected {
            guard let tensor = file.tensor(name) else { throw failure("has no F32 tensor '\(name)'") }
            guard tensor.shape == parameter.shape else {
                throw failure("tensor '\(name)' has shape \(tensor.shape), but a classifier \(architecture) needs \(parameter.shape)")
            }
            guard tensor.withUnsafeBufferPointer({ $0.allSatisfy(\.isFinite) }) else {
                throw failure("tensor '\(name)' holds a value that is not finite")
            }
            parameter.value = tensor.detached().requiringGradient()
        }
        return ImageClassifier(architecture: architecture, network: network, classNames: classes,
                               trainedOn: file.metadata("trained_on") ?? "", testAccuracy: accuracy,
                               sha256: SHA256.hex(bytes), path: path)
    }
}
