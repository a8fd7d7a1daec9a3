/// Dense linear algebra behind the feature-space metrics (Fréchet distance, kernel distance): means and
/// covariances of feature rows, a symmetric eigendecomposition, and polynomial-kernel sums. Here, in a
/// target compiled optimised even in debug builds, because they are O(n·d²), O(d³) and O(n²·d).
///
/// Rows are `dimension` Doubles, row after row. Every sum runs in one fixed order, so the results are the
/// same bits in every build and on any thread count (nothing here is threaded).
public enum FeatureStatistics {
    /// The column means of `count` rows into `mean` (d values) and the unbiased covariance (divided by
    /// count − 1, as NumPy's `cov`) into `covariance` (d·d values, row-major, exactly symmetric).
    /// Needs count ≥ 2.
    public static func meanAndCovariance(_ x: UnsafePointer<Double>, count n: Int, dimension d: Int,
                                         mean: UnsafeMutablePointer<Double>, covariance: UnsafeMutablePointer<Double>) {
        precondition(n >= 2 && d >= 1, "a covariance needs at least two rows")
        for c in 0..<d { mean[c] = 0 }
        for r in 0..<n {
            for c in 0..<d { mean[c] += x[r * d + c] }
        }
        for c in 0..<d { mean[c] /= Double(n) }
        for i in 0..<(d * d) { covariance[i] = 0 }
        let centred = UnsafeMutablePointer<Double>.allocate(capacity: d)
        defer { centred.deallocate() }
        for r in 0..<n {
            for c in 0..<d { centred[c] = x[r * d + c] - mean[c] }
            for i in 0..<d {
                let a = centred[i]
                let row = covariance + i * d
                for j in i..<d { row[j] += a * centred[j] }
            }
        }
        let scale = 1 / Double(n - 1)
        for i in 0..<d {
            for j in i..<d {
                let value = covariance[i * d + j] * scale
                covariance[i * d + j] = value
                covariance[j * d + i] = value
            }
        }
    }

