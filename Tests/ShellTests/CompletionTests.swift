import XCTest
import Foundation
import Workbench
import _GantryTestSupport
@testable import Shell

/// Path completion writes what the lexer reads: quoted paths with spaces, completion inside an open
/// string, `~/` replaced by the home folder. Candidates replace the line editor's word
/// (`LineEditor.completionWord`), so each check applies them the way libedit does.
final class CompletionTests: XCTestCase {
    var folder = ""
    var completer: Completer!

    override func setUpWithError() throws {
        folder = try ScratchFolder.make("completion")
        for name in ["my data.csv", "my data2.csv", "plain.csv", "say \"hi\".gan", "solo run.gan"] {
            XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/" + name, contents: Data()))
        }
        try FileManager.default.createDirectory(atPath: folder + "/my dir", withIntermediateDirectories: false)
        XCTAssertTrue(FileManager.default.createFile(atPath: folder + "/my dir/inner.gan", contents: Data()))
        let interpreter = Interpreter(session: try Session(seed: 1),
                                      environment: ShellEnvironment(writeOutput: { _ in }, writeError: { _ in }))
        completer = Completer(interpreter: interpreter)
        completer.homeDirectory = folder
    }

    override func tearDownWithError() throws {
        ScratchFolder.remove(folder)
    }

    /// The line after one Tab: the editor's word replaced by the single candidate, plus the space libedit
    /// appends unless the candidate ends in `/` or `=`; nil when there is not exactly one candidate.
    func tab(_ line: String) -> String? {
        let candidates = completer.candidates(line)
        guard let completion = LineEditor.completion(word: LineEditor.completionWord(in: line), candidates: candidates),
              completion.matches.count == 2 else { return nil }
        return String(line.dropLast(LineEditor.completionWord(in: line).count)) + completion.matches[0]
            + (completion.appendsSpace ? " " : "")
    }

    func testListOffersEveryKindOfPlugin() {
        let offered = completer.candidates("list ")
        for kind in PluginKind.allCases { XCTAssertTrue(offered.contains(kind.listWords[0]), "list \(kind.listWords[0])") }
        XCTAssertTrue(offered.contains("commands") && offered.contains("snapshots"))
    }

    func testPluginParametersCompleteWhereverTheCommandFindsThePlugin() {
        // The command finds plugins ignoring case and by alias; completion offers their parameters the same way.
        XCTAssertTrue(completer.candidates("loss WGAN-GP lam").contains("lambda="))
        XCTAssertTrue(completer.candidates("trick on PacGAN ").contains("m="))
    }

    func testGameOffersItsGamesAndOff() {
        XCTAssertEqual(completer.candidates("game o"), ["off"])
        XCTAssertTrue(completer.candidates("game ").contains("dirac"))
    }

    func testPathsWithSpacesAreQuoted() {
        XCTAssertEqual(tab("data points file=\(folder)/pl"), "data points file=\(folder)/plain.csv ")
        XCTAssertEqual(tab("data points file=\(folder)/my data2"), nil, "an unquoted space ends the word")
        XCTAssertEqual(completer.candidates("data points file=\(folder)/my"),
                       ["\"\(folder)/my data.csv", "\"\(folder)/my data2.csv", "\"\(folder)/my dir/"])
        XCTAssertEqual(tab("run \(folder)/so"), "run \"\(folder)/solo run.gan\" ")
        XCTAssertEqual(tab("run \(folder)/my"), "run \"\(folder)/my dir/", "a folder stays open for its contents")
        // Quotes and backslashes inside a name are escaped as the lexer reads strings.
        XCTAssertEqual(tab("run \(folder)/sa"), "run \"\(folder)/say \\\"hi\\\".gan\" ")
        // The common part of several quoted candidates is inserted, quote first.
        let word = LineEditor.completionWord(in: "data points file=\(folder)/my")
        XCTAssertEqual(LineEditor.completion(word: word, candidates: completer.candidates("data points file=\(folder)/my"))?.matches.first,
                       "\"\(folder)/my d")
    }

    func testCompletionInsideAnOpenString() throws {
        XCTAssertEqual(tab("run \"\(folder)/my dir/in"), "run \"\(folder)/my dir/inner.gan\" ")
        XCTAssertEqual(tab("data points file=\"\(folder)/my data2"), "data points file=\"\(folder)/my data2.csv\" ")
        XCTAssertEqual(tab("data points file=\"\(folder)/pl"), "data points file=\"\(folder)/plain.csv\" ")
        // The editor's word after a lone quote is empty: the completion goes after the quote.
        XCTAssertEqual(LineEditor.completionWord(in: "run \""), "")
        let previous = FileManager.default.currentDirectoryPath
        defer { XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(previous)) }
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(folder + "/my dir"))
        XCTAssertEqual(tab("run \""), "run \"inner.gan\" ")
        // A string already closed is complete.
        XCTAssertEqual(completer.candidates("run \"\(folder)/solo run.gan\""), [])
        // A choice inside quotes completes and closes too.
        XCTAssertEqual(tab("loss wgan-gp one_sided=\"tr"), "loss wgan-gp one_sided=\"true\" ")
    }

    func testHomeFolderIsExpanded() {
        XCTAssertEqual(tab("run ~/so"), "run \"\(folder)/solo run.gan\" ")
        XCTAssertEqual(tab("data points file=~/pl"), "data points file=\(folder)/plain.csv ")
        XCTAssertEqual(tab("run ~/my dir/in"), nil, "an unquoted space ends the word")
        XCTAssertTrue(completer.candidates("run ~").contains("\"\(folder)/my dir/"))
    }

    func testWordsOfTheCommandBeingTypedAreReadAsTheLexerReadsThem() {
        // `;` and `{` inside a string do not start a command; outside they do.
        XCTAssertEqual(completer.candidates("echo \"a; b\" ; st"), ["step"])
        XCTAssertEqual(completer.candidates("repeat 2 { st"), ["step"])
        XCTAssertEqual(completer.candidates("loss \"wgan-gp\" la"), ["lambda="])
        XCTAssertEqual(completer.candidates("step 10 # a comment st"), [])
    }

    func testEditorWordFollowsLibeditsQuoteRules() {
        let cases: [(String, String)] = [
            ("run \"", ""), ("file=\"", ""), ("run \"my da", "da"), ("run \"a b\"", "b\""), ("run x\\", "x\\"),
            ("plain", "plain"), ("a b", "b"), ("a=b", "b"), ("a\\ b", "a\\ b"),
        ]
        for (line, word) in cases {
            XCTAssertEqual(LineEditor.completionWord(in: line), word, "line \(line)")
        }
    }
}
