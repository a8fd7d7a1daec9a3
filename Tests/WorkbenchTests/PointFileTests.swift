import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
@testable import Workbench

/// CSV and `.npy` reading and writing, their error messages, NumPy interoperability, and the `points`
/// data set.
final class PointFileTests: XCTestCase {
    var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("gantry-pointfile-\(ProcessInfo.processInfo.globallyUniqueString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    // MARK: Helpers

    func path(_ name: String) -> String { folder + "/" + name }

    /// Writes raw bytes (a hand-built or deliberately broken file).
    @discardableResult
    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        try Data(bytes).write(to: URL(fileURLWithPath: path(name)))
        return path(name)
    }

    @discardableResult
    func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    /// The description of the error `body` throws, or "no error".
    func message(_ body: () throws -> Any) -> String { errorText(body) }

    /// A hand-built `.npy` file: magic, version, header length, the header dict padded with spaces to
    /// `alignment` and ended by a newline (old NumPy aligned to 16, current NumPy to 64), then `data`.
    func npy(descr: String, fortran: String = "False", shape: String, data: [UInt8], version: UInt8 = 1,
             alignment: Int = 16, dict: String? = nil) -> [UInt8] {
        let lengthBytes = version == 1 ? 2 : 4
        var header = dict ?? "{'descr': '\(descr)', 'fortran_order': \(fortran), 'shape': \(shape), }"
        let unpadded = 8 + lengthBytes + header.utf8.count + 1
        header += String(repeating: " ", count: (alignment - unpadded % alignment) % alignment) + "\n"
        let length = header.utf8.count
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + (0..<lengthBytes).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) }
            + Array(header.utf8) + data
    }

    /// Little-endian bytes of values.
    func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in (0..<MemoryLayout<T>.size).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
    }
    func bytes(_ values: [Float]) -> [UInt8] { bytes(values.map(\.bitPattern)) }
    func bytes(_ values: [Double]) -> [UInt8] { bytes(values.map(\.bitPattern)) }

    /// Whether `python3` with NumPy runs here (checked once).
    static let numpyAvailable: Bool = python("import numpy").status == 0

    /// Runs a Python script with arguments; its exit status and standard output.
    static func python(_ script: String, _ arguments: [String] = []) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }

    // MARK: CSV

    func testCSVRoundTripIsExact() throws {
        let tensor = try Tensor([1.5, -2, 0.1, 3e-7, -0.0, 123456.79, .leastNonzeroMagnitude, .greatestFiniteMagnitude],
                                shape: [4, 2])
        let target = path("round.csv")
        try PointFile.writeCSV(tensor, to: target, header: ["x", "y"])
        XCTAssertEqual(try String(contentsOfFile: target, encoding: .utf8),
                       "x,y\n1.5,-2.0\n0.1,3e-07\n-0.0,123456.79\n1e-45,3.4028235e+38\n")
        let parsed = try PointFile.parseCSV(String(contentsOfFile: target, encoding: .utf8), path: target)
        XCTAssertEqual(parsed.header, ["x", "y"])
        XCTAssertTrue(parsed.values.isBitwiseEqual(to: tensor))
        XCTAssertTrue(try PointFile.read(path: target).isBitwiseEqual(to: tensor))
        // A vector is written and read back as one column.
        try PointFile.write(Tensor([1, 2, 3]), to: path("column.txt"))
        XCTAssertEqual(try PointFile.readCSV(path: path("column.txt")).shape, [3, 1])
        XCTAssertEqual(message { try PointFile.writeCSV(Tensor.zeros([1, 1, 1]), to: self.path("cube.csv")) },
                       path("cube.csv") + ": cannot write a rank-3 tensor [1, 1, 1] as CSV; expected rank 1 or 2")
        XCTAssertEqual(message { try PointFile.csvText(tensor, header: ["x"], path: "h.csv") },
                       "h.csv: the header has 1 names but the data has 2 columns")
        XCTAssertEqual(message { try PointFile.csvText(tensor, header: ["x", "2"], path: "h.csv") },
                       "h.csv: '2' cannot be a CSV column name (empty, numeric, or holding , \" # or a line break)")
    }

    func testCSVAcceptsItsDocumentedForms() throws {
        let text = "\u{FEFF}# exported points\n\n  x \t y \r\n1 2\r\n\t3\t4  \n# more\n\"5\", \"6\"\n-7.5e-1,+8\n"
        let parsed = try PointFile.parseCSV(text, path: "forms.csv")
        XCTAssertEqual(parsed.header, ["x", "y"], "after a byte-order mark, a comment and a blank line")
        XCTAssertEqual(parsed.values.scalars, [1, 2, 3, 4, 5, 6, -0.75, 8])
        let read = try PointFile.readCSV(path: file("forms.csv", text))
        XCTAssertEqual(read.shape, [4, 2])
        XCTAssertEqual(read.scalars, [1, 2, 3, 4, 5, 6, -0.75, 8])
        let headerless = try PointFile.parseCSV("1\n2\n3", path: "column.csv")
        XCTAssertNil(headerless.header)
        XCTAssertEqual(headerless.values.shape, [3, 1])
        // A pandas-style index column has an empty name in the header.
        XCTAssertEqual(try PointFile.parseCSV(",x\n0,1.5\n1,2.5\n", path: "index.csv").header, ["", "x"])
    }

    func testCSVErrorsNameTheFileLineAndColumn() throws {
        func csvError(_ text: String, _ name: String = "bad.csv") -> String {
            message { try PointFile.parseCSV(text, path: name) }
        }
        XCTAssertEqual(csvError("x,y\n1,2\n3,abc\n"), "bad.csv, line 3, column 2: 'abc' is not a number")
        XCTAssertEqual(csvError("1,2\n# note\n3,4,5\n"), "bad.csv, line 3, column 3: 3 values, but line 1 has 2")
        XCTAssertEqual(csvError("x,y\n1,2\n3\n"), "bad.csv, line 3, column 2: 1 value, but the header (line 1) has 2")
        XCTAssertEqual(csvError("1,,2\n"), "bad.csv, line 1, column 2: empty value")
        XCTAssertEqual(csvError("1,2,\n"), "bad.csv, line 1, column 3: empty value")
        XCTAssertEqual(csvError("1 nan\n"), "bad.csv, line 1, column 2: 'nan' is not a finite number")
        XCTAssertEqual(csvError("1e39\n"), "bad.csv, line 1, column 1: '1e39' is too large for a 32-bit float (largest 3.4e38)")
        XCTAssertEqual(csvError("x,1\n"), "bad.csv, line 1, column 1: 'x' is not a number")
        XCTAssertEqual(csvError(""), "bad.csv: the file is empty")
        XCTAssertEqual(csvError("x,y\n\n"), "bad.csv: no data rows after the header line")
        XCTAssertEqual(csvError("# nothing\n   \n"), "bad.csv: no data rows (only blank or comment lines)")
        let missing = path("missing.csv")
        XCTAssertEqual(message { try PointFile.readCSV(path: missing) }, missing + ": file not found")
        XCTAssertEqual(message { try PointFile.readCSV(path: self.folder) }, folder + ": is a folder, not a file")
        let binary = try file("binary.dat", Array("1,2\n3,4\n".utf8) + [0xE2, 0x82, 0x41, 0xFF])
        XCTAssertEqual(message { try PointFile.readCSV(path: binary) },
                       binary + ": is not UTF-8 text: the byte at offset 8 (0xe2) is not valid UTF-8 "
                       + "(a binary file? NumPy files end in .npy, IDX files in -ubyte or .idx)")
        // The error carries its location as fields, for located diagnostics.
        do {
            _ = try PointFile.parseCSV("1\nx\n", path: "p.csv")
            XCTFail("a non-numeric cell was accepted")
        } catch let error as DataFileError {
            XCTAssertEqual(error, DataFileError(path: "p.csv", line: 2, column: 1, "'x' is not a number"))
        }
    }

    // MARK: NPY

    func testNPYWriterLayoutAndRoundTrip() throws {
        let tensor = try Tensor([0.5, -1, 2.25, 1e-3, 7, -0.0], shape: [2, 3])
        let encoded = PointFile.npyBytes(tensor)
        let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"
        // 10 bytes of preamble + 60 of dict + 1 newline = 71, padded to 128: a header length of 118.
        let padded = header + String(repeating: " ", count: 128 - 10 - header.utf8.count - 1) + "\n"
        XCTAssertEqual(encoded, [0x93] + Array("NUMPY".utf8) + [1, 0, 118, 0] + Array(padded.utf8) + bytes(tensor.scalars))
        let target = path("points.npy")
        try PointFile.writeNPY(tensor, to: target)
        XCTAssertTrue(try PointFile.readNPY(path: target).isBitwiseEqual(to: tensor))
        XCTAssertTrue(try PointFile.read(path: target).isBitwiseEqual(to: tensor))
        // A vector is written as (n,) and read back as one column; any rank can be written.
        try PointFile.writeNPY(Tensor([1, 2, 3, 4, 5]), to: target)
        XCTAssertEqual(try PointFile.readNPY(path: target).shape, [5, 1])
        XCTAssertTrue(String(decoding: PointFile.npyBytes(Tensor([1, 2, 3, 4, 5])), as: UTF8.self).contains("'shape': (5,), }"))
        XCTAssertEqual(PointFile.npyBytes(Tensor.zeros([2, 2, 2])).count % 64, 32 % 64, "header 64-aligned, then 32 data bytes")
    }

    /// Hand-built files in the layouts NumPy writes: float32, float64, integers, versions 2.0 and 3.0.
    func checkHandBuiltNPYFiles() throws {
        let expected: [Float] = [0.1, -0.2, 3, 1e-8, 65504, -7]
        let f4 = try PointFile.decodeNPY(npy(descr: "<f4", shape: "(3, 2)", data: bytes(expected)), path: "f4.npy")
        XCTAssertEqual(f4.shape, [3, 2])
        XCTAssertTrue(f4.isBitwiseEqual(to: try Tensor(expected, shape: [3, 2])))
        let wide: [Double] = [0.1, -0.2, 3, 1e-8, 65504, -7]
        for version: UInt8 in [1, 2, 3] {
            let f8 = try PointFile.decodeNPY(npy(descr: "<f8", shape: "(3, 2)", data: bytes(wide), version: version, alignment: 64),
                                             path: "f8.npy")
            XCTAssertEqual(f8.scalars, wide.map(Float.init), "float64 rounds to float32 (version \(version).0)")
        }
        let vector = try PointFile.decodeNPY(npy(descr: "<f8", shape: "(4,)", data: bytes([1.0, 2, 3, 4])), path: "v.npy")
        XCTAssertEqual(vector.shape, [4, 1])
        XCTAssertEqual(try PointFile.decodeNPY(npy(descr: "|u1", shape: "(2, 2)", data: [0, 1, 128, 255]), path: "u1.npy").scalars,
                       [0, 1, 128, 255])
        XCTAssertEqual(try PointFile.decodeNPY(npy(descr: "<i4", shape: "(3,)", data: bytes([Int32(-5), 0, 1 << 20])), path: "i4.npy").scalars,
                       [-5, 0, 0x1p20])
        XCTAssertEqual(try PointFile.decodeNPY(npy(descr: "<i8", shape: "(2, 1)", data: bytes([Int64(-3), 1 << 40])), path: "i8.npy").scalars,
                       [-3, 0x1p40])
        XCTAssertEqual(try PointFile.decodeNPY(npy(descr: "<f4", shape: "(0, 2)", data: []), path: "empty.npy").shape, [0, 2])
    }

    func testNPYReadsHandBuiltFiles() throws {
        try checkHandBuiltNPYFiles()
    }

    func testNPYErrorsNameTheFileAndTheProblem() throws {
        func npyError(_ bytes: [UInt8]) -> String { message { try PointFile.decodeNPY(bytes, path: "x.npy") } }
        let two = bytes([Float(1), 2])
        XCTAssertEqual(npyError(Array("hello, world".utf8)),
                       "x.npy: not a NumPy .npy file (it does not start with the bytes \\x93NUMPY)")
        XCTAssertEqual(npyError([]), "x.npy: the file is empty")
        XCTAssertEqual(npyError([0x93] + Array("NUMPY".utf8) + [1]), "x.npy: truncated inside the .npy preamble (7 bytes)")
        XCTAssertEqual(npyError(npy(descr: "<f4", shape: "(2,)", data: two, version: 4)),
                       "x.npy: unsupported .npy format version 4.0; expected 1.0, 2.0 or 3.0")
        XCTAssertEqual(npyError(npy(descr: "<f4", fortran: "True", shape: "(1, 2)", data: two)),
                       "x.npy: Fortran-order (column-major) arrays are not supported; save a C-order copy (numpy.ascontiguousarray)")
        XCTAssertEqual(npyError(npy(descr: ">f4", shape: "(2,)", data: two)),
                       "x.npy: big-endian dtype '>f4' is not supported; convert with a.astype('<f4')")
        XCTAssertEqual(npyError(npy(descr: "|O", shape: "(2,)", data: [])),
                       "x.npy: object arrays ('|O') are not supported: they hold pickled Python objects")
        XCTAssertEqual(npyError(npy(descr: "<c8", shape: "(1,)", data: bytes([Float(1), 0]))),
                       "x.npy: unsupported dtype '<c8'; expected float32 ('<f4'), float64 ('<f8') or an integer type")
        XCTAssertEqual(npyError(npy(descr: "", shape: "(1,)", data: [],
                                    dict: "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }")),
                       "x.npy: structured dtypes (records with named fields) are not supported")
        XCTAssertEqual(npyError(npy(descr: "<f4", shape: "(1, 1, 2)", data: two)),
                       "x.npy: holds a 3-D array of shape (1, 1, 2); expected a 1-D or 2-D array")
        XCTAssertEqual(npyError(npy(descr: "<f4", shape: "()", data: bytes([Float(1)]))),
                       "x.npy: holds a 0-D array of shape (); expected a 1-D or 2-D array")
        XCTAssertEqual(npyError(npy(descr: "<f4", shape: "(3, 2)", data: Array(bytes([Float](repeating: 1, count: 6)).prefix(20)))),
                       "x.npy: truncated: shape (3, 2) of '<f4' needs 24 bytes of data, but only 20 follow the header")
        XCTAssertEqual(npyError(npy(descr: "<f4", shape: "(1,)", data: two)),
                       "x.npy: 4 unexpected bytes after the data of shape (1,)")
        XCTAssertEqual(npyError(Array(npy(descr: "<f4", shape: "(2,)", data: []).prefix(30))),
                       "x.npy: truncated: the header should have 70 bytes but the file ends after 20")
        XCTAssertEqual(npyError(npy(descr: "", shape: "", data: [], dict: "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }")),
                       "x.npy: the header does not parse (expected ',' or '}' at character 17): "
                       + "{'descr': '<f4' 'fortran_order': False, 'shape': (2,), }")
        XCTAssertEqual(npyError(npy(descr: "", shape: "", data: [], dict: "{'descr': '<f4', 'fortran_order': False}")),
                       "x.npy: the header has no 'shape': {'descr': '<f4', 'fortran_order': False}")
        XCTAssertEqual(npyError(npy(descr: "", shape: "", data: [], dict: "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}")),
                       "x.npy: the header does not parse (unexpected 'M' at character 35): "
                       + "{'descr': '<f4', 'fortran_order': Maybe, 'shape': (2,)}")
        XCTAssertEqual(npyError(npy(descr: "<f4", shape: "(2, 1)", data: bytes([Float(1), .nan]))),
                       "x.npy: element [1, 0] is nan; data must be finite")
        XCTAssertEqual(npyError(npy(descr: "<f8", shape: "(1,)", data: bytes([1e300]))),
                       "x.npy: element [0] = 1e+300 is outside the float32 range")
        let missing = path("missing.npy")
        XCTAssertEqual(message { try PointFile.readNPY(path: missing) }, missing + ": file not found")
    }

    /// Both directions with NumPy itself when python3 has it; otherwise the same guarantees from hand-built
    /// files in NumPy's layout, so the test never skips.
    func testNumPyInteroperability() throws {
        let values = (0..<12).map { Double($0) * 0.1 - 0.35 }
        let ours = try Tensor(values.map(Float.init), shape: [6, 2])
        let written = path("ours.npy")
        try PointFile.writeNPY(ours, to: written)
        guard Self.numpyAvailable else {
            // NumPy → us: files in NumPy's exact layout; us → NumPy: our bytes are the layout NumPy documents.
            try checkHandBuiltNPYFiles()
            let fromNumPyLayout = try PointFile.decodeNPY(
                npy(descr: "<f4", shape: "(6, 2)", data: bytes(values.map(Float.init)), alignment: 64), path: "n.npy")
            XCTAssertTrue(fromNumPyLayout.isBitwiseEqual(to: ours))
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: written)),
                           Data(npy(descr: "<f4", shape: "(6, 2)", data: bytes(values.map(Float.init)), alignment: 64)))
            return
        }
        // NumPy → us: float32 and float64, C order, versions 1.0–3.0, a vector and integers.
        let writer = """
            import sys, numpy as np
            folder = sys.argv[1]
            a = np.arange(12, dtype=np.float64).reshape(6, 2) * 0.1 - 0.35
            np.save(folder + '/f4.npy', a.astype('<f4'))
            np.save(folder + '/f8.npy', a)
            np.save(folder + '/vector.npy', a[:, 1].copy())
            np.save(folder + '/i4.npy', np.array([[-5, 7], [1 << 20, 0]], dtype='<i4'))
            for major in (2, 3):
                with open(folder + '/v%d.npy' % major, 'wb') as f:
                    np.lib.format.write_array(f, a.astype('<f4'), version=(major, 0))
            np.save(folder + '/fortran.npy', np.asfortranarray(a))
            np.save(folder + '/big.npy', a.astype('>f4'))
            np.save(folder + '/cube.npy', np.zeros((2, 2, 2), dtype='<f4'))
            """
        XCTAssertEqual(Self.python(writer, [folder]).status, 0, "numpy wrote its files")
        XCTAssertTrue(try PointFile.readNPY(path: path("f4.npy")).isBitwiseEqual(to: ours))
        XCTAssertTrue(try PointFile.readNPY(path: path("f8.npy")).isBitwiseEqual(to: ours), "float64 rounds like astype('<f4')")
        XCTAssertTrue(try PointFile.readNPY(path: path("v2.npy")).isBitwiseEqual(to: ours))
        XCTAssertTrue(try PointFile.readNPY(path: path("v3.npy")).isBitwiseEqual(to: ours))
        let vector = try PointFile.readNPY(path: path("vector.npy"))
        XCTAssertEqual(vector.shape, [6, 1])
        XCTAssertEqual(vector.scalars, stride(from: 1, to: 12, by: 2).map { Float(values[$0]) })
        XCTAssertEqual(try PointFile.readNPY(path: path("i4.npy")).scalars, [-5, 7, 0x1p20, 0])
        XCTAssertEqual(message { try PointFile.readNPY(path: self.path("fortran.npy")) }, path("fortran.npy")
                       + ": Fortran-order (column-major) arrays are not supported; save a C-order copy (numpy.ascontiguousarray)")
        XCTAssertEqual(message { try PointFile.readNPY(path: self.path("big.npy")) },
                       path("big.npy") + ": big-endian dtype '>f4' is not supported; convert with a.astype('<f4')")
        XCTAssertEqual(message { try PointFile.readNPY(path: self.path("cube.npy")) },
                       path("cube.npy") + ": holds a 3-D array of shape (2, 2, 2); expected a 1-D or 2-D array")
        // Us → NumPy: np.load sees float32, the shape, C order, the exact bits, and 64-byte alignment.
        let reader = """
            import sys, numpy as np
            a = np.load(sys.argv[1])
            with open(sys.argv[1], 'rb') as f:
                version = np.lib.format.read_magic(f)
                np.lib.format.read_array_header_1_0(f)
                offset = f.tell()
            print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], version, offset % 64, a.tobytes().hex())
            """
        let result = Self.python(reader, [written])
        XCTAssertEqual(result.status, 0)
        let hex = bytes(ours.scalars).map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(result.output, "<f4 (6, 2) True (1, 0) 0 \(hex)\n")
    }

    // MARK: Atomic writes

    func testWritesReplaceTheFileAtomicallyAndLeaveNoTemporaryFiles() throws {
        let target = path("out.npy")
        try PointFile.writeNPY(Tensor([1, 2, 3]), to: target)
        try PointFile.writeNPY(Tensor([4, 5]), to: target)
        XCTAssertEqual(try PointFile.readNPY(path: target).scalars, [4, 5])
        try PointFile.writeCSV(Tensor([6]), to: path("out.csv"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["out.csv", "out.npy"])
        let nowhere = path("no/such/folder/out.npy")
        XCTAssertEqual(message { try PointFile.writeNPY(Tensor([1]), to: nowhere) },
                       nowhere + ": cannot write: No such file or directory")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder).count, 2)
    }

    // MARK: The points data set

    func testPointsDataSetDrawsFileRowsUniformlyWithReplacement() throws {
        let csv = try file("four.csv", "x,y\n0,0\n1,10\n2,20\n3,30\n")
        let dataset = try PointCloud.make([("file", csv)])
        XCTAssertEqual(dataset.dimension, 2)
        XCTAssertEqual(dataset.rowCount, 4)
        XCTAssertNil(dataset.modes)
        XCTAssertEqual(dataset.canonicalText, "points file=\(csv) scale=none")
        let stream = RandomStream(seed: 5, name: "data")
        let batch = dataset.sample(4000, using: stream)
        XCTAssertEqual(batch.shape, [4000, 2])
        XCTAssertEqual(stream.position, 4000, "one nextInt per row (2³² is a multiple of 4: no rejections)")
        var counts = [0, 0, 0, 0]
        let flat = batch.scalars
        for row in 0..<4000 {
            let index = Int(flat[2 * row])
            XCTAssertEqual(flat[2 * row + 1], Float(10 * index), "rows are copied whole")
            counts[index] += 1
        }
        let chi = counts.reduce(0.0) { $0 + (Double($1) - 1000) * (Double($1) - 1000) / 1000 }
        XCTAssertLessThan(chi, 16.27, "χ²(3) below its 0.1 % quantile: \(counts)")
        XCTAssertTrue(dataset.sample(100, using: RandomStream(seed: 5, name: "data"))
            .isBitwiseEqual(to: dataset.sample(100, using: RandomStream(seed: 5, name: "data"))))
        // The same points from a .npy file give the same batches.
        let npyPath = path("four.npy")
        try PointFile.writeNPY(dataset.points, to: npyPath)
        XCTAssertTrue(try PointCloud.make([("file", npyPath)]).sample(100, using: RandomStream(seed: 5, name: "data"))
            .isBitwiseEqual(to: dataset.sample(100, using: RandomStream(seed: 5, name: "data"))))
    }

    func testPointsDataSetReportsFileProblems() throws {
        let missing = path("absent.csv")
        XCTAssertEqual(message { try PointCloud.make([("file", missing)]) }, missing + ": file not found")
        let ragged = try file("ragged.csv", "1,2\n3\n")
        XCTAssertEqual(message { try PointCloud.make([("file", ragged)]) }, ragged + ", line 2, column 2: 1 value, but line 1 has 2")
        let empty = try file("empty.npy", npy(descr: "<f4", shape: "(0, 2)", data: []))
        XCTAssertEqual(message { try PointCloud.make([("file", empty)]) }, empty + ": holds no points (0 rows)")
        let flat = try file("flat.npy", npy(descr: "<f4", shape: "(3, 0)", data: []))
        XCTAssertEqual(message { try PointCloud.make([("file", flat)]) }, flat + ": holds no coordinates (0 columns)")
    }
}
