import Autodiff

/// Which part of a labelled data set: training examples, or the held-out test examples that accuracy and
/// the image metrics' real-vs-real floors are measured on.
public enum DataSplit: String, Sendable, CaseIterable {
    case train, test
}

/// The examples of one split with their classes.
public struct LabelledExamples {
    /// The examples, [n, dimension], in the data set's row layout (NCHW for images).
    public let rows: Tensor
    /// One class per row, each in 0..<classCount.
    public let labels: [Int]

    /// Examples and their labels; there must be one label per row.
    public init(rows: Tensor, labels: [Int]) {
        precondition(rows.shape.rank == 2 && rows.shape[0] == labels.count, "one label per row")
        self.rows = rows
        self.labels = labels
    }
}

/// A data set whose samples belong to known classes, with a fixed train and test split: what `classifier
/// train` learns from. This is all a classifier needs of labels — class names in label order and the two
/// splits as rows with labels — so any data set that can say it can train one.
public protocol LabelledDataset: Dataset {
    /// The classes' names, in label order (label k is `classNames[k]`); at least two.
    var classNames: [String] { get }
    /// The examples of `split`, the same on every call.
    func examples(_ split: DataSplit) throws -> LabelledExamples
}
