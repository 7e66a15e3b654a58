import RealModule

// Elementwise kernels over whole buffers: the default implementations of `NACScalar`'s kernel
// requirements. Because they are requirements and `Float` and `Double` conform in this module, the
// compiler specialises each loop for the concrete type when it builds the conformance's witness,
// and generic callers (the engine, `Matrix`) pay one dynamic call per buffer, never per element.
// The forwarding overloads at the end give the requirements their default arguments.

extension NACScalar {
    /// y = f(x) for `count` elements; when given, `firstDerivative` receives f′(x) and
    /// `secondDerivative` f″(x). `x` and `value` may be the same buffer only if no derivative is
    /// requested.
    /// - Complexity: O(count).
    public static func evaluate(
        _ function: UnaryFunction, x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>,
        firstDerivative d1: UnsafeMutablePointer<Self>?,
        secondDerivative d2: UnsafeMutablePointer<Self>?
    ) {
        switch function {
        case .negate:
            for i in 0..<count { y[i] = -x[i] }
            if let d1 { for i in 0..<count { d1[i] = -1 } }
            if let d2 { for i in 0..<count { d2[i] = 0 } }
        case .exp:
            Self.exponential(x, count: count, value: y)
            if let d1 { d1.update(from: y, count: count) }
            if let d2 { d2.update(from: y, count: count) }
        case .log:
            if let d1 { for i in 0..<count { d1[i] = 1 / x[i] } }
            if let d2 { for i in 0..<count { d2[i] = -1 / (x[i] * x[i]) } }
            Self.logarithm(x, count: count, value: y)
        case .log1p:
            if let d1 { for i in 0..<count { d1[i] = 1 / (1 + x[i]) } }
            if let d2 { for i in 0..<count { let u = 1 + x[i]; d2[i] = -1 / (u * u) } }
            for i in 0..<count { y[i] = Self.log(onePlus: x[i]) }
        case .sqrt:
            for i in 0..<count { y[i] = x[i].squareRoot() }
            if let d1 { for i in 0..<count { d1[i] = 1 / (2 * y[i]) } }
            if let d2 { for i in 0..<count { d2[i] = -1 / (4 * y[i] * x[i]) } }
        case .square:
            if let d1 { for i in 0..<count { d1[i] = 2 * x[i] } }
            if let d2 { for i in 0..<count { d2[i] = 2 } }
            for i in 0..<count { y[i] = x[i] * x[i] }
        case .power(let exponent):
            let p = Self(exponent)
            let integral: Bool = exponent.rounded() == exponent && exponent.magnitude < 1_000_000_000
            let n = integral ? Int(exponent) : 0
            func pow(_ base: Self, _ e: Self, _ ne: Int) -> Self {
                integral ? Self.pow(base, ne) : Self.pow(base, e)
            }
            // A zero coefficient (p = 0; p = 1 for f″) gives exactly 0, not 0 · ∞ at x = 0.
            if let d1 {
                if p == 0 { d1.update(repeating: 0, count: count) }
                else { for i in 0..<count { d1[i] = p * pow(x[i], p - 1, n - 1) } }
            }
            if let d2 {
                if p * (p - 1) == 0 { d2.update(repeating: 0, count: count) }
                else { for i in 0..<count { d2[i] = p * (p - 1) * pow(x[i], p - 2, n - 2) } }
            }
            for i in 0..<count { y[i] = pow(x[i], p, n) }
        case .tanh:
            Self.hyperbolicTangent(x, count: count, value: y, derivative: d1)
            if let d2 { for i in 0..<count { d2[i] = -2 * y[i] * (1 - y[i] * y[i]) } }
        case .sigmoid:
            // With t = e^(−|x|) from the vector kernel: σ(x) = 1/(1 + t) for x ≥ 0, t/(1 + t) below.
            withNegatedMagnitudeExponentials(x, count: count) { start, t in
                for j in 0..<t.count {
                    let i = start + j, u = t[j]
                    y[i] = x[i] >= 0 ? 1 / (1 + u) : u / (1 + u)
                }
            }
            if let d1 { for i in 0..<count { d1[i] = y[i] * (1 - y[i]) } }
            if let d2 { for i in 0..<count { d2[i] = y[i] * (1 - y[i]) * (1 - 2 * y[i]) } }
        case .relu:
            if let d1 { for i in 0..<count { d1[i] = x[i] > 0 ? 1 : 0 } }
            if let d2 { for i in 0..<count { d2[i] = 0 } }
            for i in 0..<count { y[i] = x[i] > 0 ? x[i] : 0 }
        case .softplus:
            // max(x, 0) + log1p(t) and σ(x) from t = e^(−|x|), as in `softplus(_:)` and `sigmoid(_:)`.
            withNegatedMagnitudeExponentials(x, count: count) { start, t in
                for j in 0..<t.count {
                    let i = start + j, u = t[j], xi = x[i]
                    let s = xi >= 0 ? 1 / (1 + u) : u / (1 + u)
                    if let d1 { d1[i] = s }
                    if let d2 { d2[i] = s * (1 - s) }
                    y[i] = Swift.max(xi, 0) + Self.log(onePlus: u)
                }
            }
        case .sin:
            if let d1 { for i in 0..<count { d1[i] = Self.cos(x[i]) } }
            if let d2 { for i in 0..<count { d2[i] = -Self.sin(x[i]) } }
            for i in 0..<count { y[i] = Self.sin(x[i]) }
        case .cos:
            if let d1 { for i in 0..<count { d1[i] = -Self.sin(x[i]) } }
            if let d2 { for i in 0..<count { d2[i] = -Self.cos(x[i]) } }
            for i in 0..<count { y[i] = Self.cos(x[i]) }
        case .reciprocal:
            for i in 0..<count { y[i] = 1 / x[i] }
            if let d1 { for i in 0..<count { d1[i] = -y[i] * y[i] } }
            if let d2 { for i in 0..<count { d2[i] = 2 * y[i] * y[i] * y[i] } }
        }
    }

