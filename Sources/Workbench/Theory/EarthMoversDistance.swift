import Foundation

/// The earth mover's distance between two histograms over the same bins 1, 2, …, n (the ground distance
/// between bins i and j is |i − j|), with a plan that attains it.
public struct EarthMoversPlan: Sendable, Equatable {
    /// One move of the plan: `mass` units of dirt from bin `from` of p to bin `to` of q (bins counted from 1).
    public struct Move: Sendable, Equatable {
        public let from: Int
        public let to: Int
        public let mass: Double
        /// What the move costs: mass × |from − to|.
        public var cost: Double { mass * Double(abs(from - to)) }
    }

    /// The moves, in the order of the bins of p.
    public let moves: [Move]
    /// The distance: the plan's total cost.
    public let distance: Double
    /// The dirt carried from bin k to bin k + 1 when p is levelled into q bin by bin (negative: carried back),
    /// δ_k = Σ_{i ≤ k} (p_i − q_i) for k = 1 … n − 1: the document's worked example, whose Σ|δ_k| is the distance.
    public let carried: [Double]
    /// The mass each histogram holds.
    public let total: Double

    /// The plan that moves p onto q. On a line, matching the units of dirt in order (the first unit of p to the
    /// first unit of q, and so on) is optimal for the cost |i − j|: no two moves cross, and any plan with
    /// crossing moves costs at least as much once they are uncrossed.
    ///
    /// Refuses histograms of different lengths or totals, and masses that are negative or not finite. Totals
    /// are equal when they differ by less than 1e-12 of the larger: real masses such as 0.1 + 0.2 are kept in
    /// binary with rounding errors.
    public init(p: [Double], q: [Double]) throws {
        guard !p.isEmpty else { throw SessionError("the histograms are empty: give at least one bin each") }
        guard p.count == q.count else {
            throw SessionError("p has \(p.count) bins and q has \(q.count): the two histograms must share their bins")
        }
        for (name, histogram) in [("p", p), ("q", q)] {
            if let index = histogram.firstIndex(where: { !($0 >= 0) || !$0.isFinite }) {
                throw SessionError("\(name) has mass \(theoryText(histogram[index])) in bin \(index + 1): masses must be finite and not negative")
            }
        }
        let totalP = p.reduce(0, +), totalQ = q.reduce(0, +)
        let scale = max(totalP, totalQ)
        guard abs(totalP - totalQ) <= 1e-12 * scale else {
            throw SessionError("p holds \(theoryText(totalP)) units of dirt and q holds \(theoryText(totalQ)): moving one onto the other needs equal totals (normalise both, or add the difference to a bin)")
        }
        guard scale > 0 else { throw SessionError("both histograms are empty (all masses 0): there is no dirt to move") }
        let negligible = 1e-12 * scale
        var moves: [Move] = []
        var i = 0, j = 0
        var leftP = p[0], leftQ = q[0]
        while i < p.count && j < q.count {
            if leftP <= negligible { i += 1; if i < p.count { leftP = p[i] }; continue }
            if leftQ <= negligible { j += 1; if j < q.count { leftQ = q[j] }; continue }
            let mass = min(leftP, leftQ)
            moves.append(Move(from: i + 1, to: j + 1, mass: mass))
            leftP -= mass
            leftQ -= mass
        }
        self.moves = moves
        distance = moves.reduce(0) { $0 + $1.cost }
        var running = 0.0
        carried = zip(p, q).dropLast().map { running += $0 - $1; return running }
        total = totalP
    }
}
