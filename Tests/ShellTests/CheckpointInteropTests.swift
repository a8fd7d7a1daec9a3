import XCTest
import _GantryTestSupport
import Foundation
import Autodiff
import NeuralNet
@testable import Workbench
@testable import Shell

/// A checkpoint opened in Python: with `json`, `struct` and `array` alone (always: python3 is required by the
/// suite), and also with NumPy and the `safetensors` package where they are installed. Python must find the
/// same weights, bit for bit, and G rebuilt in Python from the architecture record must compute what
/// Gantry's G computes.
final class CheckpointInteropTests: XCTestCase {
    /// The safetensors layout read by hand: 8-byte length, JSON header, data; `path` is argv[1].
    static let header = #"""
        import array, json, struct, sys

        path = sys.argv[1]
        with open(path, "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        header = json.loads(raw[8:8 + n])
        data = raw[8 + n:]
        meta = header.pop("__metadata__")

        """#

    static let reader = header + #"""
        z_text = sys.argv[2]
        codes = {"F32": "f", "F64": "d"}
        tensors, shapes, chunks = {}, {}, {}
        for name, entry in header.items():
            begin, end = entry["data_offsets"]
            values = array.array(codes[entry["dtype"]])
            values.frombytes(data[begin:end])
            if sys.byteorder != "little":
                values.byteswap()
            tensors[name], shapes[name], chunks[name] = list(values), entry["shape"], data[begin:end]
        print("format", meta["format"], "version", meta["gantry.version"], "iteration", meta["gantry.iteration"])
        print("config seed", json.loads(meta["gantry.configuration"])["seed"])
        for name in tensors:
            if name.startswith(("G.", "D.")):
                bits = struct.unpack("<%dI" % (len(chunks[name]) // 4), chunks[name])
                print("tensor", name, "x".join(map(str, shapes[name])), " ".join(map(str, bits)))
        columns = shapes["history"][1]
        print("history", shapes["history"][0], "rows; last iteration", int(tensors["history"][-columns]))

        # G as nn.Sequential would compute it, from the architecture record, in evaluation mode (float64).
        x = json.loads(z_text)
        for index, layer in enumerate(json.loads(meta["gantry.networks"])["G"]):
            p = lambda key: tensors["G.%d.%s" % (index, key)]
            kind = layer["type"]
            if kind == "Linear":
                w, out = p("weight"), shapes["G.%d.weight" % index][0]
                b = p("bias") if layer["bias"] else [0.0] * out
                x = [[sum(w[o * len(row) + i] * row[i] for i in range(len(row))) + b[o] for o in range(out)] for row in x]
            elif kind == "ReLU":
                x = [[max(v, 0.0) for v in row] for row in x]
            elif kind == "BatchNorm":
                mean, var, g, b = p("running_mean"), p("running_var"), p("weight"), p("bias")
                x = [[(v - mean[j]) / (var[j] + layer["epsilon"]) ** 0.5 * g[j] + b[j] for j, v in enumerate(row)] for row in x]
            else:
                raise SystemExit("layer kind %s is not handled here" % kind)
        print("G(z)", " ".join(repr(float(v)) for row in x for v in row))

        # The same bytes through NumPy, and through the safetensors package, where they are installed.
        try:
            import numpy as np
        except ImportError:
            print("skipped numpy (not installed)")
        else:
            kinds = {"F32": "<f4", "F64": "<f8"}
            same = all(np.array_equal(np.frombuffer(chunks[k], dtype=kinds[header[k]["dtype"]]),
                                      np.array(tensors[k], dtype=kinds[header[k]["dtype"]]), equal_nan=True) for k in tensors)
            print("numpy: identical %s" % same)
        try:
            from safetensors import safe_open
            from safetensors.numpy import load_file
            import numpy as np
        except ImportError:
            print("skipped safetensors package (not installed)")
        else:
            loaded = load_file(path)
            same = all(loaded[k].tobytes() == chunks[k] for k in tensors)
            with safe_open(path, "np") as f:
                metadata_same = f.metadata() == meta
            print("safetensors package: %d tensors, identical %s, metadata identical %s" % (len(loaded), same, metadata_same))
        """#

    /// Rewrites a checkpoint with another layout: tensors in reverse order, metadata sorted, a header with
    /// spaces and no padding (by hand), and with the `safetensors` package where it is installed.
    static let rewriter = header + #"""
        target = sys.argv[2]
        names = list(reversed(list(header)))
        out_header, chunks, offset = {"__metadata__": dict(sorted(meta.items()))}, [], 0
        for name in names:
            begin, end = header[name]["data_offsets"]
            chunks.append(data[begin:end])
            out_header[name] = {"dtype": header[name]["dtype"], "shape": header[name]["shape"], "data_offsets": [offset, offset + end - begin]}
            offset += end - begin
        text = json.dumps(out_header, indent=1).encode()
        with open(target + ".manual.safetensors", "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))
        try:
            from safetensors.numpy import save_file
            import numpy as np
        except ImportError:
            print("skipped safetensors package (not installed)")
        else:
            dtypes = {"F32": "<f4", "F64": "<f8"}
            arrays = {k: np.frombuffer(data[v["data_offsets"][0]:v["data_offsets"][1]], dtype=dtypes[v["dtype"]]).reshape(v["shape"])
                      for k, v in header.items()}
            save_file(arrays, target + ".package.safetensors", metadata=meta)
            print("rewritten by the safetensors package")
        """#

    func testACheckpointRewrittenInPythonStillLoads() throws {
        let folder = try ScratchFolder.make("rewrite")
        defer { ScratchFolder.remove(folder) }
        let file = (folder as NSString).appendingPathComponent("run.safetensors")
        var errors: [String] = []
        let original = Interpreter(session: try Session(), environment: ShellEnvironment(writeOutput: { _ in }, writeError: { errors.append($0) }))
        XCTAssertTrue(original.execute("generator mlp hidden=6; critic mlp hidden=6; trick on ema-generator; step 4; checkpoint save \(file); step 3",
                                       file: "t"), "\(errors)")
        let result = python(["-c", Self.rewriter, file, file])
        XCTAssertEqual(result.status, 0, result.errors)
        print("CheckpointInteropTests: python: " + result.output.trimmingCharacters(in: .newlines))
        var rewritten = [file + ".manual.safetensors"]
        if result.output.contains("rewritten by the safetensors package") { rewritten.append(file + ".package.safetensors") }
        for path in rewritten {
            let resumed = Interpreter(session: try Session(), environment: ShellEnvironment(writeOutput: { _ in }, writeError: { errors.append($0) }))
            XCTAssertTrue(resumed.execute("checkpoint load \(path); step 3", file: "t"), "\(path): \(errors)")
            for (a, b) in zip(resumed.session.generator.parameters + resumed.session.discriminator.parameters,
                              original.session.generator.parameters + original.session.discriminator.parameters) {
                XCTAssertTrue(a.value.isBitwiseEqual(to: b.value), path)
            }
        }
    }

    func python(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    func testPythonReadsTheSameWeightsAndComputesTheSameGenerator() throws {
        let folder = try ScratchFolder.make("interop")
        defer { ScratchFolder.remove(folder) }
        let file = (folder as NSString).appendingPathComponent("run.safetensors")
        var errors: [String] = []
        let interpreter = Interpreter(session: try Session(), environment: ShellEnvironment(writeOutput: { _ in }, writeError: { errors.append($0) }))
        XCTAssertTrue(interpreter.execute("seed 2; generator mlp hidden=5,3 norm=batch; critic mlp hidden=4; batch 16; step 3\n"
                                          + "checkpoint save \(file)", file: "t"), "\(errors)")
        let session = interpreter.session
        let z = try Tensor([0.5, -1, 2, 0.25, -0.75, 1.5], shape: [3, 2])
        let result = python(["-c", Self.reader, file, "[[0.5, -1], [2, 0.25], [-0.75, 1.5]]"])
        XCTAssertEqual(result.status, 0, result.errors)
        let lines = result.output.split(separator: "\n").map(String.init)
        for line in lines where !line.hasPrefix("tensor") { print("CheckpointInteropTests: python: " + line) }
        XCTAssertEqual(lines.first, "format pt version 2 iteration 3")
        XCTAssertEqual(lines.dropFirst().first, "config seed 2")
        // Every parameter and buffer of both networks, under its PyTorch name, bit for bit.
        var expected: [String] = []
        for (prefix, network) in [("G", session.generator), ("D", session.discriminator)] {
            for layer in network.layers.enumerated() {
                let path = "\(prefix).\(layer.offset)"
                for (name, parameter) in layer.element.namedParameters(prefix: path) + layer.element.namedBuffers(prefix: path) {
                    let shape = parameter.shape.dimensions.map(String.init).joined(separator: "x")
                    expected.append("tensor \(name) \(shape) " + parameter.value.scalars.map { String($0.bitPattern) }.joined(separator: " "))
                }
            }
        }
        XCTAssertEqual(lines.filter { $0.hasPrefix("tensor") }, expected)
        XCTAssertTrue(lines.contains("history 3 rows; last iteration 3"), result.output)
        // G rebuilt in NumPy (float64) from the record agrees with Gantry's G (float32) to float32 precision.
        let ours = try withoutGradients { try session.generator.forward(z, ForwardContext(training: false)) }.scalars
        let theirs = try XCTUnwrap(lines.first { $0.hasPrefix("G(z) ") }).split(separator: " ").dropFirst(1).compactMap { Double($0) }
        XCTAssertEqual(theirs.count, ours.count)
        for (a, b) in zip(ours, theirs) { XCTAssertEqual(Double(a), b, accuracy: 1e-5 * max(1, abs(b))) }
        let numpy = try XCTUnwrap(lines.first { $0.contains("numpy") && !$0.contains("safetensors") })
        XCTAssertTrue(numpy == "skipped numpy (not installed)" || numpy == "numpy: identical True", numpy)
        let package = try XCTUnwrap(lines.last)
        let count = try Checkpoint.read(path: file).file.entries.count
        XCTAssertTrue(package == "skipped safetensors package (not installed)"
                      || package == "safetensors package: \(count) tensors, identical True, metadata identical True", package)
    }
}
