import NeuralNet

/// The two time-scale update rule (Heusel et al. 2017): G and D learn at different rates, D faster, so D
/// tracks its best response to the current G. A shortcut for two `optimizer … lr=` commands that keeps both
/// optimizers' memory and gives the old rates back when switched off.
public final class TTURTrick: Trick {
    /// The declaration.
    public static let spec = PluginSpec(
        kind: .trick, name: "ttur",
        summary: "two time-scale update rule: separate learning rates for G and D",
        discussion: """
            Sets the learning rate of G's optimizer to g_lr and D's to d_lr (the paper's GAN experiments use \
            Adam with D faster than G; the defaults 1e-4 and 4e-4 are those of the later SAGAN/BigGAN-style \
            settings). The optimizers keep their kind, their other settings and their memory (moments, step \
            counts). trick off gives back the rates each player had before, unless the rate was changed with \
            an optimizer command in the meantime: then the newer choice is kept.
            """,
        parameters: [generatorRate.spec, discriminatorRate.spec],
        reference: "Heusel et al., GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash Equilibrium, NeurIPS 2017")

    static let generatorRate: ParameterKey<Double> = .real("g_lr", 0...10, default: 1e-4, "the generator's learning rate")
    static let discriminatorRate: ParameterKey<Double> = .real("d_lr", 0...10, default: 4e-4, "the discriminator's learning rate")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// The rate each player had before this trick set its own, filled by `attach`; `detach` restores it.
    var previousRates: [Player: Double] = [:]

    /// Validates the rates against the range of both players' learning rates.
    public convenience init(_ parameters: ParameterValues, environment: TrickEnvironment) throws {
        for player in Player.allCases {
            let rule = type(of: environment.session.rule(player))
            let (spec, lr) = (rule.spec, rule.learningRate.spec)
            let rate = parameters[Self.rateKey(player)]
            if case .real(let range?) = lr.kind, !range.contains(rate) {
                throw SessionError("ttur: \(spec.name) takes lr in [\(range.lowerBound), \(range.upperBound)], not \(rate)")
            }
        }
        self.init(parameters, previousRates: [:])
    }

    private init(_ parameters: ParameterValues, previousRates: [Player: Double]) {
        self.parameters = parameters
        self.previousRates = previousRates
    }

    /// The key of `player`'s rate.
    static func rateKey(_ player: Player) -> ParameterKey<Double> {
        switch player {
        case .generator: generatorRate
        case .discriminator: discriminatorRate
        }
    }

    /// The rate this trick gives `player`.
    public func rate(for player: Player) -> Double { parameters[Self.rateKey(player)] }

    /// Remembers both rates and sets the trick's.
    public func attach(to environment: TrickEnvironment) {
        for player in Player.allCases {
            // A ttur that was on has been detached before this one attaches (`trick on` removes the old
            // hook first), so the current rate is the one from before any ttur.
            previousRates[player] = Self.currentRate(of: player, in: environment.session)
            // Every optimizer declares lr over a range that holds ttur's (checked in init): this cannot fail.
            if (try? environment.setLearningRate(rate(for: player), of: player)) == nil { previousRates[player] = nil }
        }
    }

    /// Gives back the previous rates where the trick's are still in force.
    public func detach(from environment: TrickEnvironment) {
        for player in Player.allCases {
            guard let previous = previousRates[player],
                  Self.currentRate(of: player, in: environment.session) == rate(for: player) else { continue }
            try? environment.setLearningRate(previous, of: player)
        }
        previousRates = [:]
    }

    /// A player's learning rate as its optimizer's parameters store it (a Double, so that it compares exactly
    /// with the trick's own).
    static func currentRate(of player: Player, in session: SessionView) -> Double {
        let rule = session.rule(player)
        return Double(parameterValue: rule.parameters.storedValue(type(of: rule).learningRate))!
    }

    /// An independent copy with the remembered rates.
    public func copy() -> any TrainingHook { TTURTrick(parameters, previousRates: previousRates) }

    // MARK: Checkpoints

    /// The learning rates to give back when switched off.
    public func checkpointState(of networks: [Player: Sequential], prefix: String, into file: inout SafeTensorsFile) throws -> JSONValue {
        .object(Player.allCases.compactMap { player in previousRates[player].map { (player.rawValue, JSONValue.real($0)) } })
    }

    public static func restored(_ parameters: ParameterValues, state: JSONValue, prefix: String,
                                networks: [Player: Sequential], _ tensors: inout TensorReader) throws -> TTURTrick {
        var rates: [Player: Double] = [:]
        for (key, value) in state.objectValue ?? [] {
            guard let player = Player(rawValue: key), let rate = value.doubleValue, rate.isFinite, rate >= 0 else {
                throw tensors.failure("the state of ttur has a malformed rate '\(key)'")
            }
            rates[player] = rate
        }
        return TTURTrick(parameters, previousRates: rates)
    }
}
