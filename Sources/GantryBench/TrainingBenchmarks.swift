#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Autodiff
import Kernels
import Workbench

/// One of the four peer configurations of the benchmark table: the same sizes, losses, n_critic, batch
/// and Adam settings as the PyTorch, JAX and NumPy peers.
struct TrainingConfiguration: Sendable {
    let name: String
    let dataset: String
    let datasetAssignments: [(String, String)]
    let noiseDimension: Int
    let generator: [(String, String)]
    let discriminator: [(String, String)]
    let batch: Int
    let loss: String
    let lossAssignments: [(String, String)]
    let adam: [(String, String)]
    /// The model plugin of both players (`generator` and `discriminator` are its assignments).
    var model = "mlp"
}

let trainingConfigurations: [TrainingConfiguration] = [
    TrainingConfiguration(
        name: "toy-small", dataset: "ring8", datasetAssignments: [("radius", "2"), ("sigma", "0.02")], noiseDimension: 2,
        generator: [("hidden", "128,128")], discriminator: [("hidden", "128,128")], batch: 128,
        loss: "nonsaturating", lossAssignments: [], adam: [("lr", "1e-4"), ("beta1", "0.5"), ("beta2", "0.999")]),
    TrainingConfiguration(
        name: "toy-wgangp", dataset: "ring8", datasetAssignments: [("radius", "2"), ("sigma", "0.02")], noiseDimension: 2,
        generator: [("hidden", "512,512,512")], discriminator: [("hidden", "512,512,512")], batch: 256,
        loss: "wgan-gp", lossAssignments: [("lambda", "0.1"), ("critic_steps", "5")],
        adam: [("lr", "1e-4"), ("beta1", "0.5"), ("beta2", "0.9")]),
    TrainingConfiguration(
        name: "digits-mlp", dataset: "uniform", datasetAssignments: [("dim", "64"), ("lower", "0"), ("upper", "1")],
        noiseDimension: 64,
        generator: [("hidden", "256,256"), ("activation", "leaky-relu"), ("slope", "0.2"), ("output", "sigmoid")],
        discriminator: [("hidden", "256,256"), ("activation", "leaky-relu"), ("slope", "0.2")], batch: 64,
        loss: "nonsaturating", lossAssignments: [], adam: [("lr", "2e-4"), ("beta1", "0.5"), ("beta2", "0.999")]),
    TrainingConfiguration(
        name: "mnist-mlp", dataset: "uniform", datasetAssignments: [("dim", "784"), ("lower", "-1"), ("upper", "1")],
        noiseDimension: 100,
        generator: [("hidden", "256,512,1024"), ("activation", "leaky-relu"), ("slope", "0.2"), ("output", "tanh")],
        discriminator: [("hidden", "512,256"), ("activation", "leaky-relu"), ("slope", "0.2")], batch: 64,
        loss: "nonsaturating", lossAssignments: [], adam: [("lr", "2e-4"), ("beta1", "0.5"), ("beta2", "0.999")]),
    // Issue 18's convolutional pair on 28×28 greyscale images: the commands of the dcgan model's help.
    TrainingConfiguration(
        name: "dcgan-small", dataset: "uniform-images", datasetAssignments: [("channels", "1"), ("size", "28")], noiseDimension: 100,
        generator: [], discriminator: [("norm", "none")], batch: 64,
        loss: "nonsaturating", lossAssignments: [], adam: [("lr", "2e-4"), ("beta1", "0.5"), ("beta2", "0.999")], model: "dcgan"),
    TrainingConfiguration(
        name: "dcgan-wgangp", dataset: "uniform-images", datasetAssignments: [("channels", "1"), ("size", "28")], noiseDimension: 100,
        generator: [], discriminator: [("norm", "none")], batch: 64,
        loss: "wgan-gp", lossAssignments: [("lambda", "10"), ("critic_steps", "5")],
        adam: [("lr", "1e-4"), ("beta1", "0.5"), ("beta2", "0.9")], model: "dcgan"),
]

/// A session set up as a configuration describes, through the public Session API.
func makeSession(_ configuration: TrainingConfiguration) throws -> Session {
    let session = try Session(seed: 1)
    guard let datasetType = Plugins.datasets.named(configuration.dataset) else {
        throw SessionError("no data set \(configuration.dataset)")
    }
    try session.setDataset(try datasetType.make(try ParameterValues(datasetType.spec, assignments: configuration.datasetAssignments)))
    try session.setNoise(NormalNoise(dimension: configuration.noiseDimension))
    guard let modelType = Plugins.models.named(configuration.model) else { throw SessionError("no model \(configuration.model)") }
    try session.setModel(.generator, try modelType.init(try ParameterValues(modelType.spec, assignments: configuration.generator)))
    try session.setModel(.discriminator, try modelType.init(try ParameterValues(modelType.spec, assignments: configuration.discriminator)))
    guard let lossType = Plugins.losses.named(configuration.loss) else { throw SessionError("no loss \(configuration.loss)") }
    try session.setLoss(try lossType.make(try ParameterValues(lossType.spec, assignments: configuration.lossAssignments)))
    let adam = try AdamRule.make(configuration.adam)
    try session.setOptimizer(.generator, adam)
    try session.setOptimizer(.discriminator, adam)
    try session.setBatchSize(configuration.batch)
    return session
}

/// The peak resident memory of this process so far, in MB.
func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    #if os(Linux)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
    #else
    return Double(usage.ru_maxrss) / 1_048_576  // bytes on Darwin
    #endif
}

/// One suite per configuration, so that `scripts/bench` can run each in its own process and read a
/// per-configuration peak memory.
let trainingSuites: [BenchmarkSuite] = trainingConfigurations.map { configuration in
    BenchmarkSuite(name: "train-" + configuration.name,
                   summary: "iterations per second of the \(configuration.name) peer configuration, 1 and 2 threads") { emit in
        let saved = ComputeThreads.count
        defer { ComputeThreads.count = saved }
        for threads in benchmarkThreadCounts {
            ComputeThreads.count = threads
            var line = JSONLine("train")
            line.add("config", configuration.name)
            line.add("threads", threads)
            let soloBefore = ComputeThreads.soloPeriodCount
            do {
                let session = try makeSession(configuration)
                try session.train(iterations: 5)  // warm caches and allocator pools
                // Median over repetitions of about two seconds each.
                let probeStart = monotonicSeconds()
                try session.train(iterations: 5)
                let perIteration = (monotonicSeconds() - probeStart) / 5
                let batchIterations = max(5, Int(2.0 / perIteration))
                var rates: [Double] = []
                for _ in 0..<5 {
                    let start = monotonicSeconds()
                    try session.train(iterations: batchIterations)
                    rates.append(Double(batchIterations) / (monotonicSeconds() - start))
                }
                rates.sort()
                line.add("iterations_per_second", rates[2], digits: 4)
                line.add("min", rates[0], digits: 4)
                line.add("max", rates[4], digits: 4)
                line.add("peak_mb", peakResidentMegabytes(), digits: 4)
                line.add("final_d_loss", session.history.rows.last?.discriminatorLoss ?? .nan, digits: 4)
            } catch {
                line.add("error", "\(error)")
            }
            line.add("solo_periods", ComputeThreads.soloPeriodCount - soloBefore)
            emit(line)
        }
    }
}
