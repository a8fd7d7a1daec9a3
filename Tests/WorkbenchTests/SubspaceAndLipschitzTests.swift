import XCTest
import Foundation
import Autodiff
import NeuralNet
@testable import Workbench

/// Data on a subspace, the subspace generator, and the Lipschitz metric on critics whose answers are known.
final class SubspaceAndLipschitzTests: XCTestCase {
    func subspace(k: Int, n: Int, basis: Int = 1) throws -> Subspace {
        try Subspace.make([("k", "\(k)"), ("n", "\(n)"), ("basis", "\(basis)")])
    }

    /// Rows of an [m, d] tensor in Double.
    func rows(_ tensor: Tensor) -> [[Double]] {
        let d = tensor.shape[1], values = tensor.scalars.map(Double.init)
        return (0..<tensor.shape[0]).map { Array(values[($0 * d)..<(($0 + 1) * d)]) }
    }

    func testTheBasisIsOrthonormalAndTheSamplesLieOnItsSpan() throws {
        let data = try subspace(k: 3, n: 10)
        let q = data.columns
        for i in 0..<3 {
            for j in 0..<3 {
                let dot = (0..<10).reduce(0.0) { $0 + q[i * 10 + $1] * q[j * 10 + $1] }
                XCTAssertEqual(dot, i == j ? 1 : 0, accuracy: 1e-12)
            }
        }
        let stream = RandomStream(seed: 3, name: "data")
        let samples = data.sample(500, using: stream)
        XCTAssertEqual(stream.position, 500 * 3, "k normals per row")
        var second = 0.0
        for x in rows(samples) {
            // x minus its projection on span(Q) vanishes; ‖x‖² averages k.
            var residual = x
            for j in 0..<3 {
                let c = (0..<10).reduce(0.0) { $0 + q[j * 10 + $1] * x[$1] }
                for i in 0..<10 { residual[i] -= c * q[j * 10 + i] }
            }
            XCTAssertLessThan(residual.reduce(0) { $0 + $1 * $1 }.squareRoot(), 1e-5)
            second += x.reduce(0) { $0 + $1 * $1 }
        }
        XCTAssertEqual(second / 500, 3, accuracy: 0.3)
        XCTAssertNotEqual(try subspace(k: 3, n: 10, basis: 2).columns, q, "the basis parameter chooses the subspace")
        XCTAssertEqual(try subspace(k: 3, n: 10).columns, q, "fixed by the parameters, not the session")
    }

    func testASubspaceLargerThanItsSpaceIsRefused() {
        XCTAssertThrowsError(try subspace(k: 5, n: 4)) { error in
            XCTAssertTrue("\(error)".contains("at most n (4)"), "\(error)")
        }
    }

    func testTheSubspaceGeneratorDrawsTheDataLawOfItsBasis() throws {
        let model = try SubspaceModel.make([("basis", "4")])
        XCTAssertThrowsError(try model.check(.generator, input: 5, output: 3))
        XCTAssertThrowsError(try model.check(.discriminator, input: 3, output: 1))
        let network = try model.build(.generator, input: 2, output: 6, using: RandomStream(seed: 1, name: "init"))
        let z = Tensor.randomNormal([50, 2], using: RandomStream(seed: 5, name: "noise"))
        let generated = try network.forward(z, ForwardContext(training: false))
        // The data set of the same basis draws its k normals the same way: the same stream gives the same points.
        let data = try subspace(k: 2, n: 6, basis: 4).sample(50, using: RandomStream(seed: 5, name: "noise"))
        for (a, b) in zip(generated.scalars, data.scalars) { XCTAssertEqual(a, b, accuracy: 1e-5) }
    }

    // MARK: the Lipschitz metric

    /// A probe of the network `layers`, evaluation mode.
    func probe(_ network: Sequential) -> DiscriminatorProbe {
        DiscriminatorProbe(scores: { try network.forward($0, ForwardContext(training: false)) }, isRowwise: true,
                           weights: network.namedParameters(prefix: "D").map { ($0.name, $0.parameter.value) })
    }

