// swift-tools-version:6.0
import PackageDescription

// The engine (Kernels … Workbench) as its own package, so that it can be one dynamic library that both
// `gantry` and compiled plugins link: a plugin loaded at run time then finds the very types the host
// registers (SwiftPM lets a target depend on a product only of another package, and a target linked
// directly would be a second, private copy whose casts silently fail). The package's root is `Sources`, so
// the modules keep their folders; the root package (`../Package.swift`) depends on it by path, and a
// plugin package does the same with the path of a Gantry checkout (`gantry plugin new`).
//
// The numeric targets are always compiled optimised, even in debug builds, so that `swift test` runs the
// kernels at full speed. On x86-64 they target Haswell (AVX2 + FMA): without an explicit CPU, SIMD
// fused multiply-adds become one libm call per lane. `HostCPU` is compiled without these flags, so it can
// check the processor and explain the problem before any AVX2 instruction runs. (A package used by path
// may have unsafe flags; one fetched by version may not, so the engine is never published that way.)
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
    name: "GantryEngine",
    products: [
        // The plugin API: the plugin protocols, parameter declarations, registries, tensors and networks.
        .library(name: "GantryPluginAPI", type: .dynamic,
                 targets: ["HostCPU", "Kernels", "Autodiff", "NeuralNet", "Inflate", "Workbench"]),
    ],
    targets: [
        .target(name: "HostCPU", path: "HostCPU"),
        .target(name: "KernelsAVX512", path: "KernelsAVX512",
                swiftSettings: [.unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + wideVectorISA)]),
        .target(name: "Kernels", dependencies: ["HostCPU", "KernelsAVX512"], path: "Kernels", swiftSettings: numericSettings),
        .target(name: "Autodiff", dependencies: ["Kernels"], path: "Autodiff", swiftSettings: numericSettings),
        .target(name: "NeuralNet", dependencies: ["Autodiff", "Kernels"], path: "NeuralNet"),
        // Decompression of data files (gzip); optimised in debug builds too, as it runs over whole files.
        .target(name: "Inflate", path: "Inflate", swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Workbench", dependencies: ["NeuralNet", "Autodiff", "Kernels", "Inflate"], path: "Workbench"),
    ]
)
