import XCTest
import Autodiff
import _GantryTestSupport

/// Where an op's inputs are drawn: some ops are only smooth away from a kink or inside a domain.
enum Domain {
    /// Normal draws.
    case any
    /// Uniform in [0.3, 2] (log, sqrt, non-integer powers).
    case positive
    /// |x| uniform in [0.2, 2] with a random sign (relu, abs, leaky relu: away from the kink at 0).
    case awayFromZero
}

/// One row of the table: an op under test, its inputs, and whether it is checked twice.
struct OpCase: Sendable {
    let name: String
    let shapes: [Shape]
    var domains: [Domain] = []
    let function: @Sendable ([Tensor]) throws -> Tensor
}

func draw(_ shape: Shape, _ domain: Domain, _ stream: RandomStream) throws -> Tensor {
    switch domain {
    case .any:
        return Tensor.randomNormal(shape, using: stream)
    case .positive:
        return Tensor.randomUniform(shape, lower: 0.3, upper: 2, using: stream)
    case .awayFromZero:
        let magnitude = Tensor.randomUniform(shape, lower: 0.2, upper: 2, using: stream)
        return try magnitude * Tensor.randomUniform(shape, lower: -1, upper: 1, using: stream).sign()
    }
}

/// Every primitive and composite op, on shapes that exercise broadcasting of scalars, rows and columns.
let opTable: [OpCase] = [
    OpCase(name: "add same shape", shapes: [[3, 4], [3, 4]]) { try $0[0] + $0[1] },
    OpCase(name: "add row broadcast", shapes: [[3, 4], [4]]) { try $0[0] + $0[1] },
    OpCase(name: "add column broadcast", shapes: [[3, 4], [3, 1]]) { try $0[0] + $0[1] },
    OpCase(name: "add scalar tensor", shapes: [[3, 4], []]) { try $0[1] + $0[0] },
    OpCase(name: "add outer broadcast", shapes: [[3, 1], [1, 4]]) { try $0[0] + $0[1] },
    OpCase(name: "subtract broadcast", shapes: [[2, 3, 4], [3, 1]]) { try $0[0] - $0[1] },
    OpCase(name: "multiply same shape", shapes: [[3, 4], [3, 4]]) { try $0[0] * $0[1] },
    OpCase(name: "multiply row broadcast", shapes: [[4], [3, 4]]) { try $0[0] * $0[1] },
    OpCase(name: "multiply column broadcast", shapes: [[3, 4], [3, 1]]) { try $0[0] * $0[1] },
    OpCase(name: "divide", shapes: [[3, 4], [3, 4]], domains: [.any, .positive]) { try $0[0] / $0[1] },
    OpCase(name: "divide column broadcast", shapes: [[3, 4], [3, 1]], domains: [.any, .positive]) { try $0[0] / $0[1] },
    OpCase(name: "divide scalar broadcast", shapes: [[], [3, 4]], domains: [.any, .awayFromZero]) { try $0[0] / $0[1] },
    OpCase(name: "negate", shapes: [[5]]) { -$0[0] },
    OpCase(name: "add constant", shapes: [[5]]) { 2.5 + ($0[0] + 1) },
    OpCase(name: "subtract constants", shapes: [[5]]) { 3 - ($0[0] - 1) },
    OpCase(name: "multiply constant", shapes: [[5]]) { 0.5 * ($0[0] * 3) },
    OpCase(name: "divide constants", shapes: [[5]], domains: [.awayFromZero]) { 2 / ($0[0] / 3) },
    OpCase(name: "matmul", shapes: [[3, 5], [5, 4]]) { try $0[0].matmul($0[1]) },
    OpCase(name: "matmul transposeSelf", shapes: [[5, 3], [5, 4]]) { try $0[0].matmul($0[1], transposeSelf: true) },
    OpCase(name: "matmul transposeOther", shapes: [[3, 5], [4, 5]]) { try $0[0].matmul($0[1], transposeOther: true) },
    OpCase(name: "matmul both transposed", shapes: [[5, 3], [4, 5]]) {
        try $0[0].matmul($0[1], transposeSelf: true, transposeOther: true)
    },
    OpCase(name: "linear", shapes: [[3, 5], [4, 5], [4]]) { try $0[0].linear(weight: $0[1], bias: $0[2]) },
    OpCase(name: "linear relu", shapes: [[3, 5], [4, 5], [4]]) {
        try $0[0].linear(weight: $0[1], bias: $0[2], rectifier: .relu)
    },
    OpCase(name: "linear leaky relu", shapes: [[3, 5], [4, 5], [4]]) {
        try $0[0].linear(weight: $0[1], bias: $0[2], rectifier: .leakyRelu(slope: 0.2))
    },
    OpCase(name: "linear no bias", shapes: [[3, 5], [4, 5]]) { try $0[0].linear(weight: $0[1], bias: nil) },
    OpCase(name: "transpose", shapes: [[3, 5]]) { try $0[0].transposed() },
    OpCase(name: "reshape", shapes: [[3, 4]]) { try $0[0].reshaped([2, -1]) },
    OpCase(name: "slice", shapes: [[4, 5]]) { try $0[0].slice(axis: 1, 1..<4) },
    OpCase(name: "slice first axis", shapes: [[4, 3]]) { try $0[0].slice(axis: 0, 2..<4) },
    OpCase(name: "pad", shapes: [[2, 3]]) { try $0[0].padded(axis: -1, before: 1, after: 2) },
    OpCase(name: "concatenate", shapes: [[2, 3], [2, 2]]) { try Tensor.concatenate([$0[0], $0[1]], axis: 1) },
    OpCase(name: "concatenate rows", shapes: [[1, 3], [2, 3]]) { try Tensor.concatenate([$0[0], $0[1]], axis: 0) },
    OpCase(name: "expand", shapes: [[3, 1]]) { try $0[0].expanded(to: [2, 3, 4]) },
    OpCase(name: "sum to shape", shapes: [[2, 3, 4]]) { try $0[0].sum(toShape: [3, 1]) },
    OpCase(name: "sum all", shapes: [[3, 4]]) { $0[0].sum() },
    OpCase(name: "sum axis", shapes: [[3, 4]]) { try $0[0].sum(axis: 0) },
    OpCase(name: "sum axis keep", shapes: [[2, 3, 4]]) { try $0[0].sum(axis: 1, keepingDimension: true) },
    OpCase(name: "mean all", shapes: [[3, 4]]) { $0[0].mean() },
    OpCase(name: "mean axis", shapes: [[3, 4]]) { try $0[0].mean(axis: -1) },
    OpCase(name: "max axis", shapes: [[3, 4]]) { try $0[0].max(axis: 1) },
    OpCase(name: "max axis keep", shapes: [[3, 4, 2]]) { try $0[0].max(axis: 1, keepingDimension: true) },
    OpCase(name: "exp", shapes: [[6]]) { $0[0].exp() },
    OpCase(name: "log", shapes: [[6]], domains: [.positive]) { $0[0].log() },
    OpCase(name: "sqrt", shapes: [[6]], domains: [.positive]) { $0[0].squareRoot() },
    OpCase(name: "pow 2", shapes: [[6]]) { $0[0].pow(2) },
    OpCase(name: "pow 3", shapes: [[6]]) { $0[0].pow(3) },
    OpCase(name: "pow 1.7", shapes: [[6]], domains: [.positive]) { $0[0].pow(1.7) },
    OpCase(name: "pow -1", shapes: [[6]], domains: [.positive]) { $0[0].pow(-1) },
    OpCase(name: "pow 0.5", shapes: [[6]], domains: [.positive]) { $0[0].pow(0.5) },
    OpCase(name: "pow -2.5", shapes: [[6]], domains: [.positive]) { $0[0].pow(-2.5) },
    OpCase(name: "abs", shapes: [[6]], domains: [.awayFromZero]) { $0[0].abs() },
    OpCase(name: "relu", shapes: [[6]], domains: [.awayFromZero]) { $0[0].relu() },
    OpCase(name: "leaky relu", shapes: [[6]], domains: [.awayFromZero]) { $0[0].leakyRelu(slope: 0.2) },
    OpCase(name: "tanh", shapes: [[6]]) { $0[0].tanh() },
    OpCase(name: "clamp", shapes: [[6]], domains: [.awayFromZero]) { try $0[0].clamped(lower: -0.1, upper: 0.1) },
    OpCase(name: "clamp wide", shapes: [[6]], domains: [.awayFromZero]) { try ($0[0] * 0.25).clamped(lower: -5, upper: 5) },
    OpCase(name: "select", shapes: [[6], [6], [6]]) { try Tensor.select($0[0].isGreater(than: 0), $0[1], $0[2]) },
    OpCase(name: "select broadcast", shapes: [[3, 4], [4], [3, 1]]) {
        try Tensor.select($0[0].isGreater(than: 0), $0[1], $0[2])
    },
    OpCase(name: "square", shapes: [[6]]) { $0[0].squared() },
    OpCase(name: "sigmoid", shapes: [[6]]) { ($0[0] * 3).sigmoid() },
    OpCase(name: "softplus", shapes: [[6]]) { try ($0[0] * 3).softplus() },
    OpCase(name: "log sigmoid", shapes: [[6]]) { try ($0[0] * 3).logSigmoid() },
    OpCase(name: "binary cross-entropy", shapes: [[6], [6]]) {
        try Tensor.binaryCrossEntropy(logits: $0[0] * 2, targets: $0[1].sigmoid())
    },
    OpCase(name: "row squared norms", shapes: [[3, 4]]) { try $0[0].rowSquaredNorms() },
    OpCase(name: "row norms", shapes: [[3, 4]]) { try $0[0].rowNorms() },
    OpCase(name: "row norms rank 3", shapes: [[2, 2, 3]]) { try $0[0].rowNorms() },
]

