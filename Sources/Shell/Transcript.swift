import Foundation
import Workbench

/// A .gan file checked as a transcript: under each command, `#> ` lines are its expected output and `#! `
/// lines its expected diagnostics; `{{regex}}` inside an expected line matches a varying span.
public struct Transcript {
    /// One command (possibly several lines) with the output expected from it.
    struct Segment {
        var sourceLines: [String] = []
        var firstLine = 1
        var expectedOutput: [String] = []
        var expectedErrors: [String] = []
        var hasExpectations: Bool { !expectedOutput.isEmpty || !expectedErrors.isEmpty }
    }

    /// What checking found.
    public struct Outcome {
        /// Segments whose output matched (in a plain script: commands that ran without an error).
        public var passed = 0
        /// Whether the file has no expected output at all, so only errors fail it.
        public var isScript = false
        /// Mismatches, each "file:line: …" with the expected and actual text.
        public var failures: [String] = []
        /// The file with its expectations rewritten from the actual output (record mode).
        public var recorded: String = ""
    }

    /// Splits a transcript into commands and their expectations: each complete command (with the
    /// comments and blank lines before it) is a segment, and the `#> ` / `#! ` lines after it are its
    /// expectations.
    static func segments(of text: String) -> [Segment] {
        var segments: [Segment] = []
        var current = Segment()
        var closed = false
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = String(raw)
            if line.hasPrefix("#>") || line.hasPrefix("#!") {
                let body = line.count > 3 ? String(line.dropFirst(3)) : ""
                if line.hasPrefix("#>") { current.expectedOutput.append(body) } else { current.expectedErrors.append(body) }
                continue
            }
            if closed {
                segments.append(current)
                current = Segment()
                closed = false
            }
            if current.sourceLines.isEmpty { current.firstLine = lineNumber }
            current.sourceLines.append(line)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if !trimmed.isEmpty && !trimmed.hasPrefix("#") {
                // A command is complete when what has been read so far parses without an open string,
                // list or block (a syntax error also closes it: the error is its output).
                let source = current.sourceLines.joined(separator: "\n")
                if case .incomplete? = try? Parser.parse(source, file: "", firstLine: current.firstLine) { continue }
                closed = true
            }
        }
        // Blank lines at the end of the file belong to no command (an unterminated one would otherwise
        // swallow them, and recording would move them above its diagnostics).
        while current.sourceLines.count > 1, current.sourceLines.last?.trimmingCharacters(in: .whitespaces) == "" {
            current.sourceLines.removeLast()
        }
        segments.append(current)
        return segments
    }

    /// Whether `actual` matches `expected`, where `{{regex}}` spans match by regular expression.
    static func matches(_ actual: String, _ expected: String) -> Bool {
        guard expected.contains("{{") else { return actual == expected }
        var pattern = "^"
        var rest = Substring(expected)
        while let open = rest.range(of: "{{") {
            pattern += NSRegularExpression.escapedPattern(for: String(rest[..<open.lowerBound]))
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else {
                pattern += NSRegularExpression.escapedPattern(for: String(rest[open.lowerBound...]))
                rest = ""
                break
            }
            pattern += "(?:" + afterOpen[..<close.lowerBound] + ")"
            rest = afterOpen[close.upperBound...]
        }
        pattern += NSRegularExpression.escapedPattern(for: String(rest)) + "$"
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: actual, range: NSRange(actual.startIndex..., in: actual)) != nil
    }

    /// Runs every command of the transcript at `path` in a fresh session (seed 1, or `seed`), compares
    /// output and diagnostics with the expectations, and returns the outcome (with the recorded file).
    /// Plugins the transcript defines are removed afterwards, so that each transcript starts as in a new process.
    public static func check(path: String, text: String, seed: UInt64? = nil, width: Int = 80) throws -> Outcome {
        try Plugins.keepingRegistrations { try run(path: path, text: text, seed: seed, width: width) }
    }

    private static func run(path: String, text: String, seed: UInt64?, width: Int) throws -> Outcome {
        let session = try Session(seed: seed ?? 1)
        var output: [String] = [], errors: [String] = []
        let environment = ShellEnvironment(writeOutput: { output.append($0) }, writeError: { errors.append($0) },
                                           isTerminal: false, width: width, colour: false)
        let interpreter = Interpreter(session: session, environment: environment)
        interpreter.seedOverride = seed
        interpreter.includeStack = [(path, nil)]
        var outcome = Outcome()
        var recorded: [String] = []
        let allSegments = segments(of: text)
        // A file without a single `#> ` or `#! ` line is a plain script: its expect lines are its checks,
        // so it passes when every command runs without an error, whatever it prints.
        outcome.isScript = !allSegments.contains { $0.hasExpectations }
        for segment in allSegments {
            output = []
            errors = []
            let source = segment.sourceLines.joined(separator: "\n")
            let failedBefore = interpreter.failureCount
            if !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                interpreter.executeSegment(source, file: path, firstLine: segment.firstLine)
            }
            recorded += segment.sourceLines + output.map { "#> " + $0 } + errors.map { "#! " + $0 }
            if outcome.isScript {
                // A warning is not a failure: only errors and failed expectations fail a script.
                if interpreter.failureCount == failedBefore {
                    if !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { outcome.passed += 1 }
                } else {
                    outcome.failures.append(errors.joined(separator: "\n"))
                }
                if interpreter.quitRequested { break }
                continue
            }
            guard segment.hasExpectations || !output.isEmpty || !errors.isEmpty else { continue }
            if compare(output, segment.expectedOutput) && compare(errors, segment.expectedErrors) {
                outcome.passed += 1
            } else {
                var message = "\(path):\(segment.firstLine): output differs for:\n    " + segment.sourceLines.joined(separator: "\n    ")
                message += "\n  expected:\n" + (segment.expectedOutput.map { "    #> " + $0 } + segment.expectedErrors.map { "    #! " + $0 })
                    .joined(separator: "\n")
                message += "\n  actual:\n" + (output.map { "    #> " + $0 } + errors.map { "    #! " + $0 }).joined(separator: "\n")
                outcome.failures.append(message)
            }
            if interpreter.quitRequested { break }
        }
        outcome.recorded = recorded.joined(separator: "\n")
        return outcome
    }

    /// The transcript with its expectations rewritten from the actual output. Diagnostics quote line
    /// numbers, and rewriting moves lines, so it repeats until the file no longer changes.
    public static func record(path: String, text: String, seed: UInt64? = nil, width: Int = 80) throws -> String {
        var current = text
        for _ in 0..<4 {
            var next = try check(path: path, text: current, seed: seed, width: width).recorded
            while next.hasSuffix("\n") { next.removeLast() }
            next += "\n"
            if next == current { break }
            current = next
        }
        return current
    }

    private static func compare(_ actual: [String], _ expected: [String]) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy { matches($0, $1) }
    }
}

extension Interpreter {
    /// Runs one transcript segment: parse errors and command errors are reported, never thrown.
    func executeSegment(_ source: String, file: String, firstLine: Int) {
        do {
            try run(try Parser.parseScript(source, file: file, firstLine: firstLine))
        } catch let diagnostic as Diagnostic {
            report(diagnostic)
        } catch {
            report(Diagnostic(severity: .error, message: "\(error)", range: nil, sourceLine: nil, notes: []))
        }
    }
}
