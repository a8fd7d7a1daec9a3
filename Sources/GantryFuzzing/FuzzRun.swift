import Foundation
import Workbench

/// A seeded fuzzing run in this process: mutated corpus inputs fed to a target, counted. A crash ends the
/// process (that is how it shows); writing each input to `lastInput` first keeps the one that crashed.
public struct FuzzRun {
    /// What a run did.
    public struct Statistics: Sendable, Equatable {
        /// Inputs executed.
        public var executed = 0
        /// Inputs read without error.
        public var accepted = 0
        /// Inputs refused with an error.
        public var rejected = 0
        /// Inputs not run past the format (see `FuzzTarget.checkpoint`).
        public var skipped = 0
    }

    /// The target.
    public let target: FuzzTarget
    /// The seed inputs.
    public let corpus: [[UInt8]]
    /// The seed of the mutations.
    public let seed: UInt64

    /// A run of `target` from `corpus`, mutated with `seed`.
    public init(target: FuzzTarget, corpus: [[UInt8]], seed: UInt64) {
        self.target = target
        self.corpus = corpus
        self.seed = seed
    }

    /// The files of a corpus folder, in name order.
    public static func corpus(at folder: String) throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { !$0.hasPrefix(".") }.sorted().map { name in
            try PointFile.readBytes(path: (folder as NSString).appendingPathComponent(name))
        }
    }

    /// Runs the corpus itself, then mutations of it, until `inputs` have run or `seconds` have passed.
    public func run(inputs: Int = .max, seconds: Double = .infinity, lastInput: String? = nil) -> Statistics {
        var mutator = Mutator(seed: seed, target: target)
        var statistics = Statistics()
        let start = Date()
        var index = 0
        while statistics.executed < inputs && Date().timeIntervalSince(start) < seconds {
            let input = index < corpus.count ? corpus[index] : mutator.mutate(corpus[index % max(corpus.count, 1)], others: corpus)
            index += 1
            if let lastInput { try? Data(input).write(to: URL(fileURLWithPath: lastInput)) }
            switch target.run(input) {
            case .accepted: statistics.accepted += 1
            case .rejected: statistics.rejected += 1
            case .skipped: statistics.skipped += 1
            }
            statistics.executed += 1
        }
        return statistics
    }
}
