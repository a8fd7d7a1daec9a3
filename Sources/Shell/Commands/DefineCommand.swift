import Workbench

/// The `define` command: a plugin written in the language.
enum DefineCommand: ShellCommand {
    static let spec = CommandSpec(
        "define", summary: "define a loss, a penalty, a metric or a data set in the language, used like the built-ins",
        discussion: "define loss NAME d=\"EXPR\" g=\"EXPR\" makes a loss: D minimises d and G minimises g, where real and fake are D's raw outputs on the real and the generated batch (one value per sample). Expressions use numbers, the parameters, + - * / ^ (usual precedence, ^ groups to the right), mean and sum over the samples, softplus sigmoid log exp abs relu sqrt square tanh, min(a, b), max(a, b), clamp(x, low, high), and in d gradnorm(real|fake|mix): the per-sample norm of ∇ₓD at the real or generated samples or at random points between them (weights from the loss stream, as WGAN-GP). Other NAME=VALUE arguments declare real parameters with their defaults, optionally with a range and a line of help: lambda=10 or lambda=\"10 in 0..1e6: weight of the penalty\"; critic_steps and r1, which every loss has, may be given defaults too; family=cross-entropy|wasserstein|other (default other) declares what the loss is, so that the JS or the W estimate is recorded. define penalty NAME d=\"EXPR\" makes a trick that adds d, written the same way, to D's loss whatever the loss (trick on NAME switches it on; its gradnorm(mix) draws from the stream trick.NAME). define metric NAME value=\"EXPR\" [OTHER=\"EXPR\"…] makes a metric of n fresh real samples x and generated ones xg (matrices, a row per sample) and D's raw outputs on them, real and fake; besides the functions above it has rownorm(m) and rowsum(m) (per row), col(m, j) (column j, from 0), nearest(a, b) (each row of a's distance to the nearest row of b), step(v) (1 where v > 0, else 0), cos, sin and pi; each expression is one named value (expect NAME.value …), and n=1000 samples per set may get a new default. define data NAME x=\"EXPR\" y=\"EXPR\"… makes a data set whose coordinates are x, y, z (or x1, x2, …), each sample's expressions of draws: uniform(), uniform(low, high), normal(), normal(mean, deviation), choice(K) written inside a coordinate are drawn for it alone, and a named draw (k=\"choice(8)\") is drawn once per sample and shared by the coordinates; pick(i, a, b, …) is the value at position i. The draws come from the data stream. modes=\"k: SD\" declares that the named choice draw k picks a mode and SD is each mode's spread, so metric modes scores the data set (the coordinates may then draw only k and normal noise). A defined plugin is then listed, helped, completed and validated like a built-in; save writes the define before its use and checkpoints keep it. A name cannot be defined twice differently.",
        positionals: [PositionalSpec("KIND", "what to define", completions: .words(definableWords)),
                      PositionalSpec("NAME", "the new plugin's name")],
        examples: ["define loss ls d=\"mean((real-1)^2)\" g=\"mean((fake-1)^2)\"",
                   "define loss w d=\"mean(fake)-mean(real)\" g=\"-mean(fake)\"",
                   "define loss gp g=\"-mean(fake)\" k=\"10 in 0..1e3: weight\" \\",
                   "  d=\"mean(fake-real)+k*mean(gradnorm(mix)^2)\"",
                   "define metric radius value=\"mean(rownorm(xg))\" n=500",
                   "define data circle k=\"choice(8)\" modes=\"k: 0.01\" \\",
                   "  x=\"cos(2*pi*k/8)+0.01*normal()\" \\",
                   "  y=\"sin(2*pi*k/8)+0.01*normal()\""],
        ownNamedArguments: "ROLE=\"EXPR\"… [PARAM=DEFAULT…]")
    /// Recorded, not configuration: format-1 configuration scripts, written before definitions existed,
    /// never hold one.
    static let role = CommandRole.recorded

    /// The kinds that can be defined, as `define` spells them.
    static var definableWords: [String] { PluginDefinition.words.map(\.word) }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.define(invocation) }

    /// The command that makes `definition` again.
    static func line(_ definition: PluginDefinition) -> String {
        // Expressions are always quoted: ( ) and , are not part of a bare word.
        func quoted(_ text: String) -> String {
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        let arguments = definition.expressions.map { "\($0.role)=" + quoted($0.text) }
            + (definition.family == .other ? [] : ["\(PluginDefinition.familyArgument)=\(definition.family.rawValue)"])
            + (definition.modes.map { ["\(PluginDefinition.modesArgument)=" + quoted($0.text)] } ?? [])
            + definition.parameters.map { "\($0.name)=" + (Double($0.text) != nil ? $0.text : quoted($0.text)) }
        return ([spec.name, definition.word, definition.name] + arguments).joined(separator: " ")
    }
}

