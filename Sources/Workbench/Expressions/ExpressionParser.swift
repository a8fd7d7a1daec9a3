/// An expression as written: numbers, names, calls, negation and the binary operators, each node with
/// the stretch of text it covers.
indirect enum ExpressionSyntax: Equatable {
    case number(Double)
    case name(String)
    case call(String, [ExpressionNode])
    case negate(ExpressionNode)
    case binary(Character, ExpressionNode, ExpressionNode)
}

/// A node of the syntax tree and where it is written.
struct ExpressionNode: Equatable {
    let syntax: ExpressionSyntax
    let offset: Int
    let length: Int

    var end: Int { offset + length }
}

/// Reads the expression language with the usual precedence: `+ -` below `* /` below unary minus below
/// `^`, which groups to the right (`-x^2` is −(x²), `2^3^2` is 2⁹).
struct ExpressionParser {
    /// The deepest nesting of parentheses, calls and signs read: checking, compiling and evaluating recurse
    /// as deep as the tree, and a checkpoint's definition is data that must not exhaust the stack.
    static let maximumDepth = 100

    private let tokens: [ExpressionToken]
    private var position = 0
    private var depth = 0

    /// The syntax tree of `text`, or the first error with its place.
    static func parse(_ text: String) throws(ExpressionError) -> ExpressionNode {
        var parser = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        if case .end = parser.current.kind { throw ExpressionError("the expression is empty", at: 0) }
        let node = try parser.sum()
        guard case .end = parser.current.kind else {
            throw ExpressionError("unexpected \(parser.current.spelling) after a complete expression",
                                  at: parser.current.offset, length: parser.current.length)
        }
        return node
    }

    private init(tokens: [ExpressionToken]) { self.tokens = tokens }

    private var current: ExpressionToken { tokens[position] }

    private mutating func take(_ symbol: Character) -> ExpressionToken? {
        guard current.kind == .symbol(symbol) else { return nil }
        defer { position += 1 }
        return current
    }

    private static func joined(_ operation: Character, _ left: ExpressionNode, _ right: ExpressionNode) -> ExpressionNode {
        ExpressionNode(syntax: .binary(operation, left, right), offset: left.offset, length: right.end - left.offset)
    }

    private mutating func sum() throws(ExpressionError) -> ExpressionNode {
        var left = try product()
        while true {
            guard let operation = take("+") ?? take("-") else { return left }
            guard case .symbol(let symbol) = operation.kind else { return left }
            left = Self.joined(symbol, left, try product())
        }
    }

    private mutating func product() throws(ExpressionError) -> ExpressionNode {
        var left = try unary()
        while true {
            guard let operation = take("*") ?? take("/") else { return left }
            guard case .symbol(let symbol) = operation.kind else { return left }
            left = Self.joined(symbol, left, try unary())
        }
    }

    private mutating func unary() throws(ExpressionError) -> ExpressionNode {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maximumDepth else {
            throw ExpressionError("the expression nests deeper than \(Self.maximumDepth) levels", at: current.offset, length: current.length)
        }
        if let minus = take("-") {
            let operand = try unary()
            return ExpressionNode(syntax: .negate(operand), offset: minus.offset, length: operand.end - minus.offset)
        }
        return try power()
    }

    private mutating func power() throws(ExpressionError) -> ExpressionNode {
        let base = try primary()
        guard take("^") != nil else { return base }
        return Self.joined("^", base, try unary())
    }

    private mutating func primary() throws(ExpressionError) -> ExpressionNode {
        let token = current
        switch token.kind {
        case .number(let value):
            position += 1
            return ExpressionNode(syntax: .number(value), offset: token.offset, length: token.length)
        case .name(let name):
            position += 1
            guard let open = take("(") else { return ExpressionNode(syntax: .name(name), offset: token.offset, length: token.length) }
            var arguments: [ExpressionNode] = []
            if let close = take(")") {
                return ExpressionNode(syntax: .call(name, []), offset: token.offset, length: close.offset + 1 - token.offset)
            }
            while true {
                arguments.append(try sum())
                if let close = take(")") {
                    return ExpressionNode(syntax: .call(name, arguments), offset: token.offset, length: close.offset + 1 - token.offset)
                }
                guard take(",") != nil else {
                    throw ExpressionError("expected ',' or ')' to close the '(' of \(name) at column \(open.offset + 1)",
                                          at: current.offset, length: current.length)
                }
            }
        case .symbol("("):
            position += 1
            let inner = try sum()
            guard take(")") != nil else {
                throw ExpressionError("expected ')' to close the '(' at column \(token.offset + 1)", at: current.offset, length: current.length)
            }
            return inner
        case .end:
            throw ExpressionError("the expression ends where a number, a name or '(' should follow", at: token.offset)
        case .symbol:
            throw ExpressionError("expected a number, a name or '(' but found \(token.spelling)", at: token.offset)
        }
    }
}

extension ExpressionToken {
    /// The token as messages name it.
    var spelling: String {
        switch kind {
        case .number(let value): "the number \(value)"
        case .name(let name): "'\(name)'"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end"
        }
    }
}