    /// tanh(x) in Double, branch-free so that loops over it vectorise (libm's tanh is about 10 ns
    /// per call; this is about 1 ns): a = min(|x|, 20), e = expm1(2a), tanh = sign(x) · e / (e + 2),
    /// with expm1 by Cody–Waite reduction 2a = n ln 2 + r, |r| ≤ ln 2 / 2, a degree-13 Taylor
    /// polynomial for expm1(r) (truncation < 1e-17) and expm1(2a) = 2ⁿ expm1(r) + (2ⁿ − 1).
    /// Accurate to a few ulp over the whole range (tested against libm).
    @inlinable
    public static func fastTanh(_ x: Double) -> Double {
        let a = Swift.min(Swift.abs(x), 20) * 2
        let shifter = 0x1.8p52
        let z = a * 1.44269504088896338700e+00 + shifter
        let n = z - shifter
        let r = (a - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10
        var q = 1.0 / 6227020800
        q = q * r + 1.0 / 479001600
        q = q * r + 1.0 / 39916800
        q = q * r + 1.0 / 3628800
        q = q * r + 1.0 / 362880
        q = q * r + 1.0 / 40320
        q = q * r + 1.0 / 5040
        q = q * r + 1.0 / 720
        q = q * r + 1.0 / 120
        q = q * r + 1.0 / 24
        q = q * r + 1.0 / 6
        q = q * r + 0.5
        let p = r + r * r * q
        let scale = Double(bitPattern: (z.bitPattern &+ 1023) &<< 52)
        let e = scale * p + (scale - 1)
        let t = e / (e + 2)
        return Double(bitPattern: t.bitPattern | (x.bitPattern & 0x8000_0000_0000_0000))
    }

    /// tanh(x) in single precision, branch-free like `fastTanh(_: Double)`: a = min(|x|, 9),
    /// e = expm1(2a) by Cody–Waite reduction and a degree-8 Taylor polynomial for expm1(r),
    /// |r| ≤ ln 2 / 2 (truncation < 1e-9 relative), tanh = sign(x) · e / (e + 2).
    /// Accurate to a few ulp of `Float` (tested against libm in Double).
    @inlinable
    public static func fastTanh(_ x: Float) -> Float {
        let a = Swift.min(Swift.abs(x), 9) * 2
        let shifter: Float = 0x1.8p23
        let z = a * 1.44269502 + shifter
        let n = z - shifter
        let r = (a - n * 0.693145752) - n * 1.42860677e-06
        var q: Float = 1.0 / 40320
        q = q * r + 1.0 / 5040
        q = q * r + 1.0 / 720
        q = q * r + 1.0 / 120
        q = q * r + 1.0 / 24
        q = q * r + 1.0 / 6
        q = q * r + 0.5
        let p = r + r * r * q
        let scale = Float(bitPattern: (z.bitPattern &+ 127) &<< 23)
        let e = scale * p + (scale - 1)
        let t = e / (e + 2)
        return Float(bitPattern: t.bitPattern | (x.bitPattern & 0x8000_0000))
    }

    /// Calls `body(start, t)` for consecutive chunks of at most 256 elements, t[j] = e^(−|x[start + j]|)
    /// by the vector kernel, in a stack buffer (so the caller may overwrite x as it goes).
    @inline(__always)
    static func withNegatedMagnitudeExponentials(
        _ x: UnsafePointer<Self>, count: Int, _ body: (Int, UnsafeMutableBufferPointer<Self>) -> Void
    ) {
        let chunk = 256
        withUnsafeTemporaryAllocation(of: Self.self, capacity: Swift.min(count, chunk)) { t in
            guard let base = t.baseAddress else { return }
            var start = 0
            while start < count {
                let n = Swift.min(chunk, count - start)
                for j in 0..<n { base[j] = -Swift.abs(x[start + j]) }
                Self.exponential(base, count: n, value: base)
                body(start, UnsafeMutableBufferPointer(start: base, count: n))
                start += n
            }
        }
    }

    /// 1 / (1 + e^(−x)) without overflow for large |x|.
    @inlinable
    public static func sigmoid(_ x: Self) -> Self {
        if x >= 0 { return 1 / (1 + Self.exp(-x)) }
        let e = Self.exp(x)
        return e / (1 + e)
    }

    /// log(1 + e^x) without overflow: max(x, 0) + log1p(e^(−|x|)).
    @inlinable
    public static func softplus(_ x: Self) -> Self {
        Swift.max(x, 0) + Self.log(onePlus: Self.exp(-Swift.abs(x)))
    }

    /// out(r, c) ← α · (a(r, c) ∘ b(r, c)) [+ out(r, c) when `accumulate`], for a `rows × columns`
    /// result stored row-major with row stride `outRowStride`; zero strides in the operands
    /// broadcast them.
    /// - Complexity: O(rows · columns).
    public static func broadcast(
        _ op: BinaryOperator, _ a: StridedOperand<Self>, _ b: StridedOperand<Self>,
        rows: Int, columns: Int, alpha: Self, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>, outRowStride: Int
    ) {
        switch op {
        case .multiply:
            broadcastRows(a, b, rows: rows, columns: columns, alpha: alpha, accumulate: accumulate, into: out,
                          outRowStride: outRowStride) { $0 * $1 }
        case .add:
            broadcastRows(a, b, rows: rows, columns: columns, alpha: alpha, accumulate: accumulate, into: out,
                          outRowStride: outRowStride) { $0 + $1 }
        case .subtract:
            broadcastRows(a, b, rows: rows, columns: columns, alpha: alpha, accumulate: accumulate, into: out,
                          outRowStride: outRowStride) { $0 - $1 }
        case .divide:
            broadcastRows(a, b, rows: rows, columns: columns, alpha: alpha, accumulate: accumulate, into: out,
                          outRowStride: outRowStride) { $0 / $1 }
        }
    }

    /// `broadcast` for one operator f: out(r, c) ← α f(a(r, c), b(r, c)) [+ out(r, c)]. Blocks that
    /// are contiguous throughout are one long row; an operand constant along a row (column stride
    /// 0: a column, or a per-sample scalar) is read once per row; each case has its own loop
    /// without per-element branches, so that the compiler vectorises the row.
    @inline(__always)
    static func broadcastRows(
        _ a: StridedOperand<Self>, _ b: StridedOperand<Self>, rows: Int, columns: Int, alpha: Self,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>, outRowStride: Int, _ f: (Self, Self) -> Self
    ) {
        guard rows > 0, columns > 0 else { return }
        var rows = rows, columns = columns
        if rows > 1 && a.columnStride == 1 && b.columnStride == 1 && a.rowStride == columns && b.rowStride == columns
            && outRowStride == columns {
            columns *= rows
            rows = 1
        }
        @inline(__always) func allRows(columns: Int) {
            @inline(__always) func store(_ po: UnsafeMutablePointer<Self>, _ value: (Int) -> Self) {
                if accumulate {
                    for c in 0..<columns { po[c] += alpha * value(c) }
                } else if alpha == 1 {
                    for c in 0..<columns { po[c] = value(c) }
                } else {
                    for c in 0..<columns { po[c] = alpha * value(c) }
                }
            }
            for r in 0..<rows {
                let pa = a.base + r * a.rowStride, pb = b.base + r * b.rowStride, po = out + r * outRowStride
                switch (a.columnStride, b.columnStride) {
                case (1, 1): store(po) { f(pa[$0], pb[$0]) }
                case (1, 0): let vb = pb[0]; store(po) { f(pa[$0], vb) }
                case (0, 1): let va = pa[0]; store(po) { f(va, pb[$0]) }
                default:
                    let sa = a.columnStride, sb = b.columnStride
                    store(po) { f(pa[$0 * sa], pb[$0 * sb]) }
                }
            }
        }
        // Rows of two (binary actions, not contiguous throughout) get a copy with the width a
        // constant, unrolled.
        if columns == 2 { allRows(columns: 2) } else { allRows(columns: columns) }
    }

    /// out(r, c) ← α · a(r, c) [+ out(r, c) when `accumulate`]: a strided copy, scale or
    /// accumulation of a `rows × columns` block (a zero row stride in `a` repeats one row).
    public static func copy(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, alpha: Self, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>, outRowStride: Int
    ) {
        // Plain copies into contiguous rows as a few long moves instead of one library call per
        // row (rows of a bias or an adjoint are often a few dozen elements): contiguous to
        // contiguous in one move; a broadcast row by doubling the rows already written.
        if !accumulate && alpha == 1 && a.columnStride == 1 && outRowStride == columns && rows > 1 {
            if a.rowStride == columns {
                out.update(from: a.base, count: rows * columns)
                return
            }
            if a.rowStride == 0 {
                out.update(from: a.base, count: columns)
                var done = 1
                while done < rows {
                    let n = Swift.min(done, rows - done)
                    (out + done * columns).update(from: out, count: n * columns)
                    done += n
                }
                return
            }
        }
        for r in 0..<rows {
            let pa = a.base + r * a.rowStride, po = out + r * outRowStride
            let s = a.columnStride
            if s == 1 {
                switch (accumulate, alpha == 1) {
                case (false, true): po.update(from: pa, count: columns)
                case (false, false): for c in 0..<columns { po[c] = alpha * pa[c] }
                case (true, true): for c in 0..<columns { po[c] += pa[c] }
                case (true, false): for c in 0..<columns { po[c] += alpha * pa[c] }
                }
            } else {
                for c in 0..<columns {
                    let v = alpha * pa[c * s]
                    po[c] = accumulate ? po[c] + v : v
                }
            }
        }
    }

    /// Sets `count` elements to `value`.
    public static func fill(_ out: UnsafeMutablePointer<Self>, count: Int, with value: Self) {
        out.update(repeating: value, count: count)
    }

    /// Sums along each row: out[r · outStride] ← α Σ_c a(r, c) [+ previous].
    public static func sumRows(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int, alpha: Self,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>, outStride: Int
    ) {
        for r in 0..<rows {
            let p = a + r * rowStride
            let s = alpha * chainedSum(count: columns) { p[$0] }
            out[r * outStride] = accumulate ? out[r * outStride] + s : s
        }
    }

    /// Sums along each column (over the rows): out[c] ← α Σ_r a(r, c) [+ previous].
    public static func sumColumns(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int, alpha: Self,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>
    ) {
        if !accumulate { out.update(repeating: 0, count: columns) }
        guard rows > 0, columns > 0 else { return }
        // Partial sums in a stack buffer of whole rows (k rows, at least 64 elements when the rows
        // are narrow): the inner loop runs over k · columns contiguous elements, which the compiler
        // vectorises, and never reads or writes `out`, which it cannot prove apart from `a`.
        let k = rowStride == columns ? Swift.max(1, 64 / columns) : 1
        let width = k * columns
        withUnsafeTemporaryAllocation(of: Self.self, capacity: width) { buffer in
            let partial = buffer.baseAddress!
            partial.initialize(repeating: 0, count: width)
            let groups = rows / k
            for g in 0..<groups {
                let p = a + g * k * rowStride
                if alpha == 1 { for i in 0..<width { partial[i] += p[i] } }
                else { for i in 0..<width { partial[i] += alpha * p[i] } }
            }
            for r in (groups * k)..<rows {
                let p = a + r * rowStride
                if alpha == 1 { for c in 0..<columns { partial[c] += p[c] } }
                else { for c in 0..<columns { partial[c] += alpha * p[c] } }
            }
            for c in 0..<columns {
                var total = out[c]
                for copy in 0..<k { total += partial[copy * columns + c] }
                out[c] = total
            }
        }
    }

    /// Per row, log Σ_c exp a(r, c) (out[r]) and the softmax exp(a(r, c) − out[r]) (into
    /// `softmax`, row stride `columns`, when given), stable for any magnitude: with m the row's
    /// maximum, out = m + log Σ_c e^(a − m) and softmax = e^(a − m) / Σ_c e^(a − m).
    ///
    /// The exponentials and logarithms go through the vector kernels (`exponential`,
    /// `logarithm`) on tiles of rows — a few thousand elements at a time, in `softmax` or in a
    /// scratch buffer — so that narrow rows (two or three actions) are not one libm call per element.
    /// - Complexity: O(rows · columns).
    public static func logSumExpRows(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int,
        into out: UnsafeMutablePointer<Self>, softmax: UnsafeMutablePointer<Self>?
    ) {
        guard rows > 0 else { return }
        let tileElements = 2048
        let tileRows = Swift.max(1, Swift.min(rows, tileElements / Swift.max(columns, 1)))
        let tileColumns = Swift.min(columns, tileElements)
        let scratch = UnsafeMutablePointer<Self>.allocate(capacity: tileRows * (tileColumns + 2))
        defer { scratch.deallocate() }
        // Two columns (binary actions) get a copy of the loops with the width a constant, unrolled.
        if columns == 2 {
            logSumExpTiles(a, rows: rows, columns: 2, rowStride: rowStride, into: out, softmax: softmax,
                           tileRows: tileRows, tileColumns: 2, scratch: scratch)
        } else {
            logSumExpTiles(a, rows: rows, columns: columns, rowStride: rowStride, into: out, softmax: softmax,
                           tileRows: tileRows, tileColumns: tileColumns, scratch: scratch)
        }
    }

    /// The largest of `count` elements (−∞ for none), in four independent chains from 16 elements on
    /// (a single running maximum waits for each comparison before the next).
    @inline(__always)
    static func rowMaximum(_ p: UnsafePointer<Self>, count: Int) -> Self {
        var m0 = -Self.infinity, c = 0
        if count >= 16 {
            var m1 = m0, m2 = m0, m3 = m0
            while c + 4 <= count {
                m0 = Swift.max(m0, p[c]); m1 = Swift.max(m1, p[c + 1])
                m2 = Swift.max(m2, p[c + 2]); m3 = Swift.max(m3, p[c + 3])
                c += 4
            }
            m0 = Swift.max(Swift.max(m0, m1), Swift.max(m2, m3))
        }
        while c < count { m0 = Swift.max(m0, p[c]); c += 1 }
        return m0
    }

    /// `logSumExpRows` on tiles of `tileRows` rows and chunks of `tileColumns` columns, with
    /// `scratch` holding 2 · tileRows + tileRows · tileColumns elements (row maxima, row sums, and
    /// the exponentials when `softmax` is nil).
    @inline(__always)
    static func logSumExpTiles(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int,
        into out: UnsafeMutablePointer<Self>, softmax: UnsafeMutablePointer<Self>?,
        tileRows: Int, tileColumns: Int, scratch: UnsafeMutablePointer<Self>
    ) {
        let maxima = scratch, sums = maxima + tileRows, work = sums + tileRows
        let contiguous = softmax != nil
        var r0 = 0
        while r0 < rows {
            let nr = Swift.min(tileRows, rows - r0)
            for j in 0..<nr {
                let m = rowMaximum(a + (r0 + j) * rowStride, count: columns)
                maxima[j] = m.isFinite ? m : 0
                sums[j] = 0
            }
            // e^(a − m) by chunks of at most `tileColumns` columns, a whole tile of rows at once
            // when rows fit (into the softmax rows when given, the scratch buffer otherwise).
            var c0 = 0
            repeat {
                let nc = Swift.min(tileColumns, columns - c0)
                let rowStep = contiguous ? columns : nc
                let e = contiguous ? softmax! + r0 * columns + c0 : work
                for j in 0..<nr {
                    let p = a + (r0 + j) * rowStride + c0, q = e + j * rowStep, m = maxima[j]
                    for c in 0..<nc { q[c] = p[c] - m }
                }
                if contiguous && nc < columns {
                    for j in 0..<nr { Self.exponential(e + j * rowStep, count: nc, value: e + j * rowStep) }
                } else {
                    Self.exponential(e, count: nr * nc, value: e)
                }
                for j in 0..<nr { let q = e + j * rowStep; sums[j] += chainedSum(count: nc) { q[$0] } }
                c0 += nc
            } while c0 < columns
            if let softmax {
                // e^(a − m) / s rather than e^(a − lse): lse is rounded to the precision of its
                // magnitude, which for large logits would cost |lse| ε of relative accuracy.
                for j in 0..<nr {
                    let q = softmax + (r0 + j) * columns, scale = 1 / sums[j]
                    for c in 0..<columns { q[c] *= scale }
                }
            }
            Self.logarithm(sums, count: nr, value: sums)
            for j in 0..<nr { out[r0 + j] = maxima[j] + sums[j] }
            r0 += nr
        }
    }

    /// For every row b: dst[b · dstRowStride + o · n + i] ← α u(b, o) v(b, i) [+ previous], for
    /// o < m, i < n — the per-sample weight adjoint of a dense layer written straight into row b
    /// of a Jacobian, with no B × m × n temporary.
    /// With `streaming`, `Float` and `Double` write with non-temporal stores (see CNACKernels.h):
    /// use it for destinations much larger than the cache that are not read back at once.
    /// - Complexity: O(rows · m · n), one multiply per element written.
    public static func outerProductRows(
        rows: Int, m: Int, n: Int, alpha: Self,
        u: UnsafePointer<Self>, uRowStride: Int, v: UnsafePointer<Self>, vRowStride: Int,
        accumulate: Bool, streaming: Bool, into dst: UnsafeMutablePointer<Self>, dstRowStride: Int
    ) {
        for b in 0..<rows {
            let ub = u + b * uRowStride, vb = v + b * vRowStride, db = dst + b * dstRowStride
            for o in 0..<m {
                let s = alpha * ub[o]
                let d = db + o * n
                if accumulate {
                    for i in 0..<n { d[i] += s * vb[i] }
                } else {
                    for i in 0..<n { d[i] = s * vb[i] }
                }
            }
        }
    }

    /// Whole Jacobian rows in order (see the requirement); `Float` and `Double` run a C kernel.
    public static func writeJacobianRows(
        rows: Int, columns: Int, segments: UnsafeBufferPointer<JacobianRowSegment<Self>>,
        into dst: UnsafeMutablePointer<Self>, rowStride: Int, vectorExtensions: Bool
    ) {
        genericWriteJacobianRows(rows: rows, columns: columns, segments: segments, into: dst, rowStride: rowStride)
    }

    /// The default `writeJacobianRows` in Swift (also for tests of types with a C kernel).
    static func genericWriteJacobianRows(
        rows: Int, columns: Int, segments: UnsafeBufferPointer<JacobianRowSegment<Self>>,
        into dst: UnsafeMutablePointer<Self>, rowStride: Int
    ) {
        for b in 0..<rows {
            let d = dst + b * rowStride
            var position = 0
            for s in segments {
                if s.offset > position { (d + position).update(repeating: 0, count: s.offset - position) }
                let ub = s.u + b * s.uRowStride, out = d + s.offset
                if s.n == 0 {
                    out.update(from: ub, count: s.m)
                } else {
                    let vb = s.v + b * s.vRowStride
                    for o in 0..<s.m {
                        let a = ub[o], row = out + o * s.n
                        for i in 0..<s.n { row[i] = a * vb[i] }
                    }
                }
                position = s.offset + s.width
            }
            if columns > position { (d + position).update(repeating: 0, count: columns - position) }
        }
    }

    /// The largest |x| over `count` elements, or NaN if any element is NaN.
    public static func maximumMagnitude(_ x: UnsafePointer<Self>, count: Int) -> Self {
        var m: Self = 0
        for i in 0..<count {
            let v = Swift.abs(x[i])
            if v.isNaN { return .nan }
            if v > m { m = v }
        }
        return m
    }

    /// The index of the first non-finite element (NaN or ±∞), or `nil` if all are finite.
    public static func firstNonFinite(_ x: UnsafePointer<Self>, count: Int) -> Int? {
        // x · 0 is 0 for finite x and NaN otherwise.
        guard chainedSum(count: count, { x[$0] * 0 }).isNaN else { return nil }
        for i in 0..<count where !x[i].isFinite { return i }
        return nil
    }

    /// Σ term(i) for i < `count`, with eight independent partial sums (one running sum waits for
    /// each addition before the next; eight let the loop vectorise).
    @inline(__always)
    static func chainedSum(count: Int, _ term: (Int) -> Self) -> Self {
        var s0: Self = 0, s1: Self = 0, s2: Self = 0, s3: Self = 0
        var s4: Self = 0, s5: Self = 0, s6: Self = 0, s7: Self = 0
        var i = 0
        while i + 8 <= count {
            s0 += term(i); s1 += term(i + 1); s2 += term(i + 2); s3 += term(i + 3)
            s4 += term(i + 4); s5 += term(i + 5); s6 += term(i + 6); s7 += term(i + 7)
            i += 8
        }
        while i < count { s0 += term(i); i += 1 }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7))
    }

    /// Σ |x[i]| over `count` contiguous elements.
    @inline(__always)
    static func sumOfMagnitudes(_ x: UnsafePointer<Self>, count: Int) -> Self {
        chainedSum(count: count) { Swift.abs(x[$0]) }
    }

    /// b(c, r) ← a(r, c), in 32 × 32 tiles so that both the reads and the writes stay in cache.
    public static func transpose(
        rows: Int, columns: Int, _ a: UnsafePointer<Self>, lda: Int,
        into b: UnsafeMutablePointer<Self>, ldb: Int
    ) {
        let tile = 32
        var r0 = 0
        while r0 < rows {
            let r1 = Swift.min(r0 + tile, rows)
            var c0 = 0
            while c0 < columns {
                let c1 = Swift.min(c0 + tile, columns)
                for r in r0..<r1 {
                    let pa = a + r * lda
                    for c in c0..<c1 { b[c * ldb + r] = pa[c] }
                }
                c0 = c1
            }
            r0 = r1
        }
    }

    /// Mirrors the `source` triangle onto the other one, tile by tile.
    public static func symmetrize(_ source: Triangle, n: Int, _ a: UnsafeMutablePointer<Self>, lda: Int) {
        let tile = 32
        var i0 = 0
        while i0 < n {
            let i1 = Swift.min(i0 + tile, n)
            var j0 = 0
            while j0 <= i0 {
                let j1 = Swift.min(j0 + tile, n)
                // Strictly lower elements (i, j), i > j, of the tile pair.
                for i in i0..<i1 {
                    for j in j0..<Swift.min(j1, i) {
                        if source == .upper { a[i * lda + j] = a[j * lda + i] }
                        else { a[j * lda + i] = a[i * lda + j] }
                    }
                }
                j0 = j1
            }
            i0 = i1
        }
    }

    public static func oneNorm(rows: Int, columns: Int, _ a: UnsafePointer<Self>, rowStride: Int) -> Self {
        guard rows > 0, columns > 0 else { return 0 }
        var sums = [Self](repeating: 0, count: columns)
        sums.withUnsafeMutableBufferPointer { s in
            for r in 0..<rows {
                let p = a + r * rowStride
                for c in 0..<columns { s[c] += Swift.abs(p[c]) }
            }
        }
        return largestPropagatingNaN(sums)
    }

    public static func infinityNorm(rows: Int, columns: Int, _ a: UnsafePointer<Self>, rowStride: Int) -> Self {
        guard rows > 0, columns > 0 else { return 0 }
        var best: Self = 0
        for r in 0..<rows {
            let s = sumOfMagnitudes(a + r * rowStride, count: columns)
            if s.isNaN { return .nan }
            if s > best { best = s }
        }
        return best
    }

    public static func symmetricOneNorm(_ triangle: Triangle, n: Int, _ a: UnsafePointer<Self>, rowStride: Int) -> Self {
        guard n > 0 else { return 0 }
        // Column sums of the symmetric matrix, read row by row from the stored triangle: element
        // (i, j) of row i counts in column j (a vectorisable update of the sums) and, off the
        // diagonal, in column i (a reduction over the rest of the row).
        var sums = [Self](repeating: 0, count: n)
        sums.withUnsafeMutableBufferPointer { s in
            for i in 0..<n {
                let p = a + i * rowStride
                if triangle == .upper {
                    for j in i..<n { s[j] += Swift.abs(p[j]) }
                    s[i] += sumOfMagnitudes(p + i + 1, count: n - i - 1)
                } else {
                    for j in 0...i { s[j] += Swift.abs(p[j]) }
                    s[i] += sumOfMagnitudes(p, count: i)
                }
            }
        }
        return largestPropagatingNaN(sums)
    }

    private static func largestPropagatingNaN(_ values: [Self]) -> Self {
        var best: Self = 0
        for v in values {
            if v.isNaN { return .nan }
            if v > best { best = v }
        }
        return best
    }
}