extension Interpreter {
    /// `define KIND NAME role="EXPR"… [PARAM=DEFAULT…]`
    func define(_ invocation: Invocation) throws {
        let definition = try Self.definition(invocation)
        do {
            if try session.define(definition) {
                session.record(.define(definition))
                say("defined \(definition.word) \(definition.name)")
            }
        } catch let error as SessionError {
            throw invocation.failure(error.description, at: invocation.positionals[1].range)
        }
    }

    /// The definition a `define` command states, checked but not registered (what `check` reads too).
    static func definition(_ invocation: Invocation) throws -> PluginDefinition {
        guard invocation.positionals.count == 2, let word = invocation.text(0), let name = invocation.text(1) else {
            throw invocation.failure("define needs a kind and a name; usage: \(DefineCommand.spec.usage)")
        }
        guard let kind = PluginDefinition.words.first(where: { $0.word == word })?.kind else {
            throw invocation.failure("'\(word)' cannot be defined; define makes: " + DefineCommand.definableWords.joined(separator: ", "),
                                     at: invocation.positionals[0].range)
        }
        var expressions: [(role: String, text: String)] = []
        var parameters: [DefinedParameter] = []
        var family = LossFamily.other
        var modes: ModeDeclaration?
        var roles: Set<String> = []
        for argument in invocation.named {
            // A role of any kind is an expression, so that `g=` given to a penalty is refused as one.
            if PluginDefinition.isExpression(kind, argument.name, argument.value.text)
                || ((kind == .loss || kind == .trick) && PluginDefinition.roles.values.contains { $0.contains(argument.name) }) {
                expressions.append((argument.name, argument.value.text))
                roles.insert(argument.name)
                continue
            }
            if argument.name == PluginDefinition.familyArgument && (kind == .loss || kind == .trick) {
                guard kind == .loss, let declared = LossFamily(rawValue: argument.value.text) else {
                    throw invocation.failure(kind == .loss
                        ? "family is one of " + LossFamily.allCases.map(\.rawValue).joined(separator: ", ")
                        : "only a loss declares a family", at: argument.value.range)
                }
                family = declared
                continue
            }
            if argument.name == PluginDefinition.modesArgument && kind == .dataset {
                do throws(ExpressionError) {
                    modes = try ModeDeclaration(text: argument.value.text)
                } catch {
                    throw invocation.diagnostic(inside: argument.name, error, subject: argument.name)
                }
                continue
            }
            do throws(ExpressionError) {
                parameters.append(try DefinedParameter(name: argument.name, text: argument.value.text))
            } catch {
                throw invocation.diagnostic(inside: argument.name, error, subject: "parameter \(argument.name)")
            }
        }
        let start = invocation.command.range.start
        let definition: PluginDefinition
        do throws(DefinitionError) {
            definition = try PluginDefinition(kind: kind, name: name, expressions: expressions, parameters: parameters,
                                              family: family, modes: modes, origin: "\(start.file):\(start.line)")
        } catch {
            guard let argument = error.argument else { throw invocation.failure("\(word) \(name): \(error.error.message)") }
            throw invocation.diagnostic(inside: argument, error.error, subject: roles.contains(argument) || [PluginDefinition.familyArgument, PluginDefinition.modesArgument].contains(argument)
                                            ? argument : "parameter \(argument)")
        }
        return definition
    }
}

extension Invocation {
    /// An error inside the value of the `name=` argument, its caret under the column of the script line
    /// where the expression's character at `error.offset` is written.
    func diagnostic(inside name: String, _ error: ExpressionError, subject: String) -> Diagnostic {
        guard let argument = named.last(where: { $0.name == name }) else { return failure("\(subject): \(error)") }
        let value = argument.value
        // A quoted value starts one column before its text.
        let quoted = if case .string = value.value { 1 } else { 0 }
        let start = value.range.start
        let range = SourceRange(start: SourceLocation(file: start.file, line: start.line, column: start.column + quoted + error.offset),
                                length: error.length)
        return failure("\(subject): \(error.message)", at: range)
    }
}
