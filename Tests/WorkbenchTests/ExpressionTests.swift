import XCTest
import Autodiff
import _GantryTestSupport
@testable import Workbench

/// The expression language: precedence, every error with its place, and gradients (first and second
/// order) of compiled expressions checked against central differences.
final class ExpressionTests: XCTestCase {
    static let d = ExpressionScope(role: "d", variables: ["real", "fake"], parameters: ["lambda": 10, "gamma": 0.5],
                                   allowsGradientNorms: true)
    static let g = ExpressionScope(role: "g", variables: ["fake"], unavailable: ["real": "real is not available in g"],
                                   parameters: [:], allowsGradientNorms: false)

    func value(_ text: String, real: [Float] = [1, 2], fake: [Float] = [-1, 3]) throws -> Float {
        let compiled = try CompiledExpression(text, in: Self.d)
        let inputs = ExpressionInputs(variables: ["real": try Tensor(real, shape: [real.count, 1]),
                                                  "fake": try Tensor(fake, shape: [fake.count, 1])])
        return try compiled.evaluate(inputs).scalar!
    }

    func testPrecedenceAndFolding() throws {
        // mean(real) = 1.5, mean(fake) = 1.
        XCTAssertEqual(try value("mean(real) + 2*3^2"), 19.5)
        XCTAssertEqual(try value("-mean(real)^2"), -2.25)
        XCTAssertEqual(try value("mean(real) * 2^3^2"), 768)
        XCTAssertEqual(try value("(mean(real) + 1) * 2"), 5)
        XCTAssertEqual(try value("mean(real) - mean(fake) - 1"), -0.5)
        XCTAssertEqual(try value("mean(real) / 2 / 3"), 0.25)
        XCTAssertEqual(try value("lambda/2*mean(real)"), 7.5)
        XCTAssertEqual(try value("sum(real*fake)"), 5)
        XCTAssertEqual(try value("mean(max(real, fake)) + mean(min(real, fake))"), 2.5)
        XCTAssertEqual(try value("mean(clamp(fake, 0, 2))"), 1)
        XCTAssertEqual(try value("mean(relu(fake)) + mean(abs(fake)) + mean(square(fake))"), 1.5 + 2 + 5)
        XCTAssertEqual(try value("mean(2.5e-1*real) + 1E1"), 10.375)
    }

