import XCTest
import Autodiff
import NeuralNet
import _GantryTestSupport

final class LayerTests: XCTestCase {
    let training = ForwardContext(training: true)

    func testLinearComputesXWTransposePlusBias() throws {
        let layer = Linear(3, 2, using: RandomStream(seed: 1, name: "init"))
        layer.weight.value = try Tensor(rows: [[1, 2, 3], [4, 5, 6]]).requiringGradient()
        layer.bias!.value = try Tensor([0.5, -1], shape: [2]).requiringGradient()
        let y = try layer.forward(try Tensor(rows: [[1, 0, -1], [2, 1, 0]]), training)
        XCTAssertEqual(y.scalars, [-1.5, -3, 4.5, 12])
        XCTAssertThrowsError(try layer.forward(Tensor.zeros([2, 4]), training)) {
            XCTAssertEqual("\($0)", "Linear(3 → 2) expects input [batch, 3], got [2, 4]")
        }
    }

    func testInitialisationsDrawFromTheirDocumentedDistributions() {
        let stream = RandomStream(seed: 2, name: "init")
        let pytorch = Linear(100, 400, using: stream)
        XCTAssertTrue(pytorch.weight.value.scalars.allSatisfy { abs($0) <= 0.1 })
        XCTAssertTrue(pytorch.bias!.value.scalars.allSatisfy { abs($0) <= 0.1 })
        let he = Linear(200, 200, initialization: .he, using: stream).weight.value.scalars
        let heStd = (he.map { Double($0 * $0) }.reduce(0, +) / Double(he.count)).squareRoot()
        XCTAssertEqual(heStd, 0.1, accuracy: 0.002)
        let xavier = Linear(100, 200, initialization: .xavier, using: stream)
        XCTAssertTrue(xavier.weight.value.scalars.allSatisfy { abs($0) <= 0.1415 })
        XCTAssertEqual(xavier.bias!.value.scalars, [Float](repeating: 0, count: 200))
        let normal = Linear(100, 100, initialization: .normal(standardDeviation: 0.02), using: stream).weight.value.scalars
        XCTAssertEqual((normal.map { Double($0 * $0) }.reduce(0, +) / 1e4).squareRoot(), 0.02, accuracy: 0.001)
        // The same stream position gives the same weights.
        let a = Linear(4, 3, using: RandomStream(seed: 5, name: "init")), b = Linear(4, 3, using: RandomStream(seed: 5, name: "init"))
        XCTAssertTrue(a.weight.value.isBitwiseEqual(to: b.weight.value))
    }

