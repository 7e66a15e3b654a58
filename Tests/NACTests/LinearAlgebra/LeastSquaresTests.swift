import Testing
@testable import NAC

// gels (QR/LQ) and gelsd (SVD, minimum norm) least squares.

@Suite("Least squares") struct LeastSquaresTests {
    @Test(arguments: scalarTypes) func closedForms(_ type: any NACScalar.Type) throws {
        try checkClosedForms(type)
    }

    @Test(arguments: scalarTypes) func overdeterminedSatisfiesNormalEquations(_ type: any NACScalar.Type) throws {
        try checkOverdetermined(type)
    }

    @Test(arguments: scalarTypes) func illConditionedForwardErrorScalesWithKappa(_ type: any NACScalar.Type) throws {
        try checkIllConditioned(type)
    }

    @Test(arguments: scalarTypes) func underdeterminedGivesMinimumNorm(_ type: any NACScalar.Type) throws {
        try checkUnderdetermined(type)
    }

    @Test(arguments: scalarTypes) func qrRejectsRankDeficientMatrices(_ type: any NACScalar.Type) {
        checkRankDeficientQR(type)
    }

    @Test(arguments: scalarTypes) func svdGivesMinimumNormSolutionAndRank(_ type: any NACScalar.Type) throws {
        try checkRankDeficientSVD(type)
    }

    @Test(arguments: scalarTypes) func svdCutoffDecidesRank(_ type: any NACScalar.Type) throws {
        try checkCutoff(type)
    }

    @Test(arguments: scalarTypes) func nonFiniteInputNamesArgumentAndPosition(_ type: any NACScalar.Type) {
        checkNonFinite(type)
    }
}

private func checkClosedForms<S: NACScalar>(_: S.Type) throws {
    // A = [[1, 0], [0, 1], [1, 1]]: AᵀA = [[2, 1], [1, 2]]; b = [1, 1, 0] gives Aᵀb = [1, 1] and
    // x = [1/3, 1/3]; b = [1, 2, 3] is consistent with x = [1, 2].
    let a = Matrix<S>([[1, 0], [0, 1], [1, 1]])
    let b = Matrix<S>([[1, 1], [1, 2], [0, 3]])
    let expected = Matrix<Double>([[1.0 / 3, 1], [1.0 / 3, 2]])
    let tolerance = 16 * S.machineEpsilon
    expectClose(try a.leastSquares(b), expected, relativeTolerance: tolerance, "gels")
    let svd = try a.leastSquaresSVD(b)
    expectClose(svd.solution, expected, relativeTolerance: tolerance, "gelsd")
    #expect(svd.rank == 2)
    // Singular values of A: √3 and 1 (the eigenvalues of AᵀA are 3 and 1).
    expectClose(Double(svd.singularValues[0]), 3.0.squareRoot(), tolerance: tolerance, "σ₁")
    expectClose(Double(svd.singularValues[1]), 1, tolerance: tolerance, "σ₂")
    // Underdetermined [1, 1] x = 2: the minimum-norm solution is [1, 1].
    let row = Matrix<S>(row: [1, 1])
    expectClose(try row.leastSquares(Matrix(column: [2])), Matrix(column: [1, 1]), relativeTolerance: tolerance, "gels (LQ)")
    expectClose(try row.leastSquaresSVD(Matrix(column: [2])).solution, Matrix(column: [1, 1]),
                relativeTolerance: tolerance, "gelsd underdetermined")
    // Degenerate shapes.
    #expect(try Matrix<S>.zeros(rows: 3, columns: 0).leastSquares(Matrix<S>.zeros(rows: 3, columns: 1)).shape == (0, 1))
    #expect(try Matrix<S>.zeros(rows: 0, columns: 2).leastSquaresSVD(Matrix<S>.zeros(rows: 0, columns: 1)).solution
            == .zeros(rows: 2, columns: 1))
}

/// ‖Aᵀ(Ax − b)‖ / (‖A‖ (‖A‖‖x‖ + ‖b‖)): zero at the least-squares solution; a backward-stable
/// solver leaves it of order max(m, n) ε whatever the residual and the conditioning.
private func normalEquationsResidual<S: NACScalar>(_ a: Matrix<S>, _ x: Matrix<S>, _ b: Matrix<S>) -> Double {
    let ad = a.inDouble, xd = x.inDouble, bd = b.inDouble
    let r = Reference.subtract(Reference.product(ad, xd), bd)
    let gradient = Reference.product(Reference.transpose(ad), r)
    let normA = Reference.frobeniusNorm(ad)
    return Reference.frobeniusNorm(gradient)
        / (normA * (normA * Reference.frobeniusNorm(xd) + Reference.frobeniusNorm(bd)))
}

