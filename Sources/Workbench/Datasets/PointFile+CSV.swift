import Foundation
import Autodiff
import Kernels

extension PointFile {
    /// A CSV file's numbers as an [n, d] tensor (see `parseCSV` for the accepted text).
    public static func readCSV(path: String) throws -> Tensor {
        try parseCSV(text(readBytes(path: path), path: path), path: path).values
    }

    /// Parses CSV text of numbers into an optional header and an [n, d] tensor.
    ///
    /// Accepted: one row per line; values separated by commas (when the line has one) or else by spaces
    /// and tabs; surrounding spaces and double quotes ignored; blank lines and lines starting with `#`
    /// skipped; `\r\n` line ends; an optional first row of names in which no cell is a number. Every value
    /// must be a number as `NumberSyntax` reads it (decimal, within the normal float32 range), and every row
    /// must have as many values as the first.
    /// A leading byte-order mark is ignored; `\r\n` and `\r` end lines too.
    /// `path` only names the source in errors.
    public static func parseCSV(_ text: String, path: String) throws -> (header: [String]?, values: Tensor) {
        var header: [String]?
        var firstRow: (line: Int, width: Int)?
        var values: [Float] = []
        var rows = 0
        var lineNumber = 0
        // "\r\n" is one Character in Swift, so it must be named as a separator of its own.
        let body = text.hasPrefix("\u{FEFF}") ? text.dropFirst() : Substring(text)
        for line in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            lineNumber += 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.allSatisfy({ $0 == " " || $0 == "\t" }) || trimmed.hasPrefix("#") { continue }
            let cells = splitCells(line)
            if let first = firstRow {
                if cells.count != first.width {
                    let what = header != nil ? "the header (line \(first.line))" : "line \(first.line)"
                    throw DataFileError(path: path, line: lineNumber, column: min(cells.count, first.width) + 1,
                                        "\(count(cells.count)), but \(what) has \(first.width)")
                }
            } else {
                firstRow = (lineNumber, cells.count)
                if cells.allSatisfy({ !looksNumeric($0) }) {
                    header = cells.map(String.init)
                    continue
                }
            }
            for (index, cell) in cells.enumerated() {
                values.append(try number(cell, path: path, line: lineNumber, column: index + 1))
            }
            rows += 1
        }
        guard let width = firstRow?.width, rows > 0 else {
            let reason = body.isEmpty ? "the file is empty"
                : header != nil ? "no data rows after the header line" : "no data rows (only blank or comment lines)"
            throw DataFileError(path: path, reason)
        }
        return (header, SampleBuffer.matrix(rows: rows, columns: width) { out in
            for i in 0..<values.count { out[i] = values[i] }
        })
    }

    /// Writes an [n, d] (or [n]) tensor as CSV: an optional header line of names, then one line per row,
    /// values in the shortest text that reads back to the same Float. Replaces the file atomically.
    public static func writeCSV(_ tensor: Tensor, to path: String, header: [String]? = nil) throws {
        try writeAtomically(Array(csvText(tensor, header: header, path: path).utf8), to: path)
    }

    /// The CSV text `writeCSV` writes.
    public static func csvText(_ tensor: Tensor, header: [String]? = nil, path: String = "CSV") throws -> String {
        let (rows, columns) = try matrixShape(tensor, path: path, format: "CSV")
        var text = ""
        if let header {
            guard header.count == columns else {
                throw DataFileError(path: path, "the header has \(header.count) names but the data has \(columns) columns")
            }
            // A name that reads as a number, or holds a separator, would not read back as the same header.
            if let bad = header.first(where: { looksNumeric(Substring($0)) || $0.isEmpty || $0.contains { ",\n\r\"#".contains($0) } }) {
                throw DataFileError(path: path, "'\(bad)' cannot be a CSV column name (empty, numeric, or holding , \" # or a line break)")
            }
            text += header.joined(separator: ",") + "\n"
        }
        tensor.withUnsafeBufferPointer { buffer in
            for row in 0..<rows {
                text += (0..<columns).map { "\(buffer[row * columns + $0])" }.joined(separator: ",") + "\n"
            }
        }
        return text
    }

    /// What a binary file given as CSV probably is.
    static let binaryHint = "a binary file? NumPy files end in .npy, IDX files in -ubyte or .idx"

    /// The bytes as text, refusing bytes that are not UTF-8 with the offset of the first bad one (and
    /// `hint`, when given, in parentheses).
    static func text(_ bytes: [UInt8], path: String, hint: String? = binaryHint) throws -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var reason = "is not UTF-8 text"
        if let offset = firstInvalidUTF8(bytes) {
            reason += ": the byte at offset \(offset) (0x\(String(bytes[offset], radix: 16, uppercase: false))) is not valid UTF-8"
        }
        if let hint { reason += " (\(hint))" }
        throw DataFileError(path: path, reason)
    }

    /// The offset of the first byte that does not begin or continue a valid UTF-8 sequence, or nil when
    /// every byte does.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The cells of one line: comma-separated when it has a comma, else separated by runs of blanks;
    /// each trimmed of spaces, tabs and one pair of surrounding double quotes.
    static func splitCells(_ line: Substring) -> [Substring] {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let cells = line.contains(",") ? line.split(separator: ",", omittingEmptySubsequences: false)
            : line.split(whereSeparator: blank)
        return cells.map { cell in
            var trimmed = cell.drop(while: blank)
            while let last = trimmed.last, blank(last) { trimmed = trimmed.dropLast() }
            if trimmed.count >= 2 && trimmed.first == "\"" && trimmed.last == "\"" { trimmed = trimmed.dropFirst().dropLast() }
            return trimmed
        }
    }

    /// One cell as a Float, read by `NumberSyntax` (decimal only, within the normal float32 range), or an
    /// error located at its line and column.
    static func number(_ cell: Substring, path: String, line: Int, column: Int) throws -> Float {
        guard !cell.isEmpty else { throw DataFileError(path: path, line: line, column: column, "empty value") }
        do throws(NumberError) {
            return Float(try NumberSyntax.real(cell))
        } catch {
            throw DataFileError(path: path, line: line, column: column, "'\(NumberError.shown(error.text))' \(error.explanation)")
        }
    }

    /// Whether a cell is meant as a number (even one `number` refuses, such as `0x10` or `nan`), so that a
    /// first row holding one is data, not a header.
    static func looksNumeric(_ cell: Substring) -> Bool {
        do throws(NumberError) {
            _ = try NumberSyntax.real(cell)
            return true
        } catch {
            return error.reason != .notANumber
        }
    }

    /// "1 value", "3 values".
    private static func count(_ n: Int) -> String { n == 1 ? "1 value" : "\(n) values" }
}
