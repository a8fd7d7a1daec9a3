/// One generator iteration's record: losses, D's outputs, gradient norms, estimates and time.
public struct HistoryRow: Sendable, Equatable {
    /// The generator iteration, counted from 1.
    public var iteration: Int
    /// D's loss at its last update of the iteration.
    public var discriminatorLoss: Double
    /// G's loss.
    public var generatorLoss: Double
    /// mean D(x) over the last real batch D saw.
    public var realScore: Double
    /// mean D(G(z)) over the last generated batch D saw (at its last update of the iteration, as realScore).
    public var fakeScore: Double
    /// Global L2 norm of G's gradient.
    public var generatorGradientNorm: Double
    /// Global L2 norm of D's gradient at its last update.
    public var discriminatorGradientNorm: Double
    /// mean D(x) − mean D(x̃) at D's last update (Wasserstein losses), else NaN.
    public var wassersteinEstimate: Double
    /// log 2 − ½·L_D in nats (cross-entropy losses), else NaN.
    public var jsEstimate: Double
    /// Wall-clock seconds the iteration took (the one column that is not reproducible).
    public var seconds: Double

    /// The recorded quantities in column order (time last), for tables and exports.
    public var values: [Double] {
        [Double(iteration), discriminatorLoss, generatorLoss, realScore, fakeScore, generatorGradientNorm,
         discriminatorGradientNorm, wassersteinEstimate, jsEstimate, seconds]
    }

    /// Equality of everything but the wall time, bit for bit (NaN equals NaN).
    public func isReproduction(of other: HistoryRow) -> Bool {
        zip(values.dropLast(), other.values.dropLast()).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}

/// A measurement taken during training (`metric modes` after iteration 500, …).
public struct Measurement: Sendable, Equatable {
    /// The generator iteration it was taken after.
    public var iteration: Int
    /// What it measured.
    public var report: MetricReport
}

/// Every iteration's row, and every measurement, in order.
public struct History: Sendable, Equatable {
    /// The column names of `HistoryRow.values`, as exports and `show history` print them.
    public static let columns = ["iteration", "d_loss", "g_loss", "d_real", "d_fake", "grad_norm_g", "grad_norm_d",
                                 "wasserstein", "js", "seconds"]

    /// One row per generator iteration.
    public private(set) var rows: [HistoryRow] = []
    /// Measurements in the order they were taken.
    public private(set) var measurements: [Measurement] = []

    /// An empty history.
    public init() {}

    /// Appends a row.
    mutating func append(_ row: HistoryRow) { rows.append(row) }

    /// Appends a measurement.
    mutating func record(_ measurement: Measurement) { measurements.append(measurement) }

    /// Drops rows and measurements beyond the given counts (rolling back a failed iteration).
    mutating func truncate(rows rowCount: Int, measurements measurementCount: Int) {
        rows.removeLast(rows.count - rowCount)
        measurements.removeLast(measurements.count - measurementCount)
    }

    /// The series of one column by name, nil when there is no such column.
    public func series(_ column: String) -> [Double]? {
        guard let index = History.columns.firstIndex(of: column) else { return nil }
        return rows.map { $0.values[index] }
    }
}
