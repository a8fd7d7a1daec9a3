import HostCPU

CPUFeatures.requireVectorExtensions()
AllocatorTuning.keepFreedMemoryForReuse()
BenchmarkRunner.main(arguments: Array(CommandLine.arguments.dropFirst()))
