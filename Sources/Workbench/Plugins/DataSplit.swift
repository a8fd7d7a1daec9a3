import Autodiff

/// Which part of a labelled data set (`Dataset.examples`): training examples, or the held-out test examples
/// that accuracy is measured on and the image metrics' real-vs-real floors compare with the training ones.
/// Data that come with a split keep it (Fashion-MNIST's train and t10k files; `blobs` draws each from a stream
/// of its own); a single labelled file or folder holds out every fifth image (`ImageCollection.isHeldOut`).
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
