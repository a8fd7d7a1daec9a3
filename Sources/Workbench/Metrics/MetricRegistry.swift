/// Every metric plugin, in the order help lists them.
public enum MetricRegistry {
    // The array is immutable and holds only metatypes, whose one piece of static state (`spec`) is a
    // Sendable `let`. Swift 6.2+ still calls the metatypes non-Sendable because `Metric` does not refine
    // `SendableMetatype`; until it does, this is asserted safe by hand.
    /// The metric types, by canonical name: modes, w1, sliced-w, mmd, energy, precision-recall,
    /// density-coverage, histogram, critic.
    nonisolated(unsafe) public static let all: [any Metric.Type] = [
        ModesMetric.self,
        W1Metric.self,
        SlicedWassersteinMetric.self,
        MMDMetric.self,
        EnergyMetric.self,
        PrecisionRecallMetric.self,
        DensityCoverageMetric.self,
        HistogramMetric.self,
        CriticMetric.self,
    ]

    /// The metric whose name or alias is `name` (case-insensitive), if any.
    public static func named(_ name: String) -> (any Metric.Type)? {
        let key = name.lowercased()
        return all.first { $0.spec.name == key || $0.spec.aliases.contains(key) }
    }
}