extension NACScalar {
    /// out[r] ← Σ_c a(r, c) for a strided operand (rows × columns), out contiguous.
    public static func sumRowsStrided(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>
    ) {
        for r in 0..<rows {
            let p = a.base + r * a.rowStride
            var s: Self = 0
            for c in 0..<columns { s += p[c * a.columnStride] }
            out[r] = s
        }
    }

    /// out[c] ← α Σ_r a(r, c) [+ previous] for a strided operand (rows × columns).
    public static func sumColumnsStrided(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, alpha: Self, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>
    ) {
        if a.columnStride == 1 {
            sumColumns(a.base, rows: rows, columns: columns, rowStride: a.rowStride, alpha: alpha,
                       accumulate: accumulate, into: out)
            return
        }
        for c in 0..<columns {
            var s: Self = 0
            for r in 0..<rows { s += a.base[r * a.rowStride + c * a.columnStride] }
            out[c] = accumulate ? out[c] + alpha * s : alpha * s
        }
    }
}

extension NACScalar {
    /// out[r] ← a(r, indices[r]) for each row (a has row stride `rowStride`, or 0 to repeat one row).
    public static func gatherColumns(
        _ a: UnsafePointer<Self>, rows: Int, rowStride: Int, indices: UnsafePointer<Int>,
        into out: UnsafeMutablePointer<Self>
    ) {
        for r in 0..<rows { out[r] = a[r * rowStride + indices[r]] }
    }

