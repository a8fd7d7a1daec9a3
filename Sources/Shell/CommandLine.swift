import Foundation
import Kernels
import Workbench

/// The `gantry` command: its options, and the four ways in (prompt, `run`, `check`, `-e`).
public enum GantryCommand {
    /// What `gantry --help` prints.
    public static let usage = """
        gantry \(version): a GAN workbench for the terminal.

        usage:
          gantry                       start the interactive workbench (a small GAN on ring8 is loaded)
          gantry run FILE.gan          run a script; exit status 0 only if every command and expect succeeded
          gantry -e 'CMD; CMD'         run commands given on the command line (same exit status rule)
          gantry tour [N] [lang=en|ko]    a guided tour of the document "From GAN to WGAN", a lesson per
                                       section, then the prompt (lang=ko: the lessons in Korean)
          gantry check [--record] FILE.gan|DIR …
                                       replay transcripts and compare with their #> / #! expectations
                                       (--record rewrites the expectations from the actual output);
                                       a file with no expectations passes when it runs without an error
          gantry check --controls FILE.gan|DIR …
                                       run each claim script's control (its #control: lines changed):
                                       it passes only when one of its expectations fails
          gantry sweep plan|run|launch|status|collect …
                                       run a script over a grid of settings and seeds, here, with GNU parallel
                                       or on Slurm (gantry sweep shows how)
          gantry plugin new NAME [DIR]  write a Swift package for a compiled plugin (see help plugin)
          gantry --help | --version

        options:
          --seed N                     use seed N for the session and every seed command
          --keep-going                 continue a script after an error (the exit status still reports it)

        environment:
          GANTRY_PLUGINS               plugin libraries to load at start: .so files or folders of them, separated by :

        Inside gantry, type help for the commands. Scripts use the same language as the prompt.
        """

