import Testing
@testable import NAC

/// The inverse of a dense matrix by naive Gaussian elimination, one unit vector at a time: an
/// oracle independent of LAPACK and of the Sherman–Morrison/Woodbury code under test.
private func naiveInverse(_ a: Matrix<Double>) -> [Double] {
    let n = a.rows
    let rows = (0..<n).map { a.row($0) }
    var columns = [[Double]]()
    for j in 0..<n {
        var e = [Double](repeating: 0, count: n)
        e[j] = 1
        columns.append(gaussianSolve(rows, e))
    }
    return (0..<n).flatMap { i in (0..<n).map { j in columns[j][i] } }
}

/// A₀ + Uᵀ V formed element by element.
private func updatedMatrix(_ a0: Matrix<Double>, _ u: Matrix<Double>, _ v: Matrix<Double>) -> Matrix<Double> {
    var a = a0
    for j in 0..<u.rows {
        for r in 0..<a.rows { for c in 0..<a.columns { a[r, c] += u[j, r] * v[j, c] } }
    }
    return a
}

@Suite struct WoodburyUpdateTests {
    /// k rank-one updates applied as one Woodbury block equal the same updates applied one at a
    /// time, and the inverse of A₀ + UᵀV computed directly.
    @Test(arguments: [1, 2, 5, 16])
    func blockEqualsSequentialShermanMorrisonAndTheDirectInverse(k: Int) throws {
        let n = 12
        // A₀ = 3I + 0.1 R: well conditioned, not symmetric.
        var a0 = randomMatrix(n, n, seed: 900, as: Double.self) * 0.1
        a0.addToDiagonal(3)
        let u = randomMatrix(k, n, seed: 901, as: Double.self) * 0.5
        let v = randomMatrix(k, n, seed: 902, as: Double.self) * 0.5
        var blocked = ShermanMorrisonInverse(inverse: Matrix(rows: n, columns: n, elements: naiveInverse(a0)))
        var sequential = blocked
        try blocked.rankUpdate(u: u, v: v)
        for j in 0..<k { try sequential.rankOneUpdate(u: u.row(j), v: v.row(j)) }
        #expect(relativeError(blocked.inverse.elements, sequential.inverse.elements) < 1e-12)
        #expect(relativeError(blocked.inverse.elements, naiveInverse(updatedMatrix(a0, u, v))) < 1e-12)
    }

    /// The same in Float, where X = M Uᵀ is held as X rather than Xᵀ (`holdsXTransposed`), and
    /// the pending solve: within 1e-4 of the Double oracle (a few hundred ε of Float: the same data
    /// in Double agree to 1e-12, so 1e-4 still catches a wrong product, which is off by O(1)).
    @Test(arguments: [1, 5, 16])
    func floatBlockEqualsTheDirectInverse(k: Int) throws {
        let n = 12
        var a0 = randomMatrix(n, n, seed: 920, as: Double.self) * 0.1
        a0.addToDiagonal(3)
        let u = randomMatrix(k, n, seed: 921, as: Double.self) * 0.5
        let v = randomMatrix(k, n, seed: 922, as: Double.self) * 0.5
        let b = randomVector(n, seed: 923, as: Double.self)
        func single(_ m: Matrix<Double>) -> Matrix<Float> { Matrix(rows: m.rows, columns: m.columns, elements: m.elements.map { Float($0) }) }
        var inverse = ShermanMorrisonInverse(inverse: single(Matrix(rows: n, columns: n, elements: naiveInverse(a0))))
        #expect(ShermanMorrisonInverse<Float>.holdsXTransposed != ShermanMorrisonInverse<Double>.holdsXTransposed)
        let pending = try inverse.solve(b.map { Float($0) }, afterUpdating: single(u), single(v))
        try inverse.rankUpdate(u: single(u), v: single(v))
        let exact = naiveInverse(updatedMatrix(a0, u, v))
        #expect(relativeError(inverse.inverse.elements.map { Double($0) }, exact) < 1e-4)
        let exactSolution = (0..<n).map { i in (0..<n).reduce(0.0) { $0 + exact[i * n + $1] * b[$1] } }
        #expect(relativeError(pending.map { Double($0) }, exactSolution) < 1e-4)
    }

    /// The solve with the block still pending equals updating and then solving.
    @Test(arguments: [1, 4, 9])
    func solveAfterUpdatingEqualsUpdateThenSolve(k: Int) throws {
        let n = 10
        var inverse = try ShermanMorrisonInverse<Double>(order: n, ridge: 2)
        let u = randomMatrix(k, n, seed: 910, as: Double.self)
        let v = randomMatrix(k, n, seed: 911, as: Double.self)
        let b = randomVector(n, seed: 912, as: Double.self)
        let pending = try inverse.solve(b, afterUpdating: u, v)
        try inverse.rankUpdate(u: u, v: v)
        #expect(relativeError(pending, inverse.solve(b)) < 1e-12)
        // And it solves (2I + UᵀV) x = b.
        var a = Matrix<Double>.identity(n) * 2
        a = updatedMatrix(a, u, v)
        #expect(relativeError(a.multiplied(by: pending), b) < 1e-12)
    }

