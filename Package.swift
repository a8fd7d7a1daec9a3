// swift-tools-version:6.0
import PackageDescription

// The engine (Kernels … Workbench) is the package in `Sources/Package.swift`, linked as one dynamic library,
// the plugin API, that compiled plugins link too (see there). Every target here that uses the engine
// depends on that one product, never on its targets, so the process holds one copy of its types.
#if arch(x86_64)
let vectorISA = ["-target-cpu", "haswell"]
#else
let vectorISA: [String] = []
#endif
let numericSettings: [SwiftSetting] = [
    .unsafeFlags(["-O", "-enforce-exclusivity=unchecked"] + vectorISA),
]
let engine: Target.Dependency = .product(name: "GantryPluginAPI", package: "Sources")

let package = Package(
    name: "Gantry",
    products: [
        .executable(name: "gantry", targets: ["gantry"]),
        .executable(name: "gantry-bench", targets: ["GantryBench"]),
        .executable(name: "gantry-fuzz", targets: ["GantryFuzz"]),
    ],
    dependencies: [.package(path: "Sources")],
    targets: [
        .systemLibrary(name: "CLibEdit", pkgConfig: "libedit", providers: [.apt(["libedit-dev"])]),
        // Figures for the terminal and for files; it knows nothing of tensors or GANs. Optimised even in
        // debug builds: painting and compressing a picture loops over every pixel.
        .target(name: "Plotting", swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "Shell", dependencies: [engine, "Plotting", "CLibEdit"]),
        .target(name: "_GantryTestSupport", dependencies: [engine], swiftSettings: numericSettings),
        .executableTarget(name: "gantry", dependencies: [engine, "Shell"]),
        // Fuzzing of the script parser, the checkpoint loader and the data-file readers (see Sources/GantryFuzz/main.swift).
        .target(name: "GantryFuzzing", dependencies: ["Shell", engine, "Plotting"]),
        .executableTarget(name: "GantryFuzz", dependencies: ["GantryFuzzing"]),
        .executableTarget(name: "GantryBench", dependencies: [engine], swiftSettings: numericSettings),
        .testTarget(name: "KernelsTests", dependencies: [engine, "_GantryTestSupport"]),
        .testTarget(name: "AutodiffTests", dependencies: [engine, "_GantryTestSupport"]),
        .testTarget(name: "InflateTests", dependencies: [engine, "_GantryTestSupport"]),
        .testTarget(name: "NeuralNetTests", dependencies: [engine, "_GantryTestSupport"]),
        .testTarget(name: "PlottingTests", dependencies: ["Plotting"], exclude: ["Snapshots"]),
        .testTarget(name: "ShellTests", dependencies: ["Shell", engine, "Plotting", "_GantryTestSupport", "GantryFuzzing"],
                    exclude: ["Transcripts"]),
        .testTarget(name: "WorkbenchTests", dependencies: [engine, "_GantryTestSupport"]),
    ]
)
