import Foundation
import Workbench

/// The `quit` command.
enum QuitCommand: ShellCommand {
    static let spec = CommandSpec(
        "quit", aliases: ["exit"], summary: "leave gantry",
        discussion: "Ctrl-D at an empty prompt does the same. At the interactive prompt, a session with iterations trained since the last save FILE.gan or checkpoint save FILE (or since checkpoint load FILE) gets one warning saying how many; quit or Ctrl-D again leaves without saving (unless more was trained meanwhile). gantry run, gantry -e and piped input leave at once.")

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.quit(invocation) }
}

extension Interpreter {
    /// `quit`: on the interactive prompt, a session with unsaved training gets one warning first.
    func quit(_ invocation: Invocation) throws {
        if let warning = leavingWarning() {
            environment.writeError(warning)
            return
        }
        quitRequested = true
    }
}
