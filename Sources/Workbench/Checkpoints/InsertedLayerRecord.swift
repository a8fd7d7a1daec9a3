import NeuralNet

/// How a layer that a trick puts into a network is kept in a checkpoint: its record's type, writing and
/// reading it with its tensors, and checking the record against the configuration before anything is built.
/// The trick's own file declares these (`InsertsLayers`), so no other code names the layer.
protocol InsertedLayerRecord {
    /// The record's `type`.
    static var type: String { get }
    /// The record of `layer` when it is of this kind, else nil. Its parameters and buffers are already in
    /// `file`; anything else it keeps goes under `extra.` + `path`.
    static func encode(_ layer: any Layer, path: String, into file: inout SafeTensorsFile) throws -> JSONValue?
    /// The layer a record describes, built from its tensors.
    static func decode(_ fields: NetworkRecord.Fields, path: String, _ tensors: inout TensorReader) throws -> any Layer
    /// Checks a record, and the tensors it implies, against what the configuration declares; `trick` holds
    /// the parameters of the trick that puts the layer in.
    static func check(_ fields: NetworkRecord.Fields, path: String, trick: ParameterValues, _ walk: inout ArchitectureWalk) throws
}

/// A trick that puts layers of its own into the networks (and says so in `Trick.plan`, under each layer's
/// record type in `TrainingPlan.Network.insertedLayers`).
protocol InsertsLayers {
    /// The kinds of layer it puts in.
    static var insertedLayers: [any InsertedLayerRecord.Type] { get }
}

extension NetworkRecord {
    /// Every kind of layer a registered trick puts in, by record type.
    static var insertedKinds: [String: any InsertedLayerRecord.Type] {
        let kinds = Plugins.tricks.all.compactMap { $0.implementation as? any InsertsLayers.Type }.flatMap { $0.insertedLayers }
        return Dictionary(kinds.map { ($0.type, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