final class GradientCheckTests: XCTestCase {
    func inputs(for op: OpCase, seed: UInt64) throws -> [Tensor] {
        let stream = RandomStream(seed: seed, name: "inputs." + op.name)
        return try op.shapes.enumerated().map { i, shape in
            try draw(shape, i < op.domains.count ? op.domains[i] : (op.domains.last ?? .any), stream)
        }
    }

    func testFirstOrderGradientsOfEveryOp() throws {
        for op in opTable {
            for seed: UInt64 in [1, 2] {
                let report = try GradientCheck.firstOrder(try inputs(for: op, seed: seed), op.function)
                XCTAssertTrue(report.passed, "\(op.name), seed \(seed): \(report)")
            }
        }
    }

    func testSecondOrderGradientsOfEveryOp() throws {
        for op in opTable {
            let report = try GradientCheck.secondOrder(try inputs(for: op, seed: 3), op.function)
            XCTAssertTrue(report.passed, "\(op.name): \(report)")
        }
    }

    /// A wrong derivative must fail the check: the check itself is tested.
    func testTheCheckCatchesAWrongDerivative() throws {
        let x = try draw([5], .positive, RandomStream(seed: 1, name: "x"))
        // x·x with one factor detached has the value x² (numeric derivative 2x) but records the
        // derivative x: exactly the kind of halved rule the check exists to catch.
        let report = try GradientCheck.firstOrder([x]) { v in try v[0].detached() * v[0] }
        XCTAssertFalse(report.passed, "a halved derivative went unnoticed: \(report)")
    }
}
