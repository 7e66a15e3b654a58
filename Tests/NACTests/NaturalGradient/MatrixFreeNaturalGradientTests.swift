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
