import Foundation
import XCTest
import Workbench
import _GantryTestSupport
@testable import Shell

/// The guided tour: its lessons against the claim scripts, its language, its navigation, Ctrl-C, and the
/// folder it finds the scripts in.
final class TourTests: XCTestCase {
    static var repository: URL { URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent() }
    static var examples: String { repository.appendingPathComponent("scripts/examples").path }

    /// The number `tour N` gives the lesson of `script`.
    static func lesson(_ script: String) -> Int { TourLessons.all.firstIndex { $0.script == script }! + 1 }

    func testEveryClaimScriptHasOneLessonAndEveryLessonAScript() throws {
        let scripts = try FileManager.default.contentsOfDirectory(atPath: Self.examples).filter { $0.hasSuffix(".gan") }.sorted()
        let taught = TourLessons.all.map(\.script)
        XCTAssertEqual(Set(taught).count, taught.count, "a script taught twice")
        XCTAssertEqual(taught.sorted(), scripts, "scripts/examples and the tour's lessons must name the same scripts")
    }

    func testLessonsFollowTheDocumentsOrder() {
        // The loss first, then the problems 1…5, then the remedies 1…7, each section at least once.
        func rank(_ section: TourSection) -> Int {
            switch section {
            case .loss: return 0
            case .problem(let number): return number
            case .remedy(let number): return 10 + number
            }
        }
        let ranks = TourLessons.all.map { rank($0.section) }
        XCTAssertEqual(ranks, ranks.sorted())
        XCTAssertEqual(Set(ranks), Set([0, 1, 2, 3, 4, 5, 11, 12, 13, 14, 15, 16, 17]))
        // The tour opens with the divergences the loss is read as.
        XCTAssertEqual(TourLessons.all.first?.script, "07-kl-is-asymmetric.gan")
    }

    func testPicturesAndSuggestionsAreValidCommands() {
        for lesson in TourLessons.all {
            for (what, commands) in [("picture", lesson.picture), ("try next", lesson.tryCommands)] {
                let problems = Interpreter.check(commands.joined(separator: "\n"), file: lesson.script)
                XCTAssertEqual(problems.map { $0.rendered(colour: false) }, [], "\(lesson.script): \(what)")
                XCTAssertTrue(!commands.isEmpty || what == "picture", "\(lesson.script): \(what)")
            }
        }
    }

    func testLessonTextIsTwoToFiveSentencesInBothLanguages() {
        for lesson in TourLessons.all {
            for language in TourLanguage.allCases {
                let text = lesson.idea(language)
                // Sentences end in ". " or at the end of the text; decimals (0.693) and "et al." aside.
                let ends = text.replacingOccurrences(of: "et al.", with: "et al").components(separatedBy: ". ").count
                XCTAssert((2...5).contains(ends), "\(lesson.script) [\(language)]: \(ends) sentences")
                XCTAssertFalse(lesson.tryNext(language).isEmpty)
            }
            // The Korean text is Korean, not a copy of the English.
            XCTAssertTrue(lesson.idea.ko.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, lesson.script)
            XCTAssertTrue(lesson.tryNext.ko.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, lesson.script)
        }
    }

    func testHeadingsAreTheDocumentsOwn() {
        XCTAssertEqual(TourSection.loss.heading(.ko), "GAN loss의 수학적 해석")
        XCTAssertEqual(TourSection.problem(2).heading(.ko), "Problems in GANs 2. Low dimensional supports")
        XCTAssertEqual(TourSection.remedy(7).heading(.en), "Improved GAN training 7. Use Better Metric of Distribution Similarity")
        // Every heading of the Korean document's lists appears in it as written.
        let document = try? String(contentsOf: Self.repository.appendingPathComponent("README.ko.md"), encoding: .utf8)
        for number in 1...7 {
            let heading = TourSection.remedy(number).heading(.ko).components(separatedBy: ". ").last!
            XCTAssertTrue(document?.contains(heading) == true, heading)
        }
    }

    func testLanguageComesFromGantryLangThenTheLocale() {
        XCTAssertEqual(TourLanguage.preferred(environment: [:]), .en)
        XCTAssertEqual(TourLanguage.preferred(environment: ["LANG": "ko_KR.UTF-8"]), .ko)
        XCTAssertEqual(TourLanguage.preferred(environment: ["LANG": "en_GB.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"]), .ko)
        XCTAssertEqual(TourLanguage.preferred(environment: ["LC_ALL": "C", "LANG": "ko_KR.UTF-8"]), .en)
        XCTAssertEqual(TourLanguage.preferred(environment: ["GANTRY_LANG": "en", "LC_ALL": "ko_KR.UTF-8"]), .en)
        XCTAssertEqual(TourLanguage.preferred(environment: ["GANTRY_LANG": "ko", "LANG": "C.UTF-8"]), .ko)
        XCTAssertEqual(TourLanguage.preferred(environment: ["GANTRY_LANG": "", "LANG": "ko"]), .ko)
    }

