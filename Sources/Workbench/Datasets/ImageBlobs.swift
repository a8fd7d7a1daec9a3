import Autodiff
import NeuralNet

/// `blobs`: tiny labelled images, each a fixed random prototype plus Gaussian noise — a labelled mixture
/// small enough for tests and transcripts of `classifier train` and the image metrics.
public final class ImageBlobs: Dataset {
    static let classes: ParameterKey<Int> = .integer("classes", 2...100, default: 3, "number of classes (prototypes)")
    static let side: ParameterKey<Int> = .integer("side", 2...32, default: 4, "image height and width, in pixels")
    static let sigma = GaussianMixtureSampler.sigmaKey(default: 0.5)
    static let trainCount: ParameterKey<Int> = .integer("train", 2...100_000, default: 600, "examples in the train split")
    static let testCount: ParameterKey<Int> = .integer("test", 2...100_000, default: 300, "examples in the test split")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "blobs", aliases: ["image-blobs"],
        summary: "labelled 1×side×side images: K random prototypes plus Gaussian noise (train and test splits)",
        discussion: """
            Each class k has a prototype image whose pixels are uniform in [−1, 1], drawn once from a stream of \
            its own (the same prototypes for every seed); a sample is its class's prototype plus N(0, σ²) noise \
            in every pixel, classes equally likely. It is a Gaussian mixture with known centres, so the mode \
            metrics apply, and it is labelled with fixed train and test splits (drawn from streams of their \
            own, independent of the session's seed), so classifier train can learn from it. Batches draw \
            from the data stream like any mixture: the classes first, then the noise.
            """,
        parameters: [classes.spec, side.spec, sigma.spec, trainCount.spec, testCount.spec],
        reference: "isotropic Gaussian blobs as in scikit-learn's make_blobs (Pedregosa et al. 2011, Scikit-learn: "
            + "Machine Learning in Python, JMLR 12:2825–2830), laid out as images")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    let mixture: GaussianMixtureSampler
    let shape: ImageShape

    /// Prototypes from validated parameters.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let side = parameters[Self.side]
        shape = ImageShape(channels: 1, height: side, width: side)
        let prototypes = RandomStream(seed: 0, name: "blobs.prototypes")
        let centres = (0..<parameters[Self.classes]).map { _ in
            (0..<(side * side)).map { _ in 2 * prototypes.nextUniform() - 1 }
        }
        mixture = GaussianMixtureSampler(centres: centres, sigma: parameters[Self.sigma])
    }

    public var dimension: Int { shape.elementCount }
    public var modes: ModeLayout? { mixture.layout }
    public var imageShape: ImageShape? { shape }
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { mixture.sample(count, using: stream) }

    /// "0", "1", …
    public var classNames: [String]? { (0..<mixture.centres.count).map(String.init) }

    public func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? {
        mixture.labelledSample(count, using: stream)
    }

    /// The split's examples: drawn as a batch is, from the split's own stream.
    public func examples(_ split: DataSplit) throws -> LabelledExamples? {
        let count = parameters[split == .train ? Self.trainCount : Self.testCount]
        let (rows, labels) = mixture.labelledSample(count, using: RandomStream(seed: 0, name: "blobs.\(split.rawValue)"))
        return LabelledExamples(rows: rows, labels: labels)
    }
}
