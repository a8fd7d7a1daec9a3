#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HostCPU

CPUFeatures.requireVectorExtensions()
exit(CommandLineInterface.run(Array(CommandLine.arguments.dropFirst())))
