// swift-tools-version:6.0
import PackageDescription

// The numeric targets are always compiled optimised, even in debug builds, so that `swift test` runs the
// kernels at full speed. On x86-64 they target Haswell (AVX2 + FMA): without an explicit CPU, SIMD
// fused multiply-adds become one libm call per lane. `HostCPU` is compiled without these flags, so it can
// check the processor and explain the problem before any AVX2 instruction runs.
#if arch(x86_64)
let vectorISA = ["-target-cpu", "haswell"]
// One GEMM micro-kernel is also built for AVX-512 and chosen at run time where the processor has it; it
// keeps the same fused multiply-add chain per element, so results stay bit-identical.
let wideVectorISA = ["-target-cpu", "skylake-avx512"]
#else
let vectorISA: [String] = []  // arm64: NEON and FMA are part of the baseline architecture.
let wideVectorISA: [String] = []
#endif
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + vectorISA),
]

let package = Package(
    name: "Gantry",
    products: [
        .executable(name: "gantry", targets: ["gantry"]),
        .executable(name: "gantry-bench", targets: ["GantryBench"]),
        .executable(name: "gantry-fuzz", targets: ["GantryFuzz"]),
    ],
    targets: [
        .target(name: "HostCPU"),
        .target(name: "KernelsAVX512", swiftSettings: [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + wideVectorISA)]),
        .target(name: "Kernels", dependencies: ["HostCPU", "KernelsAVX512"], swiftSettings: numericSettings),
        .target(name: "Autodiff", dependencies: ["Kernels"], swiftSettings: numericSettings),
        .target(name: "NeuralNet", dependencies: ["Autodiff", "Kernels"]),
        // Decompression of data files (gzip); optimised in debug builds too, as it runs over whole files.
        .target(name: "Inflate", swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Workbench", dependencies: ["NeuralNet", "Autodiff", "Kernels", "Inflate"]),
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // Figures for the terminal and for files; it knows nothing of tensors or GANs. Optimised even in
        // debug builds: painting and compressing a picture loops over every pixel.
        .target(name: "Plotting", swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Shell", dependencies: ["Workbench", "NeuralNet", "Autodiff", "Kernels", "Plotting", "CLibEdit"]),
        .target(name: "_GantryTestSupport", dependencies: ["Autodiff", "Kernels"], swiftSettings: numericSettings),
        .executableTarget(name: "gantry", dependencies: ["HostCPU", "Shell"]),
        // Fuzzing of the script parser, the checkpoint loader and the data-file readers (see Sources/GantryFuzz/main.swift).
        .target(name: "GantryFuzzing", dependencies: ["Shell", "Workbench", "Autodiff", "Inflate", "Plotting"]),
        .executableTarget(name: "GantryFuzz", dependencies: ["GantryFuzzing"]),
        .executableTarget(name: "GantryBench", dependencies: ["HostCPU", "Autodiff", "Kernels", "Workbench"], swiftSettings: numericSettings),
        .testTarget(name: "KernelsTests", dependencies: ["Kernels", "HostCPU", "_GantryTestSupport"]),
        .testTarget(name: "AutodiffTests", dependencies: ["Autodiff", "Kernels", "HostCPU", "_GantryTestSupport"]),
        .testTarget(name: "InflateTests", dependencies: ["Inflate", "_GantryTestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: ["NeuralNet", "Autodiff", "Kernels", "_GantryTestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"], exclude: ["Snapshots"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", "Workbench", "Autodiff", "Plotting", "_GantryTestSupport",
                                                       "GantryFuzzing"],
                    exclude: ["Transcripts"]),
        .testTarget(name: "WorkbenchTests", dependencies: ["Workbench", "NeuralNet", "Autodiff", "_GantryTestSupport"]),
    ]
)
