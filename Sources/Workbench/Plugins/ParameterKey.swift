/// A Swift type a parameter's validated value converts to: what a `ParameterKey` reads.
public protocol ParameterRepresentable: Sendable {
    /// The value of a validated parameter of the matching kind (nil for another kind, which validation
    /// excludes).
    init?(parameterValue: ParameterValue)
    /// The value as the parameter stores it.
    var parameterValue: ParameterValue { get }
}

extension Int: ParameterRepresentable {
    public init?(parameterValue: ParameterValue) {
        guard case .integer(let value) = parameterValue else { return nil }
        self = value
    }
    public var parameterValue: ParameterValue { .integer(self) }
}

extension Double: ParameterRepresentable {
    /// An integer value is widened (validation stores reals as reals; typed values may be integers).
    public init?(parameterValue: ParameterValue) {
        switch parameterValue {
        case .real(let value): self = value
        case .integer(let value): self = Double(value)
        default: return nil
        }
    }
    public var parameterValue: ParameterValue { .real(self) }
}

extension Float: ParameterRepresentable {
    /// The stored Double rounded once to Float (a Float key's default and range are written as Doubles,
    /// so that `save` writes "0.01", not the Float's longer decimal expansion).
    public init?(parameterValue: ParameterValue) {
        guard let value = Double(parameterValue: parameterValue) else { return nil }
        self = Float(value)
    }
    public var parameterValue: ParameterValue { .real(Double(self)) }
}

extension Bool: ParameterRepresentable {
    public init?(parameterValue: ParameterValue) {
        guard case .boolean(let value) = parameterValue else { return nil }
        self = value
    }
    public var parameterValue: ParameterValue { .boolean(self) }
}

extension String: ParameterRepresentable {
    public init?(parameterValue: ParameterValue) {
        guard case .text(let value) = parameterValue else { return nil }
        self = value
    }
    public var parameterValue: ParameterValue { .text(self) }
}

extension Array: ParameterRepresentable where Element: ParameterListElement {
    public init?(parameterValue: ParameterValue) {
        guard let values = Element.list(from: parameterValue) else { return nil }
        self = values
    }
    public var parameterValue: ParameterValue { Element.listValue(self) }
}

/// An element type of list parameters: Int (`hidden=128,128`) or Double (`means=-2,0,2`).
public protocol ParameterListElement: Sendable {
    /// The elements of a list value.
    static func list(from value: ParameterValue) -> [Self]?
    /// A list value of these elements.
    static func listValue(_ elements: [Self]) -> ParameterValue
}

extension Int: ParameterListElement {
    public static func list(from value: ParameterValue) -> [Int]? {
        guard case .integerList(let values) = value else { return nil }
        return values
    }
    public static func listValue(_ elements: [Int]) -> ParameterValue { .integerList(elements) }
}

extension Double: ParameterListElement {
    /// An integer list is widened.
    public static func list(from value: ParameterValue) -> [Double]? {
        switch value {
        case .realList(let values): return values
        case .integerList(let values): return values.map(Double.init)
        default: return nil
        }
    }
    public static func listValue(_ elements: [Double]) -> ParameterValue { .realList(elements) }
}

/// A parameter whose value is one word of a fixed set: an enumeration whose raw values are the words, in
/// the order help lists them.
public protocol ParameterChoice: ParameterRepresentable, RawRepresentable<String>, CaseIterable {}

extension ParameterChoice {
    public init?(parameterValue: ParameterValue) {
        guard case .text(let word) = parameterValue else { return nil }
        self.init(rawValue: word)
    }
    public var parameterValue: ParameterValue { .text(rawValue) }
    /// The words, in declaration order.
    static var words: [String] { allCases.map(\.rawValue) }
}

/// A typed parameter of a plugin or command: its declaration, and the type its value is read as. A plugin
/// declares each parameter once as a key and reads it through the key, so a misspelt name does not compile.
public struct ParameterKey<Value: ParameterRepresentable>: Sendable {
    /// The declaration that validation, help, completion and `save` read.
    public let spec: ParameterSpec

    /// A key for a declaration whose kind stores `Value`.
    init(_ spec: ParameterSpec) { self.spec = spec }

    /// The name users write before `=`.
    public var name: String { spec.name }

    /// The key with a value, as `ParameterValues(_:values:)` takes it.
    public func callAsFunction(_ value: Value) -> (String, ParameterValue) { (spec.name, value.parameterValue) }
}

extension ParameterKey where Value == Int {
    /// An integer, optionally within `range`; `default` nil makes it required.
    public static func integer(_ name: String, _ range: ClosedRange<Int>? = nil, default value: Int?,
                               _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .integer(range), default: value.map(ParameterValue.integer), summary))
    }
}

extension ParameterKey where Value == Double {
    /// A real number, optionally within `range`.
    public static func real(_ name: String, _ range: ClosedRange<Double>? = nil, default value: Double?,
                            _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .real(range), default: value.map(ParameterValue.real), summary))
    }
}

extension ParameterKey where Value == Float {
    /// A real number read as Float; the range and default are Doubles, as users write them.
    public static func real(_ name: String, _ range: ClosedRange<Double>? = nil, default value: Double?,
                            _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .real(range), default: value.map(ParameterValue.real), summary))
    }
}

extension ParameterKey where Value == Bool {
    /// true or false.
    public static func boolean(_ name: String, default value: Bool?, _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .boolean, default: value.map(ParameterValue.boolean), summary))
    }
}

extension ParameterKey where Value == String {
    /// Free text (a path, a layer name).
    public static func text(_ name: String, default value: String?, _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .text, default: value.map(ParameterValue.text), summary))
    }
}

extension ParameterKey where Value: ParameterChoice {
    /// One of the enumeration's words.
    public static func choice(_ name: String, default value: Value?, _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .choice(Value.words), default: value.map(\.parameterValue), summary))
    }
}

extension ParameterKey where Value == [Int] {
    /// A list of integers, each optionally within `range`.
    public static func integers(_ name: String, _ range: ClosedRange<Int>? = nil, default value: [Int]?,
                                _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .integerList(range), default: value.map(ParameterValue.integerList), summary))
    }
}

extension ParameterKey where Value == [Double] {
    /// A list of reals, each optionally within `range`.
    public static func reals(_ name: String, _ range: ClosedRange<Double>? = nil, default value: [Double]?,
                             _ summary: String) -> ParameterKey {
        ParameterKey(ParameterSpec(name, .realList(range), default: value.map(ParameterValue.realList), summary))
    }
}

extension ParameterValues {
    /// The value of a declared key. Validation made it of the key's kind, so reading cannot fail unless the
    /// key belongs to another plugin (a programming error, stopped here).
    public subscript<Value>(_ key: ParameterKey<Value>) -> Value {
        guard let value = Value(parameterValue: self[key.spec.name]) else {
            preconditionFailure("parameter '\(key.spec.name)' does not hold a \(Value.self)")
        }
        return value
    }

    /// The value of a declared key as validation stored it (a Float key's Double, before rounding).
    public func storedValue<Value>(_ key: ParameterKey<Value>) -> ParameterValue { self[key.spec.name] }

    /// Whether `key` is declared by the plugin these values belong to (shared keys such as a loss's `r1`).
    public func declares<Value>(_ key: ParameterKey<Value>) -> Bool { entries.contains { $0.name == key.spec.name } }
}
