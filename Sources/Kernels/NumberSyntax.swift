/// The one way Gantry reads a number from text: the command language's numbers, parameter values, CSV
/// cells and the `GANTRY_THREADS` variable all go through it, so a spelling means the same everywhere.
///
/// A number is written in decimal: an optional sign, digits with an optional fraction, and an optional
/// exponent — `3`, `-0.5`, `.5`, `2.`, `+1e-4`, `6.02E23`. Nothing else is a number: hexadecimal
/// (`0x10`, `0x1p-4`), `inf`, `nan`, digit separators and surrounding spaces are refused, each with its
/// own reason. It lives in the lowest layer that reads numbers (the thread count is read here).
///
/// - An integer is any such spelling whose value is whole (`1e3` is 1000, `2.5` is refused), computed
///   exactly from the digits, never through a floating-point value, so a 20-digit seed keeps every digit.
/// - A real is read as the nearest `Double` and must be usable as a 32-bit float, the precision every
///   tensor and data set uses: at most the largest float (3.4e38) in magnitude, and not so small that it
///   would become 0 (below about 7e-46, half the smallest float 1.4e-45): a nonzero number is never
///   silently turned into zero. Subnormal floats (below 1.2e-38) are accepted, since they are exact
///   float32 values that files written by gantry or NumPy may hold and must read back unchanged.
public enum NumberSyntax {
    /// The written parts of a decimal number.
    struct Decimal {
        var negative: Bool
        /// Every mantissa digit (integer part then fraction), as values 0–9.
        var digits: [UInt8]
        /// How many of `digits` come after the decimal point.
        var fractionDigits: Int
        /// The exponent, clamped to ±`exponentLimit` (far beyond any representable value).
        var exponent: Int

        var isZero: Bool { digits.allSatisfy { $0 == 0 } }
    }

    /// Exponents are clamped here while being read, so an absurdly long exponent cannot overflow.
    static let exponentLimit = 1_000_000

    /// Whether `scalars` spell a decimal number: `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
    public static func isDecimal<Scalars: Collection<Unicode.Scalar>>(_ scalars: Scalars) -> Bool {
        decimal(scalars) != nil
    }

    /// The parts of a decimal spelling, or nil when `scalars` do not spell one.
    static func decimal<Scalars: Collection<Unicode.Scalar>>(_ scalars: Scalars) -> Decimal? {
        var position = scalars.startIndex
        let end = scalars.endIndex
        var result = Decimal(negative: false, digits: [], fractionDigits: 0, exponent: 0)
        func digit() -> UInt8? {
            guard position < end, ("0"..."9").contains(scalars[position]) else { return nil }
            return UInt8(scalars[position].value - 48)
        }
        if position < end, scalars[position] == "+" || scalars[position] == "-" {
            result.negative = scalars[position] == "-"
            position = scalars.index(after: position)
        }
        while let value = digit() {
            result.digits.append(value)
            position = scalars.index(after: position)
        }
        if position < end, scalars[position] == "." {
            position = scalars.index(after: position)
            while let value = digit() {
                result.digits.append(value)
                result.fractionDigits += 1
                position = scalars.index(after: position)
            }
        }
        guard !result.digits.isEmpty else { return nil }
        if position < end, scalars[position] == "e" || scalars[position] == "E" {
            position = scalars.index(after: position)
            var negativeExponent = false
            if position < end, scalars[position] == "+" || scalars[position] == "-" {
                negativeExponent = scalars[position] == "-"
                position = scalars.index(after: position)
            }
            var exponentDigits = 0
            while let value = digit() {
                result.exponent = min(exponentLimit, result.exponent * 10 + Int(value))
                exponentDigits += 1
                position = scalars.index(after: position)
            }
            guard exponentDigits > 0 else { return nil }
            if negativeExponent { result.exponent = -result.exponent }
        }
        return position == end ? result : nil
    }

    /// The whole number `text` spells, of type `T`, within `range` when one is given.
    ///
    /// Refused: a spelling that is not a decimal number (`NumberError.Reason.notANumber`, `.hexadecimal`,
    /// `.notFinite`), a value that is not whole, and a value outside `T` or `range` (`.tooLarge` /
    /// `.tooSmall` with the limit).
    public static func integer<T: FixedWidthInteger>(_ text: some StringProtocol, as type: T.Type,
                                                     in range: ClosedRange<T>? = nil) throws(NumberError) -> T {
        guard let parts = decimal(text.unicodeScalars) else { throw notDecimal(text) }
        let written = String(text)
        // The value is digits × 10^shift; it is whole when the digits the shift drops are all zero.
        var digits = Array(parts.digits.drop { $0 == 0 })
        let shift = parts.exponent - parts.fractionDigits
        if shift < 0 {
            let dropped = -shift
            guard dropped >= digits.count ? digits.allSatisfy({ $0 == 0 }) : digits.suffix(dropped).allSatisfy({ $0 == 0 }) else {
                throw NumberError(written, .notWhole)
            }
            digits.removeLast(min(dropped, digits.count))
        }
        let lowest = range?.lowerBound ?? T.min, highest = range?.upperBound ?? T.max
        let limit = parts.negative && !digits.isEmpty ? NumberError.Reason.tooSmall(atLeast: "\(lowest)")
                                                      : .tooLarge(atMost: "\(highest)")
        // More than 20 digits exceed every 64-bit magnitude; the count check keeps the loop short.
        let zeros = digits.isEmpty ? 0 : max(0, shift)
        guard digits.count + zeros <= 20 else { throw NumberError(written, limit) }
        var magnitude: UInt64 = 0
        for value in digits + [UInt8](repeating: 0, count: zeros) {
            let (times10, overflowA) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = times10.addingReportingOverflow(UInt64(value))
            guard !overflowA && !overflowB else { throw NumberError(written, limit) }
            magnitude = sum
        }
        let value: T
        if parts.negative && magnitude != 0 {
            guard T.isSigned, magnitude - 1 <= UInt64(T.max) else { throw NumberError(written, limit) }
            value = T(0) - T(magnitude - 1) - 1
        } else {
            guard magnitude <= UInt64(T.max) else { throw NumberError(written, limit) }
            value = T(magnitude)
        }
        if let range {
            if value < range.lowerBound { throw NumberError(written, .tooSmall(atLeast: "\(range.lowerBound)")) }
            if value > range.upperBound { throw NumberError(written, .tooLarge(atMost: "\(range.upperBound)")) }
        }
        return value
    }

