import Foundation
import Workbench

/// The `save` command.
enum SaveCommand: ShellCommand {
    static let spec = CommandSpec(
        "save", summary: "write the session as a script that rebuilds it",
        discussion: "The script lists, in order, the canonical commands that made this session (defaults included), so gantry run FILE in a new process reproduces it, bit for bit. The file is written atomically.",
        positionals: [PositionalSpec("FILE", "a .gan file", completions: .files(extensions: ["gan"]))],
        examples: ["save run.gan"])
    static let runsDuringTraining = true

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.save(invocation) }
}

extension Interpreter {
    /// `save FILE.gan`
    func save(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("save needs a file name; usage: save FILE.gan") }
        do {
            try PointFile.writeAtomically(Array(savedScript().utf8), to: node.text)
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        markSaved()
        say("saved \(session.journal.count) commands to \(node.text)")
    }

    /// The saved script: a header, then the journal with adjacent plain steps merged.
    func savedScript() -> String {
        (["# Gantry session (iteration \(session.iteration)): run this file to rebuild it, bit for bit."] + JournalText.script(session.journal))
            .joined(separator: "\n") + "\n"
    }
}
