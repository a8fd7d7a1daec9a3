import XCTest
@testable import Kernels

/// The one number grammar: which spellings are numbers, exact whole numbers, reals that fit a 32-bit
/// float, and the message for each refusal.
final class NumberSyntaxTests: XCTestCase {
    /// The message of the `NumberError` that `body` throws, or nil when it throws none.
    func message(_ body: () throws -> Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch let error as NumberError {
            return error.description
        } catch {
            return "not a NumberError: \(error)"
        }
    }

    func testDecimalSpellings() {
        for text in ["3", "-3", "+3", "0.5", ".5", "5.", "1e-4", "1E+3", "-.5e3", "007", "1e999999999999999999999"] {
            XCTAssertTrue(NumberSyntax.isDecimal(text.unicodeScalars), text)
        }
        for text in ["", "-", "+", ".", "-.", "1e", "1e+", "e5", "1_000", "1.2.3", "0x10", "inf", "nan", " 5", "5 ",
                     "1e-4x", "2d", "١٢", "1,5"] {
            XCTAssertFalse(NumberSyntax.isDecimal(text.unicodeScalars), text)
        }
    }

    func testIntegersAreExactInEveryDecimalSpelling() throws {
        XCTAssertEqual(try NumberSyntax.integer("42", as: Int.self), 42)
        XCTAssertEqual(try NumberSyntax.integer("+7", as: Int.self), 7)
        XCTAssertEqual(try NumberSyntax.integer("-0", as: Int.self), 0)
        XCTAssertEqual(try NumberSyntax.integer("1e3", as: Int.self), 1000)
        XCTAssertEqual(try NumberSyntax.integer("2.50e1", as: Int.self), 25)
        XCTAssertEqual(try NumberSyntax.integer("1200e-2", as: Int.self), 12)
        XCTAssertEqual(try NumberSyntax.integer("0e999999999", as: Int.self), 0)
        XCTAssertEqual(try NumberSyntax.integer("0.000e-99", as: Int.self), 0)
        // Every digit counts, beyond what a Double holds (2^53 + 1).
        XCTAssertEqual(try NumberSyntax.integer("9007199254740993", as: Int.self), 9_007_199_254_740_993)
        XCTAssertEqual(try NumberSyntax.integer("18446744073709551615", as: UInt64.self), UInt64.max)
        XCTAssertEqual(try NumberSyntax.integer("9223372036854775807", as: Int.self), Int.max)
        XCTAssertEqual(try NumberSyntax.integer("-9223372036854775808", as: Int.self), Int.min)
        XCTAssertEqual(try NumberSyntax.integer("-128", as: Int8.self), -128)
        XCTAssertEqual(try NumberSyntax.integer("5", as: Int.self, in: 1...5), 5)
    }

    func testIntegerRefusalsSayWhyAndTheLimit() {
        XCTAssertEqual(message { try NumberSyntax.integer("99999999999999999999", as: Int.self) },
                       "99999999999999999999 is too large: at most 9223372036854775807")
        XCTAssertEqual(message { try NumberSyntax.integer("9223372036854775808", as: Int.self) },
                       "9223372036854775808 is too large: at most 9223372036854775807")
        XCTAssertEqual(message { try NumberSyntax.integer("-9223372036854775809", as: Int.self) },
                       "-9223372036854775809 is too small: at least -9223372036854775808")
        XCTAssertEqual(message { try NumberSyntax.integer("1e400", as: Int.self) }, "1e400 is too large: at most 9223372036854775807")
        XCTAssertEqual(message { try NumberSyntax.integer("18446744073709551616", as: UInt64.self) },
                       "18446744073709551616 is too large: at most 18446744073709551615")
        XCTAssertEqual(message { try NumberSyntax.integer("-1", as: UInt64.self) }, "-1 is too small: at least 0")
        XCTAssertEqual(message { try NumberSyntax.integer("0", as: Int.self, in: 1...256) }, "0 is too small: at least 1")
        XCTAssertEqual(message { try NumberSyntax.integer("257", as: Int.self, in: 1...256) }, "257 is too large: at most 256")
        XCTAssertEqual(message { try NumberSyntax.integer("1e30", as: Int.self, in: 1...256) }, "1e30 is too large: at most 256")
        XCTAssertEqual(message { try NumberSyntax.integer("2.5", as: Int.self) }, "2.5 is not a whole number")
        XCTAssertEqual(message { try NumberSyntax.integer("1e-400", as: Int.self) }, "1e-400 is not a whole number")
        XCTAssertEqual(message { try NumberSyntax.integer("0x10", as: Int.self) }, "0x10 is hexadecimal: write it in decimal, as 16")
        XCTAssertEqual(message { try NumberSyntax.integer("-inf", as: Int.self) }, "-inf is not a finite number")
        XCTAssertEqual(message { try NumberSyntax.integer("abc", as: Int.self) }, "abc is not a number")
        XCTAssertEqual(message { try NumberSyntax.integer(" 5", as: Int.self) }, " 5 is not a number")
    }

