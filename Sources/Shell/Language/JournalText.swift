import Workbench

/// The journal and the configuration written as commands, and read back from the script text that
/// checkpoint format 1 kept: the one place where journal entries meet the language. `save`, `show config`
/// and format-1 checkpoints go through here; nothing here runs a command.
enum JournalText {
    /// The command that does `entry` again.
    static func line(_ entry: JournalEntry) -> String {
        switch entry {
        case .seed(let seed): "\(SeedCommand.spec.name) \(seed)"
        case .dataset(let setting): "\(DataCommand.spec.name) " + text(setting)
        case .noise(let setting): "\(NoiseCommand.spec.name) " + text(setting)
        case .model(let player, let setting): "\(modelCommand(player).spec.name) " + text(setting)
        case .loss(let setting): "\(LossCommand.spec.name) " + text(setting)
        case .optimizer(let player, let setting): "\(OptimizerCommand.spec.name) \(player.rawValue) " + text(setting)
        case .batchSize(let size): "\(BatchCommand.spec.name) \(size)"
        case .freeze(let change): "\(FreezeCommand.spec.name) \(change.rawValue)"
        case .game(let setting): "\(GameCommand.spec.name) " + (setting.map(text) ?? GameCommand.GameSwitch.off.rawValue)
        case .trickOn(let setting): "\(TrickCommand.spec.name) \(TrickCommand.TrickAction.on.rawValue) " + text(setting)
        case .trickOff(let name): "\(TrickCommand.spec.name) \(TrickCommand.TrickAction.off.rawValue) \(name)"
        case .steps(let count): "\(StepCommand.spec.name) \(count)"
        case .update(let player): "\(StepCommand.spec.name) " + (player == .generator ? StepCommand.SingleUpdate.g : .d).rawValue
        case .metric(let setting): "\(MetricCommand.spec.name) " + text(setting)
        case .define(let definition): DefineCommand.line(definition)
        case .library(let library): PluginCommand.line(library)
        }
    }

    /// The commands that set `configuration` up.
    static func lines(_ configuration: SessionConfiguration) -> [String] { configuration.entries.map(line) }

    /// The journal as a script's lines, adjacent plain steps merged (`step 10` twice is `step 20`).
    static func script(_ journal: [JournalEntry]) -> [String] {
        var merged: [JournalEntry] = []
        for entry in journal {
            if case .steps(let count) = entry, case .steps(let before)? = merged.last {
                merged[merged.count - 1] = .steps(before + count)
            } else {
                merged.append(entry)
            }
        }
        return merged.map(line)
    }

    /// `NAME key=value…` with the parameters the setting states.
    static func text(_ setting: PluginSetting) -> String { ([setting.name] + setting.statedAssignments).joined(separator: " ") }

    private static func modelCommand(_ player: Player) -> any ShellCommand.Type {
        player == .generator ? GeneratorCommand.self : DiscriminatorCommand.self
    }

    // MARK: Reading format-1 text

    /// Why a line of format-1 text is not one `line` could have written.
    struct Problem: Error {
        let reason: String
    }

