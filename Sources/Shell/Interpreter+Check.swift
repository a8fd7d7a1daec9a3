import Workbench

extension Interpreter {
    /// Checks a script without running any of it: its syntax, every verb, the number of positional
    /// arguments, and every key=value against the declaration of the command or of the plugin it names.
    /// Returns the diagnostics found (empty for a well-formed script). What depends on the session (a file
    /// that must exist, a snapshot name, a trick that conflicts) is only found by running the script.
    public static func check(_ source: String, file: String) -> [Diagnostic] {
        do {
            var diagnostics: [Diagnostic] = []
            var defined: [PluginSpec] = []
            for command in try Parser.parseScript(source, file: file) { check(command, into: &diagnostics, defined: &defined) }
            return diagnostics
        } catch {
            return [error]
        }
    }

    /// Checks `command`; a `define` is checked as it would run, and the plugin it makes is known to the
    /// commands after it (`defined`), so that their parameters are checked against its declaration.
    private static func check(_ command: Command, into diagnostics: inout [Diagnostic], defined: inout [PluginSpec]) {
        do {
            let spec = try CommandTable.resolve(command)
            let invocation = try Invocation(command: command, spec: spec)
            if spec.name == DefineCommand.spec.name {
                defined.append(try definition(invocation).spec)
            }
            do {
                if let kind = spec.pluginKind {
                    if let declaration = pluginDeclaration(kind, spec, invocation, defined) {
                        _ = try ParameterValues(declaration, assignments: invocation.assignments)
                    } else if spec.pluginIsOptional && invocation.text(spec.pluginPositional) == nil {
                        // The current plugin is kept, and only running knows which: check against them all.
                        let given = Set(invocation.assignments.map(\.name))
                        let candidates = everyParameter(of: kind).filter { $0.defaultValue != nil || given.contains($0.name) }
                        _ = try ParameterValues(owner: "command \(spec.name)", parameters: candidates,
                                                assignments: invocation.assignments)
                    }
                } else if !spec.parameters.isEmpty {
                    _ = try invocation.commandParameters()
                }
            } catch let error as ParameterError {
                throw invocation.diagnostic(for: error)
            }
        } catch let diagnostic as Diagnostic {
            diagnostics.append(diagnostic)
        } catch {
            diagnostics.append(Diagnostic(severity: .error, message: "\(error)", range: command.verbRange,
                                          sourceLine: command.sourceLine, notes: []))
        }
        for inner in command.block ?? [] { check(inner, into: &diagnostics, defined: &defined) }
    }

    /// The parameters the plugins of `kind` declare, each name once (its first declaration).
    static func everyParameter(of kind: PluginKind) -> [ParameterSpec] {
        var seen: Set<String> = []
        return pluginSpecs(kind).flatMap(\.parameters).filter { seen.insert($0.name).inserted }
    }

    /// The declaration whose parameters a plugin command's key=value arguments belong to, when it is named
    /// (found as the command finds it: ignoring case, aliases after names).
    private static func pluginDeclaration(_ kind: PluginKind, _ spec: CommandSpec, _ invocation: Invocation,
                                          _ defined: [PluginSpec]) -> PluginSpec? {
        guard let name = invocation.text(spec.pluginPositional) else { return kind == .model ? Plugins.defaultModel.spec : nil }
        return Plugins.spec(kind, named: name) ?? defined.first { $0.kind == kind && $0.name.lowercased() == name.lowercased() }
    }
}
