import Foundation
import Autodiff
import Kernels

/// Where the image metrics look at samples: a map from rows to features, and class probabilities. Any
/// classifier can serve — one trained by `classifier train` (`ImageClassifier`), or, on a mixture data set
/// without one, the mixture itself (`SampleSpaceFeatures`).
public protocol FeatureMap {
    /// The width of the rows it reads. A sample `k` times as wide holds `k` such rows side by side (the
    /// channels of a stacked image, NCHW), which mode counting classifies one by one.
    var inputWidth: Int { get }
    /// The number of classes its probabilities range over.
    var classCount: Int { get }
    /// "classifier digits.safetensors (mlp 16 → 32 → 32 → 3)": what the metric's notes call it.
    var summary: String { get }
    /// The features of `rows` ([n, inputWidth] → [n, f]).
    func features(_ rows: Tensor) throws -> Tensor
    /// p(y | x) for each row ([n, inputWidth] → [n, classCount], rows summing to 1).
    func classProbabilities(_ rows: Tensor) throws -> Tensor
}

/// The samples as their own features, and — on a mixture data set — the mixture's posterior over its
/// components as the class probabilities: the exact Bayes classifier of that data, so the image metrics
/// mean something on the toy data sets too.
public struct SampleSpaceFeatures: FeatureMap {
    /// The sample width.
    public let inputWidth: Int
    /// The mixture, when the data set has one.
    public let modes: ModeLayout?
    /// The number of mixture components (0 without a mixture).
    public var classCount: Int { modes?.centres.count ?? 0 }
    /// "the samples themselves".
    public var summary: String { "the samples themselves" + (modes == nil ? "" : " (classes: the data set's mixture components)") }

    /// Features of `inputWidth`-wide rows, classes from `modes`.
    public init(inputWidth: Int, modes: ModeLayout?) {
        self.inputWidth = inputWidth
        self.modes = modes
    }

    /// The rows as they are.
    public func features(_ rows: Tensor) throws -> Tensor { rows }

    /// p(k | x) ∝ exp(−‖x − μₖ‖² / 2σ²) for the equally weighted isotropic mixture (computed in Double,
    /// shifted by the largest exponent so that far samples do not underflow to 0/0).
    public func classProbabilities(_ rows: Tensor) throws -> Tensor {
        guard let modes, !modes.centres.isEmpty, modes.standardDeviation > 0 else {
            throw MetricError("class probabilities need classifier=FILE (see classifier train) or a data set with "
                              + "mode centres")
        }
        let x = try SampleMatrix(rows, role: "real", metric: "classifier")
        guard modes.centres.allSatisfy({ $0.count == x.dimension }) else {
            throw MetricError("the data set's mixture components have \(modes.centres[0].count) values, but the samples "
                              + "have \(x.dimension): give classifier=FILE")
        }
        let k = modes.centres.count, width = Double(2 * modes.standardDeviation * modes.standardDeviation)
        let centres = modes.centres.flatMap { $0.map(Double.init) }
        var distances = [Double](repeating: 0, count: x.count * k)
        x.values.withUnsafeBufferPointer { rows in
            centres.withUnsafeBufferPointer { c in
                distances.withUnsafeMutableBufferPointer { out in
                    PairwiseDistances.distanceMatrix(rows.baseAddress!, count: x.count, c.baseAddress!, count: k,
                                                     dimension: x.dimension, into: out.baseAddress!)
                }
            }
        }
        var out = [Float](repeating: 0, count: x.count * k)
        var weights = [Double](repeating: 0, count: k)
        for r in 0..<x.count {
            var nearest = Double.infinity
            for c in 0..<k { nearest = Swift.min(nearest, distances[r * k + c]) }
            var total = 0.0
            for c in 0..<k {
                let distance = distances[r * k + c]
                weights[c] = Foundation.exp((nearest * nearest - distance * distance) / width)
                total += weights[c]
            }
            for c in 0..<k { out[r * k + c] = Float(weights[c] / total) }
        }
        return try Tensor(out, shape: [x.count, k])
    }
}

/// The parameters every image metric shares (which classifier, and its recorded hash), declared once, and
/// how a metric turns them into a `FeatureMap` and reports its real-vs-real floor.
public enum FeatureSpaceSetting {
    static let classifier: ParameterKey<String> = .text(
        "classifier", default: "none",
        "a classifier file written by classifier train; none: the samples themselves (and a mixture's components as classes)")
    static let sha256: ParameterKey<String> = .text(
        "sha256", default: "any",
        "the classifier file's SHA-256, filled in when it is read, so that a replay refuses a changed file; any: not checked")

    /// The two shared parameters' declarations.
    static var parameters: [ParameterSpec] { [classifier.spec, sha256.spec] }

