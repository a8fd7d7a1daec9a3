import Foundation
import Workbench

/// The interactive loop: a prompt, line editing, continuation lines for open blocks and strings, and
/// errors that never end the session.
public final class REPL {
    let interpreter: Interpreter
    let reader: any LineReader
    /// The prompt of a new command.
    static let prompt = "gantry> "
    /// The prompt of a continuation line (an open block, list or string).
    static let continuationPrompt = "   ...> "

    /// A loop reading from `reader` into `interpreter`.
    public init(interpreter: Interpreter, reader: any LineReader) {
        self.interpreter = interpreter
        self.reader = reader
    }

    /// What the banner says: what is loaded and how to get help.
    static func banner(_ session: Session) -> [String] {
        [
            "gantry \(version): \(session.loss.canonicalText.split(separator: " ").first ?? "") GAN on \(session.dataset.canonicalText.split(separator: " ").first ?? ""), seed \(session.seed), \(architectures(session))",
            "type help for commands, step 500 to train, metric modes to measure; Ctrl-D quits",
        ]
    }

    /// "G and D 128×128 MLPs", or each player's when they differ ("G offset, D 512 MLP").
    static func architectures(_ session: Session) -> String {
        let (generator, discriminator) = (architecture(session, .generator), architecture(session, .discriminator))
        return generator == discriminator ? "G and D \(generator)s" : "G \(generator), D \(discriminator)"
    }

    private static func architecture(_ session: Session, _ player: Player) -> String {
        let (input, output) = session.widths(player)
        let model = session.model(player)
        return model.perceptron(input: input, output: output).map { $0.hiddenWidths.map(String.init).joined(separator: "×") + " MLP" }
            ?? model.name
    }

    /// Runs `firstCommand` (`gantry tour` starts the tour), then reads until quit or end of input; returns
    /// the process exit status (0).
    public func run(showBanner: Bool, firstCommand: String? = nil) -> Int32 {
        if showBanner { for line in REPL.banner(interpreter.session) { interpreter.say(line) } }
        for warning in reader.warnings { interpreter.environment.writeError("warning: " + warning) }
        interpreter.confirmsLeavingUnsavedTraining = reader.isInteractive
        if let firstCommand {
            interpreter.executeSegment(firstCommand, file: "<command line>", firstLine: 1)
            // Ctrl-C during it left the tour; the prompt that follows starts clean.
            _ = InterruptFlag.check()
        }
        // Each entry (a line, with its continuation lines) is a source of its own whose lines count from 1,
        // so an error says `<stdin>:1:6` however long the session has run.
        var buffer: [String] = []
        while !interpreter.quitRequested {
            switch reader.readLine(prompt: buffer.isEmpty ? REPL.prompt : REPL.continuationPrompt) {
            case .endOfInput:
                // Ctrl-D leaves the line editor's "^D" after the prompt: end that line.
                if reader.isInteractive { interpreter.say("") }
                if let warning = interpreter.leavingWarning() {
                    interpreter.environment.writeError(warning)
                    buffer = []
                    continue
                }
                return exitStatus
            case .interrupted:
                // Ctrl-C at the prompt drops the line being typed; the editor leaves the cursor on it.
                buffer = []
                interpreter.say("")
                continue
            case .line(let line):
                buffer.append(line)
                let source = buffer.joined(separator: "\n")
                do {
                    if case .incomplete = try Parser.parse(source, file: "<stdin>") { continue }
                } catch {
                    // Reported by executeSegment below, with its location.
                }
                buffer = []
                if !source.trimmingCharacters(in: .whitespaces).isEmpty { reader.addToHistory(source) }
                _ = InterruptFlag.check()
                interpreter.executeSegment(source, file: "<stdin>", firstLine: 1)
            }
        }
        return exitStatus
    }

    /// 1 when piped input had an error, else 0: a person at the prompt has seen each error already.
    private var exitStatus: Int32 { interpreter.failureCount > 0 && !reader.isInteractive ? 1 : 0 }
}

/// The version the command reports.
public let version = "0.2.0"
