import Autodiff
import NeuralNet
import Workbench

extension Interpreter {
    /// Every plugin declaration of a kind.
    static func pluginSpecs(_ kind: PluginKind) -> [PluginSpec] { Plugins.specs(of: kind) }

    /// Every plugin declaration.
    static var allPluginSpecs: [PluginSpec] { PluginKind.allCases.flatMap(pluginSpecs) }

    /// A command's usage, discussion, parameters and examples.
    func helpCommand(_ spec: CommandSpec) {
        sayParagraph("usage: \(spec.usage)" + (spec.aliases.isEmpty ? "" : "   (also: \(spec.aliases.joined(separator: ", ")))"),
                     rest: "    ")
        sayParagraph(spec.summary)
        sayParagraph(spec.discussion, first: "  ", rest: "  ")
        // Positional arguments and parameters share one table, so their summaries line up.
        sayParameters(spec.parameters, positionals: spec.positionals)
        if !spec.examples.isEmpty { say("examples:") }
        for example in spec.examples { say("  \(example)") }
    }

    /// A plugin's summary, definition, parameters and source.
    func helpPlugin(_ spec: PluginSpec) {
        sayParagraph("\(spec.kind.rawValue) \(spec.name)" + (spec.aliases.isEmpty ? "" : "   (also: \(spec.aliases.joined(separator: ", ")))")
                     + ": \(spec.summary)", rest: "  ")
        sayParagraph(spec.discussion, first: "  ", rest: "  ")
        if !spec.parameters.isEmpty { say("parameters:") }
        sayParameters(spec.parameters)
        if let reference = spec.reference { sayParagraph("source: \(reference)", rest: "  ") }
        if let library = PluginLibraries.library(providing: spec.kind, named: spec.name) {
            sayParagraph("loaded from the plugin library \(library.path) (sha256 \(library.sha256))", rest: "  ")
        }
        for line in remedyNotes(spec) { sayParagraph(line) }
    }

    /// Where the remedies of "From GAN to WGAN" live, from the plugins that declare one: a plugin that
    /// implements a remedy names every plugin of its kind implementing the same one; a trick, the kind users
    /// look in for remedies, names the remedies that are plugins of other kinds.
    func remedyNotes(_ spec: PluginSpec) -> [String] {
        func note(_ remedy: String, _ implementations: [PluginSpec], _ place: String) -> String {
            "(the \(remedy) remedy of \"From GAN to WGAN\" is \(place): "
                + implementations.map { "\($0.kind.rawValue) \($0.name)" }.joined(separator: ", ") + ")"
        }
        if let remedy = spec.remedy {
            return [note(remedy, Plugins.specs(of: spec.kind).filter { $0.remedy == remedy }, "this \(spec.kind.rawValue) family")]
        }
        guard spec.kind == .trick else { return [] }
        var notes: [String] = []
        for kind in PluginKind.allCases where kind != .trick {
            let specs = Plugins.specs(of: kind)
            var remedies: [String] = []
            for remedy in specs.compactMap(\.remedy) where !remedies.contains(remedy) { remedies.append(remedy) }
            let article = "aeiou".contains(kind.rawValue.first ?? "x") ? "an" : "a"
            notes += remedies.map { remedy in
                note(remedy, specs.filter { $0.remedy == remedy }, "\(article) \(kind.rawValue), not a trick")
            }
        }
        return notes
    }

    /// One row per positional argument (its name and summary) and per parameter (`lambda=10`, its kind, its
    /// summary), in columns that fit the terminal.
    func sayParameters(_ parameters: [ParameterSpec], positionals: [PositionalSpec] = []) {
        let rows = positionals.map { parameters.isEmpty ? [$0.name, $0.summary] : [$0.name, "", $0.summary] }
            + parameters.map { ["\($0.name)=\($0.defaultValue?.description ?? "…")", $0.kindDescription, $0.summary] }
        for line in TextLayout.table(rows, width: environment.width, caps: [22, 30]) { say(line) }
    }

    /// `text` wrapped to the terminal, its first line after `first` and the others after `rest`.
    func sayParagraph(_ text: String, first: String = "", rest: String = "") {
        for line in TextLayout.paragraph(text, width: environment.width, first: first, rest: rest) { say(line) }
    }

    /// Names and summaries in two aligned columns, the summaries wrapped to the terminal under themselves.
    func sayColumns(_ rows: [(String, String)], indent: String = "") {
        for line in TextLayout.table(rows.map { [$0.0, $0.1] }, width: environment.width, indent: indent, caps: [24]) {
            say(line)
        }
    }

    /// FNV-1a over the bit patterns of every weight, in parameter order: equal hashes mean (with
    /// overwhelming probability) bit-identical weights.
    func weightHash(_ tensors: [Tensor]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for tensor in tensors {
            tensor.withUnsafeBufferPointer { buffer in
                for value in buffer {
                    var bits = value.bitPattern
                    for _ in 0..<4 {
                        hash = (hash ^ UInt64(bits & 0xFF)) &* 0x0000_0100_0000_01B3
                        bits >>= 8
                    }
                }
            }
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }

    /// The last rows of the history as an aligned table (no wall times: they differ between runs).
    func showHistory(last: Int) {
        let (allColumns, allRows) = session.recordTable
        let rows = allRows.suffix(last)
        guard !rows.isEmpty else {
            say(session.game == nil ? "no iterations yet" : "no game steps yet")
            return
        }
        // Wall time is left out: it is the one column that differs between runs.
        let columns = allColumns.filter { $0 != "seconds" }
        var table = [columns]
        for row in rows {
            table.append(row.prefix(columns.count).enumerated().map { index, value in
                index == 0 ? String(Int(value)) : (value.isNaN ? "-" : NumberText.format(value))
            })
        }
        let widths = columns.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for line in table {
            say(line.enumerated().map { String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: "  "))
        }
    }
}
