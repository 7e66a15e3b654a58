import Testing
@testable import NAC

/// Conjugate gradient on the engine's matrix-free Fisher-vector products reproduces the
/// reference natural gradients (10 iterations: `w_cg10`; to convergence: `w`).
@Suite struct MatrixFreeNaturalGradientTests {
    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func engineConjugateGradientMatchesReference(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let ten = try f.naturalGradientByConjugateGradient(
            at: reference.parameters, inputs: inputs, advantages: reference.advantages, damping: reference.damping,
            options: ConjugateGradientOptions(maximumIterations: 10, relativeTolerance: 0))
        let r10 = GradientCheck.report(analytic: Matrix(row: ten.w), numeric: Matrix(row: reference.naturalGradientCG10))
        #expect(r10.maximumRelativeError < 1e-8, "\(r10)")
        let g = GradientCheck.report(analytic: Matrix(row: ten.gradient), numeric: Matrix(row: reference.fisherRightHandSide))
        #expect(g.maximumRelativeError < 1e-10, "\(g)")
        // B = 8 samples: F has rank ≤ 8 plus λI, so CG converges in at most 9 distinct eigenvalues.
        let full = try f.naturalGradientByConjugateGradient(
            at: reference.parameters, inputs: inputs, advantages: reference.advantages, damping: reference.damping,
            options: ConjugateGradientOptions(maximumIterations: 40, relativeTolerance: 1e-13))
        let rw = GradientCheck.report(analytic: Matrix(row: full.w), numeric: Matrix(row: reference.naturalGradient))
        #expect(rw.maximumRelativeError < 1e-8, "\(rw)")
    }

    /// With sample weights the factored route solves (F_ω + λI) w = g_ω for the explicit weighted
    /// Fisher of the written-out Jacobian (FisherSystem's exact kernel route as the oracle).
    @Test func weightedConjugateGradientEqualsTheExactWeightedSolve() throws {
        let reference = try ReferencePolicy.load("reference_scores_W1")
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let weights = (0..<reference.batchSize).map { Double($0 % 3) + 0.25 }
        let cg = try f.naturalGradientByConjugateGradient(
            at: reference.parameters, inputs: inputs, advantages: reference.advantages, sampleWeights: weights,
            damping: 1e-2, options: ConjugateGradientOptions(maximumIterations: 60, relativeTolerance: 1e-13))
        let j = try f.perSampleJacobian(at: reference.parameters, inputs: inputs).jacobian
        let exact = try FisherSystem(scores: j, advantages: reference.advantages, weights: weights, damping: 1e-2).solveKernel()
        let r = GradientCheck.report(analytic: Matrix(row: cg.w), numeric: Matrix(row: exact.w))
        #expect(r.maximumRelativeError < 1e-8, "\(r)")
    }