    func measure(_ network: Sequential, real: Tensor, fake: Tensor) throws -> MetricReport {
        let input = MetricInput(real: real, generated: fake, modes: nil, stream: RandomStream(seed: 9, name: "metric"),
                                discriminator: probe(network))
        return try LipschitzMetric(ParameterValues(LipschitzMetric.spec)).measure(input)
    }

    func testALinearCriticHasItsSlopeEverywhere() throws {
        // D(x) = 3x₁ − 4x₂ + 1: ‖∇ₓD‖ = 5 at every point, and |D(a) − D(b)|/‖a − b‖ ≤ 5, with equality along (3, −4).
        let linear = Linear(weight: Parameter(try Tensor([3, -4], shape: [1, 2])), bias: Parameter(Tensor([1])),
                            initialization: .pytorch)
        let network = Sequential([linear])
        let real = Tensor.randomNormal([200, 2], using: RandomStream(seed: 1, name: "r"))
        let fake = try real + Tensor([0.6, -0.8])
        let report = try measure(network, real: real, fake: fake)
        for name in ["real_mean", "real_max", "fake_mean", "interp_max", "lipschitz"] {
            XCTAssertEqual(report.value(name)!, 5, accuracy: 1e-5, name)
        }
        XCTAssertEqual(report.value("interp_gap")!, 16, accuracy: 1e-4)
        XCTAssertEqual(report.value("above_one"), 1)
        XCTAssertEqual(report.value("pair_ratio")!, 5, accuracy: 1e-4, "the real–fake pairs differ by (0.6, −0.8)")
        // D(fake) − D(real) = 3·0.6 + 4·0.8 = 5 > 0: no pair is ordered the right way.
        XCTAssertEqual(report.value("ranking"), 0)
        // Weights 3, −4, 1: only |−4| is within 1 % of the largest.
        XCTAssertEqual(report.value("max_weight"), 4)
        XCTAssertEqual(report.value("at_max")!, 1.0 / 3, accuracy: 1e-12)
    }

    func testAReLUCriticsGradientNormsAreMeasuredPerSample() throws {
        // D(x) = relu(x₁) · 2: ‖∇ₓD‖ is 2 where x₁ > 0 and 0 elsewhere, whatever the other rows are.
        let first = Linear(weight: Parameter(try Tensor([1, 0], shape: [1, 2])), bias: Parameter(Tensor([0])), initialization: .pytorch)
        let second = Linear(weight: Parameter(try Tensor([2], shape: [1, 1])), bias: Parameter(Tensor([0])), initialization: .pytorch)
        let network = Sequential([first, ReLU(), second])
        let real = try Tensor([1, 5, 2, -1, 3, 0], shape: [3, 2])
        let fake = try Tensor([-1, 0, -2, 4, -3, 1], shape: [3, 2])
        let report = try measure(network, real: real, fake: fake)
        XCTAssertEqual(report.value("real_mean"), 2)
        XCTAssertEqual(report.value("fake_mean"), 0)
        XCTAssertEqual(report.value("fake_max"), 0)
        XCTAssertEqual(report.value("ranking"), 1)
        XCTAssertEqual(report.value("at_max")!, 1.0 / 5, accuracy: 1e-12, "of 1, 0 | 0 | 2 | 0, only the 2")
    }

    func testACriticThatComparesSamplesIsRefused() {
        let network = Sequential([Linear(1, 1, using: RandomStream(seed: 1, name: "init"))])
        let input = MetricInput(real: Tensor.zeros([4, 1]), generated: Tensor.zeros([4, 1]), modes: nil,
                                stream: RandomStream(seed: 1, name: "m"),
                                discriminator: DiscriminatorProbe(scores: { try network.forward($0, ForwardContext(training: false)) },
                                                                  isRowwise: false, weights: []))
        XCTAssertThrowsError(try LipschitzMetric(ParameterValues(LipschitzMetric.spec)).measure(input)) { error in
            XCTAssertTrue("\(error)".contains("not a per-sample gradient"), "\(error)")
        }
        let none = MetricInput(real: Tensor.zeros([4, 1]), generated: Tensor.zeros([4, 1]), modes: nil,
                               stream: RandomStream(seed: 1, name: "m"))
        XCTAssertThrowsError(try LipschitzMetric(ParameterValues(LipschitzMetric.spec)).measure(none))
    }
}
