// swift-tools-version:6.0
import PackageDescription

// An example compiled plugin library, as `gantry plugin new` starts one, with a plugin of every kind a library
// can carry: the relativistic average GAN loss, the top-k trick, the two-moons data set, truncated normal
// noise, the 1-NN two-sample metric, an orthogonally initialised MLP, optimistic gradient descent and the
// quadratic x·y game. `swift build -c release` here makes .build/release/libRelativistic.so for
// `plugin load`; the tests build and load it. It depends on this checkout's plugin API by path.
let package = Package(
    name: "Relativistic",
    products: [.library(name: "Relativistic", type: .dynamic, targets: ["Relativistic"])],
    dependencies: [.package(path: "../../Sources")],
    targets: [
        .target(name: "Relativistic", dependencies: [.product(name: "GantryPluginAPI", package: "Sources")]),
    ]
)
