/// A JSON value as checkpoint headers use it. Objects keep their keys in order (so a file written twice is
/// the same bytes) and numbers keep their text, so integers beyond 2⁵³ and reals read back exactly.
public enum JSONValue: Equatable {
    case object([(key: String, value: JSONValue)])
    case array([JSONValue])
    case string(String)
    case number(String)
    case bool(Bool)
    case null

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case let (.object(a), .object(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case let (.array(a), .array(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.bool(a), .bool(b)): return a == b
        case (.null, .null): return true
        default: return false
        }
    }

    /// An integer as a number.
    public static func integer(_ value: Int) -> JSONValue { .number(String(value)) }

    /// A real as a number in the shortest text that reads back to the same Double; non-finite values,
    /// which JSON cannot hold, as the strings "nan", "inf" and "-inf".
    public static func real(_ value: Double) -> JSONValue { value.isFinite ? .number("\(value)") : .string("\(value)") }

    /// The value of `key` in an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The text of a string.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// An integer number (exactly, without a fraction or exponent).
    public var intValue: Int? {
        if case .number(let text) = self { return Int(text) }
        return nil
    }

    /// A real: a number, or one of the strings `real(_:)` writes for non-finite values.
    public var doubleValue: Double? {
        switch self {
        case .number(let text): return Double(text)
        case .string(let text) where ["nan", "inf", "-inf"].contains(text): return Double(text)
        default: return nil
        }
    }

    /// The elements of an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The members of an object.
    public var objectValue: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// Compact JSON text (no spaces), strings escaped as RFC 8259 requires.
    public var serialized: String {
        var text = ""
        write(to: &text)
        return text
    }

    private func write(to text: inout String) {
        switch self {
        case .object(let members):
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                JSONValue.string(member.key).write(to: &text)
                text += ":"
                member.value.write(to: &text)
            }
            text += "}"
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                element.write(to: &text)
            }
            text += "]"
        case .string(let value):
            text += "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        case .number(let value): text += value
        case .bool(let value): text += value ? "true" : "false"
        case .null: text += "null"
        }
    }

    /// Parses UTF-8 JSON text strictly: one value and nothing after it but white space, no duplicate keys,
    /// nesting at most `maximumDepth` deep. Errors give the byte offset.
    public static func parse(_ bytes: ArraySlice<UInt8>, maximumDepth: Int = 64) throws(JSONError) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.position == bytes.endIndex else { throw parser.error("unexpected text after the JSON value") }
        return value
    }
}

/// Why JSON text did not parse, with the offset of the byte where it went wrong (from the start of the text).
public struct JSONError: Error, Equatable, CustomStringConvertible {
    /// The byte offset.
    public let offset: Int
    /// What is wrong.
    public let reason: String
    /// "byte 12: expected ':' after an object key".
    public var description: String { "byte \(offset): \(reason)" }
}

private struct JSONParser {
    let bytes: ArraySlice<UInt8>
    let maximumDepth: Int
    var position: Int

    init(bytes: ArraySlice<UInt8>, maximumDepth: Int) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        position = bytes.startIndex
    }

    func error(_ reason: String) -> JSONError { JSONError(offset: position - bytes.startIndex, reason: reason) }

    var current: UInt8? { position < bytes.endIndex ? bytes[position] : nil }

    mutating func skipSpace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { position += 1 }
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(JSONError) {
        skipSpace()
        guard current == byte else { throw error("expected \(what)") }
        position += 1
    }

    mutating func value(depth: Int) throws(JSONError) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        skipSpace()
        guard let byte = current else { throw error("unexpected end of the JSON text") }
        switch byte {
        case UInt8(ascii: "{"):
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            var keys = Set<String>()
            skipSpace()
            if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else { throw error("expected a string key") }
                let keyOffset = position
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw JSONError(offset: keyOffset - bytes.startIndex, reason: "the key \"\(key)\" appears twice")
                }
                try expect(UInt8(ascii: ":"), "':' after an object key")
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "}"), "',' or '}' in an object")
                return .object(members)
            }
        case UInt8(ascii: "["):
            position += 1
            var elements: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            while true {
                elements.append(try value(depth: depth + 1))
                skipSpace()
                if current == UInt8(ascii: ",") { position += 1; continue }
                try expect(UInt8(ascii: "]"), "',' or ']' in an array")
                return .array(elements)
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw error("unexpected character '\(Character(Unicode.Scalar(byte)))'")
        }
    }

    mutating func word(_ text: String) throws(JSONError) {
        for expected in text.utf8 {
            guard current == expected else { throw error("expected \(text)") }
            position += 1
        }
    }

    mutating func digits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) { position += 1 }
        return position - start
    }

    /// A number in JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?, returned as its text.
    mutating func number() throws(JSONError) -> String {
        let start = position
        if current == UInt8(ascii: "-") { position += 1 }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            throw error("expected a digit")
        }
        if current == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw error("expected a digit after '.'") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw error("expected a digit in the exponent") }
        }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    /// A string, its escapes resolved; the text must be valid UTF-8 without raw control characters.
    mutating func string() throws(JSONError) -> String {
        position += 1  // the opening quote
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun(_ parser: JSONParser) throws(JSONError) {
            guard runStart < parser.position else { return }
            guard let text = String(validating: parser.bytes[runStart..<parser.position], as: UTF8.self) else {
                throw JSONError(offset: runStart - parser.bytes.startIndex, reason: "a string that is not valid UTF-8")
            }
            scalars.append(contentsOf: text.unicodeScalars)
        }
        while true {
            guard let byte = current else { throw error("unexpected end of the JSON text in a string") }
            switch byte {
            case UInt8(ascii: "\""):
                try flushRun(self)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flushRun(self)
                position += 1
                guard let escape = current else { throw error("unexpected end of the JSON text in a string") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{8}")
                case UInt8(ascii: "f"): scalars.append("\u{C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try hexQuad()
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by an escaped low one.
                        guard current == UInt8(ascii: "\\") else { throw error("an unpaired surrogate in a \\u escape") }
                        position += 1
                        guard current == UInt8(ascii: "u") else { throw error("an unpaired surrogate in a \\u escape") }
                        position += 1
                        let low = try hexQuad()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("an unpaired surrogate in a \\u escape") }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let scalar = Unicode.Scalar(code) else { throw error("an unpaired surrogate in a \\u escape") }
                    scalars.append(scalar)
                default: throw error("an unknown escape \\\(Character(Unicode.Scalar(escape)))")
                }
                runStart = position
            case 0..<0x20:
                throw error("a control character inside a string")
            default:
                position += 1
            }
        }
    }

    mutating func hexQuad() throws(JSONError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Character(Unicode.Scalar(byte)).hexDigitValue else {
                throw error("expected four hexadecimal digits after \\u")
            }
            code = code << 4 | UInt32(digit)
            position += 1
        }
        return code
    }
}