    /// A computation that mixes samples (a batch-mean baseline inside the output) has no per-sample
    /// Jacobian: CG falls back to the recorded-tape Fisher-vector products, F v = Jᵀ(J v)/B of the
    /// B outputs' full Jacobian, checked against that Jacobian by central differences.
    @Test func batchMixingComputationFallsBackToTheTapeOperator() throws {
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 3, columns: 2), b = layout.vector(3)
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, x in
            let h = tape.dense(x[0], weight: w, bias: b).tanh().sumAlongFeatures()
            return h - tape.meanOverBatch(h) * 0.5
        }
        let x = Matrix<Double>.randomNormal(rows: 6, columns: 2, seed: 7)
        var rng = Xoshiro256StarStar(seed: 8)
        let theta = (0..<f.parameterCount).map { _ in 0.5 * rng.normal(Double.self) }
        let advantages = (0..<6).map { _ in rng.normal(Double.self) }
        #expect(throws: DifferentiationError.self) { _ = try f.factoredPerSampleJacobian(at: theta, inputs: [x]) }
        let cg = try f.naturalGradientByConjugateGradient(
            at: theta, inputs: [x], advantages: advantages, damping: 0.1,
            options: ConjugateGradientOptions(maximumIterations: 40, relativeTolerance: 1e-13))
        // J of the 6 outputs by central differences; F = JᵀJ/6 + 0.1 I, g = JᵀÂ/6.
        let j = centralDifferences(at: theta) { t in f.evaluate(at: t, inputs: [x]).elements }
        let exact = try FisherSystem(scores: j, advantages: advantages, damping: 0.1).solveExplicitFisher()
        let r = GradientCheck.report(analytic: Matrix(row: cg.w), numeric: Matrix(row: exact.w))
        #expect(r.maximumRelativeError < 1e-6, "\(r)")
    }

    /// The kernel route on the factored Jacobian (Ψ never formed) equals the kernel route on the
    /// written-out Ψ — with and without weights (one of them zero) — and reproduces the reference
    /// natural gradient.
    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func factoredKernelEqualsTheKernelRouteOnPsi(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let psi = try f.perSampleJacobian(at: reference.parameters, inputs: inputs).jacobian
        let unweighted = try f.naturalGradientByKernel(at: reference.parameters, inputs: inputs,
                                                       advantages: reference.advantages, damping: reference.damping)
        let r = GradientCheck.report(analytic: Matrix(row: unweighted.w), numeric: Matrix(row: reference.naturalGradient))
        #expect(r.maximumRelativeError < 1e-8, "\(r)")
        #expect(unweighted.diagnostics.route == .kernel && unweighted.diagnostics.relativeResidual < 1e-10)
        var weights = (0..<reference.batchSize).map { Double($0 % 3) + 0.5 }
        weights[1] = 0
        let factored = try f.naturalGradientByKernel(at: reference.parameters, inputs: inputs,
                                                     advantages: reference.advantages, sampleWeights: weights,
                                                     damping: reference.damping)
        let onPsi = try FisherSystem(scores: psi, advantages: reference.advantages, weights: weights,
                                     damping: reference.damping).solveKernel()
        let rw = GradientCheck.report(analytic: Matrix(row: factored.w), numeric: Matrix(row: onPsi.w))
        #expect(rw.maximumRelativeError < 1e-9, "\(rw)")
        let rg = GradientCheck.report(analytic: Matrix(row: factored.gradient), numeric: Matrix(row: onPsi.gradient))
        #expect(rg.maximumRelativeError < 1e-10, "\(rg)")
        let kappa = try #require(factored.diagnostics.conditionEstimate), kappaPsi = try #require(onPsi.diagnostics.conditionEstimate)
        #expect(abs(kappa - kappaPsi) <= 1e-6 * kappaPsi)
    }

    /// A batch-mixing computation has no per-sample scores: the kernel route says so.
    @Test func factoredKernelRefusesABatchMixingComputation() throws {
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 2, columns: 2)
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, x in
            let h = tape.dense(x[0], weight: w).sumAlongFeatures()
            return h - tape.meanOverBatch(h)
        }
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 2, seed: 9)
        #expect(throws: NaturalGradientError.perSampleScoresUnavailable(.operationMixesSamples(operation: "mean over batch"))) {
            _ = try f.naturalGradientByKernel(at: [0.1, 0.2, 0.3, 0.4], inputs: [x], advantages: [1, 2, 3, 4], damping: 0.1)
        }
    }

    @Test func invalidInputsAreTypedErrors() throws {
        let reference = try ReferencePolicy.load("reference_scores_W2")
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        var advantages = reference.advantages
        advantages[3] = .nan
        #expect(throws: NaturalGradientError.nonFiniteAdvantage(sample: 3)) {
            _ = try f.naturalGradientByConjugateGradient(at: reference.parameters, inputs: inputs,
                                                         advantages: advantages, damping: 1e-3)
        }
        var weights = [Double](repeating: 1, count: reference.batchSize)
        weights[2] = -1
        #expect(throws: NaturalGradientError.negativeWeight(sample: 2, value: -1)) {
            _ = try f.naturalGradientByConjugateGradient(at: reference.parameters, inputs: inputs,
                                                         advantages: reference.advantages, sampleWeights: weights,
                                                         damping: 1e-3)
        }
        #expect(throws: NaturalGradientError.invalidDamping(-1)) {
            _ = try f.naturalGradientByConjugateGradient(at: reference.parameters, inputs: inputs,
                                                         advantages: reference.advantages, damping: -1)
        }
    }
}
