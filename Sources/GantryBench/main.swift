import Foundation
import HostCPU
import Kernels

if let message = CPUFeatures.unsupportedMessage() {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(70)
}
if let problem = ComputeThreads.environmentProblem {
    FileHandle.standardError.write(Data("gantry-bench: \(problem)\n".utf8))
    exit(64)
}
AllocatorTuning.keepFreedMemoryForReuse()
BenchmarkRunner.main(arguments: Array(CommandLine.arguments.dropFirst()))
