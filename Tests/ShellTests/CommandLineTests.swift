import XCTest
import Foundation
import _GantryTestSupport

/// The `gantry` command's own options and environment: each option once, numbers by the one grammar,
/// and a `GANTRY_THREADS` that cannot be used refused before anything runs.
final class CommandLineTests: XCTestCase {
    func gantry(_ arguments: [String], environment extra: [String: String] = [:],
                program: String = "gantry") throws -> (status: Int32, output: String) {
        var changes: [String: String?] = ["GANTRY_THREADS": nil]
        for (name, value) in extra { changes[name] = value }
        return try ProductProcess.run(program, arguments, environment: changes)
    }

    func testRepeatedOptionsAreRefusedByName() throws {
        XCTAssertEqual(try gantry(["--seed", "5", "--seed", "6", "-e", "echo x"]).output,
                       "gantry: --seed is given twice (5 and 6); give it once\n")
        XCTAssertEqual(try gantry(["--keep-going", "-e", "echo x", "--keep-going"]).output,
                       "gantry: --keep-going is given twice; give it once\n")
        XCTAssertEqual(try gantry(["--seed", "5", "--seed", "6", "-e", "echo x"]).status, 64)
        XCTAssertEqual(try gantry(["--seed", "5", "-e", "echo x"]).output, "x\n")
    }

    func testSeedOptionReadsNumbersLikeTheLanguage() throws {
        XCTAssertEqual(try gantry(["--seed", "0x10", "-e", "echo x"]).output,
                       "gantry: --seed 0x10 is hexadecimal: write it in decimal, as 16; a seed is a whole number from 0 to 18446744073709551615\n")
        XCTAssertEqual(try gantry(["--seed", "18446744073709551616", "-e", "echo x"]).output,
                       "gantry: --seed 18446744073709551616 is too large: at most 18446744073709551615; a seed is a whole number from 0 to 18446744073709551615\n")
        XCTAssertEqual(try gantry(["--seed", "1e1", "-e", "show config"]).output.split(separator: "\n").first, "seed 10")
    }

    func testUnusableThreadCountIsRefusedAtStart() throws {
        let rule = "; it sets how many threads compute (a whole number from 1 to 256), or leave it unset to use every processor\n"
        for (value, reason) in [("abc", "abc is not a number"), ("0", "0 is too small: at least 1"),
                                ("-2", "-2 is too small: at least 1"), ("1.5", "1.5 is not a whole number"),
                                ("99999999999999999999", "99999999999999999999 is too large: at most 256")] {
            let run = try gantry(["-e", "echo reached"], environment: ["GANTRY_THREADS": value])
            XCTAssertEqual(run.output, "gantry: GANTRY_THREADS=" + reason + rule, value)
            XCTAssertEqual(run.status, 64, value)
        }
        XCTAssertEqual(try gantry(["-e", "echo reached"], environment: ["GANTRY_THREADS": "2"]).output, "reached\n")
        XCTAssertEqual(try gantry(["-e", "echo reached"], environment: ["GANTRY_THREADS": ""]).output, "reached\n")
        let bench = try gantry(["--list"], environment: ["GANTRY_THREADS": "abc"], program: "gantry-bench")
        XCTAssertEqual(bench.output, "gantry-bench: GANTRY_THREADS=abc is not a number" + rule)
        XCTAssertEqual(bench.status, 64)
    }
}
