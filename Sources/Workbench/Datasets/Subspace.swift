import Autodiff

/// `subspace`: data on a k-dimensional linear subspace of Rⁿ, the setting of Arjovsky & Bottou's argument
/// that low-dimensional supports almost never meet, so that a discriminator can separate them perfectly.
public final class Subspace: Dataset {
    static let k: ParameterKey<Int> = .integer("k", 1...4096, default: 1, "dimension of the subspace")
    static let n: ParameterKey<Int> = .integer("n", 1...4096, default: 2, "dimension of the space around it")
    static let basis: ParameterKey<Int> = .integer(
        "basis", 0...1_000_000, default: 1, "which subspace: the seed of its random orthonormal basis")

    /// The declaration.
    public static let spec = PluginSpec(
        kind: .dataset, name: "subspace", aliases: ["low-dim"],
        summary: "points of N(0, I_k) on a random k-dimensional subspace of R^n",
        discussion: """
            x = Q·z with z ~ N(0, I_k) (k standard normals per row, from the data stream) and Q an n × k \
            matrix with orthonormal columns: Gram–Schmidt applied to an n × k standard normal matrix drawn \
            from a stream of its own, seeded by basis, so the subspace is fixed by the parameters and not by \
            the session's seed. With k < n the data has no density in R^n; a generator fed k-dimensional \
            noise has a support of dimension at most k too, and two such sets almost never meet (Arjovsky & \
            Bottou 2017, Lemma 2 and Theorem 2.3) — the more surely the larger n is against k. k = n is a \
            full-dimensional standard normal (rotated). It has no modes.
            """,
        parameters: [k.spec, n.spec, basis.spec],
        reference: "Arjovsky & Bottou 2017, Towards Principled Methods for Training Generative Adversarial Networks (ICLR), §2.1")

    /// The parameters it was made with.
    public let parameters: ParameterValues
    /// Q, column-major: column j is `columns[j*n ..< (j+1)*n]`.
    let columns: [Double]

    /// Refuses a subspace larger than its space.
    public init(_ parameters: ParameterValues) throws {
        let (k, n) = (parameters[Self.k], parameters[Self.n])
        guard k <= n else {
            throw ParameterError.outOfRange(owner: "dataset \(Self.spec.name)", name: Self.k.name, value: "\(k)",
                                            expected: "at most n (\(n)): a subspace of R^\(n) has at most \(n) dimensions")
        }
        self.parameters = parameters
        columns = Self.orthonormalBasis(k: k, n: n, seed: UInt64(parameters[Self.basis]))
    }

    /// `n`.
    public var dimension: Int { parameters[Self.n] }
    /// None: one Gaussian, and degenerate.
    public var modes: ModeLayout? { nil }

    /// Gram–Schmidt (twice, for orthogonality to rounding) on an n × k standard normal matrix; a column that
    /// comes out (numerically) dependent is drawn again.
    static func orthonormalBasis(k: Int, n: Int, seed: UInt64) -> [Double] {
        let stream = RandomStream(seed: seed, name: "dataset.subspace")
        var q: [Double] = []
        q.reserveCapacity(n * k)
        while q.count < n * k {
            var v = Tensor.randomNormal([n], using: stream).scalars.map(Double.init)
            for _ in 0..<2 {
                for j in 0..<(q.count / n) {
                    let dot = (0..<n).reduce(0.0) { $0 + q[j * n + $1] * v[$1] }
                    for i in 0..<n { v[i] -= dot * q[j * n + i] }
                }
            }
            let norm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            guard norm > 1e-6 else { continue }
            q += v.map { $0 / norm }
        }
        return q
    }

    /// `count` rows Q·z, the k normals of every row drawn first ([count, k] from `stream`).
    public func sample(_ count: Int, using stream: RandomStream) -> Tensor {
        precondition(count >= 0, "cannot draw \(count) samples")
        let (k, n) = (parameters[Self.k], dimension)
        let z = Tensor.randomNormal([count, k], using: stream)
        let q = columns
        return SampleBuffer.matrix(rows: count, columns: n) { out in
            z.withUnsafeBufferPointer { z in
                for row in 0..<count {
                    for i in 0..<n {
                        var x = 0.0
                        for j in 0..<k { x += q[j * n + i] * Double(z[row * k + j]) }
                        out[row * n + i] = Float(x)
                    }
                }
            }
        }
    }
}
