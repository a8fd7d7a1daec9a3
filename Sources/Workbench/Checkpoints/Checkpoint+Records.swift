import Autodiff
import NeuralNet

// The parts of a checkpoint beyond the networks: optimizer memory, tricks, streams, history, journal.
extension Checkpoint {
    /// A player's optimizer: its name and, per parameter with memory, the step count and the number of
    /// buffers, whose tensors are `optim.G.BUFFER.G.0.weight`.
    static func optimizerRecord(_ session: Session, _ player: Player, into file: inout SafeTensorsFile) -> JSONValue {
        let optimizer = session.optimizer(player)
        var entries: [JSONValue] = []
        for (name, parameter) in session.network(player).namedParameters(prefix: player.rawValue) {
            guard let slots = optimizer.state.existingSlots(for: parameter) else { continue }
            for (index, buffer) in slots.buffers.enumerated() {
                file.append("optim.\(player.rawValue).\(bufferName(optimizer, index)).\(name)", buffer)
            }
            entries.append(.object([("parameter", .string(name)), ("step", .integer(slots.step)),
                                    ("buffers", .integer(slots.buffers.count))]))
        }
        return .object([("name", .string(optimizer.name)), ("state", .array(entries))])
    }

    /// The name of buffer `index` ("exp_avg"); a buffer the optimizer's current settings no longer use (SGD
    /// whose momentum was set to 0 keeps its old buffer) is "buffer1", "buffer2", …
    static func bufferName(_ optimizer: any Optimizer, _ index: Int) -> String {
        index < optimizer.bufferNames.count ? optimizer.bufferNames[index] : "buffer\(index)"
    }

    /// A plugin's parameters as name → text, the text as `key=value` would give it (unquoted).
    static func parametersRecord(_ parameters: ParameterValues) -> JSONValue {
        .object(parameters.entries.map { entry in
            if case .text(let text) = entry.value { return (entry.name, .string(text)) }
            return (entry.name, .string(entry.value.description))
        })
    }

    static func measurementRecord(_ measurement: Measurement) -> JSONValue {
        .object([("iteration", .integer(measurement.iteration)), ("metric", .string(measurement.report.metric)),
                 ("values", .array(measurement.report.values.map { .array([.string($0.name), .real($0.value)]) })),
                 ("notes", .array(measurement.report.notes.map(JSONValue.string)))])
    }

    static func criticRecord(_ critic: CriticOutcome?) -> JSONValue {
        guard let critic else { return .null }
        return .object([("loss", .real(critic.loss)), ("real", .real(critic.real)), ("fake", .real(critic.fake)),
                        ("grad_norm", .real(critic.gradientNorm)), ("js", .real(critic.js))])
    }

    func failure(_ reason: String) -> DataFileError { DataFileError(path: path, reason) }

    /// More updates or random draws than any session makes (2⁵⁰): a count beyond it is corrupt, and would
    /// overflow when counting on.
    static let largestCount = 1 << 50

    /// The declared tricks in their order, each made from its parameters and state.
    func restoreTricks(_ declarations: [TrickDeclaration], _ networks: [Player: Sequential],
                       _ tensors: inout TensorReader) throws -> [any TrainingHook] {
        try declarations.map { declaration in
            try declaration.type.restored(declaration.parameters, state: declaration.state,
                                          prefix: "trick.\(declaration.type.spec.name)", networks: networks, &tensors)
        }
    }

    /// A fresh optimizer of the configured kind with the saved memory on `network`'s parameters.
    func restoreOptimizer(_ player: Player, _ network: Sequential, _ fresh: Session, _ tensors: inout TensorReader) throws -> any Optimizer {
        let optimizer = fresh.rule(player).makeOptimizer()
        let record = try json(Key.optimizers)[player.rawValue]
        guard let name = record?["name"]?.stringValue, let entries = record?["state"]?.arrayValue else {
            throw failure("has no optimizer record for \(player.rawValue) in \(Key.optimizers)")
        }
        guard name == optimizer.name else {
            throw failure("has \(name) memory for \(player.rawValue), whose configured optimizer is \(optimizer.name)")
        }
        let parameters = network.namedParameters(prefix: player.rawValue)
        for entry in entries {
            guard let parameterName = entry["parameter"]?.stringValue, let step = entry["step"]?.intValue, (0...Self.largestCount).contains(step),
                  let bufferCount = entry["buffers"]?.intValue, (0...8).contains(bufferCount) else {
                throw failure("has a malformed optimizer entry for \(player.rawValue) in \(Key.optimizers)")
            }
            guard let parameter = parameters.first(where: { $0.name == parameterName })?.parameter else {
                throw failure("has optimizer memory for '\(parameterName)', which is not a parameter of \(player.rawValue)")
            }
            guard optimizer.state.existingSlots(for: parameter) == nil else {
                throw failure("has optimizer memory for '\(parameterName)' twice")
            }
            let buffers = try (0..<bufferCount).map { index in
                try tensors.take("optim.\(player.rawValue).\(Self.bufferName(optimizer, index)).\(parameterName)",
                                 shape: parameter.shape.dimensions, "\(optimizer.name) memory of \(parameterName)")
            }
            optimizer.state.restore(step: step, buffers: buffers, for: parameter)
        }
        return optimizer
    }

