import Autodiff
import Foundation
import Plotting
import Workbench

/// The `export` command.
enum ExportCommand: ShellCommand {
    static let spec = CommandSpec(
        "export", summary: "write generated samples to a file: export samples FILE.csv|FILE.npy|FILE.png n=…",
        discussion: "Writes n samples of G (in evaluation mode; from the averaged G while ema-generator is on), one per row, atomically: CSV text without a header, or a NumPy .npy array of float32 [n, d] ([n, channels, height, width] when the samples are images). A .png file (image data only) is a grid of the n images, columns= across (0: a square), each image pixel one pixel of the file, values mapped from −1 (black) to 1 (white) unless range=LOW,HIGH says otherwise. The noise comes from the stream export started afresh from the seed at every export, so exporting changes nothing in training, metrics or later exports, and the same session always exports the same samples.",
        positionals: [PositionalSpec("WHAT", ExportedThing.alternatives, completions: ExportedThing.completions),
                      PositionalSpec("FILE", "a .csv, .npy or .png file", completions: .files(extensions: ["csv", "npy", "png"]))],
        parameters: [n.spec, columns.spec, range.spec],
        examples: ["export samples samples.csv n=2000", "export samples samples.npy", "export samples grid.png n=64"])
    static let runsDuringTraining = true
    static let n: ParameterKey<Int> = .integer("n", 1...10_000_000, default: 1000, "how many samples")
    static let columns: ParameterKey<Int> = .integer("columns", 0...1000, default: 0, "images across a .png grid (0: a square)")
    static let range: ParameterKey<[Double]> = .reals("range", default: [-1, 1], "LOW,HIGH: the values a .png shows black and white")
    /// Most images in one .png grid: beyond, the picture is too large to look at and .npy suits better.
    static let pictureLimit = 10_000

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
            throw invocation.failure("usage: export \(ExportCommand.ExportedThing.choice) FILE.csv|FILE.npy|FILE.png n=…", at: invocation.positionals.first?.range)
        }
        guard let node = invocation.positionals.dropFirst().first else { throw invocation.failure("export samples needs a file name") }
        let lowercased = node.text.lowercased()
        guard lowercased.hasSuffix(".csv") || lowercased.hasSuffix(".npy") || lowercased.hasSuffix(".png") else {
            throw invocation.failure("export writes .csv, .npy or .png files, not '\(node.text)'", at: node.range)
        }
        let count = parameters[ExportCommand.n]
        let picture = lowercased.hasSuffix(".png")
        let shape = session.dataset.imageShape
        if picture {
            guard shape != nil else {
                throw invocation.failure("a .png file shows images, and the samples of \(session.dataset.canonicalText.split(separator: " ")[0]) "
                                         + "are not images: export them as .csv or .npy", at: node.range)
            }
            guard count <= ExportCommand.pictureLimit else {
                throw invocation.failure("a .png grid holds at most \(ExportCommand.pictureLimit) images: export more as .npy",
                                         at: invocation.valueRange(of: ExportCommand.n))
            }
        }
        for key in [ExportCommand.columns.name, ExportCommand.range.name] where !picture {
            if let given = invocation.named.first(where: { $0.name == key }) {
                throw invocation.failure("\(key)= lays out a .png grid; a .csv or .npy file holds the values themselves", at: given.nameRange)
            }
        }
        let values = parameters[ExportCommand.range]
        guard values.count == 2, values[0] < values[1] else {
            throw invocation.failure("range takes LOW,HIGH with LOW below HIGH (the values shown black and white)",
                                     at: invocation.valueRange(of: ExportCommand.range))
        }
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
            if picture, let shape {
                let flat = samples.scalars
                let images = (0..<count).map { Array(flat[($0 * shape.elementCount)..<(($0 + 1) * shape.elementCount)]) }
                let wanted = parameters[ExportCommand.columns]
                let columns = wanted > 0 ? wanted : Int(Double(count).squareRoot().rounded(.up))
                let grid = ImageGrid(channels: shape.channels, height: shape.height, width: shape.width, columns: columns,
                                     images: images, range: values[0]...values[1])
                let picture = ImageGridPicture(scale: 1, gap: 2)
                try PointFile.writeAtomically(picture.png(grid), to: node.text)
                let (width, height) = picture.size(grid)
                say("wrote \(count) samples of \(shape) as a grid of \(grid.rows) × \(min(columns, count)) images to \(node.text) (PNG, \(width)×\(height))")
                return
            } else if lowercased.hasSuffix(".npy") {
                let layout = shape.map { [count, $0.channels, $0.height, $0.width] } ?? samples.shape.dimensions
                try PointFile.writeNPY(samples.reshaped(layout), to: node.text)
                if let shape {
                    say("wrote \(count) samples of \(shape) to \(node.text) as float32 [\(layout.map(String.init).joined(separator: ", "))]")
                    return
                }
            } else {
                try PointFile.writeCSV(samples, to: node.text)
            }
        } catch {
            throw invocation.failure("\(error)", at: node.range)
        }
        say("wrote \(count) samples × \(samples.shape[1]) columns to \(node.text)")
    }
}
