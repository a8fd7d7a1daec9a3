/// The arithmetic of the exact linear assignment behind W1 (`LinearAssignment` in the Workbench, which
/// documents the method): O(n²) to O(n³) loops over a dense cost matrix, in a target compiled optimised
/// even in debug builds. The order of every operation is fixed, so the assignment and its prices are the
/// same bits in every build.
public enum AssignmentSolver {
    /// How the prices and partial assignment that the exact phase starts from are found.
    public enum Start: Sendable, CaseIterable {
        /// Jonker–Volgenant's own: column reduction, reduction transfer and two passes of augmenting row
        /// reduction. Fast on unstructured costs; on clustered data (one generator mode facing several data
        /// modes) it leaves most rows to long searches.
        case reduction
        /// An ε-scaling auction (Bertsekas 1988, "The auction algorithm: a distributed relaxation method for
        /// the assignment problem", Ann. Oper. Res. 14) run down to a small ε: its prices are within ε of
        /// optimal duals, so the searches that repair the rows it leaves off their exact minimum stay short.
        /// Handles the price wars of clustered points that stall the reduction start.
        case auction
    }

    /// Solves the `size`×`size` row-major problem `costs` (finite values, size ≥ 1) from `start`, writing the
    /// column of each row to `rowToColumn` and the optimal column prices to `columnPrices`.
    public static func solve(_ costs: UnsafePointer<Double>, size: Int, start: Start,
                             rowToColumn: UnsafeMutablePointer<Int>, columnPrices: UnsafeMutablePointer<Double>) {
        precondition(size >= 1, "AssignmentSolver.solve needs at least one row")
        for k in 0..<(size * size) {
            precondition(costs[k].isFinite, "the assignment needs finite costs; cost \(k) is \(costs[k])")
        }
        let state = SolverState(size: size)
        defer { state.release() }
        switch start {
        case .reduction: state.reduce(costs)
        case .auction: state.auction(costs)
        }
        state.augment(costs)
        rowToColumn.update(from: state.rowsol, count: size)
        columnPrices.update(from: state.v, count: size)
    }

    /// The largest violation of dual feasibility, max over (i, j) of −(c[i, j] − uᵢ − vⱼ) with
    /// uᵢ = c[i, σ(i)] − v[σ(i)] (0 when none).
    public static func dualInfeasibility(_ costs: UnsafePointer<Double>, size: Int, rowToColumn: UnsafePointer<Int>,
                                         columnPrices v: UnsafePointer<Double>) -> Double {
        var worst = 0.0
        for i in 0..<size {
            let assigned = rowToColumn[i]
            let u = costs[i * size + assigned] - v[assigned]
            for j in 0..<size {
                worst = Swift.max(worst, -(costs[i * size + j] - u - v[j]))
            }
        }
        return worst
    }
}

/// The solver's working arrays, as raw buffers so a release build runs the loops at full speed.
///
/// Invariant between the phases: every assigned row's column minimises c[i, j] − v[j] over j. Lowering a
/// price never breaks it for the other rows, which is why the phases only ever lower prices.
final class SolverState {
    let n: Int
    /// Column of each row (−1: free) and row of each column (−1: free).
    let rowsol: UnsafeMutablePointer<Int>, colsol: UnsafeMutablePointer<Int>
    /// Column prices.
    let v: UnsafeMutablePointer<Double>
    /// Free rows, then scratch for the searches.
    let free: UnsafeMutablePointer<Int>, collist: UnsafeMutablePointer<Int>, pred: UnsafeMutablePointer<Int>
    let d: UnsafeMutablePointer<Double>
    var freeCount = 0

    init(size: Int) {
        n = size
        func make<T>(_ value: T) -> UnsafeMutablePointer<T> {
            let p = UnsafeMutablePointer<T>.allocate(capacity: size)
            p.initialize(repeating: value, count: size)
            return p
        }
        rowsol = make(-1); colsol = make(-1); v = make(0.0)
        free = make(0); collist = make(0); pred = make(0); d = make(0.0)
    }

    func release() {
        for p in [rowsol, colsol, free, collist, pred] { p.deallocate() }
        v.deallocate()
        d.deallocate()
    }

    /// The cheapest and second-cheapest reduced cost c[i, j] − v[j] of row `row`, with the cheapest column
    /// (the first one on ties). Needs n ≥ 2.
    @inline(__always)
    private func twoBest(_ row: UnsafePointer<Double>) -> (best: Double, column: Int, second: Double, secondColumn: Int) {
        var best = row[0] - v[0], column = 0
        var second = Double.infinity, secondColumn = 0
        for j in 1..<n {
            let h = row[j] - v[j]
            if h < second {
                if h >= best {
                    second = h
                    secondColumn = j
                } else {
                    second = best
                    secondColumn = column
                    best = h
                    column = j
                }
            }
        }
        return (best, column, second, secondColumn)
    }

