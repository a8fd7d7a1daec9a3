import Foundation
import Workbench

/// The `tour` command: the document "From GAN to WGAN" a section at a time, each lesson running the claim
/// script of `scripts/examples` that shows it.
enum TourCommand: ShellCommand {
    static let spec = CommandSpec(
        "tour", summary: "a guided tour of \"From GAN to WGAN\", a lesson per section: tour [N|next|back|list|off] [lang=en|ko]",
        discussion: "Each lesson says in a few sentences what one part of the document claims, then runs the claim script of scripts/examples that shows it, printing every command before it runs, draws what it left, and suggests one thing to try next in the session it leaves. Each lesson starts from a fresh session; the session you had before the tour is kept as the snapshot before-tour when it had unsaved training. tour alone starts the tour (or says where it is), tour N runs lesson N, tour next and tour back move by one, tour list shows the lessons, tour off leaves; Ctrl-C during a lesson leaves the tour with the session usable. lang=ko writes the lesson text in Korean, in the document's own headings (the default follows GANTRY_LANG, then the locale); commands and messages stay English.",
        positionals: [PositionalSpec("WHAT", "a lesson number, or \(TourWord.alternatives)", completions: TourWord.completions, optional: true)],
        parameters: [language.spec],
        examples: ["tour", "tour next", "tour 4", "tour list", "tour lang=ko", "tour off"])

    static let language: ParameterKey<TourLanguageChoice> = .choice(
        "lang", default: .auto, "the language of the lesson text: en, ko, or auto (GANTRY_LANG, then the locale)")

    /// The words `tour` takes in place of a lesson number.
    enum TourWord: String, CommandWord {
        case next, back, list, off
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.tour(invocation) }
}

/// `lang=`: a language, or the environment's.
enum TourLanguageChoice: String, ParameterChoice {
    case auto, en, ko
}

/// Where the tour is: the lesson (an index into `TourLessons.all`) and the language.
struct TourProgress {
    var lesson: Int
    var language: TourLanguage
}

extension Interpreter {
    /// `tour [N|next|back|list|off] [lang=…]`
    func tour(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        let language: TourLanguage
        switch parameters[TourCommand.language] {
        case .en: language = .en
        case .ko: language = .ko
        case .auto: language = tour?.language ?? TourLanguage.preferred(environment: ProcessInfo.processInfo.environment)
        }
        let lessons = TourLessons.all
        guard let node = invocation.positionals.first else {
            if let current = tour {
                tour?.language = language
                say(lessonTitle(current.lesson, language))
                for line in TextLayout.wrap(navigation(after: current.lesson, language), width: environment.width) { say(line) }
            } else {
                try runLesson(0, language: language, invocation)
            }
            return
        }
        if let word = TourCommand.TourWord.named(node.text) {
            switch word {
            case .list:
                tour?.language = language
                let rows = lessons.enumerated().map { index, lesson in
                    [(tour?.lesson == index ? "▸ " : "  ") + String(index + 1), "\(lesson.section.heading(language)) (\(lesson.script))"]
                }
                for line in TextLayout.table(rows, width: environment.width, indent: "", caps: [4]) { say(line) }
            case .next:
                let next = tour.map { $0.lesson + 1 } ?? 0
                guard next < lessons.count else {
                    throw invocation.failure("lesson \(lessons.count) is the last; tour list shows them all, tour off leaves the tour", at: node.range)
                }
                try runLesson(next, language: language, invocation)
            case .back:
                guard let current = tour else {
                    throw invocation.failure("the tour is not on; tour starts it at lesson 1", at: node.range)
                }
                guard current.lesson > 0 else {
                    throw invocation.failure("lesson 1 is the first; tour next goes on", at: node.range)
                }
                try runLesson(current.lesson - 1, language: language, invocation)
            case .off:
                guard let current = tour else { throw invocation.failure("the tour is not on", at: node.range) }
                tour = nil
                say(language == .ko
                    ? "투어를 레슨 \(current.lesson + 1)에서 마쳤습니다. tour \(current.lesson + 1)로 돌아갈 수 있습니다."
                    : "left the tour at lesson \(current.lesson + 1); tour \(current.lesson + 1) goes back to it")
            }
            return
        }
        let number = try invocation.integer(node, in: 1...lessons.count, subject: "lesson",
                                            otherwise: "unknown tour word '\(node.text)'; expected a lesson number (1 to \(lessons.count)) or \(TourCommand.TourWord.alternatives)")
        try runLesson(number - 1, language: language, invocation)
    }

    /// "Lesson 3 of 13 · Problems in GANs 2. Low dimensional supports".
    private func lessonTitle(_ index: Int, _ language: TourLanguage) -> String {
        let count = TourLessons.all.count
        let heading = TourLessons.all[index].section.heading(language)
        return language == .ko ? "레슨 \(index + 1)/\(count) · \(heading)" : "Lesson \(index + 1) of \(count) · \(heading)"
    }

    /// What the reader can type after lesson `index`.
    private func navigation(after index: Int, _ language: TourLanguage) -> String {
        let lessons = TourLessons.all
        var parts: [String] = []
        if index + 1 < lessons.count {
            let next = lessons[index + 1].section.heading(language)
            parts.append(language == .ko ? "tour next: 레슨 \(index + 2), \(next)" : "tour next: lesson \(index + 2), \(next)")
        } else {
            parts.append(language == .ko ? "마지막 레슨이었습니다" : "that was the last lesson")
        }
        if index > 0 { parts.append("tour back") }
        parts += ["tour list", "tour off"]
        return parts.joined(separator: " · ")
    }

