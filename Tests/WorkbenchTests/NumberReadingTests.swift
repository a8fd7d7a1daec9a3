import XCTest
import _GantryTestSupport
@testable import Workbench

/// Parameter values and CSV cells are read by the one number grammar (`NumberSyntax`): the same spellings
/// are accepted, and the same ones refused with the same reasons.
final class NumberReadingTests: XCTestCase {
    func message(_ body: () throws -> Any) -> String { errorText(body) }

    let parameters = [
        ParameterSpec("lambda", .real(0...1e6), default: .real(10), "a ranged real"),
        ParameterSpec("scale", .real(nil), default: .real(1), "a real without range"),
        ParameterSpec("n", .integer(2...4000), default: .integer(100), "a ranged integer"),
        ParameterSpec("count", .integer(nil), default: .integer(0), "an integer without range"),
        ParameterSpec("hidden", .integerList(1...65536), default: .integerList([8]), "widths"),
        ParameterSpec("means", .realList(nil), default: .realList([0]), "means"),
    ]

    func value(_ name: String, _ text: String) throws -> ParameterValue {
        try ParameterValues(owner: "test", parameters: parameters, assignments: [(name, text)])[name]
    }

    func refusal(_ name: String, _ text: String) -> String {
        message { try self.value(name, text) }
    }

    func testParameterValuesInAnyDecimalSpelling() throws {
        XCTAssertEqual(try value("lambda", "1e-4"), .real(1e-4))
        XCTAssertEqual(try value("lambda", "0"), .real(0))
        XCTAssertEqual(try value("n", "1e3"), .integer(1000))
        XCTAssertEqual(try value("n", "+25.0"), .integer(25))
        XCTAssertEqual(try value("count", "9007199254740993"), .integer(9_007_199_254_740_993))
        XCTAssertEqual(try value("hidden", "64,1.28e2"), .integerList([64, 128]))
        XCTAssertEqual(try value("means", "[-2, .5, 3e0]"), .realList([-2, 0.5, 3]))
    }

    func testParameterRefusalsGiveTheNumberGrammarsReason() {
        XCTAssertEqual(refusal("lambda", "0x10"), "test: lambda=0x10 is hexadecimal: write it in decimal, as 16")
        XCTAssertEqual(refusal("scale", "0x1p-10"), "test: scale=0x1p-10 is hexadecimal: write it in decimal, as 0.0009765625")
        XCTAssertEqual(refusal("lambda", "1e-400"), "test: lambda=1e-400 is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)")
        XCTAssertEqual(refusal("scale", "1e39"), "test: scale=1e39 is too large for a 32-bit float (largest 3.4e38)")
        XCTAssertEqual(refusal("scale", "nan"), "test: scale=nan is not a finite number")
        XCTAssertEqual(refusal("n", "0x10"), "test: n=0x10 is hexadecimal: write it in decimal, as 16")
        XCTAssertEqual(refusal("count", "99999999999999999999"), "test: count=99999999999999999999 is too large: at most 9223372036854775807")
        // A ranged parameter names its own range, beyond Int or not.
        XCTAssertEqual(refusal("n", "99999999999999999999"), "test: n=99999999999999999999 is out of range; expected integer in [2, 4000]")
        XCTAssertEqual(refusal("n", "1"), "test: n=1 is out of range; expected integer in [2, 4000]")
        XCTAssertEqual(refusal("lambda", "2e6"), "test: lambda=2000000 is out of range; expected real in [0, 1000000]")
        // Words and fractions say what the parameter expects.
        XCTAssertEqual(refusal("n", "2.5"), "test: n=2.5 is not valid; expected integer in [2, 4000]")
        XCTAssertEqual(refusal("lambda", "ten"), "test: lambda=ten is not valid; expected real in [0, 1000000]")
        // A list names the element at fault.
        XCTAssertEqual(refusal("hidden", "64,0x40"), "test: hidden=64,0x40: 0x40 is hexadecimal: write it in decimal, as 64")
        XCTAssertEqual(refusal("means", "1,inf"), "test: means=1,inf: inf is not a finite number")
        XCTAssertEqual(refusal("hidden", "64,,64"), "test: hidden=64,,64 is not valid; expected list of integers in [1, 65536]")
    }

    func testCSVCellsUseTheSameGrammar() throws {
        func csvError(_ text: String) -> String { message { try PointFile.parseCSV(text, path: "n.csv") } }
        XCTAssertEqual(csvError("0x10,1\n"), "n.csv, line 1, column 1: '0x10' is hexadecimal: write it in decimal, as 16")
        XCTAssertEqual(csvError("1,1e-400\n"), "n.csv, line 1, column 2: '1e-400' is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)")
        XCTAssertEqual(csvError("1,-1e-46\n"), "n.csv, line 1, column 2: '-1e-46' is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)")
        XCTAssertEqual(csvError("1,INF\n"), "n.csv, line 1, column 2: 'INF' is not a finite number")
        // A first row of hexadecimal numbers is data (and refused), not a header of names.
        XCTAssertEqual(csvError("0x1,0x2\n3,4\n"), "n.csv, line 1, column 1: '0x1' is hexadecimal: write it in decimal, as 1")
        let parsed = try PointFile.parseCSV("a,b\n+1,.5e1\n0,-0\n", path: "ok.csv")
        XCTAssertEqual(parsed.header, ["a", "b"])
        XCTAssertEqual(parsed.values.scalars, [1, 5, 0, 0])
        // A header name that reads as a number, even one refused as data, would not read back as a name.
        XCTAssertEqual(message { try PointFile.csvText(parsed.values, header: ["x", "0x1"]) },
                       "CSV: '0x1' cannot be a CSV column name (empty, numeric, or holding , \" # or a line break)")
    }

    func testFeatureMatchingLayerIndexUsesTheSameGrammar() throws {
        func layer(_ text: String) throws -> Int? {
            try FeatureMatching(restoring: ParameterValues(FeatureMatching.spec, assignments: [("layer", text)])).layer
        }
        XCTAssertEqual(try layer("2"), 2)
        XCTAssertEqual(try layer("1e0"), 1)
        XCTAssertNil(try layer("last"))
        XCTAssertEqual(message { try layer("0x1") as Any }, "feature-matching: layer=0x1 is not a layer index (an index of D's layers, or last)")
        XCTAssertEqual(message { try layer("-1") as Any }, "feature-matching: layer=-1 is not a layer index (an index of D's layers, or last)")
    }
}
