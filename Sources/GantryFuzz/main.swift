#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import GantryFuzzing

// gantry-fuzz TARGET …: fuzzes the script parser (`script`), the checkpoint loader (`checkpoint`), the NumPy
// reader (`npy`) or the whole data-file reader with IDX and gzip input (`idx`).
//
// Built with libFuzzer (swift build -c release --product gantry-fuzz -Xswiftc -sanitize=fuzzer
// -Xswiftc -DGANTRY_LIBFUZZER …), it hands everything after TARGET to libFuzzer (corpus folders,
// -max_total_time=600, …), which finds new inputs by coverage and keeps crashing ones. Built normally, it
// runs seeded random mutations of a corpus in this process: gantry-fuzz TARGET CORPUS [--seed N]
// [--inputs N] [--seconds S] [--last-input FILE].

let usage = "usage: gantry-fuzz script|checkpoint|npy|idx CORPUS_FOLDER [--seed N] [--inputs N] [--seconds S] [--last-input FILE]"
var arguments = Array(CommandLine.arguments.dropFirst())
guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}

#if GANTRY_LIBFUZZER
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// The target of this run, for the C callbacks (which cannot capture it).
nonisolated(unsafe) var selected = target

@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int) -> Int

/// Half of the mutations are libFuzzer's own; the other half are `Mutator`'s, which know the tokens of
/// the format and keep a safetensors or `.npy` header's length consistent with its edited text.
@_cdecl("LLVMFuzzerCustomMutator")
func customMutator(_ data: UnsafeMutablePointer<UInt8>?, _ size: Int, _ maxSize: Int, _ seed: UInt32) -> Int {
    guard seed % 2 == 0, let data else { return libFuzzerMutate(data, size, maxSize) }
    let mutated = Mutator.mutateOnce(Array(UnsafeBufferPointer(start: data, count: size)), seed: UInt64(seed), target: selected)
    let count = min(mutated.count, maxSize)
    if count > 0 { mutated.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) } }
    return count
}

// libFuzzer sees the program name and the arguments after TARGET.
var driverArguments = ([CommandLine.arguments[0]] + arguments.dropFirst()).map { strdup($0) }
driverArguments.append(nil)
var count = Int32(driverArguments.count - 1)
var pointer = driverArguments.withUnsafeMutableBufferPointer { $0.baseAddress! }
exit(runDriver(&count, &pointer) { data, size in
    _ = selected.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
})
#else
arguments.removeFirst()
guard let folder = arguments.first, !folder.hasPrefix("--") else {
    FileHandle.standardError.write(Data((usage + "\n").utf8))
    exit(64)
}
var seed: UInt64 = 1, inputs = Int.max, seconds = Double.infinity, lastInput: String?
var index = 1
while index < arguments.count {
    let (flag, value) = (arguments[index], index + 1 < arguments.count ? arguments[index + 1] : "")
    switch flag {
    case "--seed": seed = UInt64(value) ?? seed
    case "--inputs": inputs = Int(value) ?? inputs
    case "--seconds": seconds = Double(value) ?? seconds
    case "--last-input": lastInput = value
    default:
        FileHandle.standardError.write(Data(("unknown option \(flag)\n" + usage + "\n").utf8))
        exit(64)
    }
    index += 2
}
if inputs == .max && seconds == .infinity { seconds = 10 }
let corpus = try FuzzRun.corpus(at: folder)
let started = Date()
let statistics = FuzzRun(target: target, corpus: corpus, seed: seed).run(inputs: inputs, seconds: seconds, lastInput: lastInput)
print("\(target.rawValue): \(statistics.executed) inputs in \(String(format: "%.1f", Date().timeIntervalSince(started))) s (seed \(seed)): "
      + "\(statistics.accepted) accepted, \(statistics.rejected) rejected, \(statistics.skipped) skipped, no crash")
#endif