    /// The entry a command that `line` wrote stands for. Only the forms `line` writes are read (canonical
    /// plugin names, every argument in its place), so a checkpoint's text cannot smuggle in anything else.
    static func entry(_ command: Command) throws -> JournalEntry {
        let line = try WrittenLine(command)
        switch line.spec.name {
        case SeedCommand.spec.name:
            guard let seed = UInt64(try line.word(0, of: 1)) else { throw Problem(reason: "needs a non-negative whole number") }
            return .seed(seed)
        case DataCommand.spec.name: return .dataset(try line.plugin(.dataset, at: 0))
        case NoiseCommand.spec.name: return .noise(try line.plugin(.noise, at: 0))
        case GeneratorCommand.spec.name: return .model(.generator, try line.plugin(.model, at: 0))
        case DiscriminatorCommand.spec.name: return .model(.discriminator, try line.plugin(.model, at: 0))
        case LossCommand.spec.name: return .loss(try line.plugin(.loss, at: 0))
        case OptimizerCommand.spec.name:
            guard let player = Player(commandWord: try line.word(0, of: 2, settings: true)) else { throw Problem(reason: "names no player G or D") }
            return .optimizer(player, try line.plugin(.optimizer, at: 1))
        case BatchCommand.spec.name: return .batchSize(try line.count(try line.word(0, of: 1), atLeast: 1))
        case FreezeCommand.spec.name:
            guard let change = FreezeChange(rawValue: try line.word(0, of: 1)) else { throw Problem(reason: "names no players G, D, both or none") }
            return .freeze(change)
        case GameCommand.spec.name:
            if line.words.first == GameCommand.GameSwitch.off.rawValue {
                _ = try line.word(0, of: 1)
                return .game(nil)
            }
            return .game(try line.plugin(.game, at: 0))
        case TrickCommand.spec.name:
            switch TrickCommand.TrickAction(rawValue: line.words.first ?? "") {
            case .on: return .trickOn(try line.plugin(.trick, at: 1))
            case .off:
                guard let trick = Plugins.tricks.spec(named: try line.word(1, of: 2)) else { throw Problem(reason: "names no trick this build knows") }
                return .trickOff(trick.name)
            default: throw Problem(reason: "is not a trick switched on or off")
            }
        case StepCommand.spec.name:
            // Only plain steps: a `do=` would run its commands when the saved script is run.
            guard line.words.count == 1, line.assignments.isEmpty, !line.hasBlock else {
                throw Problem(reason: "is not a plain step; a checkpoint's journal holds only step N, step d and step g")
            }
            let word = line.words[0]
            switch StepCommand.SingleUpdate(rawValue: word) {
            case .d: return .update(.discriminator)
            case .g: return .update(.generator)
            case nil: return .steps(try line.count(word, atLeast: 0))
            }
        case MetricCommand.spec.name: return .metric(try line.plugin(.metric, at: 0))
        default:
            throw Problem(reason: "is not a command the journal records")
        }
    }

    /// A command as `line` writes it: its declaration, its words and its settings.
    private struct WrittenLine {
        let spec: CommandSpec
        let words: [String]
        let assignments: [(name: String, value: String)]
        let hasBlock: Bool

        init(_ command: Command) throws {
            do {
                spec = try CommandTable.resolve(command)
            } catch {
                throw Problem(reason: "is not a command")
            }
            words = command.positionals.map(\.text)
            assignments = command.arguments.compactMap { argument in
                if case .named(let name, _, let value) = argument { return (name, value.text) }
                return nil
            }
            hasBlock = command.block != nil
        }

        /// Word `index` of a line that has exactly `count` words (and settings only where they belong).
        func word(_ index: Int, of count: Int, settings: Bool = false) throws -> String {
            guard words.count == count, settings || assignments.isEmpty, !hasBlock else {
                throw Problem(reason: "is not written the way Gantry writes \(spec.name)")
            }
            return words[index]
        }

        /// The plugin of `kind` named by the last word, `index`, with the line's settings.
        func plugin(_ kind: PluginKind, at index: Int) throws -> PluginSetting {
            let name = try word(index, of: index + 1, settings: true)
            guard let pluginSpec = Plugins.spec(kind, named: name) else {
                throw Problem(reason: "names a \(kind.rawValue) '\(name)' that this build does not know")
            }
            do {
                return try PluginSetting(pluginSpec, assignments: assignments)
            } catch let error as ParameterError {
                throw Problem(reason: "has \(error)")
            }
        }

        func count(_ text: String, atLeast minimum: Int) throws -> Int {
            guard let value = Int(text), value >= minimum else { throw Problem(reason: "needs a whole number of at least \(minimum)") }
            return value
        }
    }
}
