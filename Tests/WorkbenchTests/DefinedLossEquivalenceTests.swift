import XCTest
import Autodiff
@testable import Workbench

/// The built-in losses spelt as expressions train the same as the built-ins: the same weights after 100
/// iterations, bit for bit where the expression runs the same operations in the same order.
final class DefinedLossEquivalenceTests: XCTestCase {
    static let crossEntropyD = "mean(softplus(-real)) + mean(softplus(fake))"

    /// Built-in loss and assignments, the expressions and parameters that spell it, and whether the two
    /// run the same operations (then the weights must agree bit for bit).
    static let table: [(builtIn: String, assignments: [(String, String)], d: String, g: String,
                        parameters: [(String, String)], sameOperations: Bool)] = [
        ("minimax", [], crossEntropyD, "-mean(softplus(fake))", [], true),
        ("nonsaturating", [], crossEntropyD, "mean(softplus(-fake))", [], true),
        ("wgan-gp", [("lambda", "10"), ("critic_steps", "5")],
         "mean(fake) - mean(real) + lambda*mean((gradnorm(mix) - 1)^2)", "-mean(fake)", [("lambda", "10"), ("critic_steps", "5")], true),
        ("lsgan", [], "mean((real - 1)^2)*0.5 + mean(fake^2)*0.5", "0.5*mean((fake - 1)^2)", [], true),
        ("hinge", [], "mean(relu(1 - real)) + mean(relu(1 + fake))", "-mean(fake)", [], true),
        // R1: gradnorm(real)^2 is computed as the squared norm, without the square root, as R1 computes it.
        ("nonsaturating", [("r1", "10")], crossEntropyD + " + gamma/2*mean(gradnorm(real)^2)", "mean(softplus(-fake))",
         [("gamma", "10")], true),
        // The same R1 through the norm and a product: a square root the built-in does not take.
        ("nonsaturating", [("r1", "10")], crossEntropyD + " + gamma/2*mean(gradnorm(real)*gradnorm(real))",
         "mean(softplus(-fake))", [("gamma", "10")], false),
        // Minimax's G as log(1 − σ(D(x̃))) rather than −softplus(D(x̃)): the same function, other operations.
        ("minimax", [], crossEntropyD, "mean(log(1 - sigmoid(fake)))", [], false),
    ]

    static let iterations = 100

    func session(_ loss: any Loss) throws -> Session {
        let session = try Session(seed: 3)
        let small = try MLPModel.make([("hidden", "16,16")])
        try session.setModel(.generator, small)
        try session.setModel(.discriminator, small)
        try session.setBatchSize(32)
        try session.setLoss(loss)
        return session
    }

    func weights(_ session: Session) -> [Tensor] {
        (session.generator.parameters + session.discriminator.parameters).map(\.value)
    }

    /// Every row: the weights after 100 iterations, bit for bit for rows that run the same operations,
    /// within 1e-5 for the others (which must differ in some bit, or the row is mislabelled).
    func testBuiltInLossesSpeltAsExpressionsTrainTheSame() throws {
        var lines: [String] = []
        for (index, row) in Self.table.enumerated() {
            let entry = try XCTUnwrap(Plugins.losses.named(row.builtIn))
            let builtIn = try entry.make(try ParameterValues(entry.spec, assignments: row.assignments))
            let definition = try PluginDefinition(
                kind: .loss, name: "equivalent-\(index)", expressions: [("d", row.d), ("g", row.g)],
                parameters: try row.parameters.map { try DefinedParameter(name: $0.0, text: $0.1) }, origin: "test")
            let defined = try DefinedLoss(definition, try ParameterValues(definition.spec))
            let a = try session(builtIn), b = try session(defined)
            try a.train(iterations: Self.iterations)
            try b.train(iterations: Self.iterations)
            let (x, y) = (weights(a), weights(b))
            let bitwise = zip(x, y).allSatisfy { $0.isBitwiseEqual(to: $1) }
            var largest: Float = 0
            for (p, q) in zip(x, y) { for (u, v) in zip(p.scalars, q.scalars) { largest = max(largest, abs(u - v)) } }
            lines.append("\(row.builtIn) \(row.assignments.map { "\($0)=\($1)" }.joined(separator: " ")): "
                         + (bitwise ? "bit for bit" : "max |Δw| = \(largest)"))
            XCTAssertTrue(largest.isFinite && b.history.rows.count == Self.iterations, "row \(index)")
            if row.sameOperations {
                XCTAssertTrue(bitwise, "row \(index) (\(row.builtIn), d=\(row.d)): max |Δw| = \(largest)")
            } else {
                XCTAssertFalse(bitwise, "row \(index) runs other operations yet agrees bit for bit: the table is wrong")
                XCTAssertLessThanOrEqual(largest, 1e-5, "row \(index) (\(row.builtIn), g=\(row.g))")
            }
        }
        print("equivalence after \(Self.iterations) iterations:\n" + lines.joined(separator: "\n"))
    }

    /// R1 as a defined penalty switched on with the plain loss trains as the loss's own `r1`, bit for bit:
    /// the same operations, added to D's loss in the same order.
    func testR1SpeltAsAPenaltyTrainsTheSameAsTheLossesR1() throws {
        let loss = try XCTUnwrap(Plugins.losses.named("nonsaturating"))
        let withR1 = try session(try loss.make(try ParameterValues(loss.spec, assignments: [("r1", "10")])))
        let plain = try session(try loss.make(try ParameterValues(loss.spec)))
        let definition = try PluginDefinition(kind: .trick, name: "r1-penalty", expressions: [("d", "gamma/2*mean(gradnorm(real)^2)")],
                                              parameters: [try DefinedParameter(name: "gamma", text: "10")], origin: "test")
        XCTAssertEqual(plain.trainingPlan().discriminatorPenalties, 0)
        plain.addHook(try DefinedPenalty(definition, try ParameterValues(definition.spec)))
        // Its gradient norm differentiates D twice more: the memory guard counts it, as it counts r1.
        XCTAssertEqual(plain.trainingPlan().discriminatorPenalties, 1)
        XCTAssertEqual(withR1.trainingPlan().discriminatorPenalties, 1)
        try withR1.train(iterations: Self.iterations)
        try plain.train(iterations: Self.iterations)
        XCTAssertTrue(zip(weights(withR1), weights(plain)).allSatisfy { $0.isBitwiseEqual(to: $1) })
        // Control: the penalty with another weight trains differently.
        let other = try session(try loss.make(try ParameterValues(loss.spec)))
        other.addHook(try DefinedPenalty(definition, try ParameterValues(definition.spec, assignments: [("gamma", "9")])))
        try other.train(iterations: Self.iterations)
        XCTAssertFalse(zip(weights(withR1), weights(other)).allSatisfy { $0.isBitwiseEqual(to: $1) })
    }
}
