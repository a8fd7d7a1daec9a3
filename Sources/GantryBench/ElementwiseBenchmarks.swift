import Autodiff
import Kernels

/// The fixed cost of an operation (a 128-element add: allocation, shape checks, graph node, compute) and
/// the throughput of elementwise functions on a 256×512 activation, through the public tensor API.
let elementwiseSuite = BenchmarkSuite(
    name: "elementwise",
    summary: "tiny-op overhead with and without gradient recording; relu/exp/tanh/sigmoid GB/s on 256×512"
) { emit in
    let stream = RandomStream(seed: 1, name: "bench")
    let small = Tensor.randomNormal([128], using: stream), other = Tensor.randomNormal([128], using: stream)
    let variable = small.requiringGradient()
    for (label, lhs) in [("off", small), ("on", variable)] {
        var sink: Float = 0
        let seconds = medianSecondsPerCall {
            let y = try! lhs + other
            sink += y.withUnsafeBufferPointer { $0[0] }
        }
        var line = JSONLine("tiny-op")
        line.add("op", "add")
        line.add("elements", 128)
        line.add("recording", label)
        line.add("ns", seconds * 1e9, digits: 3)
        line.add("target_ns", label == "on" ? 200 : 120)
        line.add("checksum_finite", sink.isFinite)
        emit(line)
    }
    let activation = Tensor.randomNormal([256, 512], using: stream)
    let functions: [(String, (Tensor) -> Tensor)] = [
        ("relu", { $0.relu() }), ("exp", { $0.exp() }), ("tanh", { $0.tanh() }),
        ("sigmoid", { $0.sigmoid() }),
    ]
    var reluSeconds = 0.0
    for (name, function) in functions {
        let seconds = withoutGradients { medianSecondsPerCall { _ = function(activation) } }
        if name == "relu" { reluSeconds = seconds }
        var line = JSONLine("elementwise")
        line.add("function", name)
        line.add("shape", "256x512")
        line.add("microseconds", seconds * 1e6, digits: 3)
        // Bytes moved: one read and one write of every float.
        line.add("gb_per_s", Double(2 * 4 * activation.elementCount) / seconds / 1e9, digits: 3)
        line.add("relative_to_relu", seconds / reluSeconds, digits: 3)
        emit(line)
    }
}