    /// Every error the language reports, with the column (1-based) and width of the text it points at.
    func testEveryErrorHasItsPlace() {
        let cases: [(text: String, scope: ExpressionScope, message: String, column: Int, length: Int)] = [
            ("mean(real) $ 2", Self.d, "unexpected character '$'", 12, 1),
            ("mean(real) + 1e400", Self.d, "'1e400' is not a number", 14, 5),
            ("", Self.d, "the expression is empty", 1, 1),
            ("   ", Self.d, "the expression is empty", 1, 1),
            ("mean(real) real", Self.d, "unexpected 'real' after a complete expression", 12, 4),
            ("mean(real) *", Self.d, "the expression ends where a number, a name or '(' should follow", 13, 1),
            ("mean(real) * )", Self.d, "expected a number, a name or '(' but found ')'", 14, 1),
            ("(mean(real) + 1", Self.d, "expected ')' to close the '(' at column 1", 16, 1),
            ("mean(real", Self.d, "expected ',' or ')' to close the '(' of mean at column 5", 10, 1),
            ("mean(fke)", Self.d, "unknown name 'fke'; did you mean 'fake'?", 6, 3),
            ("mean(zzzzzz)", Self.d, "unknown name 'zzzzzz'; names here: real, fake, gamma, lambda", 6, 6),
            ("mean + 1", Self.d, "mean is a function: write mean(…)", 1, 4),
            ("-mean(real)", Self.g, "real is not available in g", 7, 4),
            ("meen(real)", Self.d, "unknown function 'meen'; did you mean 'mean'?", 1, 4),
            ("frobnicate(real)", Self.d, "unknown function 'frobnicate'; functions: mean, sum, softplus, sigmoid, log, exp, abs, relu, sqrt, square, tanh, cos, sin, step, min, max, clamp, gradnorm", 1, 10),
            ("mean(real, fake)", Self.d, "mean takes 1 argument (mean(x)), not 2", 1, 16),
            ("mean(max(real))", Self.d, "max takes 2 arguments (max(a, b)), not 1", 6, 9),
            ("mean(real)^mean(fake)", Self.d, "an exponent must be a number or a parameter", 12, 10),
            ("mean(clamp(real, fake, 1))", Self.d, "the low bound of clamp must be a number or a parameter", 18, 4),
            ("mean(clamp(real, 1, 0))", Self.d, "clamp's low bound 1 is above its high bound 0", 18, 4),
            ("mean(gradnorm(fake))", Self.g, "gradnorm is not available in g: only D's loss can evaluate D again", 6, 14),
            ("mean(gradnorm(x))", Self.d, "gradnorm takes real, fake or mix (the points where ∇ₓD is taken)", 15, 1),
            ("mean(real) + log(0)", Self.d, "this is -inf before any sample is seen: not a finite number", 14, 6),
            ("mean(real) + 1/0", Self.d, "this is inf before any sample is seen: not a finite number", 14, 3),
            ("real + 1", Self.d, "d gives one value per sample; a loss is one number: reduce it with mean(…) or sum(…)", 1, 8),
            ("2 * lambda", Self.d, "d is a constant: it must depend on real or fake", 1, 10),
            (String(repeating: "(", count: 150) + "mean(real)" + String(repeating: ")", count: 150), Self.d,
             "the expression nests deeper than 100 levels", 101, 1),
            ("mean(" + String(repeating: "-", count: 200) + "real)", Self.d, "the expression nests deeper than 100 levels", 105, 1),
        ]
        for item in cases {
            do {
                _ = try CompiledExpression(item.text, in: item.scope)
                XCTFail("\(item.text) was accepted")
            } catch {
                XCTAssertEqual(error.message, item.message, item.text)
                XCTAssertEqual(error.offset + 1, item.column, "column of: \(item.text)")
                XCTAssertEqual(error.length, item.length, "length of: \(item.text)")
            }
        }
    }

