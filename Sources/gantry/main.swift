#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HostCPU
import Shell

CPUFeatures.requireVectorExtensions()
AllocatorTuning.keepFreedMemoryForReuse()
exit(GantryCommand.main(Array(CommandLine.arguments.dropFirst())))
