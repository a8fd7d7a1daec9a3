// swift-tools-version:6.0
import PackageDescription

// An example compiled plugin library, as `gantry plugin new` starts one: the relativistic average GAN loss
// and the top-k trick. `swift build -c release` here makes .build/release/libRelativistic.so for
// `plugin load`; the tests build and load it. It depends on this checkout's plugin API by path.
let package = Package(
    name: "Relativistic",
    products: [.library(name: "Relativistic", type: .dynamic, targets: ["Relativistic"])],
    dependencies: [.package(path: "../../Sources")],
    targets: [
        .target(name: "Relativistic", dependencies: [.product(name: "GantryPluginAPI", package: "Sources")]),
    ]
)