    /// What `define` refuses before any expression is compiled, naming the argument at fault.
    func testDefinitionErrorsNameTheirArgument() throws {
        func refusal(_ kind: PluginKind = .loss, _ name: String = "x", _ expressions: [(role: String, text: String)],
                     _ parameters: [(String, String)] = []) -> DefinitionError? {
            do {
                _ = try PluginDefinition(kind: kind, name: name, expressions: expressions,
                                         parameters: try parameters.map { try DefinedParameter(name: $0.0, text: $0.1) }, origin: "test")
                return nil
            } catch let error as DefinitionError {
                return error
            } catch {
                XCTFail("\(error)")
                return nil
            }
        }
        let both = [(role: "d", text: "mean(fake) - mean(real)"), (role: "g", text: "-mean(fake)")]
        XCTAssertNil(refusal(.loss, "x", both))
        XCTAssertEqual(refusal(.model, "x", both)?.description, "a model cannot be defined in the language; definable: loss, penalty, metric, data")
        XCTAssertEqual(refusal(.metric, "x", both)?.description, "a metric needs value=\"…\" (and may name more values: spread=\"…\"); value= is missing")
        XCTAssertEqual(refusal(.metric, "x", [(role: "value", text: "mean(xg)"), (role: "real", text: "mean(x)")])?.description,
                       "real=, column 1: 'real' cannot name a value of a metric")
        XCTAssertEqual(refusal(.metric, "x", [(role: "value", text: "mean(xg)")], [("n", "0")])?.description, "n=, column 1: n is integer in [1, 1000000]")
        XCTAssertEqual(refusal(.dataset, "x", [(role: "t", text: "uniform()")])?.description,
                       "a data set needs its coordinates: x=\"…\" y=\"…\" (x, y, z, or x1, x2, … for more)")
        XCTAssertEqual(refusal(.dataset, "x", [(role: "x", text: "1"), (role: "z", text: "2")])?.description,
                       "the coordinates are x, y, z in order or x1, x2, … without a gap: x, z lacks y")
        XCTAssertEqual(refusal(.dataset, "x", [(role: "x1", text: "1"), (role: "x3", text: "2")])?.description,
                       "the coordinates are x, y, z in order or x1, x2, … without a gap: x1, x3 lacks x2")
        XCTAssertEqual(refusal(.dataset, "x", [(role: "x", text: "1"), (role: "x2", text: "2")])?.description,
                       "the coordinates are x, y, z in order or x1, x2, … without a gap: x, x2 mixes the two")
        XCTAssertEqual(refusal(.dataset, "x", [(role: "x", text: "t"), (role: "t", text: "2*uniform()")])?.description,
                       "t=, column 1: a named draw is one of uniform(), uniform(low, high), normal(), normal(mean, deviation), choice(K); a number declares a parameter")
        XCTAssertNil(refusal(.dataset, "x", [(role: "x", text: "t + s"), (role: "t", text: "uniform(0, r)"), (role: "s", text: "normal()")],
                             [("r", "2")]))
        XCTAssertNil(refusal(.trick, "x", [both[0]]))
        XCTAssertEqual(refusal(.trick, "x", both)?.description, "g=, column 1: a penalty has no expression g=; it has d=")
        XCTAssertEqual(refusal(.trick, "x", [both[0]], [("critic_steps", "2")])?.description, nil)
        XCTAssertEqual(refusal(.trick, "x", [(role: "d", text: "mean(real")])?.description,
                       "d=, column 10: expected ',' or ')' to close the '(' of mean at column 5")
        XCTAssertEqual(refusal(.loss, "9lives", both)?.description,
                       "'9lives' cannot name a loss: use letters, digits, - and _, starting with a letter")
        XCTAssertEqual(refusal(.loss, "x", [both[0]])?.description, "a loss needs d=\"…\" g=\"…\"; g= is missing")
        XCTAssertEqual(refusal(.loss, "x", both + [(role: "h", text: "1")])?.argument, "h")
        XCTAssertEqual(refusal(.loss, "x", both, [("real", "1")])?.description,
                       "real=, column 1: 'real' is taken: parameters need names of their own")
        XCTAssertEqual(refusal(.loss, "x", both, [("mean", "1")])?.argument, "mean")
        XCTAssertEqual(refusal(.loss, "x", both, [("a-b", "1")])?.description,
                       "a-b=, column 1: 'a-b' cannot name a parameter: use letters, digits and _")
        XCTAssertEqual(refusal(.loss, "x", both, [("critic_steps", "2.5")])?.description,
                       "critic_steps=, column 1: critic_steps is integer in [1, 1000]")
        XCTAssertEqual(refusal(.loss, "x", both, [("r1", "-1")])?.description, "r1=, column 1: r1 is real in [0, 1000000]")
        XCTAssertEqual(refusal(.loss, "x", [(role: "d", text: "mean(real) + k"), both[1]])?.description,
                       "d=, column 14: unknown name 'k'; names here: real, fake")

        func parameterError(_ text: String) -> ExpressionError? {
            do {
                _ = try DefinedParameter(name: "p", text: text)
                return nil
            } catch {
                return error
            }
        }
        XCTAssertEqual(parameterError("ten")?.description, "column 1: the default 'ten' is not a finite number")
        XCTAssertEqual(parameterError("10 in 0-1")?.description, "column 7: a range is written LOW..HIGH")
        XCTAssertEqual(parameterError("10 in 0..x")?.description, "column 10: the high bound 'x' is not a finite number")
        XCTAssertEqual(parameterError("10 in 5..1")?.description, "column 7: the range 5..1 is empty")
        XCTAssertEqual(parameterError("10 in 0..1: weight")?.description, "column 1: the default 10 is outside 0..1")
        let full = try DefinedParameter(name: "p", text: "10 in 0..1e6: weight of it")
        XCTAssertEqual(full.range, 0...1e6)
        XCTAssertEqual(full.summary, "weight of it")
        XCTAssertEqual(full.text, "10 in 0..1000000: weight of it")
        XCTAssertEqual(try DefinedParameter(name: "p", text: full.text), full)
    }

