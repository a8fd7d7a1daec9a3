import Foundation
import Workbench

/// The negative control of a claim script: the same script with the one thing the claim depends on
/// changed, whose expectations must then fail. It is written inside the claim, so the two cannot drift
/// apart: a line `#control: COMMAND` says that the control runs COMMAND instead of the next command line
/// (`#control:` alone leaves that line out). Several directives make one control that changes all their
/// lines. Lines keep their numbers, so the control's diagnostics point into the claim file.
///
/// A control passes its check when one of its expectations fails (the first failure ends it: the rest
/// of the script need not run); it fails when every expectation holds (the claim's checks could not tell
/// the difference) or when any other command fails (the control no longer runs, so it proves nothing).
public enum ClaimControl {
    /// What starts a directive.
    static let marker = "#control:"

    /// What checking a control found.
    public enum Verdict: Equatable {
        /// An expectation failed, as it must: the diagnostic's first line.
        case failedAsItMust(String)
        /// Every command and every expectation succeeded.
        case passed
        /// A command other than `expect` failed: its diagnostic.
        case broken(String)
    }

    /// Why a claim's directives do not make a control.
    public struct DirectiveError: Error, CustomStringConvertible {
        /// Where and what.
        public let description: String
    }

    /// The control of the claim `text`, or nil when the claim has no `#control:` line.
    public static func derive(path: String, text: String) throws -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var pending: (line: Int, command: String)?
        var changed = 0
        for index in lines.indices {
            let trimmed = lines[index].trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(marker) {
                if let pending {
                    throw DirectiveError(description: "\(path):\(pending.line): #control: is followed by another "
                                         + "#control: (line \(index + 1)) before the command it replaces")
                }
                pending = (index + 1, trimmed.dropFirst(marker.count).trimmingCharacters(in: .whitespaces))
                continue
            }
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#"), let replacement = pending else { continue }
            let indentation = lines[index].prefix { $0 == " " || $0 == "\t" }
            lines[index] = replacement.command.isEmpty ? indentation + "# left out by the control: " + trimmed
                                                       : indentation + replacement.command
            pending = nil
            changed += 1
        }
        if let pending {
            throw DirectiveError(description: "\(path):\(pending.line): #control: is not followed by a command to replace")
        }
        return changed == 0 ? nil : lines.joined(separator: "\n")
    }

    /// Runs the control of the claim at `path` (text `text`) in a fresh session, as `Transcript.check`
    /// runs a script, and says how it ended. Throws `DirectiveError` when the claim has no control.
    public static func check(path: String, text: String, seed: UInt64? = nil) throws -> Verdict {
        guard let control = try derive(path: path, text: text) else {
            throw DirectiveError(description: "\(path): has no #control: line; every claim needs a control")
        }
        let session = try Session(seed: seed ?? 1)
        var errors: [String] = []
        let environment = ShellEnvironment(writeOutput: { _ in }, writeError: { errors.append($0) },
                                           isTerminal: false, width: 80, colour: false)
        let interpreter = Interpreter(session: session, environment: environment)
        interpreter.seedOverride = seed
        interpreter.includeStack = [(path, nil)]
        for segment in Transcript.segments(of: control) {
            let source = segment.sourceLines.joined(separator: "\n")
            guard !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { continue }
            let failedBefore = interpreter.failedExpectations, failuresBefore = interpreter.failureCount
            errors = []
            interpreter.executeSegment(source, file: path, firstLine: segment.firstLine)
            guard interpreter.failureCount != failuresBefore else {
                if interpreter.quitRequested { break }
                continue
            }
            let shown = errors.first { $0.contains("error:") } ?? errors.first ?? ""
            return interpreter.failedExpectations > failedBefore ? .failedAsItMust(shown) : .broken(errors.joined(separator: "\n"))
        }
        return .passed
    }
}