    // MARK: Start 1: Jonker–Volgenant reductions

    /// Column reduction, reduction transfer, then two passes of augmenting row reduction.
    func reduce(_ c: UnsafePointer<Double>) {
        let matches = UnsafeMutablePointer<Int>.allocate(capacity: n)
        matches.initialize(repeating: 0, count: n)
        defer { matches.deallocate() }
        // Column reduction: each column's price is its cheapest cost, and the column goes to that row unless
        // the row already holds a cheaper-priced one (scanning backwards, as the paper does).
        for j in stride(from: n - 1, through: 0, by: -1) {
            var minimum = c[j], imin = 0
            for i in 1..<Swift.max(n, 1) where c[i * n + j] < minimum {
                minimum = c[i * n + j]
                imin = i
            }
            v[j] = minimum
            matches[imin] += 1
            if matches[imin] == 1 {
                rowsol[imin] = j
                colsol[j] = imin
            } else if v[j] < v[rowsol[imin]] {
                let previous = rowsol[imin]
                rowsol[imin] = j
                colsol[j] = imin
                colsol[previous] = -1
            } else {
                colsol[j] = -1
            }
        }
        // Reduction transfer: a row that took exactly one column passes its slack (the gap to its second-best
        // column) to that column's price, so later rows see it as dearer. Unassigned rows are collected.
        freeCount = 0
        for i in 0..<n {
            if matches[i] == 0 {
                free[freeCount] = i
                freeCount += 1
            } else if matches[i] == 1 && n > 1 {
                let j1 = rowsol[i]
                var minimum = Double.infinity
                for j in 0..<n where j != j1 { minimum = Swift.min(minimum, c[i * n + j] - v[j]) }
                v[j1] -= minimum - (c[i * n + j1] - v[j1])
            }
        }
        // Augmenting row reduction: a free row takes its best column, lowering that column's price by the gap
        // to its second best, and evicts the holder, which bids next. Floating-point rounding can leave a gap
        // too small to move a price, and clustered points start long chains, so each pass has a step budget;
        // rows left over go to the exact phase.
        for _ in 0..<2 where n > 1 {
            var k = 0
            let previousFree = freeCount
            freeCount = 0
            var budget = 8 * n + 64
            while k < previousFree {
                budget -= 1
                if budget < 0 {
                    // free[freeCount...] lies behind k, so copying forward is safe.
                    while k < previousFree {
                        free[freeCount] = free[k]
                        freeCount += 1
                        k += 1
                    }
                    break
                }
                let i = free[k]
                k += 1
                let (umin, best, usubmin, secondBest) = twoBest(c + i * n)
                var j1 = best
                var i0 = colsol[j1]
                let strict = umin < usubmin
                if strict {
                    v[j1] -= usubmin - umin  // j1 stays this row's best, by a tie
                } else if i0 >= 0 {
                    j1 = secondBest          // a tie: take the other column instead of evicting for nothing
                    i0 = colsol[j1]
                }
                rowsol[i] = j1
                colsol[j1] = i
                if i0 >= 0 {
                    rowsol[i0] = -1
                    if strict {
                        k -= 1               // the evicted row bids again at once
                        free[k] = i0
                    } else {
                        free[freeCount] = i0
                        freeCount += 1
                    }
                }
            }
        }
    }

    // MARK: Start 2: ε-scaling auction