    func testRealsMustFitA32BitFloatWithoutBecomingZero() throws {
        XCTAssertEqual(try NumberSyntax.real("0.1"), 0.1)
        XCTAssertEqual(try NumberSyntax.real("-2.5e-3"), -0.0025)
        XCTAssertEqual(try NumberSyntax.real("0e-400"), 0)
        XCTAssertEqual(try NumberSyntax.real("-0.0"), 0)
        XCTAssertEqual(try NumberSyntax.real("3.4028234e38"), 3.4028234e38)
        XCTAssertEqual(try NumberSyntax.real("1.2e-38"), 1.2e-38)
        // Subnormal floats are exact float32 values (a file may hold them); only what would become 0 is refused.
        XCTAssertEqual(try NumberSyntax.real("1e-40"), 1e-40)
        XCTAssertEqual(Float(try NumberSyntax.real("1e-45")), Float.leastNonzeroMagnitude)
        XCTAssertEqual(Float(try NumberSyntax.real("7.1e-46")), Float.leastNonzeroMagnitude)
        XCTAssertEqual(message { try NumberSyntax.real("1e-400") }, "1e-400 is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)")
        XCTAssertEqual(message { try NumberSyntax.real("-5e-46") }, "-5e-46 is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)")
        XCTAssertEqual(message { try NumberSyntax.real("1e39") }, "1e39 is too large for a 32-bit float (largest 3.4e38)")
        XCTAssertEqual(message { try NumberSyntax.real("-1e400") }, "-1e400 is too large for a 32-bit float (largest 3.4e38)")
        XCTAssertEqual(message { try NumberSyntax.real("0x1p-10") }, "0x1p-10 is hexadecimal: write it in decimal, as 0.0009765625")
        XCTAssertEqual(message { try NumberSyntax.real("0x1p9999") }, "0x1p9999 is hexadecimal: numbers are written in decimal")
        for word in ["inf", "+Infinity", "NaN", "-nan"] {
            XCTAssertEqual(message { try NumberSyntax.real(word) }, "\(word) is not a finite number")
        }
        XCTAssertEqual(message { try NumberSyntax.real("1,5") }, "1,5 is not a number")
    }

    func testMessagesShortenLongTextAndNameControlCharacters() {
        XCTAssertEqual(message { try NumberSyntax.real(String(repeating: "9", count: 60) + "x") },
                       String(repeating: "9", count: 40) + "… is not a number")
        XCTAssertEqual(message { try NumberSyntax.real("1\u{7}") }, "1U+0007 is not a number")
    }

    func testThreadCountFromTheEnvironment() {
        XCTAssertNil(try ComputeThreads.requestedCount(environmentValue: nil))
        XCTAssertNil(try ComputeThreads.requestedCount(environmentValue: ""))
        XCTAssertEqual(try ComputeThreads.requestedCount(environmentValue: "2"), 2)
        XCTAssertEqual(try ComputeThreads.requestedCount(environmentValue: "256"), 256)
        XCTAssertEqual(message { try ComputeThreads.requestedCount(environmentValue: "abc") as Any }, "abc is not a number")
        XCTAssertEqual(message { try ComputeThreads.requestedCount(environmentValue: "0") as Any }, "0 is too small: at least 1")
        XCTAssertEqual(message { try ComputeThreads.requestedCount(environmentValue: "-3") as Any }, "-3 is too small: at least 1")
        XCTAssertEqual(message { try ComputeThreads.requestedCount(environmentValue: "99999999999999999999") as Any },
                       "99999999999999999999 is too large: at most 256")
        XCTAssertEqual(message { try ComputeThreads.requestedCount(environmentValue: "1.5") as Any }, "1.5 is not a whole number")
    }
}
