import Autodiff
import Kernels
import Workbench
import Foundation

let experimentSuite = BenchmarkSuite(name: "experiment", summary: "scratch") { emit in
    do {
        let env = ProcessInfo.processInfo.environment
        let session = try Session(seed: UInt64(env["SEED"] ?? "1")!)
        let hidden = env["HIDDEN"] ?? "128,128"
        try session.setModel(.generator, try ParameterValues(MLPModel.spec, assignments: [("hidden", hidden)]))
        try session.setModel(.discriminator, try ParameterValues(MLPModel.spec, assignments: [("hidden", hidden)]))
        session.setLoss(try WGANGPLoss(try ParameterValues(WGANGPLoss.spec, assignments: [("lambda", env["LAMBDA"] ?? "0.1"), ("critic_steps", env["NC"] ?? "5")])))
        let adam = try ParameterValues(OptimizerRegistry.adam, assignments: [("lr", env["LR"] ?? "1e-4"), ("beta1", "0.5"), ("beta2", "0.9")])
        session.setOptimizer(.generator, OptimizerRegistry.adam, adam)
        session.setOptimizer(.discriminator, OptimizerRegistry.adam, adam)
        session.batchSize = Int(env["BATCH"] ?? "128")!
        let modes = try ModesMetric(ParameterValues(ModesMetric.spec))
        let total = Int(env["ITERS"] ?? "3000")!
        let start = monotonicSeconds()
        for chunk in 0..<(total / 500) {
            try session.train(iterations: 500)
            let r = try session.measure(modes)
            print(chunk * 500 + 500, r.values.map { "\($0.name)=\($0.value)" }, String(format: "%.1fs", monotonicSeconds() - start))
        }
    } catch { print(error) }
}