private func checkOverdetermined<S: NACScalar>(_: S.Type) throws {
    let a = Matrix<S>.randomNormal(rows: 50, columns: 20, seed: 41)
    let b = Matrix<S>.randomNormal(rows: 50, columns: 2, seed: 42)   // not in the range of A
    let bound = 4 * 50 * S.machineEpsilon
    let qr = try a.leastSquares(b)
    let svd = try a.leastSquaresSVD(b)
    expectBelow(normalEquationsResidual(a, qr, b), bound, "\(S.typeName) gels: ‖Aᵀr‖ relative")
    expectBelow(normalEquationsResidual(a, svd.solution, b), bound, "\(S.typeName) gelsd: ‖Aᵀr‖ relative")
    #expect(svd.rank == 20 && svd.singularValues.count == 20)
    #expect(zip(svd.singularValues, svd.singularValues.dropFirst()).allSatisfy { $0 >= $1 }, "descending")
    // Both solvers agree (the problem is well conditioned, κ ≈ 4).
    expectClose(qr, svd.solution.inDouble, relativeTolerance: 100 * S.machineEpsilon, "gels against gelsd")
}

private func checkIllConditioned<S: NACScalar>(_: S.Type) throws {
    let m = 30, n = 12
    for kappa in [10, S.largeConditionNumber] {
        let u = Reference.orthonormalColumns(rows: m, columns: n, seed: 43)
        let v = Reference.orthonormalColumns(rows: n, columns: n, seed: 44)
        let a = Matrix<S>(converting: Reference.fromFactors(u, Reference.logSpaced(count: n, conditionNumber: kappa), v))
        let xTrue = Matrix<Double>.randomNormal(rows: n, columns: 1, seed: 45)
        let b = Matrix<S>(converting: Reference.product(a.inDouble, xTrue))   // consistent
        let forwardBound = 4 * Double(m) * kappa * S.machineEpsilon
        let qr = try a.leastSquares(b)
        let svd = try a.leastSquaresSVD(b)
        #expect(svd.rank == n)
        for (name, x) in [("gels", qr), ("gelsd", svd.solution)] {
            let label = "\(S.typeName) \(name), κ = \(kappa)"
            expectBelow(relativeResidual(a, x, b), 4 * Double(m) * S.machineEpsilon, "\(label): ‖Ax − b‖ / (‖A‖‖x‖)")
            expectBelow(relativeError(x, xTrue), forwardBound, "\(label): forward error")
        }
    }
}

private func checkUnderdetermined<S: NACScalar>(_: S.Type) throws {
    // x* = Aᵀy lies in the row space of A, so it is the minimum-norm solution of A x = A x*.
    let a = Matrix<S>.randomNormal(rows: 15, columns: 40, seed: 46)
    let y = Matrix<Double>.randomNormal(rows: 15, columns: 2, seed: 47)
    let xMin = Reference.product(Reference.transpose(a.inDouble), y)
    let b = Matrix<S>(converting: Reference.product(a.inDouble, xMin))
    let tolerance = 4 * 40 * 10 * S.machineEpsilon   // κ(A) ≈ 4
    expectClose(try a.leastSquares(b), xMin, relativeTolerance: tolerance, "\(S.typeName) gels (LQ)")
    let svd = try a.leastSquaresSVD(b)
    expectClose(svd.solution, xMin, relativeTolerance: tolerance, "\(S.typeName) gelsd")
    #expect(svd.rank == 15)
}

private func checkRankDeficientQR<S: NACScalar>(_: S.Type) {
    let b = Matrix<S>(column: [1, 2, 3, 4])
    // An exactly zero column: LAPACK reports the zero pivot (info = 2).
    let zeroColumn = Matrix<S>([[1, 0, 2], [2, 0, 1], [3, 0, 5], [1, 0, 1]])
    #expect(throws: LinearAlgebraError.rankDeficient(column: 2)) { try zeroColumn.leastSquares(b) }
    // Column 2 = 2 × column 1: the pivot is left at rounding level, not 0.
    let dependent = Matrix<S>([[1, 2, 1], [2, 4, 0], [3, 6, 1], [4, 8, 2]])
    #expect(throws: LinearAlgebraError.rankDeficient(column: 2)) { try dependent.leastSquares(b) }
    // A negligible, non-zero pivot (σ_min / σ_max far below ε).
    let tiny = Matrix<S>([[1, 0], [0, S(Double(S.ulpOfOne) * 1e-3)], [0, 0]])
    #expect(throws: LinearAlgebraError.rankDeficient(column: 2)) { try tiny.leastSquares(Matrix(column: [1, 1, 1])) }
    // Underdetermined with dependent rows (row 2 = 3 × row 1), through LQ.
    let wide = Matrix<S>([[1, 2, 3, 4], [3, 6, 9, 12]])
    #expect(throws: LinearAlgebraError.rankDeficient(column: 2)) { try wide.leastSquares(Matrix(column: [1, 3])) }
}