    /// The real number `text` spells, as the nearest `Double`, refused unless it is zero or its magnitude
    /// lies within the normal 32-bit float range (see the type's discussion).
    public static func real(_ text: some StringProtocol) throws(NumberError) -> Double {
        guard let parts = decimal(text.unicodeScalars) else { throw notDecimal(text) }
        let written = String(text)
        // A decimal spelling always converts (correctly rounded); a huge one becomes infinity.
        let value = Double(written) ?? .nan
        let single = Float(value)
        if !value.isFinite || single.isInfinite { throw NumberError(written, .tooLargeForFloat) }
        // `1e-400` is 0 as a Double, but it was not written as zero.
        if !parts.isZero && single == 0 { throw NumberError(written, .tooSmallForFloat) }
        return value
    }

    /// Why a non-decimal spelling is not a number: hexadecimal, infinity or NaN, or anything else.
    static func notDecimal(_ text: some StringProtocol) -> NumberError {
        let written = String(text)
        var body = Substring(written)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        if body.hasPrefix("0x") || body.hasPrefix("0X") {
            // Swift's Double reads hexadecimal; it only serves here to show the decimal equivalent.
            let value = Double(written).flatMap { $0.isFinite ? $0 : nil }
            return NumberError(written, .hexadecimal(decimal: value.map(NumberError.shortestText)))
        }
        if ["inf", "infinity", "nan"].contains(body.lowercased()) { return NumberError(written, .notFinite) }
        return NumberError(written, .notANumber)
    }
}

/// Why a text is not an acceptable number, with the text; the description is a message for users.
public struct NumberError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong.
    public enum Reason: Equatable, Sendable {
        /// Not a decimal number at all (`abc`, `1_000`, ` 5`).
        case notANumber
        /// A hexadecimal spelling, with its decimal value when it has a finite one.
        case hexadecimal(decimal: String?)
        /// `inf`, `infinity` or `nan` (any case, any sign).
        case notFinite
        /// A fraction where a whole number is needed (`2.5`, `1e-3`).
        case notWhole
        /// A whole number above the largest value allowed.
        case tooLarge(atMost: String)
        /// A whole number below the smallest value allowed.
        case tooSmall(atLeast: String)
        /// A real beyond the largest 32-bit float (or beyond any `Double`).
        case tooLargeForFloat
        /// A nonzero real that would become 0 as a 32-bit float.
        case tooSmallForFloat
    }

    /// The text as written.
    public let text: String
    /// What is wrong with it.
    public let reason: Reason

    /// An error about `text`.
    public init(_ text: String, _ reason: Reason) {
        self.text = text
        self.reason = reason
    }

    /// The reason as the end of a sentence whose subject is the number: "is too large: at most 10".
    public var explanation: String {
        switch reason {
        case .notANumber: return "is not a number"
        case .hexadecimal(let decimal?): return "is hexadecimal: write it in decimal, as \(decimal)"
        case .hexadecimal(nil): return "is hexadecimal: numbers are written in decimal"
        case .notFinite: return "is not a finite number"
        case .notWhole: return "is not a whole number"
        case .tooLarge(let limit): return "is too large: at most \(limit)"
        case .tooSmall(let limit): return "is too small: at least \(limit)"
        case .tooLargeForFloat: return "is too large for a 32-bit float (largest 3.4e38)"
        case .tooSmallForFloat: return "is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)"
        }
    }

    /// "1e-400 is too small for a 32-bit float (it would be 0; the smallest is 1.4e-45)"
    public var description: String { Self.shown(text) + " " + explanation }

    /// The text as it may appear in a one-line message: at most 40 characters, control characters named.
    public static func shown(_ text: String) -> String {
        var result = ""
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count == 40 { return result + "…" }
            if scalar.properties.generalCategory == .control {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                result += "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            } else {
                result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    /// A value in its shortest decimal spelling: whole values without a fraction ("16"), others as Swift
    /// prints them ("0.0009765625", "1e-30").
    static func shortestText(_ value: Double) -> String {
        value == value.rounded() && value.magnitude < 1e15 ? String(Int64(value)) : "\(value)"
    }
}
