extension History {
    /// The names of every value the measurements report, as METRIC.VALUE ("modes.modes"), in the order
    /// they first appear.
    public var measurementNames: [String] {
        var names: [String] = []
        for measurement in measurements {
            for value in measurement.report.values {
                let name = measurement.report.metric + "." + value.name
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }

    /// The measurements of METRIC.VALUE over iterations, nil when no measurement reported it.
    public func measurementSeries(_ name: String) -> [(iteration: Int, value: Double)]? {
        let points = measurements.compactMap { measurement -> (Int, Double)? in
            guard let value = measurement.report.values.first(where: { measurement.report.metric + "." + $0.name == name })
            else { return nil }
            return (measurement.iteration, value.value)
        }
        return points.isEmpty ? nil : points
    }
}