    /// Runs with the process arguments (without the program name); returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        // A sweep has options of its own (--grid, --seeds, -j …), read by its sub-commands.
        if arguments.first == "sweep" {
            if let problem = ComputeThreads.environmentProblem { return fail(problem) }
            return SweepCommand.main(Array(arguments.dropFirst()))
        }
        if arguments.first == "plugin" {
            guard arguments.count >= 3, arguments.count <= 4, arguments[1] == PluginCommand.PluginAction.new.rawValue else {
                return fail("usage: gantry plugin new NAME [DIR]")
            }
            do {
                let folder = try PluginTemplate.write(name: arguments[2], folder: arguments.count == 4 ? arguments[3] : nil)
                print("wrote the plugin package \(folder): build it with swift build -c release there, then plugin load "
                      + "\(folder)/.build/release/lib\(arguments[2]).so")
                return 0
            } catch {
                return fail("plugin new: \(error)")
            }
        }
        var seed: UInt64?
        var keepGoing = false
        var record = false
        var controls = false
        var rest: [String] = []
        // Each option may be given once: a second `--seed` silently winning would hide a mistake.
        var given: [String: String] = [:]
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument.hasPrefix("--"), let first = given[argument] {
                let values = argument == "--seed" && index + 1 < arguments.count ? " (\(first) and \(arguments[index + 1]))" : ""
                return fail("\(argument) is given twice\(values); give it once")
            }
            switch argument {
            case "--help", "-h":
                print(usage)
                return 0
            case "--version", "-V":
                print("gantry \(version)")
                return 0
            case "--seed":
                guard index + 1 < arguments.count else { return fail("--seed needs a non-negative integer") }
                do throws(NumberError) {
                    seed = try NumberSyntax.integer(arguments[index + 1], as: UInt64.self)
                } catch {
                    return fail("--seed \(error); a seed is a whole number from 0 to \(UInt64.max)")
                }
                given[argument] = arguments[index + 1]
                index += 1
            case "--keep-going":
                keepGoing = true
                given[argument] = ""
            case "--record":
                record = true
                given[argument] = ""
            case "--controls":
                controls = true
                given[argument] = ""
            default:
                rest.append(argument)
            }
            index += 1
        }
        if let problem = ComputeThreads.environmentProblem { return fail(problem) }
        do {
            try PluginCommand.loadStartupLibraries()
        } catch {
            return fail("\(error)")
        }
        InterruptFlag.install()
        TerminalResize.install()
        do {
            switch rest.first {
            case nil:
                return try interactive(seed: seed)
            case "tour":
                // The words after it are the tour command's own, checked by it like typed words; anything
                // that could end the command and start another is refused here.
                let words = Array(rest.dropFirst())
                if let odd = words.first(where: { !$0.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "=-_".unicodeScalars.contains($0) } }) {
                    return fail("gantry tour takes a lesson number, next, back or list, and lang=en|ko; not '\(odd)'")
                }
                return try interactive(seed: seed, firstCommand: (["tour"] + words).joined(separator: " "))
            case "run":
                guard rest.count == 2 else { return fail("usage: gantry run FILE.gan") }
                return try script(seed: seed, keepGoing: keepGoing) { $0.execute("run \(quoted(rest[1]))", file: "<command line>") }
            case "-e":
                guard rest.count == 2 else { return fail("usage: gantry -e 'COMMANDS'") }
                return try script(seed: seed, keepGoing: keepGoing) { $0.execute(rest[1], file: "<-e>") }
            case "check":
                guard rest.count >= 2 else { return fail("usage: gantry check [--record | --controls] FILE.gan|DIR …") }
                guard !(record && controls) else { return fail("--record and --controls cannot be combined: a control is derived from its claim, never recorded") }
                return try check(Array(rest.dropFirst()), seed: seed, record: record, controls: controls)
            default:
                return fail("unknown argument '\(rest[0])'; see gantry --help")
            }
        } catch {
            return fail("\(error)")
        }
    }

    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }

    static func fail(_ message: String) -> Int32 {
        FileHandle.standardError.write(Data(("gantry: " + message + "\n").utf8))
        return 64
    }

    /// The environment of this process's terminal (or pipe).
    static func processEnvironment() -> ShellEnvironment {
        let terminal = TerminalInfo.standardOutputIsTerminal
        return ShellEnvironment(
            // Flushed line by line even into a pipe or a file, so a log shows each result as it happens.
            writeOutput: { print($0); fflush(nil) },
            writeError: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) },
            isTerminal: terminal, width: TerminalInfo.width, colour: TerminalInfo.colourEnabled,
            interruptRequested: { InterruptFlag.isSet },
            writeProgress: { line in
                // Carriage return, the line, then clear to the end: the next write replaces it.
                FileHandle.standardOutput.write(Data(("\r" + line + "\u{1b}[K").utf8))
            },
            height: TerminalInfo.height,
            writeTerminal: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
            resizedTerminal: { terminal ? TerminalResize.newSize() : nil },
            armStopNotice: { armed in if terminal { InterruptFlag.armStopNotice(armed) } })
    }

    static func interactive(seed: UInt64?, firstCommand: String? = nil) throws -> Int32 {
        let interpreter = Interpreter(session: try Session(seed: seed ?? 1), environment: processEnvironment())
        interpreter.seedOverride = seed
        let reader: any LineReader
        if TerminalInfo.standardInputIsTerminal {
            let home = ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.gantry_history" }
            let completer = Completer(interpreter: interpreter)
            reader = LineEditor(programName: "gantry", historyFile: home, completer: { completer.candidates($0) })
        } else {
            reader = PlainLineReader()
        }
        return REPL(interpreter: interpreter, reader: reader).run(showBanner: TerminalInfo.standardInputIsTerminal,
                                                                  firstCommand: firstCommand)
    }

    static func script(seed: UInt64?, keepGoing: Bool, _ body: (Interpreter) -> Bool) throws -> Int32 {
        let interpreter = Interpreter(session: try Session(seed: seed ?? 1), environment: processEnvironment())
        interpreter.seedOverride = seed
        interpreter.keepGoing = keepGoing
        let succeeded = body(interpreter)
        return succeeded && interpreter.failureCount == 0 ? 0 : 1
    }

    static func check(_ targets: [String], seed: UInt64?, record: Bool, controls: Bool = false) throws -> Int32 {
        var files: [String] = []
        for target in targets {
            var info = stat()
            guard stat(target, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
                files.append(target)  // reading it says what is wrong with it
                continue
            }
            guard let folder = opendir(target) else { return fail("\(target): \(PointFile.openFailure(errno, path: target))") }
            var names: [String] = []
            while let entry = readdir(folder) {
                names.append(withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) })
            }
            closedir(folder)
            files += names.filter { $0.hasSuffix(".gan") }.sorted().map { (target as NSString).appendingPathComponent($0) }
        }
        // Every file is read before any is checked, so a bad path fails at once, with its reason.
        var texts: [String] = []
        for file in files {
            do { texts.append(try PointFile.readText(path: file)) } catch { return fail("\(error)") }
        }
        if controls { return checkControls(zip(files, texts).map { ($0, $1) }, seed: seed) }
        var failed = 0, passed = 0
        for (file, text) in zip(files, texts) {
            if record {
                try PointFile.writeAtomically(Array(try Transcript.record(path: file, text: text, seed: seed).utf8), to: file)
                print("recorded \(file)")
                continue
            }
            let outcome = try Transcript.check(path: file, text: text, seed: seed)
            passed += outcome.passed
            for failure in outcome.failures { FileHandle.standardError.write(Data((failure + "\n").utf8)) }
            failed += outcome.failures.count
            let counts = outcome.isScript ? "script: \(outcome.passed) commands ran, \(outcome.failures.count) failed"
                                          : "\(outcome.passed) matched, \(outcome.failures.count) differ"
            print("\(outcome.failures.isEmpty ? "ok  " : "FAIL") \(file) (\(counts))")
            fflush(nil)
        }
        print("gantry check: \(files.count) transcript\(files.count == 1 ? "" : "s"), \(passed) commands matched, \(failed) differ")
        return failed == 0 ? 0 : 1
    }

    /// Runs the control of each claim: one line per file, "ok   control FILE" when an expectation failed as
    /// it must, "FAIL control FILE" when every expectation held or another command failed.
    static func checkControls(_ claims: [(file: String, text: String)], seed: UInt64?) -> Int32 {
        var failed = 0
        for (file, text) in claims {
            let line: String
            do {
                switch try ClaimControl.check(path: file, text: text, seed: seed) {
                case .failedAsItMust(let diagnostic):
                    line = "ok   control \(file) (an expectation failed, as it must: \(diagnostic))"
                case .passed:
                    line = "FAIL control \(file) (every expectation held without what the claim depends on: its checks cannot tell)"
                    failed += 1
                case .broken(let diagnostic):
                    FileHandle.standardError.write(Data((diagnostic + "\n").utf8))
                    line = "FAIL control \(file) (a command other than expect failed, so the control proves nothing)"
                    failed += 1
                }
            } catch {
                FileHandle.standardError.write(Data(("\(error)\n").utf8))
                line = "FAIL control \(file) (no control)"
                failed += 1
            }
            print(line)
            fflush(nil)
        }
        print("gantry check --controls: \(claims.count) control\(claims.count == 1 ? "" : "s"), \(claims.count - failed) failed as they must, \(failed) did not")
        return failed == 0 ? 0 : 1
    }
}
