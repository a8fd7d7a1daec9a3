import Workbench
@testable import Shell

/// An interpreter on a fresh session, and a function returning (and clearing) what it wrote to its output
/// and error streams: how the shell tests drive commands without a terminal.
func makeTestInterpreter(seed: UInt64 = 5, interrupt: @escaping () -> Bool = { false },
                         configure: (Session) -> Void = { _ in })
    throws -> (Interpreter, () -> (output: [String], errors: [String])) {
    final class Sink { var output: [String] = []; var errors: [String] = [] }
    let sink = Sink()
    let environment = ShellEnvironment(writeOutput: { sink.output.append($0) }, writeError: { sink.errors.append($0) },
                                       interruptRequested: interrupt)
    let session = try Session(seed: seed)
    configure(session)
    return (Interpreter(session: session, environment: environment),
            { defer { sink.output = []; sink.errors = [] }; return (sink.output, sink.errors) })
}

extension Session {
    /// The journal as `save` writes each entry.
    var journalLines: [String] { journal.map(JournalText.line) }

    /// The configuration as `show config` writes it.
    var configurationLines: [String] { JournalText.lines(configuration) }
}
