import HostCPU

CPUFeatures.requireVectorExtensions()
BenchmarkRunner.main(arguments: Array(CommandLine.arguments.dropFirst()))
