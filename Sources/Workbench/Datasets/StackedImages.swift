import Foundation
import Autodiff
import NeuralNet

/// `stacked`: three independent images of a labelled greyscale data set as the three channels of one image,
/// so that a K-class set has K³ modes (1000 for ten classes): the benchmark of mode collapse of VEEGAN and
/// PacGAN.
public final class StackedImages: Dataset {
    static let base: ParameterKey<String> = .text(
        "base", default: "fashion-mnist",
        "the labelled greyscale data set stacked, with its parameters in quotes: base=\"mnist images=a.gz labels=b.gz\"")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "stacked", aliases: ["stacked-mnist"],
        summary: "three random images of a labelled greyscale set as one RGB image: 1000 modes for 10 classes",
        discussion: """
            Makes the data set base= names (fashion-mnist by default; any labelled 1-channel image set, with its \
            own parameters inside quotes, e.g. base="mnist images=train.gz labels=labels.gz") and draws three \
            of its images for each sample, the first as the red channel, the second as green, the third as \
            blue: a K-class base gives K³ classes, label K²·a + K·b + c for channels of classes a, b, c \
            (100a + 10b + c, 1000 modes, for ten classes). The three images are the base's own labelled batch \
            of 3·count, drawn from the session's data stream alone, so sessions replay bit for bit. Counting \
            which of the 1000 modes a generator reaches, with a classifier on each channel, is how VEEGAN and \
            PacGAN measure mode collapse.
            """,
        parameters: [base.spec],
        reference: "Srivastava et al. 2017 (VEEGAN), §5.2; Lin et al. 2018 (PacGAN), §6.1: stacked MNIST")

    /// The largest number of classes a base may have: a million stacked classes.
    static let maximumBaseClasses = 100

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The data set whose images are stacked.
    public let stackedBase: any Dataset
    private let baseClasses: Int
    private let shape: ImageShape

    /// Makes the base and checks that it is a labelled greyscale image set.
    public init(_ parameters: ParameterValues) throws {
        self.parameters = parameters
        let text = parameters[Self.base]
        func refuse(_ expected: String) -> ParameterError {
            ParameterError.invalid(owner: "dataset \(Self.spec.name)", name: Self.base.name,
                                   value: ParameterValue.text(text).description, expected: expected)
        }
        let words = try Self.words(text, refuse)
        guard let name = words.first, !name.contains("=") else { throw refuse("a data set's name, then its parameters") }
        guard let entry = Plugins.datasets.named(name) else {
            let suggestion = Plugins.datasets.suggestion(for: name).map { "; did you mean \($0)?" } ?? ""
            throw refuse("a labelled greyscale image data set such as fashion-mnist, digits or mnist ('\(name)' is none\(suggestion))")
        }
        var assignments: [(name: String, value: String)] = []
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { throw refuse("parameters of \(name) as key=value ('\(word)' is not)") }
            assignments.append((String(word[..<equals]), String(word[word.index(after: equals)...])))
        }
        let base: any Dataset
        do {
            base = try entry.make(ParameterValues(entry.spec, assignments: assignments))
        } catch let error as ParameterError {
            throw refuse("parameters \(entry.spec.name) accepts (\(error))")
        }
        guard let image = base.imageShape, image.channels == 1 else {
            throw refuse("a greyscale image data set (\(entry.spec.name)'s samples are \(base.imageShape.map { "\($0) images" } ?? "not images"))")
        }
        guard let classes = base.classNames?.count, classes >= 1 else {
            throw refuse("a data set with labels (\(entry.spec.name) has none here)")
        }
        guard classes <= Self.maximumBaseClasses else {
            throw refuse("a data set of at most \(Self.maximumBaseClasses) classes (\(entry.spec.name) has \(classes))")
        }
        stackedBase = base
        baseClasses = classes
        shape = image.stacking(3)
    }

    /// The words of the base's text: blanks separate them, and a value in double quotes may hold blanks (with
    /// \" and \\ for a quote and a backslash).
    static func words(_ text: String, _ refuse: (String) -> ParameterError) throws -> [String] {
        var words: [String] = [], current = "", quoted = false, escaped = false, started = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                started = true
            } else if character.isWhitespace && !quoted {
                if started { words.append(current) }
                (current, started) = ("", false)
            } else {
                current.append(character)
                started = true
            }
        }
        guard !quoted && !escaped else { throw refuse("a closing quote in the base's parameters") }
        if started { words.append(current) }
        return words
    }

    public var dimension: Int { shape.elementCount }
    public var modes: ModeLayout? { nil }
    public var imageShape: ImageShape? { shape }
    /// The base's images, which the stacked ones are made of: checkpoints check them.
    public var filePoints: (path: String, points: Tensor)? { stackedBase.filePoints }

    /// K³ names: the three base labels as digits ("307") for ten classes or fewer, with dashes otherwise.
    public var classNames: [String]? {
        let k = baseClasses
        return (0..<(k * k * k)).map { label in
            let (a, b, c) = (label / (k * k), label / k % k, label % k)
            return k <= 10 ? "\(a)\(b)\(c)" : "\(a)-\(b)-\(c)"
        }
    }

    /// As many stacked examples as the base's split holds, each three of that split's images drawn with
    /// replacement from a stream of the split's own, so the stacked splits share no image and are the same in
    /// every session.
    public func examples(_ split: DataSplit) throws -> LabelledExamples? {
        guard let base = try stackedBase.examples(split) else { return nil }
        let n = base.labels.count, d = base.rows.shape[1], k = baseClasses
        let stream = RandomStream(seed: 0, name: "stacked.\(split.rawValue)")
        let chosen = (0..<(3 * n)).map { _ in stream.nextInt(below: n) }
        let rows = SampleBuffer.matrix(rows: n, columns: 3 * d) { out in
            base.rows.withUnsafeBufferPointer { source in
                for (row, index) in chosen.enumerated() {
                    UnsafeMutableRawPointer(out.baseAddress! + row * d)
                        .copyMemory(from: source.baseAddress! + index * d, byteCount: d * MemoryLayout<Float>.size)
                }
            }
        }
        let labels = (0..<n).map { i in
            (base.labels[chosen[3 * i]] * k + base.labels[chosen[3 * i + 1]]) * k + base.labels[chosen[3 * i + 2]]
        }
        return LabelledExamples(rows: rows, labels: labels)
    }

    public func sample(_ count: Int, using stream: RandomStream) -> Tensor { labelledSample(count, using: stream)!.samples }

    /// The base's labelled batch of 3·count, three consecutive images per sample (red, green, blue).
    public func labelledSample(_ count: Int, using stream: RandomStream) -> (samples: Tensor, labels: [Int])? {
        precondition(count >= 0, "cannot draw \(count) samples")
        let (images, labels) = stackedBase.labelledSample(3 * count, using: stream)!
        let k = baseClasses
        let stacked = (0..<count).map { (labels[3 * $0] * k + labels[3 * $0 + 1]) * k + labels[3 * $0 + 2] }
        // Three consecutive rows of 1×H×W are one row of 3×H×W: the layout is already the stacked one.
        return (try! images.reshaped([count, shape.elementCount]), stacked)
    }
}
