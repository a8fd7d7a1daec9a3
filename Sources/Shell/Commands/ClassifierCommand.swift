import Foundation
import Workbench

/// The `classifier` command: trains the classifier whose features the image metrics use.
enum ClassifierCommand: ShellCommand {
    static let data: ParameterKey<String> = .text("data", default: "", "train: a labelled data set's name, with its default parameters (default: the current data set)")
    static let out: ParameterKey<String> = .text("out", default: "", "train: the .safetensors file to write")
    static let epochs: ParameterKey<Int> = .integer("epochs", 0...10_000, default: 10, "train: passes over the training split; 0: the untrained network, a chance-level control")
    static let channels: ParameterKey<[Int]> = .integers("channels", 1...1024, default: [16, 32], "train: output channels of each 3×3 stride-2 convolution")
    static let hidden: ParameterKey<[Int]> = .integers("hidden", 1...4096, default: [64], "train: dense hidden widths after the convolutions; the last is the feature width")
    static let limit: ParameterKey<Int> = .integer("limit", 0...100_000_000, default: 0, "train: learn from the first N examples of the train split only; 0: all")
    static let batch: ParameterKey<Int> = .integer("batch", 1...65_536, default: 64, "train: examples per update")

    static let spec = CommandSpec(
        "classifier", summary: "train a classifier whose features the image metrics use: classifier train out=FILE",
        discussion: "classifier train out=FILE.safetensors trains a network on a labelled data set's train split (cross-entropy, Adam 1e-3, shuffled minibatches, weights and order drawn from streams of the session's seed), prints its accuracy on the data set's test split and writes it atomically: the weights under net.* (nn.Sequential's names) and metadata giving the architecture, the classes, the data set it learnt and its test accuracy. The network is a small CNN: 3×3 convolutions of stride 2 and padding 1 (output channels from channels=, default 16,32), each followed by ReLU, then dense layers (hidden=, default 64, ReLU) and one output per class; limit=N learns from the first N training examples only. A data set's train and test splits are its own where it has them (fashion-mnist's train and t10k files, blobs') and otherwise every fifth image of its file or folder held out for the test. Its last hidden layer gives the features of metric fd, kid, feature-pr and feature-dc, its softmax the classes of classifier-score and stacked-modes (metric fd classifier=FILE). A metric reads the file when it is made and records its SHA-256, so a replay of the session refuses a file that has changed. Training is not recorded by save: the file is the record.",
        positionals: [PositionalSpec("ACTION", ClassifierAction.alternatives, completions: ClassifierAction.completions)],
        parameters: [data.spec, out.spec, epochs.spec, hidden.spec, batch.spec, channels.spec, limit.spec],
        examples: ["classifier train data=blobs out=blobs.safetensors epochs=5", "metric fd classifier=blobs.safetensors"])
    static let runsDuringTraining = false

    /// What `classifier` does.
    enum ClassifierAction: String, CommandWord {
        case train
    }

    static func run(_ invocation: Invocation, in shell: Interpreter) throws { try shell.classifier(invocation) }
}

extension Interpreter {
    /// `classifier train out=FILE [data=NAME] [epochs=N] [hidden=…] [batch=N]`
    func classifier(_ invocation: Invocation) throws {
        typealias Action = ClassifierCommand.ClassifierAction
        guard let node = invocation.positionals.first, Action(rawValue: node.text) != nil else {
            throw invocation.failure("usage: classifier \(Action.choice) out=FILE [data=NAME] [epochs=N]",
                                     at: invocation.positionals.first?.range)
        }
        let parameters = try invocation.commandParameters()
        func range(_ key: ParameterKey<String>) -> SourceRange? { invocation.named.last { $0.name == key.spec.name }?.value.range }
        let path = parameters[ClassifierCommand.out]
        guard !path.isEmpty else { throw invocation.failure("classifier train needs out=FILE.safetensors, the file to write") }
        let dataset: any Dataset
        let name = parameters[ClassifierCommand.data]
        if name.isEmpty {
            dataset = session.dataset
        } else {
            guard let entry = Plugins.datasets.named(name) else {
                throw invocation.failure(unknownPluginMessage("data set", name, Plugins.datasets.specs), at: range(ClassifierCommand.data))
            }
            do {
                dataset = try entry.make(try ParameterValues(Plugins.datasets.spec(of: entry), assignments: []))
            } catch {
                throw invocation.failure("data set \(name): \(error)", at: range(ClassifierCommand.data))
            }
        }
        guard dataset.classNames != nil else {
            throw invocation.failure("data set \(dataset.name) has no labels; classifier train needs a labelled data set "
                                     + "(one with classes and a train and test split)",
                                     at: name.isEmpty ? node.range : range(ClassifierCommand.data))
        }
        let plan = ClassifierTraining(epochs: parameters[ClassifierCommand.epochs], batchSize: parameters[ClassifierCommand.batch],
                                      channels: parameters[ClassifierCommand.channels], hidden: parameters[ClassifierCommand.hidden],
                                      limit: parameters[ClassifierCommand.limit] == 0 ? nil : parameters[ClassifierCommand.limit],
                                      seed: session.seed)
        let result = try plan.run(on: dataset, shouldStop: environment.interruptRequested)
        do {
            try result.classifier.write(to: path)
        } catch {
            throw invocation.failure("\(error)", at: range(ClassifierCommand.out))
        }
        let written = try ImageClassifier.read(path: path)
        say("trained \(written.architecture) on \(dataset.canonicalText) for \(plan.epochs) epoch\(plan.epochs == 1 ? "" : "s") "
            + "(\(result.trainCount) training examples)")
        say("test accuracy \(NumberText.format(result.testAccuracy)) on \(result.testCount) test examples "
            + "(train \(NumberText.format(result.trainAccuracy)))")
        latestReports["classifier"] = MetricReport(metric: "classifier", values: [
            ("test_accuracy", result.testAccuracy), ("train_accuracy", result.trainAccuracy), ("epochs", Double(plan.epochs))])
        say("wrote \(path) (sha256 \(written.sha256.prefix(16))…)")
    }
}