    /// out(r, indices[r]) += α v[r · vStride] for each row; out has `columns` columns. When
    /// `zeroFirst`, out's rows are zeroed before the scatter.
    public static func scatterColumns(
        _ v: UnsafePointer<Self>, vStride: Int, rows: Int, columns: Int, indices: UnsafePointer<Int>,
        alpha: Self, zeroFirst: Bool, into out: UnsafeMutablePointer<Self>, outRowStride: Int
    ) {
        // Zeroing contiguous rows in one pass, not one library call per (often two-element) row.
        var zeroRows = zeroFirst
        if zeroFirst && outRowStride == columns {
            out.update(repeating: 0, count: rows * columns)
            zeroRows = false
        }
        for r in 0..<rows {
            let o = out + r * outRowStride
            if zeroRows { for c in 0..<columns { o[c] = 0 } }
            o[indices[r]] += alpha * v[r * vStride]
        }
    }
}

// MARK: Conveniences (forward to the requirements with α = 1 and no derivatives)

extension NACScalar {
    @inlinable
    public static func evaluate(
        _ function: UnaryFunction, x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>
    ) {
        evaluate(function, x: x, count: count, value: y, firstDerivative: nil, secondDerivative: nil)
    }

    @inlinable
    public static func evaluate(
        _ function: UnaryFunction, x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>,
        firstDerivative d1: UnsafeMutablePointer<Self>
    ) {
        evaluate(function, x: x, count: count, value: y, firstDerivative: d1, secondDerivative: nil)
    }

