import Foundation
@testable import NAC

/// The `natural_gradient` block of `Resources/reference_scores_W?.json` (computed with JAX in
/// float64 and cross-checked by finite differences; see /work/shared/reference/README.md).
struct ReferenceScores: Sendable {
    let workload: String
    /// Ψ, B × P (row-major, rows are samples).
    let scores: Matrix<Double>
    let advantages: [Double]
    let lambda: Double
    let g: [Double]
    let w: [Double]
    let wCG10: [Double]

    static let w1 = ReferenceScores(workload: "W1")
    static let w2 = ReferenceScores(workload: "W2")

    init(workload: String) {
        guard let url = Bundle.module.url(forResource: "reference_scores_\(workload)", withExtension: "json",
                                          subdirectory: "Resources"),
              let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let rows = root["scores"] as? [[Double]],
              let natural = root["natural_gradient"] as? [String: Any],
              let advantages = natural["advantages"] as? [Double],
              let lambda = natural["lambda"] as? Double,
              let g = natural["g"] as? [Double], let w = natural["w"] as? [Double],
              let wCG10 = natural["w_cg10"] as? [Double]
        else { fatalError("cannot load Resources/reference_scores_\(workload).json") }
        self.workload = workload
        self.scores = Matrix(rows)
        self.advantages = advantages
        self.lambda = lambda
        self.g = g
        self.w = w
        self.wCG10 = wCG10
    }

    /// The same data rounded to another scalar type.
    func scores<S: NACScalar>(as _: S.Type) -> Matrix<S> {
        Matrix(rows: scores.rows, columns: scores.columns, elements: scores.elements.map { S($0) })
    }
}

/// max_i |a_i − b_i| / max_i |b_i|: the error relative to the reference's scale.
func relativeError<S: NACScalar>(_ a: [S], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeError: \(a.count) against \(b.count) elements")
    var difference = 0.0, scale = 0.0
    for (x, y) in zip(a, b) {
        difference = max(difference, abs(Double(x) - y))
        scale = max(scale, abs(y))
    }
    return difference / max(scale, .leastNormalMagnitude)
}

/// A seeded B × P matrix with N(0, 1) entries.
func randomMatrix<S: NACScalar>(_ rows: Int, _ columns: Int, seed: UInt64, as _: S.Type = S.self) -> Matrix<S> {
    var rng = Xoshiro256StarStar(seed: seed)
    return Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in rng.normal(S.self) })
}

/// A seeded vector with N(0, 1) entries.
func randomVector<S: NACScalar>(_ count: Int, seed: UInt64, as _: S.Type = S.self) -> [S] {
    var rng = Xoshiro256StarStar(seed: seed)
    return (0..<count).map { _ in rng.normal(S.self) }
}

/// F and g formed the slow, obvious way (double loops over samples), as an independent oracle.
func bruteForceFisher(
    scores: Matrix<Double>, advantages: [Double], weights: [Double]?, damping: Double
) -> (fisher: [[Double]], gradient: [Double]) {
    let b = scores.rows, p = scores.columns
    let omega = weights ?? Array(repeating: 1, count: b)
    let total = omega.reduce(0, +)
    var f = Array(repeating: Array(repeating: 0.0, count: p), count: p)
    var g = Array(repeating: 0.0, count: p)
    for s in 0..<b {
        for i in 0..<p {
            g[i] += omega[s] * scores[s, i] * advantages[s] / total
            for j in 0..<p { f[i][j] += omega[s] * scores[s, i] * scores[s, j] / total }
        }
    }
    for i in 0..<p { f[i][i] += damping }
    return (f, g)
}

/// Solves the small dense system A x = b by Gaussian elimination with partial pivoting in plain
/// Swift (an oracle independent of LAPACK).
func gaussianSolve(_ a: [[Double]], _ b: [Double]) -> [Double] {
    var m = a, x = b
    let n = b.count
    for k in 0..<n {
        let pivot = (k..<n).max { abs(m[$0][k]) < abs(m[$1][k]) }!
        m.swapAt(k, pivot); x.swapAt(k, pivot)
        for i in (k + 1)..<max(k + 1, n) {
            let factor = m[i][k] / m[k][k]
            for j in k..<n { m[i][j] -= factor * m[k][j] }
            x[i] -= factor * x[k]
        }
    }
    for k in stride(from: n - 1, through: 0, by: -1) {
        var s = x[k]
        for j in (k + 1)..<max(k + 1, n) { s -= m[k][j] * x[j] }
        x[k] = s / m[k][k]
    }
    return x
}