    /// A = I; u₁ = e₁, v₁ = −e₁ makes A + u₁v₁ᵀ singular (denominator 0), though the whole block
    /// (with u₂ = v₂ = e₁) gives A + UᵀV = I again and a pivoting factorisation of C would go
    /// through. The block must refuse exactly as the sequential updates refuse the first one.
    @Test func blockRefusesWhereTheSequentialUpdatesWould() throws {
        var inverse = ShermanMorrisonInverse(inverse: Matrix<Double>.identity(3))
        let u = Matrix<Double>([[1, 0, 0], [1, 0, 0]])
        let v = Matrix<Double>([[-1, 0, 0], [1, 0, 0]])
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: 0)) {
            try inverse.rankUpdate(u: u, v: v)
        }
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: 0)) {
            try inverse.solve([1, 2, 3], afterUpdating: u, v)
        }
        #expect(inverse.inverse == Matrix<Double>.identity(3))   // unchanged
        // A refusal at the second update: u₁ = v₁ = e₁ (A → diag(2, 1, 1)), then u₂ = e₁, v₂ = −2e₁
        // brings A[0, 0] back to 0.
        let u2 = Matrix<Double>([[1, 0, 0], [1, 0, 0]])
        let v2 = Matrix<Double>([[1, 0, 0], [-2, 0, 0]])
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: 0)) {
            try inverse.rankUpdate(u: u2, v: v2)
        }
        #expect(inverse.inverse == Matrix<Double>.identity(3))
    }
}

@Suite struct BlockedLSTDQTests {
    /// One run of the accumulator over `transitions` with solves, forgetting and a refresh at
    /// fixed points; returns everything observable at each checkpoint.
    private static func run(
        blockSize: Int, forgetting: Double, transitions: [CompatibleTransition<Double>]
    ) throws -> [[Double]] {
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 4, featureCount: 3, discount: 0.9, traceDecay: 0.8,
                                                forgetting: forgetting, trackedInverseRidge: 0.5,
                                                blockSize: blockSize)
        var observed = [[Double]]()
        for (t, transition) in transitions.enumerated() {
            try lstd.observe(transition)
            if [4, 11, 30, 57, 99].contains(t) {
                let tracked = try lstd.solve(.trackedInverse)
                let direct = try lstd.solve(.ridge(lstd.trackedInverseRidge!))
                // The tracked solve equals the direct one of (A + ε_k I) ϖ = b.
                #expect(relativeError(tracked.w + tracked.v, direct.w + direct.v) < 1e-9)
                // Its residual, from A ϖ without forming A, is that of a solve: A x with the
                // buffered transitions equals the product with the formed A.
                #expect(tracked.relativeResidual < 1e-9)
                let x = (0..<7).map { Double($0) - 2.5 }
                #expect(relativeError(lstd.statisticsProduct(x), lstd.statistics.multiplied(by: x)) < 1e-13)
                observed.append(lstd.statistics.elements + lstd.target + lstd.trace
                                + tracked.w + tracked.v + lstd.trackedInverse!.elements)
            }
            if t == 40 || t == 70 { lstd.forget() }
            if t == 80 { try lstd.refreshTrackedInverse() }
        }
        return observed
    }

    /// Nothing observable depends on the block size: statistics, target, trace, tracked solves
    /// and the tracked inverse agree with per-transition updates (block size 1) at checkpoints
    /// inside and at the ends of blocks, across forgetting (β = 0.6 and β = 0) and a refresh.
    @Test(arguments: [0.6, 0.0])
    func resultsDoNotDependOnTheBlockSize(forgetting: Double) throws {
        let transitions = randomTransitions(count: 100, n: 4, m: 3, seed: 920)
        let reference = try Self.run(blockSize: 1, forgetting: forgetting, transitions: transitions)
        for blockSize in [3, 7, 32] {
            let blocked = try Self.run(blockSize: blockSize, forgetting: forgetting, transitions: transitions)
            for (a, b) in zip(blocked, reference) { #expect(relativeError(a, b) < 1e-10) }
        }
    }

    /// n = 0, m = 1, γ = 1, λ = 0, biased: z = φ(s), d = φ(s) − φ(s′). Two transitions with
    /// φ(s) = φ(s′) = 1 leave A at 0, the third (φ(s) = 1, φ(s′) = 1.5) adds −0.5: A + εI = 0 for
    /// ε = 0.5. The tracked inverse must refuse whether the transition is still buffered or applied.
    @Test(arguments: [1, 4])
    func breakdownInsideABlockIsDetected(blockSize: Int) throws {
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 0, featureCount: 1, discount: 1, traceDecay: 0,
                                                timeWeighting: .biased, trackedInverseRidge: 0.5,
                                                blockSize: blockSize)
        let flat = CompatibleTransition<Double>(score: [], features: [1], reward: 1, nextFeatures: [1], end: .continuing)
        let rising = CompatibleTransition<Double>(score: [], features: [1], reward: 1, nextFeatures: [1.5], end: .continuing)
        try lstd.observe(flat)
        try lstd.observe(flat)
        #expect(try lstd.solve(.trackedInverse).v == [4])        // (0 + 0.5)⁻¹ · b, b = 2
        try lstd.observe(rising)
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: 0)) { try lstd.solve(.trackedInverse) }
        #expect(lstd.trackedInverse == nil)
        try lstd.observe(flat)                                    // block of 4 applied here
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: 0)) { try lstd.solve(.trackedInverse) }
        #expect(lstd.statistics.elements == [-0.5])
    }

    @Test func blockSizeBelowOneIsRefused() {
        #expect(throws: NaturalGradientError.invalidHyperparameter(name: "blockSize", value: 0, requirement: "≥ 1")) {
            try LSTDQAccumulator<Double>(parameterCount: 1, featureCount: 1, discount: 0.9, traceDecay: 0.5, blockSize: 0)
        }
    }
}