    static let metric = ExpressionScope(role: "value", variables: ["real", "fake"], parameters: ["r": 0.1], allowsGradientNorms: false,
                                        matrices: ["x", "xg"], subject: "a metric")
    static let coordinate = ExpressionScope(role: "x", variables: ["k"], unavailable: ["y": "y is a coordinate of the sample"],
                                            parameters: [:], allowsGradientNorms: false, perSample: true, subject: "a coordinate")

    /// The errors of metrics and data sets, each with its column and width.
    func testMetricAndDataErrorsHaveTheirPlace() {
        let cases: [(text: String, scope: ExpressionScope, message: String, column: Int, length: Int)] = [
            ("rownorm(xg)", Self.metric, "value gives one value per sample; a metric is one number: reduce it with mean(…) or sum(…)", 1, 11),
            ("xg * 2", Self.metric, "value gives a value per coordinate of each sample; a metric is one number: reduce it with mean(…) or sum(…)", 1, 6),
            ("mean(normal())", Self.metric, "normal draws or picks per sample: only define data has it", 6, 6),
            ("mean(rownorm(real))", Self.metric, "rownorm takes a matrix, a row per sample (x, xg)", 14, 4),
            ("mean(col(x, 0.5))", Self.metric, "a column is a whole number from 0", 13, 3),
            ("mean(col(x, r))", Self.metric, "a column is a whole number from 0", 13, 1),
            ("mean(nearest(xg))", Self.metric, "nearest takes 2 arguments (nearest(a, b)), not 1", 6, 11),
            ("mean(gradnorm(real))", Self.metric, "gradnorm is not available in value: only D's loss can evaluate D again", 6, 14),
            ("mean(xgg)", Self.metric, "unknown name 'xgg'; did you mean 'xg'?", 6, 3),
            ("gauss() + k", Self.coordinate, "unknown function 'gauss'; functions: softplus, sigmoid, log, exp, abs, relu, sqrt, square, tanh, cos, sin, step, min, max, clamp, pick, uniform, normal, choice", 1, 5),
            ("k + unifrom()", Self.coordinate, "unknown function 'unifrom'; did you mean 'uniform'?", 5, 7),
            ("2 * frob(k)", Self.coordinate, "unknown function 'frob'; functions: softplus, sigmoid, log, exp, abs, relu, sqrt, square, tanh, cos, sin, step, min, max, clamp, pick, uniform, normal, choice", 5, 4),
            ("k + uniform(1)", Self.coordinate, "uniform takes 0 or 2 arguments (uniform() or uniform(low, high)), not 1", 5, 10),
            ("normal(0, 1, 2)", Self.coordinate, "normal takes 0 or 2 arguments (normal() or normal(mean, deviation)), not 3", 1, 15),
            ("choice()", Self.coordinate, "choice takes 1 argument (choice(K)), not 0", 1, 8),
            ("choice(2.5)", Self.coordinate, "choice(K) needs a whole K from 1 to 16777216", 8, 3),
            ("choice(k)", Self.coordinate, "the count of choice must be a number or a parameter", 8, 1),
            ("uniform(2, 1)", Self.coordinate, "uniform's low end is above its high end", 9, 4),
            ("normal(0, -1)", Self.coordinate, "normal's deviation must not be negative", 11, 2),
            ("pick(k)", Self.coordinate, "pick takes an index and at least one value (pick(i, a, b, …)), not 1 argument", 1, 7),
            ("pick(k, 1, k)", Self.coordinate, "a value of pick must be a number or a parameter", 12, 1),
            ("y + k", Self.coordinate, "y is a coordinate of the sample", 1, 1),
            ("mean(k)", Self.coordinate, "mean is not available here: each sample is drawn on its own", 1, 4),
        ]
        for item in cases {
            do {
                _ = try CompiledExpression(item.text, in: item.scope)
                XCTFail("\(item.text) was accepted")
            } catch {
                XCTAssertEqual(error.message, item.message, item.text)
                XCTAssertEqual(error.offset + 1, item.column, "column of: \(item.text)")
                XCTAssertEqual(error.length, item.length, "length of: \(item.text)")
            }
        }
    }