    func testKoreanWrapsByTerminalColumns() {
        XCTAssertEqual(TextLayout.columns("abc"), 3)
        XCTAssertEqual(TextLayout.columns("수학적"), 6)
        XCTAssertEqual(TextLayout.columns("GAN loss의"), 10)
        for lesson in TourLessons.all {
            let lines = TextLayout.wrap(lesson.idea.ko, width: 60)
            XCTAssertGreaterThan(lines.count, 1)
            for line in lines { XCTAssertLessThanOrEqual(TextLayout.columns(line), 60, line) }
            // Nothing is lost or reordered by the wrapping.
            XCTAssertEqual(lines.joined(separator: " "), lesson.idea.ko)
        }
        // English keeps its character count: one column each.
        XCTAssertEqual(TextLayout.wrap("a bb ccc dddd", width: 20), ["a bb ccc dddd"])
    }

    func testExamplesAreFoundAboveTheExecutableOrWhereGantryExamplesSays() throws {
        let fromBuild = try ExampleScripts.folder(environment: [:], executable: Self.repository.path + "/.build/x86_64-unknown-linux-gnu/release/gantry")
        XCTAssertEqual(URL(fileURLWithPath: fromBuild).standardizedFileURL.path, Self.examples)
        XCTAssertEqual(try ExampleScripts.folder(environment: ["GANTRY_EXAMPLES": Self.examples], executable: "/nowhere/gantry"), Self.examples)
        XCTAssertThrowsError(try ExampleScripts.folder(environment: [:], executable: "/usr/local/bin/gantry")) { error in
            XCTAssertEqual("\(error)", "the tour's lessons are the scripts in scripts/examples of Gantry's source, and none was found above /usr/local/bin/gantry; set GANTRY_EXAMPLES to that folder")
        }
        XCTAssertThrowsError(try ExampleScripts.folder(environment: ["GANTRY_EXAMPLES": "/tmp"], executable: fromBuild)) { error in
            XCTAssertEqual("\(error)", "GANTRY_EXAMPLES is /tmp, which holds no 01-gan-loss-is-js.gan: it must name the scripts/examples folder of Gantry's source")
        }
    }

    func testALessonRunsTheScriptInAFreshSessionAndKeepsTheReadersWork() throws {
        let (shell, drain) = try makeTestInterpreter()
        // The reader's own session has a trick on that the lesson's script never mentions.
        shell.execute("trick on instance-noise sigma=0.5; step 20", file: "<t>")
        _ = drain()
        let number = Self.lesson("remedy-4-label-smoothing.gan")
        XCTAssertTrue(shell.execute("tour \(number) lang=en", file: "<t>"))
        let (output, errors) = drain()
        XCTAssertEqual(errors, [])
        XCTAssertEqual(output.first, "your session is kept as the snapshot before-tour (restore before-tour brings it back)")
        XCTAssertEqual(output[1], "Lesson \(number) of \(TourLessons.all.count) · Improved GAN training 4. One-sided Label Smoothing")
        // Every command of the script is shown, in order, before its output.
        let script = try String(contentsOfFile: Self.examples + "/remedy-4-label-smoothing.gan", encoding: .utf8)
        let commands = script.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { "» " + $0 }
        XCTAssertEqual(output.filter { $0.hasPrefix("» ") }.dropLast(1), ArraySlice(commands))
        XCTAssertEqual(output.filter { $0.hasPrefix("ok: ") }.count, 6)
        XCTAssertTrue(output.contains("The picture:"))
        XCTAssertEqual(output.suffix(2), ["tour next: lesson \(number + 1), Improved GAN training 5. Virtual Batch Normalization ·",
                                          "tour back · tour list · tour off"])
        // The reader's 20 iterations are in the snapshot; leaving after the lesson loses nothing.
        XCTAssertEqual(shell.session.snapshotNames, ["before-tour"])
        XCTAssertEqual(shell.unsavedIterations, 0)
        XCTAssertTrue(shell.execute("restore before-tour", file: "<t>"))
        XCTAssertEqual(shell.session.iteration, 20)
        // The lesson's numbers are those of the script run alone in a new process.
        let (alone, aloneDrain) = try makeTestInterpreter(seed: 1)
        XCTAssertTrue(alone.execute(script, file: "<script>"))
        XCTAssertEqual(aloneDrain().output.filter { $0.hasPrefix("ok: ") }, output.filter { $0.hasPrefix("ok: ") })
    }

