/// Why a data file could not be read or written. The message names the file and, for text formats, the
/// line and column, e.g. `points.csv, line 3, column 2: 'abc' is not a number`.
public struct DataFileError: Error, Equatable, CustomStringConvertible {
    /// The path as the user gave it.
    public let path: String
    /// The 1-based line of a text file, when the problem has one.
    public let line: Int?
    /// The 1-based column (field number, not character) within `line`, when the problem has one.
    public let column: Int?
    /// What is wrong, without the location.
    public let reason: String

    /// An error about `path`, optionally located at a line and column.
    public init(path: String, line: Int? = nil, column: Int? = nil, _ reason: String) {
        self.path = path
        self.line = line
        self.column = column
        self.reason = reason
    }

    /// `path[, line L[, column C]]: reason`.
    public var description: String {
        var location = path
        if let line {
            location += ", line \(line)"
            if let column { location += ", column \(column)" }
        }
        return location + ": " + reason
    }
}
