import Autodiff
import NeuralNet

/// Training a classifier on a labelled data set: cross-entropy, Adam, shuffled minibatches. Every draw
/// (weights, order) comes from streams named after the classifier, started from the seed, so the same seed
/// and data give the same file bit for bit.
public struct ClassifierTraining {
    /// Passes over the training split.
    public var epochs: Int
    /// Examples per update.
    public var batchSize: Int
    /// Output channels of the network's convolutions.
    public var channels: [Int]
    /// Widths of its dense hidden layers.
    public var hidden: [Int]
    /// Train on the first this many examples of the train split only (nil: all of them), for a quick check.
    public var limit: Int?
    /// Adam's step size.
    public var learningRate: Float
    /// The seed the streams derive from.
    public var seed: UInt64

    /// A training plan.
    public init(epochs: Int, batchSize: Int = 64, channels: [Int] = [16, 32], hidden: [Int] = [64], limit: Int? = nil,
                learningRate: Float = 1e-3, seed: UInt64) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.channels = channels
        self.hidden = hidden
        self.limit = limit
        self.learningRate = learningRate
        self.seed = seed
    }

    /// What training made, and how well it does on the held-out split.
    public struct Result {
        /// The classifier.
        public let classifier: ImageClassifier
        /// Accuracy on the test split.
        public let testAccuracy: Double
        /// Accuracy on the training split.
        public let trainAccuracy: Double
        /// Examples in each split.
        public let trainCount: Int, testCount: Int
    }

    /// Trains on `data`'s train split and measures on its test split; `shouldStop` is polled between
    /// updates (an interrupted training throws and leaves nothing behind).
    public func run(on data: any Dataset, shouldStop: () -> Bool = { false }) throws -> Result {
        let name = "classifier train"
        guard let classNames = data.classNames, let all = try data.examples(.train), let test = try data.examples(.test) else {
            throw SessionError("\(name): data set \(data.name) has no labels here; a classifier learns from a labelled data set "
                               + "(one with classes and a train and test split)")
        }
        let classes = classNames.count
        let train = limit.map { Self.first($0, of: all) } ?? all
        guard classes >= 2 else { throw SessionError("\(name): the data set has \(classes) class; a classifier needs two or more") }
        for (split, examples) in [("train", train), ("test", test)] {
            guard examples.labels.count > 0 else { throw SessionError("\(name): the \(split) split is empty") }
            guard examples.rows.shape[1] == data.dimension else {
                throw SessionError("\(name): the \(split) split has rows of \(examples.rows.shape[1]) values, not \(data.dimension)")
            }
            if let bad = examples.labels.firstIndex(where: { !(0..<classes).contains($0) }) {
                throw SessionError("\(name): \(split) example \(bad) has label \(examples.labels[bad]), outside 0…\(classes - 1)")
            }
        }
        let shape = data.imageShape ?? ImageShape(channels: 1, height: 1, width: data.dimension)
        let architecture = ImageClassifier.Architecture(imageShape: shape, channels: channels, hidden: hidden, classCount: classes)
        let network = try architecture.network(using: RandomStream(seed: seed, name: "classifier.weights"))
        let optimizer = Adam(learningRate: learningRate)
        let order = RandomStream(seed: seed, name: "classifier.order")
        let n = train.labels.count, d = data.dimension
        let rows = train.rows.scalars
        for _ in 0..<epochs {
            var permutation = Array(0..<n)
            for i in stride(from: n - 1, to: 0, by: -1) { permutation.swapAt(i, order.nextInt(below: i + 1)) }
            for start in stride(from: 0, to: n, by: batchSize) {
                if shouldStop() { throw SessionError("interrupted: \(name) stopped; nothing was written") }
                let chosen = permutation[start..<min(n, start + batchSize)]
                var x = [Float](), target = [Float](repeating: 0, count: chosen.count * classes)
                x.reserveCapacity(chosen.count * d)
                for (r, index) in chosen.enumerated() {
                    x.append(contentsOf: rows[(index * d)..<((index + 1) * d)])
                    target[r * classes + train.labels[index]] = 1
                }
                let logits = try network.forward(try Tensor(x, shape: [chosen.count, d]), ForwardContext(training: true))
                let loss = try Self.crossEntropy(logits: logits, oneHot: try Tensor(target, shape: [chosen.count, classes]))
                let parameters = network.parameters
                try optimizer.update(parameters, gradients: try gradients(of: loss, wrt: parameters.map(\.value)))
            }
        }
        let draft = ImageClassifier(architecture: architecture, network: network, classNames: classNames,
                                    trainedOn: data.canonicalText, testAccuracy: 0)
        let accuracy = try draft.accuracy(test)
        let classifier = ImageClassifier(architecture: architecture, network: network, classNames: classNames,
                                         trainedOn: data.canonicalText, testAccuracy: accuracy)
        return Result(classifier: classifier, testAccuracy: accuracy, trainAccuracy: try draft.accuracy(train),
                      trainCount: n, testCount: test.labels.count)
    }

    /// The first `count` examples (all when there are fewer).
    static func first(_ count: Int, of examples: LabelledExamples) -> LabelledExamples {
        let n = min(count, examples.labels.count), d = examples.rows.shape[1]
        let rows = SampleBuffer.matrix(rows: n, columns: d) { out in
            examples.rows.withUnsafeBufferPointer { source in
                out.baseAddress!.update(from: source.baseAddress!, count: n * d)
            }
        }
        return LabelledExamples(rows: rows, labels: Array(examples.labels[..<n]))
    }

    /// The mean over rows of log Σ exp(logits) − the target's logit, shifted by each row's (constant) largest
    /// logit so no exponent overflows.
    static func crossEntropy(logits: Tensor, oneHot: Tensor) throws -> Tensor {
        let shifted = try logits - (try logits.max(axis: 1, keepingDimension: true)).detached()
        let logSumExp = try shifted.exp().sum(axis: 1).log()
        let picked = try (shifted * oneHot).sum(axis: 1)
        return try (logSumExp - picked).mean()
    }
}