private func checkRankDeficientSVD<S: NACScalar>(_: S.Type) throws {
    // A = U diag(s) Vᵀ of rank 3 with known factors: its pseudo-inverse is V diag(1/s) Uᵀ, and the
    // minimum-norm least-squares solution is A⁺ b.
    for (m, n) in [(8, 6), (5, 8)] {
        let r = 3
        let u = Reference.orthonormalColumns(rows: m, columns: r, seed: 48)
        let v = Reference.orthonormalColumns(rows: n, columns: r, seed: 49)
        let s = [5.0, 2, 1]
        let a = Matrix<S>(converting: Reference.fromFactors(u, s, v))
        let b = Matrix<S>.randomNormal(rows: m, columns: 2, seed: 50)
        let pseudoInverse = Reference.fromFactors(v, s.map { 1 / $0 }, u)
        let expected = Reference.product(pseudoInverse, b.inDouble)
        let result = try a.leastSquaresSVD(b)
        #expect(result.rank == r, "\(S.typeName) \(m) × \(n): rank \(result.rank)")
        expectClose(result.solution, expected, relativeTolerance: 64 * Double(max(m, n)) * S.machineEpsilon,
                    "\(S.typeName) \(m) × \(n): minimum-norm solution")
        for (i, sigma) in s.enumerated() {
            expectClose(Double(result.singularValues[i]), sigma, tolerance: 16 * S.machineEpsilon * 5, "σ\(i + 1)")
        }
        #expect(result.singularValues[r...].allSatisfy { Double($0) < 16 * S.machineEpsilon * 5 })
        // The minimum-norm solution is orthogonal to the null space: adding a null vector
        // (I − V Vᵀ) z of A does not change A x but increases ‖x‖.
        let x = result.solution.inDouble
        let z = Matrix<Double>.randomNormal(rows: n, columns: 2, seed: 51)
        let nullPart = Reference.subtract(z, Reference.product(v, Reference.product(Reference.transpose(v), z)))
        let other = Reference.product(x.transposed(), nullPart)
        expectBelow(Reference.frobeniusNorm(other), 64 * Double(n) * S.machineEpsilon * Reference.frobeniusNorm(x)
                    * Reference.frobeniusNorm(nullPart), "xᵀ (null-space vectors)")
    }
}

private func checkCutoff<S: NACScalar>(_: S.Type) throws {
    // diag(1, 10⁻³) padded to 3 × 2: rank 2 by default, rank 1 with a cut-off of 10⁻².
    let a = Matrix<S>([[1, 0], [0, 0.001], [0, 0]])
    let b = Matrix<S>(column: [2, 3, 4])
    let full = try a.leastSquaresSVD(b)
    #expect(full.rank == 2)
    expectClose(full.solution, Matrix(column: [2, 3000]), relativeTolerance: 1e3 * S.machineEpsilon, "rank 2")
    let truncated = try a.leastSquaresSVD(b, relativeCutoff: 0.01)
    #expect(truncated.rank == 1)
    expectClose(truncated.solution, Matrix(column: [2, 0]), relativeTolerance: 16 * S.machineEpsilon, "rank 1")
    // Outside [0, 1) the cut-off is refused by name (gelsd would read it as machine precision
    // and return rank 2).
    for cutoff in [-0.5, 1, 2] as [S] {
        #expect(throws: LinearAlgebraError.invalidArgument(name: "relativeCutoff", value: Double(cutoff),
                                                           requirement: "0 ≤ relativeCutoff < 1")) {
            try a.leastSquaresSVD(b, relativeCutoff: cutoff)
        }
    }
    #expect(performing: { try a.leastSquaresSVD(b, relativeCutoff: .nan) }, throws: { error in
        guard case .invalidArgument(let name, let value, _) = error as? LinearAlgebraError else { return false }
        return name == "relativeCutoff" && value.isNaN
    })
}

private func checkNonFinite<S: NACScalar>(_: S.Type) {
    var a = Matrix<S>([[1, 0], [0, 1], [1, 1]])
    var b = Matrix<S>(column: [1, 2, 3])
    b[1, 0] = -.infinity
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "B", row: 1, column: 0)) { try a.leastSquares(b) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "B", row: 1, column: 0)) { try a.leastSquaresSVD(b) }
    b[1, 0] = 0
    a[2, 1] = .nan
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "A", row: 2, column: 1)) { try a.leastSquares(b) }
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "A", row: 2, column: 1)) { try a.leastSquaresSVD(b) }
}