    /// Forward auction with ε-scaling, then every row not on an exactly cheapest column is freed for the
    /// exact phase.
    ///
    /// A free row bids for its cheapest column (reduced cost r₁; second cheapest r₂), lowering its price by
    /// r₂ − r₁ + ε and evicting the holder. Each pass ends with every row within ε of its cheapest column
    /// (ε-complementary slackness); passes restart with ε divided by 4 from the prices of the last, which is
    /// what keeps price wars among near-equal points short. The auction stops at ε = 10⁻⁸·(cost range), far
    /// above Double rounding of the prices; exactness comes from the shortest-path phase, which with prices
    /// this close to optimal explores only a few columns per freed row. (Tuned on 2-D samples, n = 2000:
    /// stopping at 10⁻⁶ halved the bids but a generator collapsed onto one mode then spent 0.3 s in the
    /// searches; 10⁻⁹ adds bids and saves nothing.)
    func auction(_ c: UnsafePointer<Double>) {
        guard n > 1 else {
            rowsol[0] = 0
            colsol[0] = 0
            v[0] = c[0]
            freeCount = 0
            return
        }
        var low = c[0], high = c[0]
        for k in 0..<(n * n) {
            low = Swift.min(low, c[k])
            high = Swift.max(high, c[k])
        }
        let range = high - low
        guard range > 0 else {
            // Every permutation costs the same.
            for i in 0..<n { rowsol[i] = i; colsol[i] = i; v[i] = low }
            freeCount = 0
            return
        }
        // Start from the column reduction's prices: each column as cheap as its cheapest row.
        for j in 0..<n {
            var minimum = c[j]
            for i in 1..<n { minimum = Swift.min(minimum, c[i * n + j]) }
            v[j] = minimum
        }
        let finalEpsilon = range * 1e-8
        var epsilon = range / 8
        while true {
            for k in 0..<n {
                rowsol[k] = -1
                colsol[k] = -1
                free[k] = n - 1 - k  // a stack: row 0 bids first
            }
            var pending = n
            while pending > 0 {
                pending -= 1
                let i = free[pending]
                let (r1, j1, r2, _) = twoBest(c + i * n)
                v[j1] -= (r2 - r1) + epsilon
                let previous = colsol[j1]
                colsol[j1] = i
                rowsol[i] = j1
                if previous >= 0 {
                    rowsol[previous] = -1
                    free[pending] = previous  // the evicted row bids next
                    pending += 1
                }
            }
            if epsilon <= finalEpsilon { break }
            epsilon = Swift.max(epsilon / 4, finalEpsilon)
        }
        // Keep only rows on an exactly cheapest column (the invariant of the exact phase), free the rest.
        freeCount = 0
        for i in 0..<n {
            let row = c + i * n
            let assigned = rowsol[i]
            let own = row[assigned] - v[assigned]
            var j = 0
            while j < n && !(row[j] - v[j] < own) { j += 1 }
            if j < n {
                colsol[assigned] = -1
                rowsol[i] = -1
                free[freeCount] = i
                freeCount += 1
            }
        }
    }

    // MARK: The exact phase

    /// Shortest augmenting paths (Dijkstra on reduced costs) from each free row. Columns in
    /// collist[0..<low] are finished, collist[low..<up] are at the current minimum distance, the rest are
    /// still to scan.
    func augment(_ c: UnsafePointer<Double>) {
        for f in 0..<freeCount {
            let freeRow = free[f]
            let source = c + freeRow * n
            for j in 0..<n {
                d[j] = source[j] - v[j]
                pred[j] = freeRow
                collist[j] = j
            }
            var low = 0, up = 0, last = 0
            var minimum = 0.0
            var endOfPath = -1
            while endOfPath < 0 {
                if up == low {
                    // Gather every column at the next smallest distance.
                    last = low - 1
                    minimum = d[collist[up]]
                    up += 1
                    var k = up
                    while k < n {
                        let j = collist[k]
                        let h = d[j]
                        if h <= minimum {
                            if h < minimum {
                                up = low
                                minimum = h
                            }
                            collist[k] = collist[up]
                            collist[up] = j
                            up += 1
                        }
                        k += 1
                    }
                    for k in low..<up where colsol[collist[k]] < 0 {
                        endOfPath = collist[k]
                        break
                    }
                }
                if endOfPath < 0 {
                    // Scan one column at the minimum: relax through the row that holds it.
                    let j1 = collist[low]
                    low += 1
                    let i = colsol[j1]
                    let row = c + i * n
                    let h = row[j1] - v[j1] - minimum
                    var k = up
                    while k < n {
                        let j = collist[k]
                        let candidate = row[j] - v[j] - h
                        if candidate < d[j] {
                            pred[j] = i
                            if candidate == minimum {
                                if colsol[j] < 0 {
                                    endOfPath = j
                                    break
                                }
                                collist[k] = collist[up]
                                collist[up] = j
                                up += 1
                            }
                            d[j] = candidate
                        }
                        k += 1
                    }
                }
            }
            // Lower the prices of the finished columns so reduced costs stay non-negative.
            if last >= 0 {
                for k in 0...last {
                    let j = collist[k]
                    v[j] += d[j] - minimum
                }
            }
            // Flip the alternating path back to the free row.
            while true {
                let i = pred[endOfPath]
                colsol[endOfPath] = i
                let next = rowsol[i]
                rowsol[i] = endOfPath
                if i == freeRow { break }
                endOfPath = next
            }
        }
        freeCount = 0
    }
}
