@testable import NAC
import RealModule

/// Test-only builders of log-likelihood functions on the engine, written directly from the
/// reference files' conventions (independent of the Models layer).
enum TestFunctions {
    /// Slices of an MLP with tanh hidden layers in the reference order.
    static func mlpSlices(_ sizes: [(inputs: Int, outputs: Int)], layout: inout ParameterLayout)
        -> [(weight: ParameterSlice, bias: ParameterSlice)] {
        sizes.map { (layout.matrix(rows: $0.outputs, columns: $0.inputs), layout.vector($0.outputs)) }
    }

    static func mlp<S: NACScalar>(_ tape: Tape<S>, _ x: Variable<S>,
                                  _ slices: [(weight: ParameterSlice, bias: ParameterSlice)]) -> Variable<S> {
        var h = x
        for (i, s) in slices.enumerated() {
            h = tape.dense(h, weight: s.weight, bias: s.bias)
            if i < slices.count - 1 { h = h.tanh() }
        }
        return h
    }

    /// log N(a; MLP(s), diag(exp(logstd))²) per sample; inputs [observations, actions].
    static func gaussianLogLikelihood<S: NACScalar>(_ sizes: [(inputs: Int, outputs: Int)]) -> DifferentiableFunction<S> {
        var layout = ParameterLayout()
        let slices = mlpSlices(sizes, layout: &layout)
        let actionDimension = sizes.last!.outputs
        let logStd = layout.vector(actionDimension)
        let constant = S(actionDimension) * S.log(2 * S.pi) / 2
        return DifferentiableFunction(parameterCount: layout.count) { tape, inputs in
            let mean = mlp(tape, inputs[0], slices)
            let ls = tape.parameter(logStd)
            let z = (inputs[1] - mean) * (-ls).exp()
            return (z.squared() * S(-0.5) - ls).sumAlongFeatures() - constant
        }
    }

    /// log softmax(MLP(s))[a] per sample; inputs [observations], actions captured (sliced by tape.rows).
    static func categoricalLogLikelihood<S: NACScalar>(_ sizes: [(inputs: Int, outputs: Int)], actions: [Int])
        -> DifferentiableFunction<S> {
        var layout = ParameterLayout()
        let slices = mlpSlices(sizes, layout: &layout)
        return DifferentiableFunction(parameterCount: layout.count) { tape, inputs in
            let logits = mlp(tape, inputs[0], slices)
            return logits.logSoftmax().gather(columns: Array(actions[tape.rows]))
        }
    }

    static func function<S: NACScalar>(for reference: ReferencePolicy, _: S.Type) -> (DifferentiableFunction<S>, [Matrix<S>]) {
        let sizes = reference.layers.map { (inputs: $0.inputs, outputs: $0.outputs) }
        let obs = reference.observations.converted(to: S.self)
        if reference.policy == "gaussian" {
            return (gaussianLogLikelihood(sizes), [obs, reference.continuousActions!.converted(to: S.self)])
        } else {
            return (categoricalLogLikelihood(sizes, actions: reference.discreteActions!), [obs])
        }
    }
}

extension Matrix {
    func converted<T: NACScalar>(to: T.Type) -> Matrix<T> {
        Matrix<T>(rows: rows, columns: columns, elements: elements.map { T(Double($0)) })
    }
}