    /// The classifier named by `parameters` (nil for none), checked against its stated hash, and the
    /// parameters with that hash filled in and stated, so that `save` and checkpoints record the file's
    /// content. The hash is part of the metric's identity either way, so replaying gives the same numbers.
    static func resolve(_ parameters: ParameterValues, spec: PluginSpec) throws -> (ParameterValues, ImageClassifier?) {
        let path = parameters[classifier], expected = parameters[sha256]
        let isHash = expected.count == 64 && expected.allSatisfy { $0.isHexDigit && !$0.isUppercase }
        guard expected == "any" || isHash else {
            throw ParameterError.invalid(owner: "\(spec.kind.rawValue) \(spec.name)", name: sha256.name, value: expected,
                                         expected: "any, or a SHA-256 of 64 lowercase hexadecimal digits")
        }
        guard path != "none" else {
            if isHash {
                throw ParameterError.invalid(owner: "\(spec.kind.rawValue) \(spec.name)", name: sha256.name, value: expected,
                                             expected: "any: classifier=none reads no file to check")
            }
            return (parameters, nil)
        }
        let loaded = try ImageClassifier.read(path: path)
        if isHash && loaded.sha256 != expected {
            throw DataFileError(path: path, "has changed: its sha256 is \(loaded.sha256), but the session was recorded "
                                + "with \(expected) (retrained or replaced?): use the file the measurements were made with")
        }
        var values = parameters.entries.filter { parameters.explicitNames.contains($0.name) && $0.name != sha256.name }
        values.append((sha256.name, .text(loaded.sha256)))
        return (try ParameterValues(spec, values: values.map { ($0.name, $0.value) }), loaded)
    }

    /// The feature map a measurement uses: the classifier when one was given, else the samples themselves.
    /// For class probabilities (`forClasses`) the samples are read in blocks of the mixture's width, so that
    /// stacked samples of a mixture data set are classified block by block.
    static func map(_ classifier: ImageClassifier?, _ input: MetricInput, forClasses: Bool = false) -> any FeatureMap {
        if let classifier { return classifier }
        let width = input.real.shape.rank == 2 ? input.real.shape[1] : 1
        if forClasses, let centre = input.modes?.centres.first, !centre.isEmpty, width % centre.count == 0 {
            return SampleSpaceFeatures(inputWidth: centre.count, modes: input.modes)
        }
        return SampleSpaceFeatures(inputWidth: width, modes: input.modes)
    }

    /// A second real set of `count` samples, independent of `input.real`, for the real-vs-real floor.
    static func secondReal(_ input: MetricInput, count: Int, metric: String) throws -> Tensor {
        guard let draw = input.drawReal else {
            throw MetricError("metric \(metric) reports a real-vs-real floor and needs a second real set; none was given")
        }
        return draw(count)
    }

    /// The two real feature sets a real-vs-real floor compares, and a note saying which: `count` examples of
    /// the data set's train split against `count` of its test split when it has labelled splits (the floor the
    /// literature reports); otherwise the measured real batch `real` against a second, independent one.
    static func floorSets(_ input: MetricInput, real: SampleMatrix, count: Int, map: any FeatureMap,
                          metric: String) throws -> (first: SampleMatrix, second: SampleMatrix, note: String) {
        if let splits = try input.drawSplits?(count) {
            return (try features(splits.train, map, role: "train-split", metric: metric),
                    try features(splits.test, map, role: "test-split", metric: metric),
                    "floor: \(count) train-split examples against \(count) test-split ones")
        }
        let other = try features(try secondReal(input, count: count, metric: metric), map, role: "real", metric: metric)
        return (real, other, "floor: two independent real batches of \(count)")
    }

    /// The features of `rows` as a Double matrix, after checking the width the map reads.
    static func features(_ rows: Tensor, _ map: any FeatureMap, role: String, metric: String) throws -> SampleMatrix {
        let width = rows.shape.rank == 2 ? rows.shape[1] : 1
        guard width == map.inputWidth else {
            throw MetricError("metric \(metric): \(role) samples have \(width) values, but \(map.summary) reads rows of "
                              + "\(map.inputWidth)")
        }
        try SampleMatrix.check(rows, role: role, metric: metric)
        return try SampleMatrix(try map.features(rows), role: role + " feature", metric: metric)
    }

    /// Class probabilities of each `map.inputWidth`-wide block of every row (one block per channel of a
    /// stacked image, NCHW), as [n·blocks, classes], block by block within each row; and the block count.
    static func blockProbabilities(_ rows: Tensor, _ map: any FeatureMap, role: String,
                                   metric: String) throws -> (probabilities: SampleMatrix, blocks: Int) {
        let (count, dimension) = try SampleMatrix.check(rows, role: role, metric: metric)
        let width = map.inputWidth
        guard width > 0, dimension % width == 0 else {
            throw MetricError("metric \(metric): \(role) samples have \(dimension) values, not a whole number "
                              + "of the \(width)-value rows \(map.summary) reads")
        }
        let blocks = dimension / width
        // Row r's block b is its values b·width ..< (b + 1)·width: in NCHW, channel b of image r.
        let split = try rows.reshaped([count * blocks, width])
        let probabilities = try SampleMatrix(try map.classProbabilities(split), role: role + " class", metric: metric)
        return (probabilities, blocks)
    }
}
