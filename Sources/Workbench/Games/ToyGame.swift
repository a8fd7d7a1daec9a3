import Autodiff
import Foundation

/// One step of a toy game: where both players stood after it and what each one's objective was before it.
public struct GameRow: Sendable, Equatable {
    /// The step, counted from 1.
    public var iteration: Int
    /// The first player's value (x, or θ) after the step.
    public var first: Double
    /// The second player's value (y, or ψ) after the step.
    public var second: Double
    /// The first player's objective at the point it stepped from.
    public var firstLoss: Double
    /// The second player's objective at the point it stepped from.
    public var secondLoss: Double

    /// The distance from the equilibrium at the origin.
    public var radius: Double { (first * first + second * second).squareRoot() }
}

/// A game being played: its rules (a `Game` plugin) and where the players are, with the engine's automatic
/// differentiation, a loss, penalties and an update order. Its state is a value, so snapshots copy it; the
/// rules are immutable and shared.
public struct ToyGame: Sendable {
    /// The game's rules and settings.
    public let rules: any Game
    /// The first player's value now.
    public private(set) var first: Float
    /// The second player's value now.
    public private(set) var second: Float
    /// Every step so far.
    public private(set) var rows: [GameRow] = []
    /// Sums of each player's past values, for historical averaging (Double: thousands of steps).
    private var sums: (first: Double, second: Double)

    /// The game `rules` at its starting point.
    public init(_ rules: any Game) {
        self.rules = rules
        (first, second, sums) = (0, 0, (0, 0))
        (first, second) = startingPoint
    }

    /// The game's declaration.
    public var spec: PluginSpec { type(of: rules).spec }

    /// Its settings, validated against `spec`.
    public var parameters: ParameterValues { rules.parameters }

    /// What plots call it.
    public var title: String { type(of: rules).title }

    /// The players' values before the first step, from the settings.
    public var startingPoint: (Float, Float) { rules.startingPoint }

    /// This game (at its start) after the recorded `steps`, exactly as playing them left it: the current
    /// values are the last row's, and the sums for historical averaging are re-added in the same order.
    /// Throws when the rows are not steps 1, 2, … with finite values.
    func replaying(_ steps: [GameRow]) throws -> ToyGame {
        var game = restarted
        for (index, row) in steps.enumerated() {
            guard row.iteration == index + 1,
                  [row.first, row.second, row.firstLoss, row.secondLoss].allSatisfy(\.isFinite),
                  Double(Float(row.first)) == row.first, Double(Float(row.second)) == row.second else {
                throw SessionError("game step \(index + 1) of the record is not a step this game could have taken")
            }
            game.first = Float(row.first)
            game.second = Float(row.second)
            game.sums.first += row.first
            game.sums.second += row.second
            game.rows.append(row)
        }
        return game
    }

    /// The names of the two players' values: x and y, or theta and psi.
    public var playerNames: (first: String, second: String) { rules.playerNames }

    /// The game's settings as data, stating those that apply (as `canonicalText` writes them).
    public var setting: PluginSetting {
        let applying = parameters.entries.map(\.name).filter(stated)
        return PluginSetting(kind: spec.kind, name: spec.name, parameters: parameters.stating(applying))
    }

    /// Whether the setting called `name` is written out: it applies, and it is not `unroll` left off (a
    /// setting added after scripts and checkpoints had recorded games without it, which they still replay).
    private func stated(_ name: String) -> Bool {
        rules.applies(name) && (name != GameParameters.unroll.name || unrollSteps > 0)
    }

    /// The command that sets this game up again: every setting that applies, defaults included (a loss's
    /// settings only with that loss, samples only with noise), so that it replays as it was given.
    public var canonicalText: String {
        let applying = parameters.assignments().filter { stated(String($0.prefix { $0 != "=" })) }
        return ([spec.name] + applying).joined(separator: " ")
    }

    /// The game with its settings, back at its starting point with no steps taken.
    public var restarted: ToyGame {
        var game = self
        (game.first, game.second) = startingPoint
        game.rows = []
        game.sums = (0, 0)
        return game
    }

    /// The distance of the current point from the equilibrium at the origin.
    public var radius: Double { (Double(first) * Double(first) + Double(second) * Double(second)).squareRoot() }

    private var learningRate: Float { rules.learningRate }
    private var order: GameParameters.Update { parameters[GameParameters.update] }
    private var unrollSteps: Int { parameters[GameParameters.unroll] }

