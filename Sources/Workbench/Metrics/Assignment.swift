import Kernels

/// An optimal assignment: which column each row takes, its total cost, and the column prices (duals) that
/// certify it.
public struct AssignmentSolution: Sendable, Equatable {
    /// `rowToColumn[i]` is the column assigned to row `i`; a permutation of 0..<n.
    public let rowToColumn: [Int]
    /// Σᵢ c[i, rowToColumn[i]].
    public let cost: Double
    /// Column prices vⱼ. With row prices uᵢ = c[i, σ(i)] − v[σ(i)], every reduced cost c[i, j] − uᵢ − vⱼ
    /// is ≥ 0 (up to rounding) and zero on the assignment: the linear-programming certificate that no
    /// other permutation is cheaper.
    public let columnPrices: [Double]
}

/// The linear assignment problem: minimise Σᵢ c[i, σ(i)] over permutations σ of a dense square cost
/// matrix, solved exactly.
///
/// The exact part is the shortest-augmenting-path phase of Jonker & Volgenant (1987, "A shortest augmenting
/// path algorithm for dense and sparse linear assignment problems", Computing 38:325–340): from each
/// unassigned row, a Dijkstra search on reduced costs finds the cheapest way to reach a free column, and the
/// path is flipped. It needs a start in which every assigned row sits on a column of minimal reduced cost;
/// the better the column prices of that start, the shorter the searches. Two starts are offered (`Start`).
public enum LinearAssignment {
    /// How the prices and partial assignment that the exact phase starts from are found.
    public typealias Start = AssignmentSolver.Start

    /// The optimal assignment for the `size`×`size` row-major `costs` (finite values).
    public static func solve(costs: [Double], size: Int, start: Start = .auction) -> AssignmentSolution {
        precondition(size >= 0 && costs.count == size * size,
                     "LinearAssignment.solve needs \(size * size) costs for size \(size), got \(costs.count)")
        if size == 0 { return AssignmentSolution(rowToColumn: [], cost: 0, columnPrices: []) }
        var rowToColumn = [Int](repeating: -1, count: size)
        var prices = [Double](repeating: 0, count: size)
        costs.withUnsafeBufferPointer { c in
            rowToColumn.withUnsafeMutableBufferPointer { rows in
                prices.withUnsafeMutableBufferPointer { v in
                    AssignmentSolver.solve(c.baseAddress!, size: size, start: start, rowToColumn: rows.baseAddress!,
                                           columnPrices: v.baseAddress!)
                }
            }
        }
        var total = 0.0
        for i in 0..<size { total += costs[i * size + rowToColumn[i]] }
        return AssignmentSolution(rowToColumn: rowToColumn, cost: total, columnPrices: prices)
    }

    /// The largest violation of dual feasibility, max over (i, j) of −(c[i, j] − uᵢ − vⱼ) (0 when none):
    /// an optimality check that costs O(n²) instead of a search over permutations.
    public static func dualInfeasibility(of solution: AssignmentSolution, costs: [Double], size: Int) -> Double {
        costs.withUnsafeBufferPointer { c in
            solution.rowToColumn.withUnsafeBufferPointer { rows in
                solution.columnPrices.withUnsafeBufferPointer { v in
                    AssignmentSolver.dualInfeasibility(c.baseAddress!, size: size, rowToColumn: rows.baseAddress!,
                                                       columnPrices: v.baseAddress!)
                }
            }
        }
    }
}