    func testBatchNormUsesBatchStatisticsInTrainingAndRunningOnesInEvaluation() throws {
        let norm = BatchNorm(2)
        let x = try Tensor(rows: [[1, 10], [3, 20], [5, 30]])
        let y = try norm.forward(x, training)
        // Column 0: mean 3, biased variance 8/3.
        XCTAssertEqual(Double(y[0, 0]), -2 / (8.0 / 3 + 1e-5).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(norm.runningMean.value.scalars, [0.3, 2], "running mean = 0.9·0 + 0.1·batch mean")
        XCTAssertEqual(Double(norm.runningVariance.value[0]), 0.9 + 0.1 * 4, accuracy: 1e-6, "unbiased variance 4")
        let evaluated = try norm.forward(x, ForwardContext(training: false))
        XCTAssertEqual(Double(evaluated[0, 0]), (1 - 0.3) / (1.3 + 1e-5).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(norm.namedBuffers(prefix: "G.1").map(\.name), ["G.1.running_mean", "G.1.running_var"])
    }

    func testLayerNormNormalisesEachRow() throws {
        let y = try LayerNorm(3).forward(try Tensor(rows: [[1, 2, 3], [10, 10, 40]]), training)
        let row = Array(y.scalars[0..<3])
        XCTAssertEqual(Double(row.reduce(0, +)), 0, accuracy: 1e-6)
        XCTAssertEqual(Double(row[2]), 1 / (2.0 / 3 + 1e-5).squareRoot(), accuracy: 1e-5)
    }

    func testActivationsMaxoutAndDropout() throws {
        let x = try Tensor(rows: [[-2, 0.5, 3, -1]])
        XCTAssertEqual(try ELU().forward(x, training).scalars.map { ($0 * 1e4).rounded() / 1e4 }, [-0.8647, 0.5, 3, -0.6321])
        XCTAssertEqual(try Maxout(pieces: 2).forward(x, training).scalars, [0.5, 3])
        XCTAssertEqual(try LeakyReLU(slope: 0.1).forward(x, training).scalars, [-0.2, 0.5, 3, -0.1])
        let dropout = Dropout(probability: 0.5)
        let ones = Tensor.ones([1, 1000])
        XCTAssertTrue(try dropout.forward(ones, ForwardContext(training: false)).isBitwiseEqual(to: ones))
        let dropped = try dropout.forward(ones, ForwardContext(training: true, stream: RandomStream(seed: 1, name: "d")))
        XCTAssertTrue(dropped.scalars.allSatisfy { $0 == 0 || $0 == 2 })
        XCTAssertEqual(Double(dropped.mean().scalar!), 1, accuracy: 0.1)
        XCTAssertThrowsError(try dropout.forward(ones, training)) {
            XCTAssertEqual("\($0)", "Dropout(0.5) in training needs a random stream in its forward context")
        }
    }

    func testNormalisationsAndELUHaveCorrectGradients() throws {
        let stream = RandomStream(seed: 3, name: "x")
        let x = Tensor.randomNormal([4, 3], using: stream)
        for (name, layer) in [("batch norm", BatchNorm(3)), ("layer norm", LayerNorm(3)), ("elu", ELU(alpha: 0.7)),
                              ("maxout", Maxout(pieces: 3))] as [(String, any Layer)] {
            let report = try GradientCheck.firstOrder([x]) { try layer.forward($0[0], self.training) }
            XCTAssertTrue(report.passed, "\(name): \(report)")
            let second = try GradientCheck.secondOrder([x]) { try layer.forward($0[0], self.training) }
            XCTAssertTrue(second.passed, "\(name) second order: \(second)")
        }
    }

    func testMLPBuilderNamesLayersLikePyTorchAndCapturesActivations() throws {
        let spec = MLPSpec(input: 2, hidden: [8, 8], output: 1, activation: .leakyRelu(slope: 0.2),
                           normalization: .batch)
        XCTAssertEqual(spec.description, "2 → 8 → 8 → 1, leaky-relu(0.2), output none, norm batch, init pytorch")
        let net = try spec.build(using: RandomStream(seed: 1, name: "init"))
        XCTAssertEqual(net.describeLayers(), [
            "0  Linear(2 → 8, init pytorch)", "1  BatchNorm(8)", "2  LeakyReLU(0.2)",
            "3  Linear(8 → 8, init pytorch)", "4  BatchNorm(8)", "5  LeakyReLU(0.2)", "6  Linear(8 → 1, init pytorch)",
        ])
        XCTAssertEqual(net.namedParameters(prefix: "D").map(\.name), [
            "D.0.weight", "D.0.bias", "D.1.weight", "D.1.bias", "D.3.weight", "D.3.bias", "D.4.weight", "D.4.bias",
            "D.6.weight", "D.6.bias",
        ])
        XCTAssertEqual(net.parameterCount, 2 * 8 + 8 + 16 + 64 + 8 + 16 + 8 + 1)
        XCTAssertEqual(net.lastHiddenLayerIndex, 5)
        let context = ForwardContext(training: true, capturing: ["5"])
        let output = try net.forward(Tensor.randomNormal([4, 2], using: RandomStream(seed: 2, name: "x")), context)
        XCTAssertEqual(output.shape, [4, 1])
        XCTAssertEqual(context.output(at: "5")?.shape, [4, 8])
        let maxout = try MLPSpec(input: 2, hidden: [4], output: 1, activation: .maxout(pieces: 5)).build(using: RandomStream(seed: 1, name: "i"))
        XCTAssertEqual(maxout.describeLayers(), ["0  Linear(2 → 20, init pytorch)", "1  Maxout(5)", "2  Linear(4 → 1, init pytorch)"])
        XCTAssertEqual(maxout.outputWidth(forInputWidth: 2), 1)
        XCTAssertNil(maxout.outputWidth(forInputWidth: 3))
        XCTAssertThrowsError(try MLPSpec(input: 2, hidden: [0], output: 1).build(using: RandomStream(seed: 1, name: "i")))
    }
}