    @inlinable
    public static func broadcast(
        _ op: BinaryOperator, _ a: StridedOperand<Self>, _ b: StridedOperand<Self>,
        rows: Int, columns: Int, accumulate: Bool, into out: UnsafeMutablePointer<Self>, outRowStride: Int
    ) {
        broadcast(op, a, b, rows: rows, columns: columns, alpha: 1, accumulate: accumulate, into: out,
                  outRowStride: outRowStride)
    }

    @inlinable
    public static func copy(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>, outRowStride: Int
    ) {
        copy(a, rows: rows, columns: columns, alpha: 1, accumulate: accumulate, into: out, outRowStride: outRowStride)
    }

    @inlinable
    public static func sumRows(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>, outStride: Int
    ) {
        sumRows(a, rows: rows, columns: columns, rowStride: rowStride, alpha: 1, accumulate: accumulate,
                into: out, outStride: outStride)
    }

    @inlinable
    public static func sumColumns(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>
    ) {
        sumColumns(a, rows: rows, columns: columns, rowStride: rowStride, alpha: 1, accumulate: accumulate, into: out)
    }

    @inlinable
    public static func outerProductRows(
        rows: Int, m: Int, n: Int,
        u: UnsafePointer<Self>, uRowStride: Int, v: UnsafePointer<Self>, vRowStride: Int,
        accumulate: Bool, into dst: UnsafeMutablePointer<Self>, dstRowStride: Int
    ) {
        outerProductRows(rows: rows, m: m, n: n, alpha: 1, u: u, uRowStride: uRowStride, v: v,
                         vRowStride: vRowStride, accumulate: accumulate, streaming: false, into: dst,
                         dstRowStride: dstRowStride)
    }

    @inlinable
    public static func scatterColumns(
        _ v: UnsafePointer<Self>, vStride: Int, rows: Int, columns: Int, indices: UnsafePointer<Int>,
        zeroFirst: Bool, into out: UnsafeMutablePointer<Self>, outRowStride: Int
    ) {
        scatterColumns(v, vStride: vStride, rows: rows, columns: columns, indices: indices, alpha: 1,
                       zeroFirst: zeroFirst, into: out, outRowStride: outRowStride)
    }
}
