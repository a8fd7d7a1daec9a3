import Foundation
import HostCPU
import Kernels

CPUFeatures.requireVectorExtensions()
if let problem = ComputeThreads.environmentProblem {
    FileHandle.standardError.write(Data("gantry-bench: \(problem)\n".utf8))
    exit(64)
}
AllocatorTuning.keepFreedMemoryForReuse()
BenchmarkRunner.main(arguments: Array(CommandLine.arguments.dropFirst()))