    /// The history: one row per iteration 1…`iteration` (the F64 tensor), and the measurements.
    func restoreHistory(iteration: Int, _ tensors: inout TensorReader) throws -> History {
        guard try required(Key.historyColumns) == History.columns.joined(separator: ",") else {
            throw failure("has history columns \(try required(Key.historyColumns)); this build records "
                          + History.columns.joined(separator: ","))
        }
        let rows = try tensors.takeRows(Self.historyTensor, columns: History.columns.count, "the training history")
        guard rows.count == iteration else {
            throw failure("has \(rows.count) history rows for \(iteration) iterations")
        }
        var history = History()
        for (index, values) in rows.enumerated() {
            guard values[0] == Double(index + 1) else {
                throw failure("has history row \(index + 1) numbered \(values[0])")
            }
            history.append(HistoryRow(
                iteration: index + 1, discriminatorLoss: values[1], generatorLoss: values[2], realScore: values[3],
                fakeScore: values[4], generatorGradientNorm: values[5], discriminatorGradientNorm: values[6],
                wassersteinEstimate: values[7], jsEstimate: values[8], seconds: values[9]))
        }
        guard let records = try json(Key.measurements).arrayValue else { throw failure("has a \(Key.measurements) that is not a list") }
        for record in records {
            guard let at = record["iteration"]?.intValue, (0...iteration).contains(at), let metric = record["metric"]?.stringValue,
                  let pairs = record["values"]?.arrayValue, let notes = record["notes"]?.arrayValue?.map(\.stringValue),
                  notes.allSatisfy({ $0 != nil }) else {
                throw failure("has a malformed measurement in \(Key.measurements)")
            }
            let values = try pairs.map { pair -> (name: String, value: Double) in
                guard let items = pair.arrayValue, items.count == 2, let name = items[0].stringValue, let value = items[1].doubleValue else {
                    throw failure("has a malformed value of measurement \(metric) in \(Key.measurements)")
                }
                return (name, value)
            }
            history.record(Measurement(iteration: at, report: MetricReport(metric: metric, values: values, notes: notes.map { $0! })))
        }
        return history
    }

    /// Each stream's position, in the order the session first used them.
    func restoreStreams() throws -> [(name: String, position: UInt64)] {
        guard let members = try json(Key.streams).objectValue else { throw failure("has a \(Key.streams) that is not an object") }
        return try members.map { name, value in
            guard case .number(let text) = value, let position = UInt64(text) else {
                throw failure("has an unreadable position for stream \(name)")
            }
            // Drawing past 2⁶⁴ words would overflow the position; no session draws a billionth of that.
            guard position <= Self.largestCount else {
                throw failure("has an impossible position \(position) for stream \(name) (no session draws \(Self.largestCount) numbers)")
            }
            return (name, position)
        }
    }

    /// The D statistics waiting for a `step g`, if any.
    func restoreCritic() throws -> CriticOutcome? {
        let record = try json(Key.pendingCritic)
        if record == .null { return nil }
        guard let loss = record["loss"]?.doubleValue, let real = record["real"]?.doubleValue, let fake = record["fake"]?.doubleValue,
              let norm = record["grad_norm"]?.doubleValue, let js = record["js"]?.doubleValue else {
            throw failure("has a malformed \(Key.pendingCritic)")
        }
        return CriticOutcome(loss: loss, real: real, fake: fake, gradientNorm: norm, js: js)
    }
}