    func testNavigationAndItsErrors() throws {
        let (shell, drain) = try makeTestInterpreter()
        let count = TourLessons.all.count
        XCTAssertFalse(shell.execute("tour back", file: "<t>"))
        XCTAssertEqual(drain().errors.first, "<t>:1:6: error: the tour is not on; tour starts it at lesson 1")
        XCTAssertFalse(shell.execute("tour off", file: "<t>"))
        XCTAssertEqual(drain().errors.first, "<t>:1:6: error: the tour is not on")
        XCTAssertFalse(shell.execute("tour \(count + 1)", file: "<t>"))
        XCTAssertEqual(drain().errors.first, "<t>:1:6: error: lesson \(count + 1) is too large: at most \(count)")
        XCTAssertFalse(shell.execute("tour sideways", file: "<t>"))
        XCTAssertEqual(drain().errors.first, "<t>:1:6: error: unknown tour word 'sideways'; expected a lesson number (1 to \(count)) or next, back, list or off")
        XCTAssertFalse(shell.execute("tour lang=fr", file: "<t>"))
        XCTAssertTrue(drain().errors.first?.contains("lang") == true)
        XCTAssertNil(shell.tour, "a refused tour command starts nothing")

        let nash = Self.lesson("02-nash-equilibrium.gan")
        let title = "레슨 \(nash)/\(count) · Problems in GANs 1. Hard to achieve Nash equilibrium"
        XCTAssertTrue(shell.execute("tour \(nash) lang=ko", file: "<t>"))
        XCTAssertEqual(drain().output.first, title)
        // The language stays with the tour until it is changed.
        XCTAssertTrue(shell.execute("tour", file: "<t>"))
        let status = drain().output
        XCTAssertEqual(status.first, title)
        XCTAssertEqual(status.dropFirst().joined(separator: " "),
                       "tour next: 레슨 \(nash + 1), \(TourLessons.all[nash].section.heading(.ko)) · tour back · tour list · tour off")
        XCTAssertTrue(shell.execute("tour list lang=en", file: "<t>"))
        let list = drain().output
        XCTAssertEqual(list.filter { !$0.hasPrefix("      ") }.count, count, "a line per lesson, and lines continuing them")
        XCTAssertEqual(list.filter { $0.hasPrefix("▸") }, ["▸ \(nash)   Problems in GANs 1. Hard to achieve Nash equilibrium"])
        XCTAssertTrue(shell.execute("tour off", file: "<t>"))
        XCTAssertEqual(drain().output, ["left the tour at lesson \(nash); tour \(nash) goes back to it"])
        XCTAssertNil(shell.tour)
    }

    func testControlCLeavesTheTourWithTheSessionUsable() throws {
        // Ctrl-C arrives while the lesson's fourth command runs.
        final class Clock { var polls = 0 }
        let clock = Clock()
        var armed = false
        let (shell, drain) = try makeTestInterpreter(interrupt: { if armed { clock.polls += 1 }; return armed && clock.polls > 3 })
        armed = true
        let number = Self.lesson("remedy-6-instance-noise.gan")
        shell.execute("tour \(number) lang=en", file: "<t>")
        let output = drain().output
        XCTAssertEqual(output.last, "Ctrl-C: left the tour during lesson \(number); the session is as the lesson left it, and tour \(number) runs the lesson again")
        XCTAssertFalse(output.contains("The picture:"))
        XCTAssertNil(shell.tour)
        armed = false
        XCTAssertTrue(shell.execute("step 3", file: "<t>"))
        XCTAssertTrue(drain().output.last?.hasPrefix("iteration") == true)
    }

    /// The lessons' transcripts (replayed by scripts/test in a release build): one per lesson and language,
    /// each running its lesson, and none recorded with an error in it, which would make a failing
    /// expectation part of what the replay expects.
    func testEveryLessonHasATranscriptInBothLanguagesWithoutErrors() throws {
        let folder = Self.repository.appendingPathComponent("Tests/Tour")
        for language in TourLanguage.allCases {
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(language.rawValue).path).sorted()
            XCTAssertEqual(files, TourLessons.all.indices.map { String(format: "lesson-%02d.gan", $0 + 1) })
            for (index, file) in files.enumerated() {
                let text = try String(contentsOf: folder.appendingPathComponent("\(language.rawValue)/\(file)"), encoding: .utf8)
                let lines = text.split(separator: "\n")
                XCTAssertTrue(lines.contains("tour \(index + 1) lang=\(language.rawValue)"), file)
                XCTAssertFalse(lines.contains { $0.hasPrefix("#!") }, "\(language)/\(file) records an error")
                XCTAssertTrue(text.replacingOccurrences(of: "\n#> ", with: " ").contains("tour list · tour off"), "\(language)/\(file) did not finish")
            }
        }
    }

    func testGantryTourRefusesWordsThatCouldRunOtherCommands() {
        // Each would end the tour command and start another if it reached the interpreter.
        for word in ["2;quit", "2 # note", "\"2\"", "next}"] {
            XCTAssertEqual(GantryCommand.main(["tour", word]), 64, word)
        }
    }
}
