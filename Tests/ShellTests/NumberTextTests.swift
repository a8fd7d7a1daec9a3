import XCTest
@testable import Shell

final class NumberTextTests: XCTestCase {
    func testADoubleIsRoundedOnceToSixDigits() {
        // Six digits of the Double itself; rounded to Float first (as the shell did) the sixth digit moved.
        let value = 0.05401804999
        XCTAssertEqual(NumberText.format(value), "0.054018")
        XCTAssertNotEqual(NumberText.format(Float(value)), NumberText.format(value), "rounding to Float first moves the sixth digit")
        XCTAssertEqual(NumberText.format(1e-10), "1e-10")
        XCTAssertEqual(NumberText.format(-Double.infinity), "-inf")
        XCTAssertEqual(NumberText.format(Double.nan), "nan")
        XCTAssertEqual(NumberText.format(123456789.0), "1.23457e+08")
    }
}
