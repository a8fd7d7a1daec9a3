import Foundation
import Workbench

/// The `noise` command.
enum NoiseCommand: ShellCommand {
    static let spec = CommandSpec(
        "noise", summary: "choose the generator's input distribution",
        discussion: "Without a distribution the current one is kept, and without dim the current dimension; a different dimension rebuilds G with fresh weights. Until the noise is chosen here (or by a script or checkpoint, which write it out), a generator model designed for a latent size brings normal noise of that size (generator dcgan: dim=100).",
        positionals: [PositionalSpec("DISTRIBUTION", "the distribution of z", completions: .plugins(.noise), optional: true)],
        pluginKind: .noise,
        examples: ["noise normal dim=2", "noise uniform dim=8 lower=-1 upper=1"])
    static let role = CommandRole.configuration

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.noise(invocation) }
}

extension Interpreter {
    /// `noise [DISTRIBUTION] key=value…`: the current distribution when none is named, and the current
    /// dimension when `dim` is not given.
    func noise(_ invocation: Invocation) throws {
        let type = invocation.positionals.isEmpty ? Swift.type(of: session.noise)
            : try plugin(invocation, "noise distribution", Plugins.noise.all, spec: { $0.spec }, named: Plugins.noise.named)
        var assignments = invocation.assignments
        if !assignments.contains(where: { $0.name == NoiseParameters.dim.name }) {
            assignments.append((NoiseParameters.dim.name, "\(session.noise.dimension)"))
        }
        let noise = try type.init(try ParameterValues(type.spec, assignments: assignments))
        if let note = try session.setNoise(noise) { say("note: " + note) }
        session.record(.noise(PluginSetting(noise)))
    }
}
