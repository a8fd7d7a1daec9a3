import Foundation
import Workbench

/// The `run` command.
enum RunCommand: ShellCommand {
    static let spec = CommandSpec(
        "run", aliases: ["source"], summary: "run the commands of a .gan script",
        discussion: "Errors name the file, line and column, with a note for each script that included it. Scripts may run scripts, up to 16 deep.",
        positionals: [PositionalSpec("FILE", "a .gan file", completions: .files(extensions: ["gan"]))],
        examples: ["run experiments/collapse.gan"])

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.runScript(invocation) }
}

extension Interpreter {
    /// `run FILE.gan`: the script's commands, with errors located in it and a note saying where it was
    /// included from.
    func runScript(_ invocation: Invocation) throws {
        guard let node = invocation.positionals.first else { throw invocation.failure("run needs a file; usage: run FILE.gan") }
        let path = node.text
        if includeStack.count >= Self.nestingLimit {
            throw invocation.failure("scripts nested too deeply (limit \(Self.nestingLimit))", at: node.range)
        }
        let canonical = URL(fileURLWithPath: path).standardizedFileURL.path
        if includeStack.contains(where: { URL(fileURLWithPath: $0.file).standardizedFileURL.path == canonical }) {
            throw invocation.failure("\(path) runs itself (through \(includeStack.map(\.file).joined(separator: " → ")))", at: node.range)
        }
        let source: String
        do {
            source = try PointFile.readText(path: path)
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        includeStack.append((path, node.range))
        defer { includeStack.removeLast() }
        do {
            try runSource(source, file: path)
        } catch let diagnostic as Diagnostic {
            // Each level adds where it was included from, so the chain reads innermost first.
            throw diagnostic.included(from: node.range.start)
        }
    }
}