    /// Plays one step: both players at once, or the first then the second. Instance noise draws from
    /// `stream`. A non-finite value stops the step with the game unchanged and says which one.
    public mutating func step(using stream: RandomStream) throws -> GameRow {
        var next = self
        let firstLoss: Float
        let secondLoss: Float
        switch order {
        case .alternating:
            let (move, loss) = try next.moves(at: (first, second), players: [0], stream: stream)
            next.first -= learningRate * move[0]
            firstLoss = loss.first
            let (answer, answerLoss) = try next.moves(at: (next.first, second), players: [1], stream: stream)
            next.second -= learningRate * answer[1]
            secondLoss = answerLoss.second
        case .simultaneous:
            let (move, loss) = try next.moves(at: (first, second), players: [0, 1], stream: stream)
            next.first -= learningRate * move[0]
            next.second -= learningRate * move[1]
            (firstLoss, secondLoss) = loss
        case .extragradient:
            // The trial point is constrained like any step (WGAN's clipping), and the real step starts from
            // where the players were, with the gradients of the trial point: one step, two evaluations.
            let (trial, loss) = try next.moves(at: (first, second), players: [0, 1], stream: stream)
            let extrapolated = (first - learningRate * trial[0], rules.constrained(second: second - learningRate * trial[1]))
            let (move, _) = try next.moves(at: extrapolated, players: [0, 1], stream: stream)
            next.first -= learningRate * move[0]
            next.second -= learningRate * move[1]
            (firstLoss, secondLoss) = loss
        }
        next.second = rules.constrained(second: next.second)
        let (a, b) = playerNames
        for (name, value) in [(a, next.first), (b, next.second), ("\(a)'s objective", firstLoss), ("\(b)'s objective", secondLoss)]
        where !value.isFinite {
            throw SessionError("\(name) became \(value) at game step \(rows.count + 1); the game is left as it was before the step")
        }
        next.sums.first += Double(next.first)
        next.sums.second += Double(next.second)
        let row = GameRow(iteration: rows.count + 1, first: Double(next.first), second: Double(next.second),
                          firstLoss: Double(firstLoss), secondLoss: Double(secondLoss))
        next.rows.append(row)
        self = next
        return row
    }

    /// The first player's gradient against the second unrolled `unroll` steps ahead (Metz et al. 2017):
    /// b₀ = b, b_{k+1} = b_k − η·∂L_b/∂b(a, b_k), and the gradient of L_a(a, b_K) with respect to a
    /// through every b_k, a second derivative per step. The unrolled steps ignore the game's constraint
    /// (clipping has no useful derivative) and the other regularisers, as the paper's unrolling uses the
    /// plain objective.
    private func unrolledGradient(at point: (Float, Float), stream: RandomStream) throws -> Tensor {
        let a = Tensor(point.0).requiringGradient()
        var b = Tensor(point.1)
        for _ in 0..<unrollSteps {
            let leaf = b.detached().requiringGradient()
            // ∂L_b/∂b at b_k as a function of a: L_b is evaluated at the leaf, whose value is b_k, and the
            // dependence of b_k on a is carried by adding (b − leaf.detached()), which is zero.
            let current = try b + (leaf - leaf.detached())
            let lossB = try rules.objectives(a, current, stream: stream).1
            let slope = try gradients(of: lossB, wrt: [leaf], createGraph: true)[0]
            b = try current - slope * learningRate
        }
        let lossA = try rules.objectives(a, b, stream: stream).0
        return try gradients(of: lossA, wrt: [a])[0]
    }

    /// The descent directions (gradients of each player's full objective, penalties included) of the
    /// players asked for, at `point`, and both players' objectives there.
    private func moves(at point: (Float, Float), players: [Int], stream: RandomStream) throws
        -> (gradient: [Float], loss: (first: Float, second: Float)) {
        let a = Tensor(point.0).requiringGradient()
        let b = Tensor(point.1).requiringGradient()
        let (lossA, lossB) = try rules.objectives(a, b, stream: stream)
        let consensus = parameters[GameParameters.consensus]
        var gradientA = try gradients(of: lossA, wrt: [a], createGraph: consensus > 0)[0]
        if unrollSteps > 0 && players.contains(0) {
            gradientA = try unrolledGradient(at: point, stream: stream)
        }
        let gradientB = try gradients(of: lossB, wrt: [b], createGraph: consensus > 0)[0]
        var totalA = gradientA
        var totalB = gradientB
        if consensus > 0 {
            // Both players also descend ½‖v‖², v = the vector of both gradients: a second derivative.
            let halfSquaredNorm = try (gradientA.squared() + gradientB.squared()) * 0.5
            let pull = try gradients(of: halfSquaredNorm, wrt: [a, b])
            totalA = try gradientA.detached() + pull[0] * Float(consensus)
            totalB = try gradientB.detached() + pull[1] * Float(consensus)
        }
        let averaging = parameters[GameParameters.averaging]
        var result: [Float] = [totalA.scalar!, totalB.scalar!]
        if averaging > 0 {
            // λ·(p − p̄)², p̄ the mean of the player's values so far (its start counts as the first).
            let count = Double(rows.count + 1)
            let start = startingPoint
            let meanA = Float((sums.first + Double(start.0)) / count)
            let meanB = Float((sums.second + Double(start.1)) / count)
            result[0] += 2 * averaging * (point.0 - meanA)
            result[1] += 2 * averaging * (point.1 - meanB)
        }
        for player in 0..<2 where !players.contains(player) { result[player] = 0 }
        return (result, (lossA.scalar!, lossB.scalar!))
    }
}