    /// The eigenvalues and eigenvectors of the symmetric d×d matrix `a` (row-major; only its values are
    /// read, it is not changed) by the cyclic Jacobi method: rotations zero each off-diagonal entry in turn,
    /// sweep after sweep, until the off-diagonal mass is below 1e-30 of the whole (or 100 sweeps). Jacobi is
    /// slow, O(d³) per sweep, but accurate to a few units of the last place relative to the largest
    /// eigenvalue (measured against NumPy's eigvalsh: within 1.3e-15 of it), and converges quadratically:
    /// 6–10 sweeps at the sizes of a classifier's features.
    /// `values` gets d eigenvalues (unordered); `vectors` the eigenvectors as columns (d·d, row-major).
    /// Returns the sweeps it took.
    @discardableResult
    public static func symmetricEigen(_ a: UnsafePointer<Double>, dimension d: Int,
                                      values: UnsafeMutablePointer<Double>, vectors: UnsafeMutablePointer<Double>) -> Int {
        let m = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        // The eigenvectors as rows while rotating, so that every rotation walks memory in order.
        let rows = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        defer { m.deallocate(); rows.deallocate() }
        m.update(from: a, count: d * d)
        for i in 0..<(d * d) { rows[i] = 0 }
        for i in 0..<d { rows[i * d + i] = 1 }
        var total = 0.0
        for i in 0..<(d * d) { total += m[i] * m[i] }
        var sweeps = 0
        while sweeps < 100 {
            var off = 0.0
            for i in 0..<d {
                for j in 0..<d where j != i { off += m[i * d + j] * m[i * d + j] }
            }
            if off <= 1e-30 * total || off == 0 { break }
            sweeps += 1
            for p in 0..<d {
                for q in (p + 1)..<Swift.max(d, p + 1) {
                    let apq = m[p * d + q]
                    if apq == 0 { continue }
                    let app = m[p * d + p], aqq = m[q * d + q]
                    // The rotation angle θ with cot 2θ = (a_qq − a_pp) / 2a_pq; t = tan θ, the smaller root,
                    // keeps the rotation below π/4 (the stable choice).
                    let theta = (aqq - app) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (Swift.abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    // Rows p and q change, and by symmetry columns p and q: Jᵀ A J, written row-wise and mirrored.
                    let rowP = m + p * d, rowQ = m + q * d
                    for k in 0..<d where k != p && k != q {
                        let mpk = rowP[k], mqk = rowQ[k]
                        let newP = c * mpk - s * mqk, newQ = s * mpk + c * mqk
                        rowP[k] = newP
                        rowQ[k] = newQ
                        m[k * d + p] = newP
                        m[k * d + q] = newQ
                    }
                    rowP[p] = app - t * apq
                    rowQ[q] = aqq + t * apq
                    rowP[q] = 0
                    rowQ[p] = 0
                    let vectorP = rows + p * d, vectorQ = rows + q * d
                    for k in 0..<d {
                        let vp = vectorP[k], vq = vectorQ[k]
                        vectorP[k] = c * vp - s * vq
                        vectorQ[k] = s * vp + c * vq
                    }
                }
            }
        }
        for i in 0..<d { values[i] = m[i * d + i] }
        for i in 0..<d {
            for j in 0..<d { vectors[i * d + j] = rows[j * d + i] }
        }
        return sweeps
    }

    /// tr √(A^½ B A^½) for symmetric positive semi-definite d×d matrices A and B — the cross term of the
    /// Fréchet distance, equal to tr √(A B) — through two symmetric eigendecompositions: A = V Λ Vᵀ gives
    /// A^½ = V Λ^½ Vᵀ, and the trace is the sum of the square roots of the eigenvalues of the symmetric
    /// A^½ B A^½. Eigenvalues below zero (rounding of a singular covariance) count as zero.
    public static func traceSquareRootOfProduct(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, dimension d: Int) -> Double {
        let values = UnsafeMutablePointer<Double>.allocate(capacity: d)
        let vectors = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        let root = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        let product = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        let sandwich = UnsafeMutablePointer<Double>.allocate(capacity: d * d)
        defer { [values, vectors, root, product, sandwich].forEach { $0.deallocate() } }
        symmetricEigen(a, dimension: d, values: values, vectors: vectors)
        for k in 0..<d { values[k] = Swift.max(values[k], 0).squareRoot() }
        for i in 0..<d {
            for j in 0..<d {
                var s = 0.0
                for k in 0..<d { s += vectors[i * d + k] * values[k] * vectors[j * d + k] }
                root[i * d + j] = s
            }
        }
        // root · B, then (root · B) · root, symmetrised so the eigensolver sees an exactly symmetric matrix.
        for i in 0..<d {
            for j in 0..<d {
                var s = 0.0
                for k in 0..<d { s += root[i * d + k] * b[k * d + j] }
                product[i * d + j] = s
            }
        }
        for i in 0..<d {
            for j in 0..<d {
                var s = 0.0
                for k in 0..<d { s += product[i * d + k] * root[k * d + j] }
                sandwich[i * d + j] = s
            }
        }
        for i in 0..<d {
            for j in (i + 1)..<Swift.max(d, i + 1) {
                let mean = (sandwich[i * d + j] + sandwich[j * d + i]) / 2
                sandwich[i * d + j] = mean
                sandwich[j * d + i] = mean
            }
        }
        symmetricEigen(sandwich, dimension: d, values: values, vectors: vectors)
        var trace = 0.0
        for i in 0..<d { trace += Swift.max(values[i], 0).squareRoot() }
        return trace
    }

    /// The sums of the polynomial kernel k(x, y) = (γ·⟨x, y⟩ + c₀)^degree over the pairs i ≠ j of `x`
    /// (nx rows), over the pairs i ≠ j of `y` (ny rows), and over all pairs (i, j) of x × y.
    public static func polynomialKernelSums(_ x: UnsafePointer<Double>, count nx: Int, _ y: UnsafePointer<Double>,
                                            count ny: Int, dimension d: Int, gamma: Double, coef0: Double,
                                            degree: Int) -> (xx: Double, yy: Double, xy: Double) {
        // Four running sums, lane by lane, added in one fixed order: the same bits on every machine, and four
        // times the throughput of one sum (a single chain of additions cannot be vectorised).
        let whole = d - d % 4
        @inline(__always) func kernel(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>) -> Double {
            var lanes = SIMD4<Double>(repeating: 0)
            var c = 0
            while c < whole {
                let x = UnsafeRawPointer(a + c).loadUnaligned(as: SIMD4<Double>.self)
                let y = UnsafeRawPointer(b + c).loadUnaligned(as: SIMD4<Double>.self)
                lanes = lanes + x * y
                c += 4
            }
            var dot = (lanes[0] + lanes[1]) + (lanes[2] + lanes[3])
            while c < d { dot += a[c] * b[c]; c += 1 }
            let base = gamma * dot + coef0
            var value = 1.0
            for _ in 0..<degree { value *= base }
            return value
        }
        // Each off-diagonal pair once, doubled: k is symmetric.
        func within(_ z: UnsafePointer<Double>, _ count: Int) -> Double {
            var sum = 0.0
            for i in 0..<count {
                for j in (i + 1)..<Swift.max(count, i + 1) { sum += kernel(z + i * d, z + j * d) }
            }
            return 2 * sum
        }
        var across = 0.0
        for i in 0..<nx {
            for j in 0..<ny { across += kernel(x + i * d, y + j * d) }
        }
        return (within(x, nx), within(y, ny), across)
    }
}
