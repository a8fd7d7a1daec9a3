/// Filled in by its owner.
let mathAccuracySuite = BenchmarkSuite(name: "math-accuracy", summary: "(not yet written)") { _ in }
