#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HostCPU
import Shell

if let message = CPUFeatures.unsupportedMessage() {
    _ = (message + "\n").withCString { write(2, $0, strlen($0)) }
    exit(70)
}
AllocatorTuning.keepFreedMemoryForReuse()
exit(GantryCommand.main(Array(CommandLine.arguments.dropFirst())))
