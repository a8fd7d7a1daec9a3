import Autodiff
import Foundation
import Workbench

/// The `export` command.
enum ExportCommand: ShellCommand {
    static let spec = CommandSpec(
        "export", summary: "write generated samples to a file: export samples FILE.csv|FILE.npy n=…",
        discussion: "Writes n samples of G (in evaluation mode; from the averaged G while ema-generator is on), one per row, atomically: CSV text without a header, or a NumPy .npy array of float32 [n, d]. The noise comes from the stream export started afresh from the seed at every export, so exporting changes nothing in training, metrics or later exports, and the same session always exports the same samples.",
        positionals: [PositionalSpec("WHAT", ExportedThing.alternatives, completions: ExportedThing.completions),
                      PositionalSpec("FILE", "a .csv or .npy file", completions: .files(extensions: ["csv", "npy"]))],
        parameters: [n.spec],
        examples: ["export samples samples.csv n=2000", "export samples samples.npy"])
    static let runsDuringTraining = true
    static let n: ParameterKey<Int> = .integer("n", 1...10_000_000, default: 1000, "how many samples")

    /// What `export` writes.
    enum ExportedThing: String, CommandWord {
        case samples
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.export(invocation) }
}

extension Interpreter {
    /// `export samples FILE.csv|FILE.npy n=…`
    func export(_ invocation: Invocation) throws {
        let parameters = try invocation.commandParameters()
        guard invocation.text(0) == ExportCommand.ExportedThing.samples.rawValue else {
            throw invocation.failure("usage: export \(ExportCommand.ExportedThing.choice) FILE.csv|FILE.npy n=…", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else { throw invocation.failure("export samples needs a file name") }
        let lowercased = node.text.lowercased()
        guard lowercased.hasSuffix(".csv") || lowercased.hasSuffix(".npy") else {
            throw invocation.failure("export writes .csv or .npy files, not '\(node.text)'", at: node.range)
        }
        let count = parameters[ExportCommand.n]
        // Refused before any allocation: G's activations for all n samples at once (forward only, a generous
        // 4 copies of every layer) must fit in half of the memory.
        let (input, output) = session.widths(.generator)
        let hidden = session.model(.generator).perceptron(input: input, output: output)?.hiddenWidths ?? []
        let widths = hidden + [session.dataset.dimension, session.noise.dimension]
        let bytes = Double(count) * Double(widths.reduce(0, +)) * 4 * 4
        let available = Double(ProcessInfo.processInfo.physicalMemory) / 2
        guard bytes <= available else {
            throw invocation.failure("export of \(count) samples would need about \(NumberText.format(bytes / 1e9)) GB; "
                                     + "this machine allows \(NumberText.format(available / 1e9)) GB",
                                     at: invocation.valueRange(of: ExportCommand.n))
        }
        let samples = try session.generate(count, using: RandomStream(seed: session.seed, name: "export"))
        do {
            if lowercased.hasSuffix(".npy") {
                try PointFile.writeNPY(samples, to: node.text)
            } else {
                try PointFile.writeCSV(samples, to: node.text)
            }
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        say("wrote \(count) samples × \(samples.shape[1]) columns to \(node.text)")
    }
}
