import RealModule

/// A matrix with an optional forward tangent: eager forward-mode arithmetic for writing the
/// adjoint rules of custom operations.
///
/// Under forward-over-reverse the engine hands a custom operation's adjoint rule its inputs,
/// output and output adjoint as duals carrying their tangents; because the rule is written with
/// dual arithmetic, the tangent of the input adjoints (x̄̇) comes out with no extra rule. In the
/// plain modes every tangent is nil and the arithmetic is ordinary matrix arithmetic.
public struct Dual<Scalar: NACScalar>: Sendable {
    public var value: Matrix<Scalar>
    /// The directional derivative of `value`; nil means zero.
    public var tangent: Matrix<Scalar>?

    public init(_ value: Matrix<Scalar>, tangent: Matrix<Scalar>? = nil) {
        if let tangent {
            precondition(tangent.rows == value.rows && tangent.columns == value.columns,
                         "Dual: value is \(value.rows) × \(value.columns) but tangent is \(tangent.rows) × \(tangent.columns)")
        }
        self.value = value
        self.tangent = tangent
    }

    /// A constant (zero tangent).
    public static func constant(_ value: Matrix<Scalar>) -> Dual { Dual(value) }

    public var rows: Int { value.rows }
    public var columns: Int { value.columns }

    private static func add(_ a: Matrix<Scalar>?, _ b: Matrix<Scalar>?) -> Matrix<Scalar>? {
        switch (a, b) {
        case (nil, nil): nil
        case (let a?, nil): a
        case (nil, let b?): b
        case (let a?, let b?): a + b
        }
    }

    /// Tangent of a broadcast result: a broadcast operand's tangent must be expanded too.
    private static func expand(_ t: Matrix<Scalar>?, rows: Int, columns: Int) -> Matrix<Scalar>? {
        guard let t, t.rows != rows || t.columns != columns else { return t }
        return t + Matrix.zeros(rows: rows, columns: columns)
    }

    public static func + (a: Dual, b: Dual) -> Dual {
        let v = a.value + b.value
        return Dual(v, tangent: expand(add(a.tangent, b.tangent), rows: v.rows, columns: v.columns))
    }

    public static func - (a: Dual, b: Dual) -> Dual {
        let v = a.value - b.value
        return Dual(v, tangent: expand(add(a.tangent, b.tangent.map { -$0 }), rows: v.rows, columns: v.columns))
    }

    public static prefix func - (a: Dual) -> Dual { Dual(-a.value, tangent: a.tangent.map { -$0 }) }

    /// Elementwise product with broadcasting: (ab)˙ = ȧb + aḃ.
    public static func * (a: Dual, b: Dual) -> Dual {
        let v = a.value.elementwiseMultiplied(by: b.value)
        let t = add(a.tangent.map { $0.elementwiseMultiplied(by: b.value) },
                    b.tangent.map { a.value.elementwiseMultiplied(by: $0) })
        return Dual(v, tangent: expand(t, rows: v.rows, columns: v.columns))
    }

    /// Elementwise quotient with broadcasting: (a/b)˙ = ȧ/b − (a/b) ḃ/b.
    public static func / (a: Dual, b: Dual) -> Dual { a * b.applying(.reciprocal) }

    public static func * (a: Dual, s: Scalar) -> Dual { Dual(a.value * s, tangent: a.tangent.map { $0 * s }) }
    public static func * (s: Scalar, a: Dual) -> Dual { a * s }

    /// The matrix product op(a) · op(b): (ab)˙ = ȧb + aḃ.
    public static func product(_ a: Dual, _ b: Dual, transposeA: Transpose = .none, transposeB: Transpose = .none) -> Dual {
        let v = Matrix.product(a.value, b.value, transposeA: transposeA, transposeB: transposeB)
        let t = add(a.tangent.map { Matrix.product($0, b.value, transposeA: transposeA, transposeB: transposeB) },
                    b.tangent.map { Matrix.product(a.value, $0, transposeA: transposeA, transposeB: transposeB) })
        return Dual(v, tangent: t)
    }

    /// f elementwise: (f(x))˙ = f′(x) ẋ.
    public func applying(_ function: UnaryFunction) -> Dual {
        let n = value.count
        var y = [Scalar](repeating: 0, count: n), d1 = [Scalar](repeating: 0, count: n)
        value.withUnsafeBufferPointer { x in
            y.withUnsafeMutableBufferPointer { py in
                d1.withUnsafeMutableBufferPointer { pd in
                    if n > 0 { Scalar.evaluate(function, x: x.baseAddress!, count: n, value: py.baseAddress!, firstDerivative: pd.baseAddress!) }
                }
            }
        }
        let derivative = Matrix(rows: rows, columns: columns, elements: d1)
        return Dual(Matrix(rows: rows, columns: columns, elements: y),
                    tangent: tangent.map { $0.elementwiseMultiplied(by: derivative) })
    }

    /// Row sums (rows × 1).
    public func sumOfRows() -> Dual { Dual(value.sumOfRows(), tangent: tangent?.sumOfRows()) }
    /// Column sums (1 × columns).
    public func sumOfColumns() -> Dual { Dual(value.sumOfColumns(), tangent: tangent?.sumOfColumns()) }
    /// The transpose.
    public func transposed() -> Dual { Dual(value.transposed(), tangent: tangent?.transposed()) }
    /// Columns `range`.
    public func columns(_ range: Range<Int>) -> Dual { Dual(value.columns(range), tangent: tangent?.columns(range)) }
}