    /// First and second derivatives of every function and operator, compiled, against central differences.
    func testGradientsOfCompiledExpressionsMatchCentralDifferences() throws {
        let expressions = [
            "mean(softplus(real) * sigmoid(fake))", "sum(log(real) + exp(fake))", "mean(sqrt(real) / (2 + tanh(fake)))",
            "mean(square(real - fake)) + mean(real^3) - mean(fake^0.5 * real)",
            "mean(max(real, fake)) + mean(min(real, 2*fake))", "mean(clamp(fake, 0.2, 1.1) * real)",
            "mean(abs(real - 1)) + mean(relu(fake - 0.6))", "-mean(real) / mean(fake) + lambda*sum(real*real)",
            "mean(cos(real) * sin(2*fake)) + mean(sin(real)^2)", "mean(step(real - 1) * fake^2) + mean(cos(pi*fake))",
        ]
        // Away from the kinks of abs, relu, max, min and clamp, and positive for log, sqrt and ^0.5.
        let real = try Tensor([0.3, 1.7, 0.55, 2.2], shape: [4, 1]), fake = try Tensor([0.45, 1.3, 0.8, 1.9], shape: [4, 1])
        for text in expressions {
            let compiled = try CompiledExpression(text, in: Self.d)
            func f(_ inputs: [Tensor]) throws -> Tensor {
                try compiled.evaluate(ExpressionInputs(variables: ["real": inputs[0], "fake": inputs[1]]))
            }
            let first = try GradientCheck.firstOrder([real, fake], f)
            XCTAssertTrue(first.passed, "\(text): \(first)")
            let second = try GradientCheck.secondOrder([real, fake], f)
            XCTAssertTrue(second.passed, "\(text) (second order): \(second)")
        }
    }

    /// gradnorm differentiates D twice: a defined penalty's gradient with respect to D's weights, checked
    /// against central differences, at every point (mix with weights drawn afresh from the same stream).
    func testGradientsThroughGradientNormsMatchCentralDifferences() throws {
        let stream = RandomStream(seed: 5, name: "test")
        let real = Tensor.randomNormal([6, 2], using: stream), fake = Tensor.randomNormal([6, 2], using: stream)
        let weight = Tensor.randomNormal([2, 3], using: stream), out = Tensor.randomNormal([3, 1], using: stream)
        for text in ["mean((gradnorm(mix) - 1)^2)", "gamma/2*mean(gradnorm(real)^2)", "mean(gradnorm(fake)) + mean(real)",
                     "mean(square(gradnorm(real))) - mean(gradnorm(real))"] {
            let definition = try PluginDefinition(kind: .loss, name: "check", expressions: [("d", text), ("g", "-mean(fake)")],
                                                  parameters: [try DefinedParameter(name: "gamma", text: "3")], origin: "test")
            let loss = try DefinedLoss(definition, try ParameterValues(definition.spec))
            func f(_ inputs: [Tensor]) throws -> Tensor {
                let critic: (Tensor) throws -> Tensor = { x in try (try x.matmul(inputs[0])).tanh().matmul(inputs[1]) }
                return try loss.discriminatorLoss(DiscriminatorLossInput(
                    realScores: try critic(real), fakeScores: try critic(fake), real: real, fake: fake, critic: critic,
                    stream: RandomStream(seed: 9, name: "loss")))
            }
            let report = try GradientCheck.firstOrder([weight, out], f)
            XCTAssertTrue(report.passed, "\(text): \(report)")
        }
    }
}
