import Autodiff
import Foundation
import Kernels
import Workbench

/// Why a sweep command cannot go on, in Gantry's words (printed after "gantry: ").
struct SweepError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// One value given to one placeholder of the script.
struct SweepSetting: Hashable {
    let name: String
    let value: String
}

/// A placeholder of the grid and the values it takes, as the user wrote them.
struct SweepAxis: Equatable {
    let name: String
    let values: [String]

    /// Reads `NAME=V1,V2,…` (the argument of `--grid`).
    init(argument: String) throws {
        guard let equals = argument.firstIndex(of: "=") else {
            throw SweepError("--grid '\(argument)' has no '=': write it as NAME=V1,V2,… (for {NAME} in the script)")
        }
        name = String(argument[..<equals])
        guard SweepPlan.isPlaceholderName(name) else {
            throw SweepError("--grid '\(argument)': '\(name)' is not a placeholder name (a letter or _, then letters, digits or _)")
        }
        let values = argument[argument.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let empty = values.firstIndex(of: "") {
            throw SweepError("--grid \(name): value \(empty + 1) is empty; write the values separated by commas, as \(name)=1e-4,3e-4")
        }
        if let bad = values.first(where: { $0.contains(where: { $0.isWhitespace || $0 == "{" || $0 == "}" || $0 == "\"" }) }) {
            throw SweepError("--grid \(name): the value '\(bad)' may not contain spaces, braces or quotes")
        }
        var seen: Set<String> = []
        if let twice = values.first(where: { !seen.insert($0).inserted }) {
            throw SweepError("--grid \(name): the value \(twice) is given twice")
        }
        self.values = values
    }

    init(name: String, values: [String]) {
        self.name = name
        self.values = values
    }
}

/// One run of the sweep: the script with its settings filled in, under one seed.
struct SweepTask: Equatable {
    /// Counted from 1, as Slurm array indices and `--task` are.
    let id: Int
    let seed: UInt64
    let settings: [SweepSetting]
    /// The hash of the exact script the task runs and its seed (`SweepPlan.hash`).
    let hash: String

    /// "lr=1e-4 lambda=1 seed 3"
    var label: String { (settings.map { "\($0.name)=\($0.value)" } + ["seed \(seed)"]).joined(separator: " ") }
}

/// Expanding a script with `{name}` placeholders over a grid of values and a list of seeds.
enum SweepPlan {
    /// The most tasks one plan may hold (each has its own files and results).
    static let taskLimit = 100_000

    static func isPlaceholderName(_ name: Substring) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func isPlaceholderName(_ name: String) -> Bool { isPlaceholderName(name[...]) }

    /// The placeholders `{name}` of `script`, each with the line where it first appears, in order of appearance.
    static func placeholders(in script: String) -> [(name: String, line: Int)] {
        var found: [(String, Int)] = []
        for (index, line) in script.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var rest = line[...]
            while let open = rest.firstIndex(of: "{") {
                let after = rest[rest.index(after: open)...]
                guard let close = after.firstIndex(of: "}") else { break }
                let name = after[..<close]
                if isPlaceholderName(name), !found.contains(where: { $0.0 == name }) { found.append((String(name), index + 1)) }
                rest = isPlaceholderName(name) ? after[after.index(after: close)...] : after
            }
        }
        return found
    }

    /// `script` with every `{name}` of `settings` replaced by its value.
    static func substitute(_ script: String, _ settings: [SweepSetting]) -> String {
        var text = script
        for setting in settings { text = text.replacingOccurrences(of: "{\(setting.name)}", with: setting.value) }
        return text
    }