    /// Runs lesson `index` in a fresh session: its text, the script's commands (each shown before it runs),
    /// the picture, and what to try next. Ctrl-C leaves the tour, with the session as the lesson left it.
    private func runLesson(_ index: Int, language: TourLanguage, _ invocation: Invocation) throws {
        let lesson = TourLessons.all[index]
        let folder: String
        let source: String
        do {
            folder = try ExampleScripts.folder()
            source = try PointFile.readText(path: folder + "/" + lesson.script)
        } catch {
            throw invocation.failure("\(error)")
        }
        let shownPath = "scripts/examples/" + lesson.script
        let commands = try Parser.parseScript(source, file: shownPath)
        if tour == nil && unsavedIterations > 0 {
            session.saveSnapshot("before-tour")
            say(language == .ko
                ? "지금까지의 세션은 스냅숏 before-tour로 보관했습니다 (restore before-tour로 되돌아갑니다)."
                : "your session is kept as the snapshot before-tour (restore before-tour brings it back)")
        }
        // Every lesson starts as a new process would, so its numbers are the script's own.
        session.install(try Session(seed: seedOverride ?? 1).makeSnapshot())
        latestReports = [:]
        playedGames = []
        tour = TourProgress(lesson: index, language: language)
        // What the lesson trains, `tour N` trains again: leaving after it loses nothing of the reader's own.
        defer { markSaved() }
        let started = Date()

        say(lessonTitle(index, language))
        say("")
        for line in TextLayout.wrap(lesson.idea(language), width: environment.width) { say(line) }
        say("")
        let running = language == .ko
            ? "\(shownPath) 스크립트를 실행합니다. 각 명령은 실행되기 전에 표시됩니다:"
            : "Running \(shownPath); each command is shown before it runs:"
        for line in TextLayout.wrap(running, width: environment.width) { say(line) }
        guard showAndRun(commands, source: source, index: index, language: language) else { return }
        if !lesson.picture.isEmpty {
            say("")
            say(language == .ko ? "그림:" : "The picture:")
            let picture = try Parser.parseScript(lesson.picture.joined(separator: "\n"), file: "<tour \(index + 1)>")
            guard showAndRun(picture, source: lesson.picture.joined(separator: "\n"), index: index, language: language) else { return }
        }
        say("")
        say(language == .ko ? "다음에 해 볼 것:" : "Try next:")
        for line in TextLayout.wrap(lesson.tryNext(language), width: environment.width) { say(line) }
        for command in lesson.tryCommands { say("  " + command) }
        if environment.isTerminal {
            say(String(format: language == .ko ? "(레슨 %.1f초)" : "(the lesson took %.1f s)", Date().timeIntervalSince(started)))
        }
        for line in TextLayout.wrap(navigation(after: index, language), width: environment.width) { say(line) }
    }

    /// Shows each command (`» …`) and runs it; false when the lesson stopped: at Ctrl-C, which leaves the
    /// tour, or at an error, which is reported.
    private func showAndRun(_ commands: [Command], source: String, index: Int, language: TourLanguage) -> Bool {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        for command in commands {
            if environment.interruptRequested() {
                leaveInterrupted(index, language)
                return false
            }
            for (offset, line) in Self.text(of: command, in: lines).enumerated() { say((offset == 0 ? "» " : "  ") + line) }
            do {
                try run([command])
            } catch let diagnostic as Diagnostic {
                if environment.interruptRequested() {
                    leaveInterrupted(index, language)
                } else {
                    report(diagnostic)
                    say(language == .ko
                        ? "레슨 \(index + 1)이 이 오류에서 멈췄습니다. 세션은 그대로 쓸 수 있습니다."
                        : "lesson \(index + 1) stopped at this error; the session is usable")
                }
                return false
            } catch {
                report(Diagnostic(severity: .error, message: "\(error)", range: command.verbRange, sourceLine: command.sourceLine, notes: []))
                return false
            }
        }
        if environment.interruptRequested() {
            leaveInterrupted(index, language)
            return false
        }
        return true
    }

    private func leaveInterrupted(_ index: Int, _ language: TourLanguage) {
        tour = nil
        say(language == .ko
            ? "Ctrl-C: 레슨 \(index + 1) 도중에 투어를 마쳤습니다. 세션은 레슨이 남긴 그대로이며, tour \(index + 1)로 레슨을 다시 실행합니다."
            : "Ctrl-C: left the tour during lesson \(index + 1); the session is as the lesson left it, and tour \(index + 1) runs the lesson again")
    }

    /// The lines a command was written on, from its verb to its end (a block may span lines).
    static func text(of command: Command, in lines: [Substring]) -> [String] {
        let start = command.range.start
        var remaining = command.range.length
        var result: [String] = []
        var lineIndex = start.line - 1
        var column = start.column - 1
        while remaining > 0 && lineIndex < lines.count {
            let line = lines[lineIndex]
            let piece = line.dropFirst(column).prefix(remaining)
            result.append(String(piece))
            remaining -= piece.count + 1
            lineIndex += 1
            column = 0
        }
        return result
    }
}