    /// FNV-1a over the seed and the exact text the task runs: a task whose script or seed changes gets
    /// another hash, so its old results are never taken for its new ones.
    static func hash(script: String, seed: UInt64) -> String {
        let value = RandomStream.fnv1a("seed \(seed)\n" + script)
        let text = String(value, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// Reads `--seeds`: `1..8`, `1,2,5`, or one seed.
    static func seeds(_ argument: String) throws -> [UInt64] {
        func seed(_ text: Substring) throws -> UInt64 {
            do throws(NumberError) {
                return try NumberSyntax.integer(String(text), as: UInt64.self)
            } catch {
                throw SweepError("--seeds \(argument): \(text) \(error); a seed is a whole number from 0 to \(UInt64.max)")
            }
        }
        if let dots = argument.range(of: "..") {
            let low = try seed(argument[..<dots.lowerBound]), high = try seed(argument[dots.upperBound...])
            guard low <= high else { throw SweepError("--seeds \(argument): the range is empty (\(low) is above \(high))") }
            guard high - low < UInt64(taskLimit) else { throw SweepError("--seeds \(argument): more than \(taskLimit) seeds") }
            return Array(low...high)
        }
        let seeds = try argument.split(separator: ",", omittingEmptySubsequences: false).map(seed)
        var seen: Set<UInt64> = []
        if let twice = seeds.first(where: { !seen.insert($0).inserted }) {
            throw SweepError("--seeds \(argument): seed \(twice) is given twice")
        }
        return seeds
    }

    /// What `gantry check` finds in a script, and plugin names that name no plugin (`loss wgn`), which only
    /// running would otherwise find.
    static func scriptProblems(_ script: String, file: String) -> [Diagnostic] {
        let diagnostics = Interpreter.check(script, file: file)
        guard diagnostics.isEmpty, let commands = try? Parser.parseScript(script, file: file),
              let session = try? Session.configurationOnly() else { return diagnostics }
        let shell = Interpreter(session: session, environment: ShellEnvironment(writeOutput: { _ in }, writeError: { _ in }))
        var found: [Diagnostic] = []
        func visit(_ commands: [Command]) {
            for command in commands {
                do {
                    try shell.checkPluginName(command, try CommandTable.resolve(command))
                } catch let diagnostic as Diagnostic {
                    found.append(diagnostic)
                } catch {
                    found.append(Diagnostic(severity: .error, message: "\(error)", range: command.verbRange,
                                            sourceLine: command.sourceLine, notes: []))
                }
                visit(command.block ?? [])
            }
        }
        visit(commands)
        return found
    }

    /// Every combination of the axes' values, the first axis varying slowest.
    static func combinations(_ grid: [SweepAxis]) -> [[SweepSetting]] {
        grid.reduce([[]]) { partial, axis in
            partial.flatMap { settings in axis.values.map { settings + [SweepSetting(name: axis.name, value: $0)] } }
        }
    }

    /// The tasks of a plan: every combination under every seed, seeds varying fastest; checked first. The
    /// script must use every placeholder of the grid and no other, and each filled-in script is checked as
    /// `gantry check`'s parser and validator check a script, so a value outside a parameter's declared range
    /// (or that is no number where one is needed) is refused with the tasks it belongs to and the reason.
    static func tasks(script: String, file: String, grid: [SweepAxis], seeds: [UInt64]) throws -> [SweepTask] {
        let used = placeholders(in: script)
        let names = grid.map(\.name)
        var seenNames: Set<String> = []
        if let twice = names.first(where: { !seenNames.insert($0).inserted }) {
            throw SweepError("--grid \(twice) is given twice; give all its values in one --grid \(twice)=V1,V2,…")
        }
        if let missing = used.first(where: { !names.contains($0.name) }) {
            throw SweepError("\(file):\(missing.line): the placeholder {\(missing.name)} has no values: add --grid \(missing.name)=V1,V2,…")
        }
        if let unused = names.first(where: { name in !used.contains { $0.name == name } }) {
            throw SweepError("--grid \(unused): \(file) has no placeholder {\(unused)}; the script takes a setting where it writes {\(unused)}")
        }
        let settings = combinations(grid)
        guard settings.count * seeds.count <= taskLimit else {
            throw SweepError("the plan has \(settings.count * seeds.count) tasks; at most \(taskLimit) fit in one sweep")
        }
        var problems: [String] = []
        var failing = 0
        for (index, combination) in settings.enumerated() {
            let diagnostics = scriptProblems(substitute(script, combination), file: file)
            guard !diagnostics.isEmpty else { continue }
            failing += 1
            guard problems.count < 3 else { continue }
            let first = index * seeds.count + 1, last = first + seeds.count - 1
            let which = combination.isEmpty ? "the script" : combination.map { "\($0.name)=\($0.value)" }.joined(separator: " ")
            problems.append("\(which) (task\(first == last ? " \(first)" : "s \(first)–\(last)")) does not fit:\n"
                            + diagnostics.map { $0.rendered() }.joined(separator: "\n"))
        }
        if !problems.isEmpty {
            let more = failing > problems.count ? "\n… and \(failing - problems.count) more setting\(failing - problems.count == 1 ? "" : "s") that do not fit" : ""
            throw SweepError("nothing was planned: " + problems.joined(separator: "\n") + more)
        }
        var tasks: [SweepTask] = []
        for combination in settings {
            let text = substitute(script, combination)
            for seed in seeds {
                tasks.append(SweepTask(id: tasks.count + 1, seed: seed, settings: combination, hash: hash(script: text, seed: seed)))
            }
        }
        return tasks
    }
}
